"""The 考核 page (/assessment) in a real Chromium against ``zhengai serve`` on tests/data/assessment (and
tests/data/paths for 黄牌/红牌) with authentication: the 质管办 sees the ranking with each component's points
(adding up to the score) and the previous period; a teacher only their own row and the aggregate; a CARDS
goal shows its badge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.conftest import DATA
from tests.test_browser import Visit, chromium, serve_demo, visit  # noqa: F401 (fixtures)
from tests.test_browser_auth import AUTH, SECRET
from zhengai.security.tokens import Role

TOKENS = {"admin": AUTH.issue(Role.ADMIN, "admin-1", 3600, name="质管办"),
          "t2": AUTH.issue(Role.TEACHER, "t2-1", 3600, name="教师乙", subject="T2")}


def _serve(tmp_path_factory, folder: str) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp(f"assess-{folder}"), "--data", str(DATA / folder),
                          ZHENGAI_JWT_SECRET=SECRET, ZHENGAI_JWKS="", ZHENGAI_CORS_ORIGINS="")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    yield from _serve(tmp_path_factory, "assessment")


@pytest.fixture(scope="module")
def paths_server(tmp_path_factory) -> Iterator[str]:
    yield from _serve(tmp_path_factory, "paths")


def _open(v: Visit, url: str, who: str, query: str) -> None:
    v.page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS[who])})")
    v.page.goto(f"{url}/assessment?asOf=2026-06-30{query}")
    v.page.wait_for_selector("[data-testid=ranking][data-state=ready], "
                             "[data-testid=ranking][data-state=error]", state="attached")


def _rows(v: Visit) -> list[list[str]]:
    return v.page.eval_on_selector_all("[data-testid=rank-row]",
                                       "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_the_quality_office_sees_the_ranking_with_its_components(visit, server):  # noqa: F811
    _open(visit, server, "admin", "&scheme=SCH-DEPT")
    rows = _rows(visit)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("1", "信息工程学院（XX）", "90.00"), ("2", "教务处（JWC）", "60.67"),
        ("3", "机电工程学院（JD）", "56.00"), ("4", "质管办（QA）", "30.00")]
    for r in rows:
        assert sum(Decimal(x) for x in r[3:7]) == Decimal(r[2])
    heads = visit.page.eval_on_selector_all("#ranking-head th", "ths => ths.map(t => t.textContent)")
    assert heads[3:7] == ["目标达成度（60.00）", "任务按期完成（20.00）", "诊改报告提交（10.00）",
                          "预警整改（10.00）"]
    assert rows[1][7:] == ["68.00（1）", "-7.33"]
    assert "共 4 个考核对象" in visit.page.text_content("[data-testid=summary]")
    visit.shot("assessment-admin.png")
    assert not visit.errors and not visit.foreign


def test_a_teacher_sees_only_their_own_row(visit, server):  # noqa: F811
    _open(visit, server, "t2", "&scheme=SCH-TEACHER")
    rows = _rows(visit)
    assert [r[:3] for r in rows] == [["6", "教师乙（T2）", "40.00"]]
    page = visit.page.text_content("main")
    for other in ("教师甲", "教师丙", "教师丁", "教师戊", "教师己"):
        assert other not in page
    summary = visit.page.text_content("[data-testid=summary]")
    assert "共 6 个考核对象" in summary and "另有 5 个对象不在您的查看范围内" in summary
    assert not visit.errors


def test_cards_show_their_badge(visit, paths_server):  # noqa: F811
    _open(visit, paths_server, "admin", "")
    visit.page.wait_for_selector("[data-testid=card]")
    badge = visit.page.get_attribute("[data-testid=card][data-goal=G-BASIC] .badge", "data-card")
    assert badge in {"YELLOW", "RED"}
    assert visit.page.text_content("[data-testid=card][data-goal=G-BASIC] .badge").startswith(
        {"YELLOW": "黄牌", "RED": "红牌"}[badge])
    assert not visit.errors


def test_the_explorer_shows_a_cards_goals_badge(visit, paths_server):  # noqa: F811
    visit.page.add_init_script(f"sessionStorage.setItem('zhengai.token', {json.dumps(TOKENS['admin'])})")
    visit.page.goto(f"{paths_server}/#goal=G-BASIC")
    badge = visit.page.wait_for_selector("[data-testid=chain-title] [data-testid=goal-card]")
    card = badge.get_attribute("data-card")
    assert card in {"YELLOW", "RED"}
    assert badge.text_content().startswith({"YELLOW": "黄牌", "RED": "红牌"}[card])
    visit.page.goto(f"{paths_server}/#goal=G-YEAR")  # a WEIGHTED_MEAN goal: no badge
    visit.page.wait_for_selector("[data-testid=chain-title]:has-text('年度社会服务目标')")
    assert visit.page.query_selector("[data-testid=goal-card]") is None
    assert visit.page.get_attribute("[data-testid=assessment-link]", "href") == "assessment"
    assert not visit.errors
