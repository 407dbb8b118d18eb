"""The Neo4j store of record: the graph, its versions, observations, events and 审计日志 in Neo4j; the
graph in memory for reading, kept current by following the database's change log.

Every write is ONE managed write transaction: it takes the graph's lock (the meta node), catches up
with change sets other replicas wrote, lets the plan validate against that state, then writes the
changed nodes (their latest record's properties for Cypher users, every version as ``timeline``), their
relationships with the dates they are in force (``validFrom``/``validTo``), observations (``obsAt`` /
``obsValue`` arrays on each metric), events, the 审计日志 entry and a change-log entry, and bumps the data
version — all of it, or on any failure nothing. Replicas (several ``serve --neo4j`` on one database)
poll the version and apply the change log. Parameterised named statements only
(``zhengai/queries/cypher/``).

Generations — loads of any size, all or nothing. Every :Node and :Event carries a ``generation``; the
meta node's ``generation`` names the current one, and every read and write names it (the mirror reads
only it, writes match ``{id, generation}``). A load never holds the graph in one transaction:

1. ``gen_begin`` (small, under the graph's lock) takes a new generation number and records it as the
   meta node's ``staging``; what earlier failed, killed or superseded loads left is deleted;
2. the new generation is written beside the current one, ``BATCH`` rows per transaction, ``WRITERS``
   transactions at once within a stage (without ``--replace`` the current generation is first copied
   into it page by page, then upserted; with ``--replace`` it is written with CREATE, having nothing to
   look up) — invisible to readers, who stay
   on the current generation; writes to the current graph meanwhile go on (and are superseded by the
   switch; the 审计日志 keeps them);
3. ``gen_switch``: ONE small transaction appends the load's 审计日志 entry and makes the new generation
   current, if the load still holds ``staging`` (a later load takes it over; the earlier then fails
   with :class:`LoadSupersededError`). Replicas see the generation change and reload whole;
4. the previous generation and the change log before the switch are deleted, a batch per transaction
   (readers are already elsewhere); a cleanup a kill interrupted is finished when a store next opens.

A load that fails deletes what it wrote; one killed at any point leaves a partial generation nobody
reads, deleted by the next load. Ids are unique per generation: a composite property uniqueness
constraint on ``(:Node).(id, generation)`` — available in Neo4j 5 Community, unlike node keys — which
also serves the ``{id, generation}`` lookups; an index on ``generation`` finds a generation to delete.
Cypher users read the current graph as ``MATCH (m:ZhengaiMeta {key: 'graph'}) MATCH (n:Node
{generation: m.generation})``; between a switch and the end of its cleanup the previous generation is
still there. A database written before generations is upgraded when a store opens (its nodes and
events join the current generation; the old id-only constraint is dropped).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl

from zhengai import texts
from zhengai.domain.allocation import collector_paused
from zhengai.domain.audit import AuditEntry
from zhengai.domain.changes import ChangeSet
from zhengai.domain.enums import LEVEL_RANK
from zhengai.domain.models import SECTIONS, Dataset, Goal, Record
from zhengai.domain.observation_table import metric_series
from zhengai.domain.relations import relationships
from zhengai.domain.spiral import STREAM as HISTORY_STREAM
from zhengai.domain.timeline import MODELS, Timeline, Version, from_json, to_json
from zhengai.stores.base import GraphStore, Plan
from zhengai.stores.cypher import statement
from zhengai.stores.memory import GraphState, timeline_relationships
from zhengai.stores.outage import check_reachable, driver_options, unavailable_as_store_error

BATCH = int(os.environ.get("ZHENGAI_LOAD_BATCH", "10000"))  # rows per UNWIND statement
WRITERS = int(os.environ.get("ZHENGAI_LOAD_WRITERS", "2"))  # a load's batches written at once


@dataclass(frozen=True)
class Neo4jSettings:
    """Connection settings; each falls back to NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""

    uri: str
    user: str | None = None
    password: str | None = None
    database: str = "neo4j"

    @classmethod
    def from_env(cls, uri: str | None = None) -> Neo4jSettings:
        """Settings from ``uri`` or NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE."""
        uri = uri or os.environ.get("NEO4J_URI")
        if not uri:
            raise ValueError("no Neo4j URI: pass --neo4j URI or set NEO4J_URI")
        return cls(uri, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"),
                   os.environ.get("NEO4J_DATABASE", "neo4j"))


