"""The errors of the domain, shared by the stores, the engine and the API (which maps them to codes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic_core import PydanticCustomError


class NotFoundError(LookupError):
    """An id that names no node of the expected kind (or one the caller may not see)."""

    def __init__(self, kind: str, node_id: str):
        self.kind, self.node_id = kind, node_id
        super().__init__(f"unknown {kind} id {node_id!r}")


class InvalidArgumentError(ValueError):
    """An argument outside its allowed range."""


class ForbiddenError(PermissionError):
    """A change the caller's scope does not allow (on something the caller may see); ``code`` names the
    reason (a key of the catalogue's ``forbidden`` table) and ``params`` fill in its words."""

    def __init__(self, message: str, code: str | None = None, **params: object):
        super().__init__(message)
        self.code, self.params = code, params


class ConflictError(RuntimeError):
    """A write that expected another data version than the current one (an editor's stale view)."""

    def __init__(self, expected: int, current: int):
        self.expected, self.current = expected, current
        super().__init__(f"the graph changed since version {expected}: it is at version {current}; "
                         "reload and apply your changes again")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a batch: the change's index in the batch, the field and the reason; ``code``
    names the reason for clients (a key of the catalogue's ``problem`` table: UNKNOWN_ID, CYCLE, LEVEL,
    REQUIRED, DEPENDANTS, NO_SUCH_LINK …) and ``params`` are the values its words need."""

    index: int | None
    field: str | None
    message: str
    code: str = "INVALID"
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        where = "" if self.index is None else f"changes[{self.index}]"
        if self.field:
            where = f"{where}.{self.field}" if where else self.field
        return f"{where}: {self.message}" if where else self.message


class ProblemsError(InvalidArgumentError):
    """A refused batch: every problem found, located; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:10])
        more = f"; … {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} problem(s), nothing was changed: {shown}{more}")


def rule_error(code: str, message: str, **params: object) -> PydanticCustomError:
    """A broken rule inside a model validator, with its stable code: ``message`` names the ``params`` as
    ``{name}`` (pydantic fills them in; the error's ``type`` is ``code`` and its ``ctx`` the params)."""
    return PydanticCustomError(code, message, params)


class StoreUnavailableError(RuntimeError):
    """The store of record cannot be reached (Neo4j down): answered with 503, retried by the caller."""


class StoreTimeoutError(TimeoutError):
    """The store of record stopped a statement run for a request at the request's time limit."""
