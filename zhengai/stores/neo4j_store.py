"""The Neo4j store of record: the same interface as the embedded store, over Bolt.

Parameterised named statements only (``zhengai/queries/cypher/``); reads through the driver's
managed transactions (transient errors are retried); every traversal is one Cypher statement
and one round trip; the math stays in the engine. Observations live on each Metric node as
parallel arrays ``obsAt`` / ``obsValue`` sorted by date. The 审计日志 is kept as (:AuditEntry) nodes
outside the 诊改 graph (no :Node label): loads and replaces leave it, graph reads never see it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl

from zhengai.domain.enums import LEVEL_RANK, Direction, Level
from zhengai.domain.models import SECTIONS, Dataset, Goal, Metric, Node, Observation, Record, Task, Unit
from zhengai.domain.relations import DOWNWARD_KINDS, FLOW_KINDS, Relationship, relationships
from zhengai.engine.audit import AuditEntry
from zhengai.stores.base import MEASURED_BY, SUPPORTS, FlowEdge, FlowGraph, GraphStore, Neighbourhood
from zhengai.stores.cypher import MAX_HOPS, RELATIONSHIP_TYPES, statement
from zhengai.stores.outage import driver_options, unavailable_as_store_error

MODELS: dict[str, type[Record]] = {m.kind: m for m in SECTIONS.values()}
ALL_KINDS = list(RELATIONSHIP_TYPES)
VERSION_TTL = 1.0  # seconds a read of the data version is trusted (writes by this process bump it)
BATCH = int(os.environ.get("ZHENGAI_LOAD_BATCH", "10000"))  # rows per UNWIND statement


@dataclass(frozen=True)
class Neo4jSettings:
    """Connection settings; each falls back to NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""

    uri: str
    user: str | None = None
    password: str | None = None
    database: str = "neo4j"

    @classmethod
    def from_env(cls, uri: str | None = None) -> Neo4jSettings:
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


def _decode(kind: str, json: str) -> Node:
    return MODELS[kind].model_validate_json(json)  # type: ignore[return-value]


