"""Settings of 佐证材料 uploads: where files are kept, how large they may be, which types are accepted."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from zhengai.files.s3 import S3Settings
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


#: The variables of the S3-compatible bucket, by S3Settings field.
S3_VARIABLES = {"endpoint": "ZHENGAI_ATTACHMENTS_S3_ENDPOINT", "bucket": "ZHENGAI_ATTACHMENTS_S3_BUCKET",
                "access_key": "ZHENGAI_ATTACHMENTS_S3_ACCESS_KEY",
                "secret_key": "ZHENGAI_ATTACHMENTS_S3_SECRET_KEY", "region": "ZHENGAI_ATTACHMENTS_S3_REGION",
                "prefix": "ZHENGAI_ATTACHMENTS_S3_PREFIX"}


def s3_from_env() -> S3Settings | None:
    """The bucket configured by the ZHENGAI_ATTACHMENTS_S3_* variables (None without any); ValueError when
    some are set but not the bucket, or only one of the access and secret keys."""
    found = {name: os.environ.get(var, "").strip() or None for name, var in S3_VARIABLES.items()}
    if not any(found.values()):
        return None
    if not found["bucket"]:
        raise ValueError("ZHENGAI_ATTACHMENTS_S3_BUCKET is not set, but other ZHENGAI_ATTACHMENTS_S3_* "
                         "variables are: name the bucket that keeps the 佐证材料")
    if bool(found["access_key"]) != bool(found["secret_key"]):
        raise ValueError("ZHENGAI_ATTACHMENTS_S3_ACCESS_KEY and ZHENGAI_ATTACHMENTS_S3_SECRET_KEY are set "
                         "together (or neither: boto3's own credential chain)")
    return S3Settings(found["bucket"], found["endpoint"], found["access_key"], found["secret_key"],
                      found["region"], found["prefix"] or "")


@dataclass(frozen=True)
class AttachmentSettings:
    """``folder``: where files are kept (None: uploads are refused), or with ``s3`` where incoming files
    wait before they go to the bucket; ``s3``: an S3-compatible bucket that keeps the files instead
    (ZHENGAI_ATTACHMENTS_S3_*); ``max_bytes``: the size limit of one file (ZHENGAI_ATTACHMENT_MAX_BYTES);
    ``types``: the accepted extensions of :data:`TYPES` (ZHENGAI_ATTACHMENT_TYPES, comma-separated;
    default all)."""

    folder: Path | None = None
    s3: S3Settings | None = None
    max_bytes: int = field(default_factory=lambda: int(os.environ.get("ZHENGAI_ATTACHMENT_MAX_BYTES")
                                                       or MAX_BYTES))
    types: frozenset[str] = field(default_factory=lambda: _types(os.environ.get("ZHENGAI_ATTACHMENT_TYPES")))

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"ZHENGAI_ATTACHMENT_MAX_BYTES must be positive, got {self.max_bytes}")

    @property
    def kept(self) -> bool:
        """Whether files are kept at all (a folder or a bucket)."""
        return self.s3 is not None or self.folder is not None

    @classmethod
    def from_env(cls, default_folder: Path | None) -> AttachmentSettings:
        """The bucket of ZHENGAI_ATTACHMENTS_S3_* when configured; the folder ZHENGAI_ATTACHMENTS_DIR when
        set, else ``default_folder`` (beside the embedded store's journal). ValueError for a setting out
        of range."""
        configured = os.environ.get("ZHENGAI_ATTACHMENTS_DIR")
        return cls(Path(configured) if configured else default_folder, s3_from_env())
