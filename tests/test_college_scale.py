"""The explorer's matrix, the warning totals and goal search (engine) at college scale, in the normal suite.

A college-shaped dataset is generated once for this module (the synthetic generator's ``college`` shape with
:data:`STUDENTS` 学生 and a few 专业, 课程 and 教师: one matrix cell of 1.0万 student goals and 6.0万 metrics,
status counts in the thousands — the labels that overflowed the matrix — loaded in well under a minute) and
served in-process; the same engine answers the totals test. ``ZHENGAI_COLLEGE_TESTS=1`` uses the full
``college`` instead (15,000 学生, 3.0万 student goals; bench/out/, minutes to load).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import httpx
import pytest

from tests.servers import served
from tests.test_browser import Visit, chromium, visit  # noqa: F401 (fixtures)
from tests.test_browser_dashboards import CELLS_OVERFLOWING, _explorer_totals
from tests.test_dashboards import _check_summary
from zhengai.app import create_app
from zhengai.domain.enums import Level
from zhengai.engine import Engine, dashboards, search
from zhengai.graph_loader import load_dataset
from zhengai.graph_loader.generators.synthetic import SHAPES, generate
from zhengai.stores import EmbeddedStore

#: Students of the college-shaped dataset: two goals each, so their matrix cell counts 1.0万 (≥ 10,000).
STUDENTS = 5200
#: The explorer's default monitoring date.
EXPLORER_AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def college(tmp_path_factory) -> Engine:
    """The college-shaped dataset (or, with ZHENGAI_COLLEGE_TESTS=1, the full ``college``) on the embedded
    store."""
    if os.environ.get("ZHENGAI_COLLEGE_TESTS") == "1":
        from bench.common import dataset

        folder = dataset("college")
    else:
        folder = tmp_path_factory.mktemp("college-shaped")
        generate("college", 7, folder, shape=replace(SHAPES["college"], schools=2, majors_per_school=2,
                                                     courses=24, teachers=16, students=STUDENTS,
                                                     quarterly_sample=True))
    return Engine(EmbeddedStore(load_dataset(folder)))


@pytest.fixture(scope="module")
def college_server(college) -> Iterator[str]:
    """The service over that engine (no authentication: the 质管办's view), on uvicorn in a thread."""
    with served(create_app(college, follow_every=None)) as url:
        yield url


def test_warning_totals_on_college_equal_a_full_count(college):
    when = college.day(EXPLORER_AS_OF)
    _check_summary(college, when)
    _check_summary(college, when, Level.STUDENT)
    s = dashboards.warning_summary(college, when)
    assert s.total > 1000  # more than the warnings list would ever give in one answer
    found = search.search_goals(college, "就业", 20)
    assert found and all("就业" in g.name or "就业" in g.id for g in found)


def test_college_scale_matrix_warnings_and_search(visit, college_server):  # noqa: F811
    page = visit.page
    page.set_default_timeout(300_000)
    page.goto(f"{college_server}/")
    shown = _explorer_totals(visit)
    assert page.evaluate(CELLS_OVERFLOWING) == []  # every cell: scrollWidth ≤ clientWidth
    cells = page.locator("[data-testid^=cell-]").evaluate_all(
        "cs => cs.map(c => [Number(c.dataset.goalCount), c.innerText])")
    biggest = max(cells)
    assert biggest[0] >= 10_000 and "万" in biggest[1]  # e.g. 1.0万 个目标 in the 学生 cell
    assert any(len(n) >= 4 for n in page.locator("[data-testid^=cell-] .counts span").all_inner_texts())
    api = httpx.post(f"{college_server}/graphql", timeout=600, json={
        "query": "query($d: Date) { warningSummary(asOf: $d) { red yellow total } }",
        "variables": {"d": page.input_value("[data-testid=as-of]")}}).json()["data"]["warningSummary"]
    assert shown == {"red": str(api["red"]), "yellow": str(api["yellow"])} and api["total"] > 1000
    visit.shot("college-matrix.png", doc="explorer-college-matrix.png")
    page.goto(f"{college_server}/dashboard")
    page.wait_for_selector("[data-testid=board][data-state=ready]")
    page.fill("[data-testid=search]", "就业")
    page.wait_for_selector("[data-testid=search-results][data-text=就业]")
    assert page.locator("[data-testid=search-hit]").count() > 0
    visit.shot("college-dashboard.png", doc="dashboard-college.png")
    visit.assert_clean()
