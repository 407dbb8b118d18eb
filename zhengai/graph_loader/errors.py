"""Located dataset errors: every problem names its file, line and reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class LocatedError:
    """One problem of a dataset, printed as ``file:line: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DatasetError(Exception):
    """Raised when a dataset has any error; nothing of it is loaded."""

    def __init__(self, errors: list[LocatedError]):
        self.errors = sorted(errors)
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n… and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} error(s) in dataset:\n{shown}{more}")
