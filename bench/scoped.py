"""Benchmark: the cost of scoped access (数据权限) on `college` — the cold scope build of a new principal,
the warm ``for_principal`` view of each request, the engine's questions unscoped (ADMIN, the baseline,
same run) against scoped (STUDENT, TEACHER, UNIT_HEAD of a 二级学院), and one GraphQL request end to end.

    .venv/bin/python -m bench.scoped [--seed 7] [--samples 100] [--gap-samples 5]
                                     [--neo4j [--skip-load] [--neo4j-samples 10] [--neo4j-gap-samples 1]]

Embedded store always; ``--neo4j`` adds the same measurements on Neo4j (NEO4J_URI or scripts/neo4j-local
with data under bench/out/neo4j), with fewer samples (each call is a Cypher round trip, explainGap of a
school target tens of seconds): it loads `college` first (minutes) unless ``--skip-load`` says the
server already holds it (as bench.load_neo4j leaves it). Table on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.testclient import TestClient

from bench.common import dataset, neo4j_uri, pct, say
from zhengai.app import create_app
from zhengai.domain.enums import Direction, Level
from zhengai.domain.models import Dataset, Subject
from zhengai.engine import Engine
from zhengai.engine.structure import Structure
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import AuthConfig, Principal, Role
from zhengai.stores import EmbeddedStore, GraphStore

AS_OF = date(2026, 11, 1)
COLD_PER_ROLE = 5  # distinct new principals per role, each a cold scope build
WARM_CALLS = 20_000
SECRET = "bench-scoped-throw-away-hs256-secret-key"  # a throw-away HS256 key for the benchmark's own tokens

NESTED = """query($id: ID!, $asOf: Date!) { goal(id: $id) { id attainment(asOf: $asOf)
  children { id attainment(asOf: $asOf) } others(asOf: $asOf) { count } } }"""


@dataclass
class Cast:
    """The principals measured: per role, the named one first, then more of its kind (cold builds)."""

    college: str  # the 二级学院 (unit) of all three
    by_role: dict[Role, list[Principal]]

    def first(self, role: Role) -> Principal:
        return self.by_role[role][0]


def label(p: Principal) -> str:
    return p.unit if Role.UNIT_HEAD in p.roles else p.subject or "-"


def pick_cast(ds: Dataset, rng: random.Random) -> Cast:
    """A 二级学院 (a unit holding majors), one of its students, one of its teachers; more of each."""
    subjects = [s for s in ds.subjects.values() if isinstance(s, Subject)]
    colleges = sorted({s.unit for s in subjects if s.level is Level.MAJOR and s.unit})
    rng.shuffle(colleges)
    college = colleges[0]

    def people(level: Level) -> list[str]:
        found = sorted(s.id for s in subjects if s.level is level and s.unit == college)
        return rng.sample(found, COLD_PER_ROLE)

    def who(role: Role, **kw: str) -> Principal:
        return Principal(f"bench-{role.value.lower()}", None, frozenset({role}), **kw)

    return Cast(college, {
        Role.STUDENT: [who(Role.STUDENT, subject=s) for s in people(Level.STUDENT)],
        Role.TEACHER: [who(Role.TEACHER, subject=t) for t in people(Level.TEACHER)],
        Role.UNIT_HEAD: [who(Role.UNIT_HEAD, unit=u) for u in colleges[:COLD_PER_ROLE]],
    })


class Gen2:
    """Counts the full (generation 2) garbage collections while it is on."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            self.count += 1

    def __enter__(self) -> Gen2:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)


def below_of(structure: Structure, goal_id: str) -> set[str]:
    """Every goal and metric below ``goal_id`` (itself included), from the engine's cached structure."""
    seen, stack = {goal_id}, [goal_id]
    while stack:
        for e in structure.children.get(stack.pop(), []):
            if e.child not in seen:
                seen.add(e.child)
                stack.append(e.child)
    return seen


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def msec(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def paired(admin: Callable[[int], object], scoped: Callable[[int], object],
           n: int) -> tuple[list[float], list[float]]:
    """Seconds of ``n`` calls each, ADMIN and scoped interleaved (sample i gets the same argument)."""
    a, s = [], []
    for i in range(n):
        for fn, out in ((admin, a), (scoped, s)) if i % 2 == 0 else ((scoped, s), (admin, a)):
            started = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - started)
    return a, s


