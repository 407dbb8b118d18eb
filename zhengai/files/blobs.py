"""Content-addressed file storage: every file kept once under its sha256 in a folder (``ab/cdef…``).

A file is written while it streams in (to a temporary file in the same folder, hashed on the way),
fsync'd, then renamed to its address: a crash leaves at most a temporary file, never a torn blob. Several
servers may share the folder (the same content has the same address).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

TMP = "tmp"
SHA256_HEX = 64


class TooLarge(Exception):
    """A file went over the size limit while it was written (it is discarded)."""


@dataclass(frozen=True)
class Stored:
    """A file kept: its address and size."""

    sha256: str
    size: int
    path: Path


class BlobFolder:
    """The folder of files kept by content."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path_of(self, sha256: str) -> Path:
        """Where the file with ``sha256`` is (ValueError for a malformed address)."""
        if len(sha256) != SHA256_HEX or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 address: {sha256!r}")
        return self.folder / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        """Whether the file with ``sha256`` is kept."""
        return self.path_of(sha256).is_file()

    def writer(self, max_bytes: int) -> BlobWriter:
        """A writer for one incoming file of at most ``max_bytes``."""
        tmp = self.folder / TMP
        tmp.mkdir(parents=True, exist_ok=True)
        return BlobWriter(self, tmp / f"{uuid.uuid4().hex}.part", max_bytes)


class BlobWriter:
    """One file streaming in: :meth:`write` chunks, then :meth:`keep` it (or :meth:`discard` it)."""

    def __init__(self, blobs: BlobFolder, path: Path, max_bytes: int):
        self.blobs, self.path, self.max_bytes = blobs, path, max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._file = path.open("wb")

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``; TooLarge (the file discarded) once the size limit is passed."""
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            raise TooLarge(self.max_bytes)
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> Path:
        """Close the temporary file (synced to disk) and return its path, for sniffing before keeping it."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        return self.path

    def keep(self) -> Stored:
        """Move the finished file to its address (a file already kept there stays) and return it."""
        self.finish()
        sha = self._hash.hexdigest()
        target = self.blobs.path_of(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            self.path.unlink(missing_ok=True)
        else:
            os.replace(self.path, target)
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)  # the rename reaches the disk before the metadata is recorded
            finally:
                os.close(fd)
        return Stored(sha, self.size, target)

    def discard(self) -> None:
        """Drop the temporary file."""
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)
