"""Error shaping: user errors keep their message and get a code; anything else is masked."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from zhengai.domain.errors import StoreUnavailableError
from zhengai.engine import ForbiddenError, InvalidArgumentError, NotFoundError
from zhengai.resolvers.context import RequestTimeoutError

log = logging.getLogger("zhengai.graphql")

USER_ERRORS: dict[type[Exception], str] = {
    NotFoundError: "NOT_FOUND",
    InvalidArgumentError: "BAD_USER_INPUT",
    ForbiddenError: "FORBIDDEN",
    RequestTimeoutError: "TIMEOUT",
    StoreUnavailableError: "STORE_UNAVAILABLE",  # not the caller's fault, but expected: answered with 503
}


def _code(error: GraphQLError) -> str | None:
    original = error.original_error
    if original is None:
        return "GRAPHQL_VALIDATION_FAILED"
    for kind, code in USER_ERRORS.items():
        if isinstance(original, kind):
            return code
    return None


def is_user_error(error: GraphQLError) -> bool:
    """Errors caused by the request itself (bad query, unknown id, bad argument)."""
    return _code(error) is not None


class ErrorCodes(MaskErrors):
    """Adds ``extensions.code``; masks unexpected errors (no stack traces, no store details)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected, error_message="Internal server error")

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        if error.original_error is None and (error.extensions or {}).get("code"):
            return False  # already classified (e.g. FORBIDDEN by the policy)
        code = _code(error)
        if code is None:
            log.error("unexpected error in %s", error.path, exc_info=error.original_error)
            return True
        error.extensions = {**(error.extensions or {}), "code": code}
        return False

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