def _batches(rows: Sequence[dict[str, Any]], size: int = BATCH) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


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

    def __init__(self, settings: Neo4jSettings, driver: neo4j.Driver | None = None):
        self.settings = settings
        auth = (settings.user, settings.password or "") if settings.user else None
        self.driver = driver or GraphDatabase.driver(settings.uri, auth=auth, **driver_options())
        self._version: tuple[float, tuple[int, int]] | None = None
        self.ensure_schema()

    # -- plumbing ----------------------------------------------------------------------------
    def _read(self, name: str, **params: Any) -> list[neo4j.Record]:
        with unavailable_as_store_error():
            records, _, _ = self.driver.execute_query(statement(name), params, routing_=RoutingControl.READ,
                                                      database_=self.settings.database)
        return records

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes (idempotent)."""
        for name in ("schema_node_id", "schema_meta", "schema_goal_level", "schema_spiral_subject",
                     "schema_audit_seq", "schema_audit_counter"):
            self.driver.execute_query(statement(name), database_=self.settings.database)

    def close(self) -> None:
        self.driver.close()

    # -- writes ------------------------------------------------------------------------------
    @staticmethod
    def load_steps(dataset: Dataset) -> Iterator[Step]:
        """The writes of a dataset as (stage, statement, rows) batches: nodes by label (metrics carry
        their observations as ``obsAt`` ISO dates and ``obsValue``), then relationships by type."""
        series: dict[str, dict[date, float]] = defaultdict(dict)
        for o in dataset.observations:
            series[o.metric][o.at] = o.value
        for section in SECTIONS:
            rows = []
            for r in dataset.section(section).values():
                props = node_props(r)
                if r.id in series:
                    dates = sorted(series[r.id])
                    props["obsAt"] = [d.isoformat() for d in dates]
                    props["obsValue"] = [series[r.id][d] for d in dates]
                rows.append({"id": r.id, "props": props})
                if len(rows) == BATCH:
                    yield "nodes", f"merge_nodes@{r.kind}", rows
                    rows = []
            if rows:
                yield "nodes", f"merge_nodes@{SECTIONS[section].kind}", rows
        by_type: dict[str, list[dict]] = defaultdict(list)
        for rel in relationships(dataset):
            by_type[rel.kind].append({"source": rel.source, "target": rel.target, "weight": rel.weight})
        for kind, rows in by_type.items():
            for batch in _batches(rows):
                yield "relationships", f"merge_relationships@{kind}", batch

    def load(self, dataset: Dataset, replace: bool = False, progress: Progress | None = None) -> None:
        """Write a validated dataset in ONE transaction: all of it or, on any failure, nothing.

        Nodes and relationships are upserted (loading the same dataset twice changes nothing);
        with ``replace`` the existing 诊改 graph is deleted first, inside the same transaction.
        Rows are prepared in a second thread while the server writes the previous batch.
        """
        report = progress or (lambda *_: None)
        totals = {"nodes": sum(len(dataset.section(s)) for s in SECTIONS),
                  "relationships": sum(1 for _ in relationships(dataset))}

        def work(tx: ManagedTransaction) -> None:
            if replace:
                while tx.run(statement("delete_batch"), batch=BATCH).single(strict=True)["deleted"]:
                    report("deleted", 0, 0)
            done: dict[str, int] = defaultdict(int)
            for stage, name, rows in prefetch(self.load_steps(dataset)):
                tx.run(statement(name), rows=rows).consume()
                done[stage] += len(rows)
                report(stage, done[stage], totals.get(stage, done[stage]))
            tx.run(statement("meta_bump"), structure=True).consume()

        with unavailable_as_store_error(), self.driver.session(database=self.settings.database) as session:
            session.execute_write(work)
        self._version = None

    def replace(self, dataset: Dataset) -> None:
        self.load(dataset, replace=True)

    def add_observations(self, observations: Sequence[Observation], audit: AuditEntry | None = None) -> int:
        by_metric: dict[str, list[Observation]] = defaultdict(list)
        for o in observations:
            by_metric[o.metric].append(o)

        def work(tx: ManagedTransaction) -> int:
            current = {r["id"]: dict(zip(r["at"], r["value"], strict=True)) for r in
                       tx.run(statement("observation_series"), ids=list(by_metric))}
            missing = sorted(set(by_metric) - set(current))
            if missing:
                raise KeyError(f"unknown metric {missing[0]!r}")
            changed, rows = 0, []
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            for metric, items in by_metric.items():
                series, replaced = current[metric], []
                for o in items:
                    at = o.at.isoformat()
                    if series.get(at) != o.value:
                        if at in series:  # the replaced value stays in the metric's history
                            replaced.append(f"{at}={series[at]!r}@{stamp}")
                        series[at] = o.value
                        changed += 1
                dates = sorted(series)
                rows.append({"metric": metric, "at": dates, "value": [series[d] for d in dates],
                             "replaced": replaced})
            if changed:
                tx.run(statement("set_observations"), rows=rows).consume()
                tx.run(statement("meta_bump"), structure=False).consume()
            if audit is not None:  # the 审计日志 entry commits with the observations, or neither does
                tx.run(statement("append_audit"), _audit_params(audit)).consume()
            return changed

        with unavailable_as_store_error(), self.driver.session(database=self.settings.database) as session:
            changed = session.execute_write(work)
        self._version = None
        return changed

    def replaced_values(self, metric_id: str) -> list[str]:
        """The values that later observations for the same date replaced ("at=value@when")."""
        rows = self._read("replaced_values", id=metric_id)
        return list(rows[0]["replaced"]) if rows else []

    def current_values(self) -> dict[str, tuple[float | None, str, float | None, str]]:
        """What :meth:`keep_current` wrote: id → (attainment, status, coverage, as-of date)."""
        return {r["id"]: (r["attainment"], r["status"], r["coverage"], r["asOf"])
                for r in self._read("current_values")}

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) of the 诊改 graph."""
        record = self._read("counts")[0]
        return record["nodes"], record["relationships"]

    # -- reads -------------------------------------------------------------------------------
    def _versions(self) -> tuple[int, int]:
        now = time.monotonic()
        if self._version is None or now - self._version[0] > VERSION_TTL:
            record = self._read("meta_version")[0]
            self._version = (now, (record["version"], record["structureVersion"]))
        return self._version[1]

    @property
    def version(self) -> int:
        return self._versions()[0]

    @property
    def structure_version(self) -> int:
        return self._versions()[1]

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        if not ids:
            return {}
        return {r["id"]: _decode(r["kind"], r["json"]) for r in self._read("get_nodes", ids=list(ids))}

    def units(self) -> dict[str, Unit]:
        return {r["id"]: _decode(r["kind"], r["json"]) for r in self._read("units")}  # type: ignore[misc]

    def goal_ids(self, level: Level | None = None, unit_id: str | None = None) -> list[str]:
        rows = self._read("goal_ids", level=level.value if level else None, unit=unit_id)
        return [r["id"] for r in sorted(rows, key=lambda r: (LEVEL_RANK[Level(r["level"])], r["id"]))]

    def _edges(self, name: str, ids: Sequence[str], child_side: bool) -> dict[str, list[FlowEdge]]:
        out: dict[str, list[FlowEdge]] = {}
        if not ids:
            return out
        for r in self._read(name, ids=list(ids)):
            me, other, kind = r["id"], r["other"], r["kind"]
            child, parent = (me, other) if child_side else (other, me)
            out.setdefault(me, []).append(FlowEdge(child, parent, r["weight"] or 1.0, kind))
        for edges in out.values():
            edges.sort(key=lambda e: (e.child, e.parent, e.kind))
        return out

    def parent_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        return self._edges("parent_edges", ids, child_side=True)

    def child_edges(self, ids: Sequence[str]) -> dict[str, list[FlowEdge]]:
        return self._edges("child_edges", ids, child_side=False)

    def _flow(self, name: str, **params: Any) -> FlowGraph:
        graph = FlowGraph()
        pending: list[FlowEdge] = []
        for r in self._read(name, **params):
            node = _decode(r["kind"], r["json"])
            if isinstance(node, Goal):
                graph.goals[node.id] = node
                pending += [FlowEdge(node.id, p, w or 1.0, SUPPORTS) for p, w in r["supports"]]
            elif isinstance(node, Metric):
                graph.metrics[node.id] = node
                pending += [FlowEdge(node.id, g, w or 1.0, MEASURED_BY) for g, w in r["measures"]]
        inside = graph.goals.keys() | graph.metrics.keys()
        graph.edges = [e for e in pending if e.parent in inside]
        return graph.canonical()

    def ancestors(self, ids: Sequence[str]) -> FlowGraph:
        return self._flow("ancestors", ids=list(ids))

    def descendants(self, ids: Sequence[str]) -> FlowGraph:
        return self._flow("descendants", ids=list(ids))

    def flow_graph(self) -> FlowGraph:
        return self._flow("flow_graph")

    def latest_observations(self, as_of: date,
                            metric_ids: Iterable[str] | None = None) -> dict[str, tuple[date, float]]:
        if metric_ids is None:
            rows = self._read("latest_values_all", asOf=as_of.isoformat())
        else:
            rows = self._read("latest_values", asOf=as_of.isoformat(), ids=list(metric_ids))
        return {r["id"]: (date.fromisoformat(r["at"]), r["value"]) for r in rows}

    def observation_history(self, metric_ids: Sequence[str], start: date | None = None,
                            end: date | None = None) -> dict[str, list[tuple[date, float]]]:
        lo, hi = (start.isoformat() if start else ""), (end.isoformat() if end else "9999-12-31")
        out: dict[str, list[tuple[date, float]]] = {m: [] for m in metric_ids}
        for r in self._read("observation_series", ids=list(metric_ids)):
            out[r["id"]] = [(date.fromisoformat(at), v) for at, v in zip(r["at"], r["value"], strict=True)
                            if lo <= at <= hi]
        return out

    def keep_current(self, rows: Sequence[tuple[str, float | None, str, float | None]], as_of: date) -> None:
        """Write attainment, status and coverage onto the nodes (derived data: the version stays)."""
        payload = [{"id": i, "attainment": a, "status": s, "coverage": c} for i, a, s, c in rows]

        def work(tx: ManagedTransaction) -> None:
            for batch in _batches(payload):
                tx.run(statement("keep_current"), rows=batch, asOf=as_of.isoformat()).consume()

        with unavailable_as_store_error(), self.driver.session(database=self.settings.database) as session:
            session.execute_write(work)

    def spiral_events(self, subject_id: str) -> list[dict]:
        return [json.loads(r["json"]) for r in self._read("spiral_events", subject=subject_id)]

    def add_spiral_event(self, subject_id: str, event: dict, audit: AuditEntry | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(statement("add_spiral_event"), subject=subject_id,
                   json=json.dumps(event, ensure_ascii=False)).consume()
            tx.run(statement("meta_bump"), structure=False).consume()
            if audit is not None:
                tx.run(statement("append_audit"), _audit_params(audit)).consume()

        with unavailable_as_store_error(), self.driver.session(database=self.settings.database) as session:
            session.execute_write(work)
        self._version = None

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Create the (:AuditEntry) in one managed write transaction (before/after as JSON text)."""
        def work(tx: ManagedTransaction) -> int:
            return tx.run(statement("append_audit"), _audit_params(entry)).single(strict=True)["seq"]

        with unavailable_as_store_error(), self.driver.session(database=self.settings.database) as session:
            seq = session.execute_write(work)
        return dataclasses.replace(entry, seq=seq)

    def audit_entries(self, first: int, before_seq: int | None = None, operation: str | None = None,
                      actor: str | None = None) -> list[AuditEntry]:
        rows = self._read("audit_entries", first=first, before=before_seq, operation=operation, actor=actor)
        return [AuditEntry(seq=r["seq"], at=r["at"].to_native(), actor=r["actor"], actor_name=r["actorName"],
                           roles=list(r["roles"] or []), operation=r["operation"], summary=r["summary"],
                           before=None if r["before"] is None else json.loads(r["before"]),
                           after=None if r["after"] is None else json.loads(r["after"])) for r in rows]

    def tasks(self) -> dict[str, Task]:
        return {r["id"]: _decode(r["kind"], r["json"]) for r in self._read("tasks")}  # type: ignore[misc]

    def neighbourhood(self, root: str, direction: Direction, depth: int, limit: int,
                      flow_only: bool = False) -> Neighbourhood:
        kinds = sorted(FLOW_KINDS) if flow_only else ALL_KINDS
        rows = self._read(f"neighbourhood@{min(depth, MAX_HOPS)}", root=root, kinds=kinds,
                          down=sorted(DOWNWARD_KINDS), direction=direction.value, limit=limit)
        nodes: dict[str, Node] = {}
        edges: list[Relationship] = []
        total = 0
        for r in rows:
            total = r["total"]
            nodes[r["id"]] = _decode(r["kind"], r["json"])
            edges += [Relationship(r["id"], other, kind, weight) for other, kind, weight in r["out"]]
        edges.sort(key=lambda e: (e.source, e.target, e.kind))
        return Neighbourhood(nodes, edges, omitted=total - len(nodes))


def _audit_params(entry: AuditEntry) -> dict[str, Any]:
    """The parameters of append_audit.cypher (before/after as JSON text)."""
    return {"at": entry.at, "actor": entry.actor, "actorName": entry.actor_name, "roles": entry.roles,
            "operation": entry.operation, "summary": entry.summary,
            "before": None if entry.before is None else json.dumps(entry.before, ensure_ascii=False),
            "after": None if entry.after is None else json.dumps(entry.after, ensure_ascii=False)}
