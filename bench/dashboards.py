"""Benchmark: the 驾驶舱 and 画像 questions on `college` (embedded store), and with ``--browser`` the pages'
first paint and interactions in Chromium against the explorer (the baseline, same run).

    .venv/bin/python -m bench.dashboards [--seed 7] [--samples 200] [--browser [--visits 5]]

Engine part: ``searchGoals`` (exact id, prefix, Chinese substring; unscoped and as a student, a teacher and a
二级学院's head) against a plain scan of every goal's id and name (the baseline a client without the
index would do); ``warningSummary`` first call (counting) and repeated (kept per data version) against
counting the whole warnings list; ``portrait`` of a 专业, 课程, 教师 and 学生 (cold index, then warm) and
``subjectStandings``. Browser part: ``zhengai serve --data`` college, then per visit a fresh page: /dashboard
until its board is drawn (charts ready) and / until the matrix and warnings are ready; a search typed in
the 驾驶舱 until its hits show. Table on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

from bench.common import ROOT, dataset, ms, pct, say
from zhengai.domain.enums import Level
from zhengai.engine import Engine, dashboards, portraits, search
from zhengai.graph_loader import load_dataset
from zhengai.security.tokens import Principal, Role
from zhengai.stores import EmbeddedStore


def _p(fn: Callable[[], object], samples: int) -> tuple[float, float]:
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return pct(out, 50), pct(out, 95)


def _row(name: str, p50: float, p95: float, note: str = "") -> None:
    print(f"| {name} | {ms(p50)} | {ms(p95)} | {note} |")


def engine_part(args: argparse.Namespace) -> None:
    folder = dataset("college", args.seed)
    say("loading college …")
    ds = load_dataset(folder)
    engine = Engine(EmbeddedStore(ds))
    when = engine.day(None)
    goals = list(engine.state.goals(when).values())
    rng = random.Random(args.seed)
    picks = rng.sample(goals, 50)
    texts = ([g.id for g in picks[:15]] + [g.id[:6] for g in picks[15:25]]
             + [g.name[2:6] for g in picks[25:45]] + ["就业", "课程", "学生", "双师", "专业群"])
    print(f"college (seed {args.seed}): {len(goals)} goals in force on {when}\n")
    print("| question | p50 | p95 | note |\n|---|---|---|---|")
    search.goal_index(engine, when)  # built once per structure version

    def scan(text: str) -> list[object]:
        key = text.casefold()
        return [g for g in goals if key in g.id.casefold() or key in g.name.casefold()][:20]

    cycle = iter(texts * (args.samples // len(texts) + 1))
    _row("baseline: scan of every goal's id and name", *_p(lambda: scan(next(cycle)), args.samples))
    cycle = iter(texts * (args.samples // len(texts) + 1))
    _row("searchGoals, unscoped (index warm)", *_p(lambda: search.search_goals(engine, next(cycle), 20),
                                                   args.samples))
    subjects = engine.state.subjects(when)
    student = next(s for s in subjects.values() if s.level is Level.STUDENT)
    teacher = next(s for s in subjects.values() if s.level is Level.TEACHER)
    college_unit = teacher.unit
    for name, principal in [
        ("STUDENT", Principal("s", roles=frozenset({Role.STUDENT}), subject=student.id)),
        ("TEACHER", Principal("t", roles=frozenset({Role.TEACHER}), subject=teacher.id)),
        ("UNIT_HEAD", Principal("u", roles=frozenset({Role.UNIT_HEAD}), unit=college_unit)),
    ]:
        view = engine.for_principal(principal)
        search.search_goals(view, "目标", 20)  # the scope built
        them = iter(texts * (args.samples // len(texts) + 1))
        _row(f"searchGoals as {name}",
             *_p(lambda v=view, c=them: search.search_goals(v, next(c), 20), args.samples))
    started = time.perf_counter()
    engine.warnings(when)
    say(f"warnings computed in {time.perf_counter() - started:.1f} s (once per data version)")
    _row("baseline: count the whole warnings list", *_p(
        lambda: Counter(w.severity for w in engine.warnings(when)), max(5, args.samples // 10)))
    started = time.perf_counter()
    dashboards.warning_summary(engine, when)
    first = time.perf_counter() - started
    _row("warningSummary, first call (counting)", first, first, "then kept per data version")
    _row("warningSummary, repeated", *_p(lambda: dashboards.warning_summary(engine, when), args.samples))
    _row("goalSummary (all goals by level and status)", *_p(lambda: dashboards.goal_summary(engine, when), 5))
    for level in (Level.MAJOR, Level.COURSE, Level.TEACHER, Level.STUDENT):
        ids = [s.id for s in subjects.values() if s.level is level]
        started = time.perf_counter()
        portraits.portrait(engine, ids[0], when)
        cold = time.perf_counter() - started
        cycle = iter(ids * (args.samples // len(ids) + 1))
        p50, p95 = _p(lambda c=cycle: portraits.portrait(engine, next(c), when), min(args.samples, 50))
        _row(f"portrait of a {level.value}", p50, p95, f"first {ms(cold)} (peer group's values)")
    _row("subjectStandings (all 画像 levels, 50 rows)", *_p(lambda: portraits.standings(engine, when), 3))


def browser_part(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    folder = dataset("college", args.seed)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"ZHENGAI_JWT_SECRET", "ZHENGAI_JWKS"}}
    state = ROOT / "bench" / "out" / "dashboards-state"
    proc = subprocess.Popen([sys.executable, "-m", "zhengai.cli", "serve", "--port", str(port), "--data",
                             str(folder), "--state", str(state)], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        say("serving college …")
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(1)
        httpx.post(f"{url}/graphql", timeout=900, json={"query": "{ warningSummary { total } }"})  # warm
        chromium = os.environ.get("ZHENGAI_CHROMIUM", "/usr/bin/chromium")
        print(f"\n{args.visits} visits, fresh page each, 1600×1000\n")
        print("| page | p50 | p95 | note |\n|---|---|---|---|")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            runs: dict[str, list[float]] = {"explorer": [], "dashboard": [], "search": [], "portrait": [],
                                            "big": []}
            for _ in range(args.visits):
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.set_default_timeout(120_000)
                started = time.perf_counter()
                page.goto(f"{url}/")
                page.wait_for_selector("[data-testid=matrix][data-state=ready]")
                page.wait_for_selector("[data-testid=warnings][data-state=ready]")
                runs["explorer"].append(time.perf_counter() - started)
                started = time.perf_counter()
                page.goto(f"{url}/dashboard")
                page.wait_for_selector("[data-testid=board][data-state=ready]")
                page.wait_for_function("() => [...document.querySelectorAll('[data-testid^=chart-]')]"
                                       ".every(el => el.dataset.state === 'ready')")
                runs["dashboard"].append(time.perf_counter() - started)
                started = time.perf_counter()
                page.fill("[data-testid=search]", "就业")
                page.wait_for_selector("[data-testid=search-results][data-text=就业]")
                runs["search"].append(time.perf_counter() - started)
                subject = page.get_attribute("[data-testid=standing]", "data-subject-id")
                started = time.perf_counter()
                page.goto(f"{url}/dashboard?subject={subject}")
                page.wait_for_selector("[data-testid=portrait]")
                runs["portrait"].append(time.perf_counter() - started)
                started = time.perf_counter()
                page.goto(f"{url}/dashboard?screen=big")
                page.wait_for_selector("[data-testid=board][data-state=ready]")
                runs["big"].append(time.perf_counter() - started)
                page.close()
            browser.close()
        notes = {"explorer": "baseline: matrix and warnings ready", "dashboard": "board and charts drawn",
                 "search": "typed → hits shown (150 ms debounce included)", "portrait": "画像 drawn",
                 "big": "大屏 drawn"}
        for name, values in runs.items():
            _row(name, pct(values, 50), pct(values, 95), notes[name])
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--pages-only", action="store_true", help="skip the engine part")
    args = parser.parse_args()
    if not args.pages_only:
        engine_part(args)
    if args.browser or args.pages_only:
        browser_part(args)


if __name__ == "__main__":
    main()
