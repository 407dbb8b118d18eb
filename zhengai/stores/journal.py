"""The embedded store's journal: one framed, checksummed, fsync'd record per accepted write.

Each record is ``ZJ`` + the payload's length (4 bytes, little-endian) + its CRC-32 (4 bytes) + the
payload (a change set as UTF-8 JSON). A record is acknowledged only once it is on disk whole (the file
fsync'd, and the folder too when the file is new); replay reads records until the first that is not
whole — a crash can tear only the last, unacknowledged one, which is then cut off (and kept beside the
journal for inspection). Writers of several processes (a server, a CLI ingest, worker processes) take an
exclusive lock on ``journal.lock``; readers follow the file from the offset they have read.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

JOURNAL_FILE = "changes.journal"
LOCK_FILE = "journal.lock"
MAGIC = b"ZJ"
HEADER = struct.Struct("<2sII")  # magic, payload length, CRC-32 of the payload
MAX_RECORD = 1 << 30

log = logging.getLogger("zhengai.journal")


class JournalCorruptError(RuntimeError):
    """A record that is not whole with whole records after it: damage, not a torn last write."""


class Journal:
    """The framed journal of a state folder."""

    def __init__(self, state_dir: str | Path, file: str = JOURNAL_FILE):
        self.folder = Path(state_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / file
        self._lock_path = self.folder / LOCK_FILE
        self._lock_fd: int | None = None
        self._dir_synced = self.path.exists()

    # -- reading --------------------------------------------------------------------------------
    def read_from(self, offset: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
        """Whole records from ``offset`` on, each with the offset just after it; stops at the first
        record that is not (yet) whole."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
        pos = 0
        while pos + HEADER.size <= len(data):
            magic, length, crc = HEADER.unpack_from(data, pos)
            end = pos + HEADER.size + length
            if magic != MAGIC or length > MAX_RECORD or end > len(data):
                return
            payload = data[pos + HEADER.size:end]
            if zlib.crc32(payload) != crc:
                return
            yield offset + end, json.loads(payload)
            pos = end

    def size(self) -> int:
        """The journal file's size in bytes (0 before the first record)."""
        return self.path.stat().st_size if self.path.exists() else 0

    # -- writing --------------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writers' lock (exclusive across processes) and repair a torn tail first."""
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._lock_fd = fd
            self.repair()
            yield
        finally:
            self._lock_fd = None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def repair(self) -> int:
        """Cut a torn last record (left by a crash mid-write) off the file; returns the bytes cut. The
        cut bytes are kept as ``<journal>.torn-<offset>``. Call with the writers' lock held."""
        whole = 0
        for end, _ in self.read_from(0):
            whole = end
        size = self.size()
        if whole == size:
            return 0
        with open(self.path, "r+b") as handle:
            handle.seek(whole)
            tail = handle.read()
            if len(tail) > HEADER.size and _has_whole_record_after(tail):
                raise JournalCorruptError(f"{self.path}: the record at byte {whole} is damaged and whole "
                                          "records follow it; restore the journal from a backup")
            (self.folder / f"{self.path.name}.torn-{whole}").write_bytes(tail)
            handle.truncate(whole)
            handle.flush()
            os.fsync(handle.fileno())
        log.warning("journal %s: cut a torn last record of %d bytes at byte %d", self.path, len(tail), whole)
        return len(tail)

    def append(self, record: dict[str, Any]) -> int:
        """Write one record whole and fsync it (with :meth:`locked` held); returns the offset after it."""
        payload = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        frame = HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            view = memoryview(frame)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            end = os.lseek(fd, 0, os.SEEK_END)
        finally:
            os.close(fd)
        if not self._dir_synced:  # make the new file's directory entry durable too
            dfd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
            self._dir_synced = True
        return end


def _has_whole_record_after(tail: bytes) -> bool:
    """Whether a whole, valid record starts anywhere after the first byte of ``tail``."""
    pos = tail.find(MAGIC, 1)
    while pos != -1 and pos + HEADER.size <= len(tail):
        _, length, crc = HEADER.unpack_from(tail, pos)
        end = pos + HEADER.size + length
        if length <= MAX_RECORD and end <= len(tail) and zlib.crc32(tail[pos + HEADER.size:end]) == crc:
            return True
        pos = tail.find(MAGIC, pos + 1)
    return False
