"""The propagation engine (design.md §2): attainment, sensitivities, gaps and simulation, and the one
write path. It reads the store's state in memory and never imports the GraphQL layer."""

from zhengai.domain.errors import ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError
from zhengai.engine.engine import Engine

__all__ = ["ConflictError", "Engine", "ForbiddenError", "InvalidArgumentError", "NotFoundError"]