_SCALARS = frozenset({str, int, float, bool, date})


def node_props(record: Record) -> dict[str, Any]:
    """Neo4j properties of a record: its scalar fields for Cypher users, and ``json`` to rebuild it."""
    props: dict[str, Any] = {"kind": record.kind, "json": record.model_dump_json(exclude_defaults=True)}
    for key, value in record.__dict__.items():
        if type(value) in _SCALARS:
            props[key] = value
        elif isinstance(value, Enum):
            props[key] = value._value_
    if isinstance(record, Goal):
        props["levelRank"] = LEVEL_RANK[record.level]
    return props


def _batches(rows: Sequence[dict[str, Any]], size: int | None = None) -> Iterator[Sequence[dict[str, Any]]]:
    size = size or BATCH
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _iso_dates() -> Callable[[int], str]:
    """ISO text of a date ordinal, remembered (a college's millions of observations share a few hundred
    dates)."""
    known: dict[int, str] = {}

    def iso(ordinal: int) -> str:
        text = known.get(ordinal)
        if text is None:
            text = known[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    return iso


Progress = Callable[[str, int, int], None]
Step = tuple[str, str, list[dict[str, Any]]]
T = TypeVar("T")


def prefetch(items: Iterator[T], depth: int = 3) -> Iterator[T]:
    """Produce ``items`` in a second thread, ``depth`` ahead of the consumer (overlaps the
    preparation of rows with the server's work on the previous batch)."""
    buffer: queue.Queue[tuple[bool, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put((True, item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put((False, None))
        except BaseException as exc:  # handed to the consumer
            buffer.put((False, exc))

    thread = threading.Thread(target=produce, name="zhengai-load-rows", daemon=True)
    thread.start()
    try:
        while True:
            more, item = buffer.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()


class Neo4jStore(GraphStore):
    """A :class:`GraphStore` over a Neo4j database (5.26 LTS or later)."""

    name = "neo4j"
    keeps_current = True

    def __init__(self, settings: Neo4jSettings, driver: neo4j.Driver | None = None):
        self.settings = settings
        self.driver = driver or self._connect()
        self._lock = threading.RLock()
        self._unreported: list[ChangeSet] = []
        self._generation = -1
        self.transaction_timeout: float | None = None  # seconds; set by the service: its request limit
        self.ensure_schema()
        self.state = GraphState()
        self.reload()

    # -- plumbing ----------------------------------------------------------------------------
    def _connect(self) -> neo4j.Driver:
        settings = self.settings
        auth = (settings.user, settings.password or "") if settings.user else None
        return GraphDatabase.driver(settings.uri, auth=auth, notifications_min_severity="OFF",
                                    **driver_options())

    def reconnect(self) -> None:
        """A driver of this process's own (in a forked worker: the parent's connections stay its own)."""
        self.driver = self._connect()

    def limit_transactions(self, seconds: float | None) -> None:
        """Give the reads and writes run for requests (not loads, reloads or the background write of the
        current values) a transaction timeout, so Neo4j itself stops a statement past the request's
        limit; a stopped one raises StoreTimeoutError (None: the server's default)."""
        self.transaction_timeout = seconds if seconds and seconds > 0 else None

    def _query(self, text: str) -> neo4j.Query:
        """A statement with the request limit as its transaction timeout."""
        return neo4j.Query(text, timeout=self.transaction_timeout)  # type: ignore[arg-type]

    def _bounded(self, work: Callable[[ManagedTransaction], T]) -> Callable[[ManagedTransaction], T]:
        """A transaction function with the request limit as its transaction timeout."""
        if self.transaction_timeout is None:
            return work
        return neo4j.unit_of_work(timeout=self.transaction_timeout)(work)

    def _read(self, name: str, **params: Any) -> list[neo4j.Record]:
        with unavailable_as_store_error():
            records, _, _ = self.driver.execute_query(self._query(statement(name)), params,
                                                      routing_=RoutingControl.READ,
                                                      database_=self.settings.database)
        return records

    def _session(self) -> neo4j.Session:
        return self.driver.session(database=self.settings.database)

    def _autocommit(self, name: str, **params: Any) -> neo4j.Record:
        """One statement in a transaction of its own (a bounded batch of a load or a cleanup); retried
        on transient errors, so every such statement is idempotent."""
        def work(tx: ManagedTransaction) -> neo4j.Record:
            return tx.run(statement(name), params).single(strict=True)

        with self._session() as session:
            return session.execute_write(work)

    def _discard(self, lo: int, hi: int, keep: int, report: Progress | None = None) -> int:
        """Delete the nodes and events of generations in [lo, hi) but ``keep``, a batch per transaction."""
        deleted = 0
        while n := self._autocommit("gen_discard", lo=lo, hi=hi, keep=keep, batch=BATCH)["deleted"]:
            deleted += n
            if report:
                report("cleanup", deleted, 0)
        return deleted

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent), upgrade a database written before
        generations, and finish the cleanup of previous generations that a killed load left."""
        for name in ("schema_drop_node_id", "schema_node_id", "schema_node_generation", "schema_meta",
                     "schema_goal_level", "schema_audit_seq", "schema_change_log", "schema_events",
                     "schema_event_generation"):
            with unavailable_as_store_error():
                self.driver.execute_query(statement(name), database_=self.settings.database)
        with unavailable_as_store_error():
            while self._autocommit("gen_stamp_legacy", batch=BATCH)["stamped"]:
                pass
            meta = self._read("meta_version")[0]
            self._discard(-1, meta["generation"], meta["generation"])

    def close(self) -> None:
        self.driver.close()

    def health(self) -> dict[str, Any]:
        try:
            check_reachable(self.driver)  # fails within the driver's connection timeout
        except Exception as exc:
            return {"ok": False, "uri": self.settings.uri, "error": type(exc).__name__}
        return {"ok": True, "uri": self.settings.uri}

    # -- the graph in memory -------------------------------------------------------------------
    def reload(self) -> None:
        """Read the whole graph into memory (under the graph's lock, so no write lands half-read)."""
        def work(tx: ManagedTransaction) -> tuple[GraphState, int]:
            meta = tx.run(statement("mirror_lock")).single(strict=True)
            nodes: list[tuple[str, Timeline]] = []
            observations = []
            for r in tx.run(statement("mirror_nodes"), generation=meta["generation"]):
                timeline = (from_json(json.loads(r["timeline"])) if r["timeline"]
                            else (Version(None, MODELS[r["kind"]].model_validate_json(r["json"])),))
                nodes.append((r["id"], timeline))
                if r["obsAt"]:
                    dates = [date.fromisoformat(d) for d in r["obsAt"]]
                    observations.append((r["id"], dates, list(r["obsValue"])))
            state = GraphState.of_timelines(nodes, observations)
            for r in tx.run(statement("mirror_events"), generation=meta["generation"]):
                state._events[(r["stream"], r["key"])].append(json.loads(r["json"]))
            state._audit = [_audit_of(r) for r in tx.run(statement("mirror_audit"))]
            state.seq = meta["version"]
            return state, meta["generation"]

        with self._lock, unavailable_as_store_error(), self._session() as session:
            state, generation = session.execute_write(work)
        self.state.replace_with(state)
        self._generation = generation

    def poll(self) -> list[ChangeSet]:
        with self._lock:
            meta = self._read("meta_version")[0]
            if meta["generation"] != self._generation:
                self.reload()
                self._unreported.append(_reload_marker(self.state.version))
            elif meta["version"] > self.state.version:
                for r in self._read("change_log", since=self.state.version):
                    self._apply_followed(r["json"])
            out, self._unreported = self._unreported, []
            return out

    def _apply_followed(self, payload: str) -> None:
        changes = ChangeSet.from_json(json.loads(payload))
        if changes.seq <= self.state.version:
            return
        self.state.apply(changes)
        self._unreported.append(changes)

    # -- writes ------------------------------------------------------------------------------
    def commit(self, plan: Plan) -> list[ChangeSet]:
        with self._lock:
            planned: list[ChangeSet] = []

            def work(tx: ManagedTransaction) -> None:
                planned.clear()
                meta = tx.run(statement("mirror_lock")).single(strict=True)
                if meta["generation"] != self._generation:
                    raise _Reloaded
                if meta["version"] > self.state.version:
                    for r in tx.run(statement("change_log"), since=self.state.version):
                        self._apply_followed(r["json"])
                changes = plan(self.state)
                changes.seq = meta["version"] + 1
                changes.audit = dataclasses.replace(changes.audit, seq=changes.seq)
                self._write(tx, changes)
                planned.append(changes)

            while True:
                try:
                    with unavailable_as_store_error(), self._session() as session:
                        session.execute_write(self._bounded(work))
                    break
                except _Reloaded:
                    self.reload()
                    self._unreported.append(_reload_marker(self.state.version))
            changes = planned[0]
            self.state.apply(changes)
            out, self._unreported = [*self._unreported, changes], []
            return out

    def _write(self, tx: ManagedTransaction, changes: ChangeSet) -> None:
        """Everything of one change set, inside its transaction, in one statement (one round trip)."""
        params = {"nodes": self._node_rows(changes.nodes), "ids": sorted(changes.nodes),
                  "relationships": [{"source": r.source, "target": r.target, "kind": r.kind,
                                     "weight": r.weight, "start": r.start, "end": r.end}
                                    for t in changes.nodes.values() for r in timeline_relationships(t)],
                  "observations": self._observation_rows(changes),
                  "events": [{"stream": e.stream, "key": e.key, "pos": i,
                              "json": json.dumps(e.payload, ensure_ascii=False)}
                             for i, e in enumerate(changes.events)],
                  "json": json.dumps(changes.to_json(), ensure_ascii=False), "generation": self._generation,
                  **_audit_params(changes.audit)}
        tx.run(statement("write_changes"), params).consume()

    def _node_rows(self, nodes: dict[str, Timeline]) -> list[dict[str, Any]]:
        """Each changed node's properties: its latest record's scalars and json, every version as
        ``timeline`` when it has more than one, and a metric's observations."""
        rows = []
        for node_id, timeline in nodes.items():
            latest = next((v.record for v in reversed(timeline) if v.record is not None), None)
            if latest is None:
                continue
            props = node_props(latest)
            if len(timeline) > 1 or timeline[0].start is not None:
                props["timeline"] = json.dumps(to_json(timeline), ensure_ascii=False)
                retired = timeline[-1]
                props["retiredFrom"] = retired.start if retired.record is None else None
                props["validFrom"] = timeline[0].start
            series = self.state.observation_history([node_id]).get(node_id, [])
            if series:
                props["obsAt"] = [d.isoformat() for d, _ in series]
                props["obsValue"] = [v for _, v in series]
            rows.append({"id": node_id, "label": latest.kind,
                         "props": {k: v for k, v in props.items() if v is not None}})
        return rows

    def _observation_rows(self, changes: ChangeSet) -> list[dict[str, Any]]:
        """Each touched metric's whole series after the change (replaced values kept in its history)."""
        by_metric: dict[str, list] = defaultdict(list)
        for o in changes.observations:
            by_metric[o.metric].append(o)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        held = self.state.observation_history(sorted(by_metric))
        rows = []
        for metric, items in by_metric.items():
            series = {d.isoformat(): v for d, v in held.get(metric, [])}
            replaced = []
            for o in items:
                at = o.at.isoformat()
                if at in series and series[at] != o.value:  # the replaced value stays in the metric's history
                    replaced.append(f"{at}={series[at]!r}@{stamp}")
                series[at] = o.value
            dates = sorted(series)
            rows.append({"metric": metric, "at": dates, "value": [series[d] for d in dates],
                         "replaced": replaced})
        return rows

    # -- loads -----------------------------------------------------------------------------------
    @staticmethod
    def load_steps(dataset: Dataset) -> Iterator[Step]:
        """The writes of a dataset as (stage, statement, rows) batches: nodes by label (metrics carry
        their observations as ``obsAt`` ISO dates and ``obsValue``), then relationships by type, then the
        8字螺旋 history as events."""
        series = {m: (dates, values) for m, dates, values in metric_series(dataset.observations)}
        iso = _iso_dates()
        for section in SECTIONS:
            rows = []
            for r in dataset.section(section).values():
                props = node_props(r)
                if r.id in series:
                    dates, values = series[r.id]
                    props["obsAt"] = [iso(d) for d in dates.tolist()]
                    props["obsValue"] = values.tolist()
                rows.append({"id": r.id, "props": props})
                if len(rows) == BATCH:
                    yield "nodes", f"merge_nodes@{r.kind}", rows
                    rows = []
            if rows:
                yield "nodes", f"merge_nodes@{SECTIONS[section].kind}", rows
        by_type: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
        for rel in relationships(dataset):  # distinct; the last weight of a repeated link wins, as MERGE's
            by_type[rel.kind][rel.source, rel.target] = rel.weight
        for kind, links in by_type.items():
            rows = [{"source": s, "target": t, "weight": w} for (s, t), w in links.items()]
            for batch in _batches(rows):
                yield "relationships", f"merge_relationships@{kind}", batch
        history = [{"stream": HISTORY_STREAM, "key": key, "pos": i,
                    "json": json.dumps(event, ensure_ascii=False)}
                   for i, (key, event) in enumerate(dataset.history)]
        for batch in _batches(history):
            yield "events", "load_history", batch

    def load(self, dataset: Dataset, replace: bool = False, progress: Progress | None = None,
             audit: AuditEntry | None = None, cleanup: bool = True) -> int:
        """Write a validated dataset as a new generation with its 审计日志 entry: all of it or, on any
        failure, nothing; returns the new data version.

        The new generation is written beside the current one in bounded transactions (``BATCH`` rows
        each, ``WRITERS`` at once; rows are prepared in another thread while the server writes), then
        ONE small transaction appends the 审计日志 entry and makes it the current generation. Until then
        every reader and writer sees the previous graph; a failure deletes what was written, and what a
        killed load left is deleted by the next load. Without ``replace`` the current graph (nodes,
        relationships, events) is first copied into the new generation and the dataset upserted onto it
        (loading the same dataset twice changes nothing); with ``replace`` the new generation holds the
        dataset alone. After the switch, with ``cleanup``, the previous generation and the change log
        are deleted in batches (the graph is already served from the new one); every server following
        the database reloads the new generation whole.
        """
        report = progress or (lambda *_: None)
        totals = {"nodes": sum(len(dataset.section(s)) for s in SECTIONS),
                  "relationships": sum(1 for _ in relationships(dataset))}
        entry = audit or AuditEntry.of(None, "load", texts.say("audit.load_nodes", nodes=totals["nodes"]))
        with self._lock, unavailable_as_store_error(), collector_paused():  # (rows of every record at once)
            begin = self._autocommit("gen_begin")
            current, staging = begin["generation"], begin["staging"]
            self._discard(-1, staging, current, report)  # what failed, killed or superseded loads left
            try:
                if not replace:
                    self._copy_current(current, staging, sorted({key for key, _ in dataset.history}), report)
                self._write_steps(self.load_steps(dataset), staging, replace, totals, report)
                seq = self._switch(staging, entry)
            except BaseException:
                with contextlib.suppress(Exception):  # else the next load deletes it
                    self._discard(staging, staging + 1, current)
                raise
            report("switch", 1, 1)
        self.reload()
        report("reload", 1, 1)
        if cleanup:
            self.cleanup(report)
        return seq

    def cleanup(self, progress: Progress | None = None) -> int:
        """Delete the generations before the current one and the change sets of the previous generation,
        a batch per transaction (readers are on the current generation: nothing they see changes)."""
        with unavailable_as_store_error():
            meta = self._read("meta_version")[0]
            deleted = self._discard(-1, meta["generation"], meta["generation"], progress)
            while self._autocommit("clear_change_log", seq=meta["version"], batch=BATCH)["deleted"]:
                pass
        return deleted

    def _write_steps(self, steps: Iterator[Step], generation: int, replace: bool, totals: dict[str, int],
                     report: Progress) -> None:
        """Write a load's batches into ``generation``, ``WRITERS`` transactions at once within a stage (the
        batches of a stage touch distinct new nodes; relationships lock their end nodes at commit, in a
        sorted order, and a transient deadlock is retried), a stage's batches all committed before the
        next stage starts; progress is reported as batches commit. On any failure the batches still
        being written finish or fail before the error is raised (so nothing is written afterwards)."""
        done: dict[str, int] = defaultdict(int)
        pending: dict[Future[None], tuple[str, int]] = {}

        def settle(most: int) -> None:
            while len(pending) > most:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    stage, n = pending.pop(future)
                    future.result()
                    done[stage] += n
                    report(stage, done[stage], totals.get(stage, done[stage]))

        with ThreadPoolExecutor(max(WRITERS, 1), thread_name_prefix="zhengai-load-write") as pool:
            try:
                current = None
                for stage, name, rows in prefetch(steps):
                    if stage != current:
                        settle(0)
                        current = stage
                    if replace:  # the new generation is empty: CREATE without looking up first
                        name = name.replace("merge_nodes@", "create_nodes@").replace(
                            "merge_relationships@", "create_relationships@")
                    pending[pool.submit(self._write_batch, name, rows=rows, generation=generation)] = (
                        stage, len(rows))
                    settle(max(WRITERS, 1) - 1)
                settle(0)
            except BaseException:
                for future in pending:
                    future.cancel()
                wait(pending)
                raise

    def _write_batch(self, name: str, **params: Any) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(statement(name), params).consume()

        with self._session() as session:
            session.execute_write(work)

    def _copy_current(self, current: int, staging: int, history_keys: list[str], report: Progress) -> None:
        """A load without --replace: the current generation's nodes, relationships and events (but the
        8字螺旋 history the dataset brings anew) into the new one, a page per transaction."""
        for name, stage in (("gen_copy_nodes", "copy nodes"), ("gen_copy_relationships", "copy links")):
            after, copied = "", 0
            while True:
                page = self._autocommit(name, **{"from": current}, to=staging, after=after, batch=BATCH)
                if not page["copied"]:
                    break
                after, copied = page["last"], copied + page["copied"]
                report(stage, copied, 0)
        after = ""
        while (page := self._autocommit("gen_copy_events", **{"from": current}, to=staging, after=after,
                                        keys=history_keys, batch=BATCH))["copied"]:
            after = page["last"]

    def _switch(self, staging: int, entry: AuditEntry) -> int:
        """The one small transaction that makes ``staging`` the current generation, with the 审计日志
        entry; fails (and writes nothing) if a later load took over."""
        def work(tx: ManagedTransaction) -> int:
            meta = tx.run(statement("mirror_lock")).single(strict=True)
            seq = meta["version"] + 1
            tx.run(statement("append_audit"), _audit_params(dataclasses.replace(entry, seq=seq))).consume()
            if tx.run(statement("gen_switch"), staging=staging, seq=seq).single() is None:
                raise LoadSupersededError("a later load took over the graph; this one is discarded")
            return seq

        with self._session() as session:
            return session.execute_write(work)

    def keep_current(self, rows: Sequence[tuple[str, float | None, str, float | None]], as_of: date) -> None:
        """Write attainment, status and coverage onto the nodes (derived data: the version stays), a
        batch per transaction."""
        payload = [{"id": i, "attainment": a, "status": s, "coverage": c} for i, a, s, c in rows]
        with self._lock, unavailable_as_store_error():  # one thread at a time
            for batch in _batches(payload):
                self._write_batch("keep_current", rows=batch, asOf=as_of.isoformat(),
                                  generation=self._generation)

    # -- for tests, tools and Cypher users -------------------------------------------------------
    def current_values(self) -> dict[str, tuple[float | None, str, float | None, str]]:
        """What :meth:`keep_current` wrote: id → (attainment, status, coverage, as-of date)."""
        return {r["id"]: (r["attainment"], r["status"], r["coverage"], r["asOf"])
                for r in self._read("current_values")}

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) of the 诊改 graph."""
        record = self._read("counts")[0]
        return record["nodes"], record["relationships"]

    def replaced_values(self, metric_id: str) -> list[str]:
        """The values that later observations for the same date replaced ("at=value@when")."""
        records = self._read("replaced_values", id=metric_id)
        return list(records[0]["replaced"]) if records else []


class LoadSupersededError(RuntimeError):
    """A load started after this one took the graph over: this one's generation is discarded."""


class _Reloaded(Exception):
    """The database holds a new generation (a load): reload before writing."""


def _reload_marker(version: int) -> ChangeSet:
    """What poll and commit report after reloading a new generation: every cache starts afresh."""
    return ChangeSet(audit=AuditEntry.of(None, "reload", texts.say("audit.reload")), seq=version, reload=True)


def _audit_of(r: neo4j.Record) -> AuditEntry:
    return AuditEntry(seq=r["seq"], at=r["at"].to_native(), actor=r["actor"], actor_name=r["actorName"],
                      roles=list(r["roles"] or []), operation=r["operation"], summary=r["summary"],
                      before=None if r["before"] is None else json.loads(r["before"]),
                      after=None if r["after"] is None else json.loads(r["after"]))


def _audit_params(entry: AuditEntry) -> dict[str, Any]:
    """The parameters of append_audit.cypher (before/after as JSON text)."""
    return {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "actorName": entry.actor_name,
            "roles": entry.roles, "operation": entry.operation, "summary": entry.summary,
            "before": None if entry.before is None else json.dumps(entry.before, ensure_ascii=False),
            "after": None if entry.after is None else json.dumps(entry.after, ensure_ascii=False)}
