"""Settings of 佐证材料 uploads: where files are kept, how large they may be, which types are accepted."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from zhengai.files.sniff import TYPES

#: Default size limit of one file: 20 MB.
MAX_BYTES = 20 * 1024 * 1024


def _types(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset(TYPES)
    wanted = {t.strip().lower().lstrip(".") for t in text.split(",") if t.strip()}
    unknown = wanted - set(TYPES)
    if unknown:
        raise ValueError(f"ZHENGAI_ATTACHMENT_TYPES: unknown type(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(TYPES)}")
    return frozenset(wanted)


@dataclass(frozen=True)
class AttachmentSettings:
    """``folder``: where files are kept (None: uploads are refused); ``max_bytes``: the size limit of one
    file (ZHENGAI_ATTACHMENT_MAX_BYTES); ``types``: the accepted extensions of :data:`TYPES`
    (ZHENGAI_ATTACHMENT_TYPES, comma-separated; default all)."""

    folder: Path | None = None
    max_bytes: int = field(default_factory=lambda: int(os.environ.get("ZHENGAI_ATTACHMENT_MAX_BYTES")
                                                       or MAX_BYTES))
    types: frozenset[str] = field(default_factory=lambda: _types(os.environ.get("ZHENGAI_ATTACHMENT_TYPES")))

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"ZHENGAI_ATTACHMENT_MAX_BYTES must be positive, got {self.max_bytes}")

    @classmethod
    def from_env(cls, default_folder: Path | None) -> AttachmentSettings:
        """ZHENGAI_ATTACHMENTS_DIR when set, else ``default_folder`` (beside the embedded store's
        journal)."""
        configured = os.environ.get("ZHENGAI_ATTACHMENTS_DIR")
        return cls(Path(configured) if configured else default_folder)
