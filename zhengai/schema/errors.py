"""Error shaping: user errors keep their message and get a code; anything else is masked."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from graphql.error import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import InvalidOperationTypeError

from zhengai.domain.errors import (
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    ProblemsError,
    StoreTimeoutError,
    StoreUnavailableError,
)
from zhengai.resolvers.context import RequestTimeoutError, SessionExpiredError

log = logging.getLogger("zhengai.graphql")

USER_ERRORS: dict[type[Exception], str] = {
    ConflictError: "CONFLICT",
    StoreUnavailableError: "STORE_UNAVAILABLE",
    StoreTimeoutError: "TIMEOUT",
    NotFoundError: "NOT_FOUND",
    InvalidArgumentError: "BAD_USER_INPUT",
    ForbiddenError: "FORBIDDEN",
    RequestTimeoutError: "TIMEOUT",
    SessionExpiredError: "UNAUTHENTICATED",
}


def _code(error: GraphQLError) -> str | None:
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError):
        return "TOO_MANY_TOKENS" if "tokens. Parsing aborted" in error.message else "GRAPHQL_PARSE_FAILED"
    if original is None:
        return "GRAPHQL_VALIDATION_FAILED"
    if isinstance(original, InvalidOperationTypeError):
        return "OPERATION_NOT_ALLOWED"
    if isinstance(original, GraphQLError) and not error.path:  # a variable's value of the wrong type
        return "BAD_USER_INPUT"
    for kind, code in USER_ERRORS.items():
        if isinstance(original, kind):
            return code
    return None


def _plain(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters as JSON values: lists of strings, numbers and strings (dates and enums as text)."""
    def one(v: object) -> object:
        if isinstance(v, list | tuple):
            return [one(x) for x in v]
        return v if isinstance(v, bool | int | float) else str(v)

    return {k: one(v) for k, v in params.items()}


def _details(original: Exception | None) -> dict[str, object]:
    """What a client needs to act on an error: each problem of a refused batch (its index in the batch,
    the field, the reason, and the reason's code with its params: the catalogue's ``problem`` table says
    it in words), the current version of a CONFLICT, the reason code of a FORBIDDEN change."""
    if isinstance(original, ProblemsError):
        return {"problems": [{"index": p.index, "field": p.field, "message": p.message, "code": p.code,
                              "params": _plain(p.params)} for p in original.problems]}
    if isinstance(original, ConflictError):
        return {"currentVersion": original.current, "expectedVersion": original.expected}
    if isinstance(original, ForbiddenError) and original.code:
        return {"reason": original.code, "params": _plain(original.params)}
    return {}


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
        if isinstance(error.original_error, InvalidOperationTypeError):  # a query over legacy graphql-ws
            kind = error.original_error.operation_type.value
            error.message = (f"{kind} operations are not served over the legacy graphql-ws protocol, which "
                             "carries subscriptions only: use the graphql-transport-ws protocol, or POST "
                             "/graphql for queries and mutations")
        if code is None:
            log.error("unexpected error in %s", error.path, exc_info=error.original_error)
            return True
        error.extensions = {**(error.extensions or {}), "code": code, **_details(error.original_error)}
        return False

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
