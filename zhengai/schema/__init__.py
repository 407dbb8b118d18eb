"""The GraphQL schema (strawberry): types, the root query and the exported SDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry
from graphql.error import GraphQLError

SDL_PATH = Path(__file__).with_name("schema.graphql")


class Schema(strawberry.Schema):
    """Logs only unexpected errors; user errors (unknown ids, bad arguments) are not noise."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        from zhengai.schema.errors import is_user_error

        super().process_errors([e for e in errors if not is_user_error(e)], execution_context)


def build_schema() -> strawberry.Schema:
    """The schema with its limits (their parse and validation cache built once, here: they dominate small
    queries), the role gate and error codes."""
    from zhengai.resolvers.mutation import Mutation
    from zhengai.resolvers.query import Query
    from zhengai.resolvers.subscription import Subscription
    from zhengai.schema.errors import ErrorCodes
    from zhengai.schema.limits import Limits
    from zhengai.security.policy import Authorize

    extensions = [*Limits().extensions(), Authorize, ErrorCodes]
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
