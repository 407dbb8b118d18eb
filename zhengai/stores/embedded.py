"""The embedded store (the default): a dataset folder as the base, the graph in memory, and a journal
of every accepted write in a state folder, replayed at start and followed while serving."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from zhengai import texts
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet, Event
from zhengai.domain.models import Dataset, ObservedValue
from zhengai.stores.base import GraphStore, Plan
from zhengai.stores.journal import Journal
from zhengai.stores.memory import GraphState

log = logging.getLogger("zhengai.embedded")

#: The state files of earlier versions (one JSON line each), migrated into the journal once.
LEGACY_FILES = ("audit.jsonl", "observations.jsonl", "spiral.jsonl")


class EmbeddedStore(GraphStore):
    """The graph of a dataset in memory; with ``state_dir``, every write is journaled there first.

    ``dataset`` is the validated dataset, or the graph already built from it (``GraphState.of_dataset``,
    as the dataset cache keeps it: :mod:`zhengai.graph_loader.dataset_cache`), which the store then owns.
    """

    name = "embedded"

    def __init__(self, dataset: Dataset | GraphState, state_dir: str | Path | None = None):
        self.state = dataset if isinstance(dataset, GraphState) else GraphState.of_dataset(dataset)
        self.journal = Journal(state_dir) if state_dir is not None else None
        self._offset = 0
        self._lock = threading.Lock()
        self._unreported: list[ChangeSet] = []
        self.skipped = 0  # journaled observations of metrics the dataset no longer has
        if self.journal is not None:
            _migrate_legacy(self.journal)
            with self.journal.locked():  # cuts a torn last record; refuses a damaged journal
                pass
            self.poll()
            self._unreported.clear()

    @property
    def replayed(self) -> int:
        """How many change sets were applied from the journal."""
        return self.state.version

    def commit(self, plan: Plan) -> list[ChangeSet]:
        with self._lock:
            journal = self.journal
            if journal is None:
                return [*self._take(), self._record(plan, None)]
            with journal.locked():
                self._catch_up()
                changes = self._record(plan, journal)
            return [*self._take(), changes]

    def _record(self, plan: Plan, journal: Journal | None) -> ChangeSet:
        changes = plan(self.state)
        seq = self.state.version + 1
        changes.seq = seq
        changes.audit = replace(changes.audit, seq=seq)
        if journal is not None:
            self._offset = journal.append(changes.to_json())  # acknowledged once this returns
        self.state.apply(changes)
        return changes

    def poll(self) -> list[ChangeSet]:
        with self._lock:
            if self.journal is not None and self.journal.size() != self._offset:
                self._catch_up()
            return self._take()

    def behind(self) -> bool:
        return self.journal is not None and self.journal.size() != self._offset

    def _take(self) -> list[ChangeSet]:
        out, self._unreported = self._unreported, []
        return out

    def _catch_up(self) -> None:
        """Apply the records other processes appended since the last look."""
        assert self.journal is not None
        for end, row in self.journal.read_from(self._offset):
            changes = ChangeSet.from_json(row)
            known = [o for o in changes.observations if self.state.kind_of(o.metric) == "Metric"]
            if len(known) < len(changes.observations):
                self.skipped += len(changes.observations) - len(known)
                changes.observations = known
            self.state.apply(changes)
            self._unreported.append(changes)
            self._offset = end
        if self.skipped:
            log.warning("%d journaled observations name metrics this dataset lacks; skipped", self.skipped)

    def health(self) -> dict[str, object]:
        if self.journal is None:
            return {"ok": True}
        writable = self.journal.folder.exists() and _writable(self.journal.folder)
        return {"ok": writable, "journal": str(self.journal.path), "writable": writable}


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)


def _migrate_legacy(journal: Journal) -> None:
    """Turn an earlier version's state files (audit, observations and 8字螺旋 JSON lines) into journal
    records, once; the old files are renamed ``*.migrated``."""
    found = {name: journal.folder / name for name in LEGACY_FILES if (journal.folder / name).exists()}
    if not found or journal.size():
        return

    def rows(name: str) -> list[dict]:
        path = found.get(name)
        if path is None:
            return []
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    with journal.locked():
        seq = 0
        for row in rows("audit.jsonl"):
            seq += 1
            entry = replace(AuditEntry.from_row(row), seq=seq)
            journal.append(ChangeSet(audit=entry, seq=seq).to_json())
        observations = [ObservedValue(r["metric"], date.fromisoformat(r["at"]), float(r["value"]),
                                      r.get("source")) for r in rows("observations.jsonl")]
        events = [Event("spiral", r["subject"], r["event"]) for r in rows("spiral.jsonl")]
        if observations or events:
            seq += 1
            summary = texts.say("audit.migrate", observations=len(observations), events=len(events))
            entry = AuditEntry.of(None, "migrate", summary,
                                  after={"observations": len(observations), "events": len(events)})
            journal.append(ChangeSet(audit=replace(entry, seq=seq), observations=observations, events=events,
                                     seq=seq).to_json())
    for path in found.values():
        path.rename(path.with_name(path.name + ".migrated"))
