"""The propagation engine (design.md §2): attainment, sensitivities, gaps and simulation.

It reads through the store interface and never imports the GraphQL layer.
"""

from zhengai.engine.service import Engine, ForbiddenError, InvalidArgumentError, NotFoundError

__all__ = ["Engine", "ForbiddenError", "InvalidArgumentError", "NotFoundError"]