def bench_store(name: str, engine: Engine, cast: Cast, n: int, n_gap: int, rng: random.Random) -> None:
    """Every measurement on one store: ``n`` samples per operation and caller, ``n_gap`` of explainGap."""
    started = time.perf_counter()
    engine.snapshot(AS_OF)
    say(f"{name}: full evaluation in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    engine.warnings(AS_OF)
    say(f"{name}: warnings due at {AS_OF} in {time.perf_counter() - started:.2f} s (cached per data version)")
    structure = engine.structure(AS_OF)
    goals = structure.graph.goals

    # 1. cold scope builds: the first scope of each new principal
    roles = (Role.STUDENT, Role.TEACHER, Role.UNIT_HEAD)
    print(f"\n[{name}] cold scope build: the first scope of a new principal, structure warm "
          f"({COLD_PER_ROLE} principals per role; sizes of the first)")
    print(f"{'role':10} {'principal':12} {'p50':>9} {'max':>9} {'gen2 GC':>8} {'own goals':>10} "
          f"{'visible goals':>14} {'metrics':>8} {'subjects':>9}")
    scoped: dict[Role, Engine] = {}
    for role in roles:
        seconds = []
        with Gen2() as full_gcs:
            for p in cast.by_role[role]:
                started = time.perf_counter()
                view = engine.for_principal(p)
                view.scope(AS_OF)
                seconds.append(time.perf_counter() - started)
                assert view.restricted
                scoped.setdefault(role, view)
        s = scoped[role].scope(AS_OF)
        print(f"{role.value:10} {label(cast.first(role)):12} {pct(seconds, 50):8.3f}s {max(seconds):8.3f}s "
              f"{full_gcs.count:>8} {len(s.own_goals):>10} {len(s.goals):>14} {len(s.metrics):>8} "
              f"{len(s.subjects):>9}")

    # 2. warm views: what every request of a known principal pays
    print(f"\n[{name}] warm for_principal + scope (scope cache hit), per request, {WARM_CALLS} calls")
    for role in roles:
        p = cast.first(role)
        t = [0.0] * WARM_CALLS
        for i in range(WARM_CALLS):
            started = time.perf_counter()
            engine.for_principal(p).scope(AS_OF)
            t[i] = time.perf_counter() - started
        print(f"{role.value:10} {label(p):12} p50 {us(pct(t, 50)):>10}   p99 {us(pct(t, 99)):>10}")

    # 3. the questions, ADMIN (unscoped baseline) against each scoped principal, same arguments
    common_schools = sorted(g for g in goals if goals[g].level is Level.SCHOOL
                            and all(g in v.scope(AS_OF).goals for v in scoped.values()))
    school = min(common_schools, key=lambda g: (len(below_of(structure, g)), g))
    below = below_of(structure, school)
    print(f"\n[{name}] operations, unscoped (ADMIN) vs scoped, interleaved; {n} samples "
          f"(explainGap {n_gap}); asOf {AS_OF}")
    print(f"explainGap goal: {school} ({goals[school].name}), visible to all three: "
          f"{sum(1 for x in below if x in goals)} goals, {sum(1 for x in below if x not in goals)} "
          "metrics below it")
    print(f"{'operation':22} {'role':10} {'ADMIN p50':>11} {'p99':>11} {'scoped p50':>11} {'p99':>11} "
          f"{'ratio p50':>9}")
    for role in roles:
        view = scoped[role]
        s = view.scope(AS_OF)
        own_metrics = sorted({e.child for g in s.own_goals for e in structure.children[g]
                              if e.kind == "MEASURED_BY"})
        majors = sorted(g for g in s.goals if goals[g].level is Level.MAJOR)
        metric_at = [rng.choice(own_metrics) for _ in range(n)]
        major_at = [rng.choice(majors) for _ in range(n)]
        ops: list[tuple[str, Callable[[Engine, int], object], int]] = [
            ("explainGap SCHOOL", lambda e, i: e.explain_gap(school, AS_OF, 10), n_gap),
            ("traceImpact own→SCHOOL",
             lambda e, i, m=metric_at: e.trace_impact(m[i], AS_OF, Level.SCHOOL, 20), n),
            ("graph MAJOR depth 2",
             lambda e, i, g=major_at: e.graph_view(g[i], Direction.BOTH, 2, AS_OF, False), n),
            ("goalIds (all levels)", lambda e, i: e.goal_ids(None, None, None, AS_OF), n),
            ("warnings(asOf)", lambda e, i: e.warnings(AS_OF), n),
        ]
        for op, fn, count in ops:
            say(f"  {name} {role.value} {op} ×{count}")
            if count == n:  # warm-up (not of explainGap: seconds a call, and nothing of it is cached)
                fn(engine, 0)
                fn(view, 0)
            a, sc = paired(lambda i, fn=fn: fn(engine, i), lambda i, fn=fn, v=view: fn(v, i), count)
            print(f"{op:22} {role.value:10} {msec(pct(a, 50)):>11} {msec(pct(a, 99)):>11} "
                  f"{msec(pct(sc, 50)):>11} {msec(pct(sc, 99)):>11} {pct(sc, 50) / pct(a, 50):8.2f}×")

    # 4. one GraphQL request end to end (HTTP, JWT, role gate, for_principal, resolvers, DataLoaders)
    auth = AuthConfig(secret=SECRET)
    client = TestClient(create_app(engine, store_name=name, auth=auth))
    student = scoped[Role.STUDENT].scope(AS_OF)
    major = sorted(g for g in student.goals if goals[g].level is Level.MAJOR)[0]
    tokens = {"ADMIN": auth.issue(Role.ADMIN, "bench-admin", 3600)}
    tokens |= {r.value: auth.issue(r, f"bench-{r.value.lower()}", 3600, unit=cast.first(r).unit,
                                   subject=cast.first(r).subject) for r in roles}
    body = {"query": NESTED, "variables": {"id": major, "asOf": AS_OF.isoformat()}}

    def request(who: str) -> dict:
        response = client.post("/graphql", json=body, headers={"Authorization": f"Bearer {tokens[who]}"})
        out = response.json()
        assert response.status_code == 200 and not out.get("errors"), out
        return out["data"]["goal"]

    shown = {who: request(who) for who in tokens}
    print(f"\n[{name}] GraphQL end to end (TestClient, HS256 token): goal(id: {major}) {{ attainment "
          f"children {{ id attainment }} others {{ count }} }}, {n} requests each, interleaved")
    print(f"{'caller':22} {'children':>8} {'others':>7} {'p50':>11} {'p99':>11} {'ratio p50':>9}")
    times: dict[str, list[float]] = {who: [] for who in tokens}
    for i in range(n):
        order = list(tokens) if i % 2 == 0 else list(reversed(tokens))
        for who in order:
            started = time.perf_counter()
            request(who)
            times[who].append(time.perf_counter() - started)
    base = pct(times["ADMIN"], 50)
    for who, t in times.items():
        caller = who if who == "ADMIN" else f"{who} {label(cast.first(Role(who)))}"
        others = (shown[who]["others"] or {}).get("count", 0)
        print(f"{caller:22} {len(shown[who]['children']):>8} {others:>7} {msec(pct(t, 50)):>11} "
              f"{msec(pct(t, 99)):>11} {pct(t, 50) / base:8.2f}×")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--samples", type=int, default=100, help="calls per operation and GraphQL caller")
    ap.add_argument("--gap-samples", type=int, default=5,
                    help="calls of explainGap on the SCHOOL goal (seconds each on college)")
    ap.add_argument("--neo4j", action="store_true", help="also on Neo4j (loads college unless --skip-load)")
    ap.add_argument("--skip-load", action="store_true", help="Neo4j already holds the dataset")
    ap.add_argument("--neo4j-samples", type=int, default=10, help="--samples on Neo4j")
    ap.add_argument("--neo4j-gap-samples", type=int, default=1, help="--gap-samples on Neo4j")
    args = ap.parse_args()

    folder = dataset("college", args.seed)
    started = time.perf_counter()
    ds = load_dataset(folder)
    say(f"validated {folder.name} in {time.perf_counter() - started:.1f} s")
    rng = random.Random(args.seed)
    cast = pick_cast(ds, rng)
    print(f"college (seed {args.seed}): {len(ds.goals)} goals, {len(ds.metrics)} metrics, "
          f"{len(ds.subjects)} subjects; python {sys.version.split()[0]}")
    print(f"principals: STUDENT {label(cast.first(Role.STUDENT))}, "
          f"TEACHER {label(cast.first(Role.TEACHER))}, UNIT_HEAD {cast.college} (二级学院; its sub-units: "
          f"{sum(1 for u in ds.units.values() if u.parent == cast.college)})")

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    stores: list[tuple[str, GraphStore, int, int]] = [
        ("embedded", EmbeddedStore(ds), args.samples, min(args.samples, args.gap_samples))]
    neo = None
    if args.neo4j:
        from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

        logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # an older load's missing keys
        neo = Neo4jStore(Neo4jSettings(neo4j_uri()))
        if not args.skip_load:
            say("neo4j: loading college (a few minutes) …")
            started = time.perf_counter()
            neo.load(ds, replace=True)
            say(f"neo4j: loaded in {time.perf_counter() - started:.1f} s")
        held = len(neo.goal_ids())
        if held != len(ds.goals):
            sys.exit(f"Neo4j holds {held} goals, not college's {len(ds.goals)}: run without --skip-load")
        stores.append(("neo4j", neo, args.neo4j_samples, min(args.neo4j_samples, args.neo4j_gap_samples)))
    else:
        print("neo4j: not measured (add --neo4j; --skip-load when it already holds college)")
    for name, store, n, n_gap in stores:
        bench_store(name, Engine(store), cast, n, n_gap, random.Random(args.seed))
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if neo is not None:
        neo.close()


if __name__ == "__main__":
    main()
