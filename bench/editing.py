"""Editing `college` in place: a single edit applied (validated, journaled or committed, refreshed) and
seen by the next goal / traceImpact question, against reloading the graph (the baseline, same run);
and one batch of 1,000 changes.

    .venv/bin/python -m bench.editing [--repeat 40] [--skip-neo4j]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date

from bench.common import dataset, ms, neo4j_uri, pct, say
from zhengai.domain.changes import Upsert
from zhengai.domain.enums import Level
from zhengai.domain.models import Dataset
from zhengai.engine import Engine
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.base import GraphStore

TODAY = date.today()
NAME = "2027年度成长目标"


def student_goal(ds: Dataset, engine: Engine, writes: WriteService, rng: random.Random, n: int
                 ) -> Callable[[], None]:
    """Add a student's 年度成长目标 with a metric under their three-year goal, then ask about it."""
    three_year = [g for g in ds.goals.values()
                  if g.level is Level.STUDENT and g.subject and not g.supports[1:]]

    def edit() -> None:
        parent = rng.choice(three_year)
        goal_id = f"{parent.subject}-Y27-{n}-{rng.randrange(1 << 30)}"
        metric_id = f"M-{rng.randrange(1 << 40)}"
        writes.apply_changes([
            Upsert("Goal", goal_id, {"name": NAME, "level": "STUDENT", "subject": parent.subject,
                                     "supports": [{"goal": parent.id, "weight": 1}]}),
            Upsert("Metric", metric_id, {"name": "年度综合测评得分", "target": 90,
                                         "measures": [{"goal": goal_id, "weight": 1}]})])
        engine.goal(goal_id)
        engine.snapshot().attainment(goal_id)
        engine.trace_impact(metric_id, None, Level.SCHOOL, 20)

    return edit


def school_target(ds: Dataset, engine: Engine, writes: WriteService,
                  rng: random.Random) -> Callable[[], None]:
    """Change a school metric's target, then ask about its goal and trace it."""
    school = {g.id for g in ds.goals.values() if g.level is Level.SCHOOL}
    metrics = [m for m in ds.metrics.values() if any(link.goal in school for link in m.measures)
               and m.baseline is None and m.target > 0]

    def edit() -> None:
        m = rng.choice(metrics)
        target = m.target * rng.choice([1.01, 1.02, 0.99])
        writes.apply_changes([Upsert("Metric", m.id, {"target": target})])
        goal = m.measures[0].goal
        engine.snapshot().attainment(goal)
        engine.trace_impact(m.id, None, Level.SCHOOL, 20)

    return edit


def measure(label: str, fn: Callable[[], None], repeat: int) -> list[float]:
    fn()  # the first edit of a date splits the versions: not what a running service pays each time
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    print(f"{label:<52} p50 {ms(pct(out, 50)):>10}  p99 {ms(pct(out, 99)):>10}")
    return out


def run(name: str, ds: Dataset, open_store: Callable[[], GraphStore], repeat: int, batch: bool) -> None:
    started = time.perf_counter()
    store = open_store()
    engine = Engine(store)
    engine.snapshot()
    reload_s = time.perf_counter() - started
    print(f"[{name}] reload the graph and evaluate today (baseline): {reload_s:.2f} s")
    writes = WriteService(engine)
    rng = random.Random(7)
    add = measure(f"[{name}] add a student goal with a metric, then query",
                  student_goal(ds, engine, writes, rng, 0), repeat)
    target = measure(f"[{name}] change a school metric's target, then query",
                     school_target(ds, engine, writes, rng), repeat)
    for label, values in (("add a student goal", add), ("change a target", target)):
        print(f"[{name}] ratio reload / {label} (p50): {reload_s / pct(values, 50):,.0f}×")
    if batch:
        students = [g for g in ds.goals.values() if g.level is Level.STUDENT and g.subject][:500]
        changes = []
        for i, g in enumerate(students):
            changes.append(Upsert("Goal", f"{g.subject}-B27-{i}", {
                "name": NAME, "level": "STUDENT", "subject": g.subject,
                "supports": [{"goal": g.id, "weight": 1}]}))
            changes.append(Upsert("Metric", f"M-B27-{i}", {"name": "年度综合测评得分", "target": 90,
                                                             "measures": [{"goal": f"{g.subject}-B27-{i}"}]}))
        started = time.perf_counter()
        writes.apply_changes(changes)
        print(f"[{name}] one batch of {len(changes)} changes: {time.perf_counter() - started:.2f} s")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-neo4j", action="store_true")
    args = ap.parse_args()
    folder = dataset("college", args.seed)
    ds = load_dataset(folder)
    print(f"college (seed {args.seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics; "
          "edits effective today")
    with tempfile.TemporaryDirectory() as state:
        run("embedded", ds, lambda: EmbeddedStore(ds, state), args.repeat, batch=True)
    if not args.skip_neo4j:
        from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

        settings = Neo4jSettings(neo4j_uri())
        say("loading college into Neo4j …")
        loader = Neo4jStore(settings)
        loader.load(ds, replace=True)
        loader.close()
        run("neo4j", ds, lambda: Neo4jStore(settings), args.repeat, batch=False)


if __name__ == "__main__":
    main()
