"""The embedded store's durable observation journal: an append-only JSON-lines file, fsync'd.

Every accepted ingest is appended (one line per observation, with when it was recorded) and
flushed to disk before the call returns; at start the journal is replayed over the dataset, so
ingested data survives a restart or a ``kill -9``. Replaced values stay in the journal: it is the
history. A torn last line (a crash mid-write) is cut off on open.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from zhengai.domain.models import ObservedValue

JOURNAL_FILE = "observations.jsonl"
SPIRAL_FILE = "spiral.jsonl"
AUDIT_FILE = "audit.jsonl"  # the 审计日志 (zhengai.engine.audit), one entry a line


class ObservationJournal:
    """Append-only, fsync'd record of ingested observations under a state folder (and, beside it,
    of the 8字螺旋 events: stage changes and improvement measures, and of the 审计日志)."""

    def __init__(self, state_dir: str | Path, file: str = JOURNAL_FILE):
        self.folder = Path(state_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / file
        self._repair()

    def _repair(self) -> None:
        """Cut a torn last line left by a crash in the middle of an append."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as handle:
                handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())

    def append(self, observations: Sequence[ObservedValue]) -> None:
        """Write and fsync ``observations`` (the caller has validated them)."""
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self.append_rows([{"metric": o.metric, "at": o.at.isoformat(), "value": o.value, "source": o.source,
                           "recorded": stamp} for o in observations])

    def append_rows(self, rows: Sequence[dict]) -> None:
        """Write and fsync JSON rows, one a line."""
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())
        if not hasattr(self, "_dir_synced"):  # make the new file's directory entry durable too
            fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self._dir_synced = True

    def rows(self) -> list[dict]:
        """Every row, oldest first."""
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]

    def replay(self) -> list[ObservedValue]:
        """Every journaled observation, oldest first (later lines replace earlier ones)."""
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                out.append(ObservedValue(row["metric"], date.fromisoformat(row["at"]), float(row["value"]),
                                         row.get("source")))
        return out
