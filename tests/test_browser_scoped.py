"""The explorer for a scoped user, in a real Chromium, against ``zhengai serve`` on the bundled demo with
authentication configured (the server and the 登录令牌 helpers of tests/test_browser_auth.py).

Who is calling comes from the service's ``viewer``, asked once: the header's identity, the 数据权限 note and
its 我的质量主体 list (``viewer.ownSubjects``), and the landing — the first goal of the first own subject
(``goals(subjectId:, first: 1)``), a 部门负责人's unit's top goal.

A 学生 (张子涵, STU-001) signs in and lands on their own goal chain: the service's anonymous "其他 N 项"
aggregates (kind Folded, no level or rank; count, weight and attainment in ``folded``) are drawn grey and
dashed next to the node they fold into, are never counted as nodes, and only explain themselves when
clicked; the gap view lists the hidden contributors as one 其他 N 项 row so the numbers add up to the gap.
A 教师 (王建国, TCH-01) lands on the first of their own subjects and opens their own goal, with their two
courses, from 我的质量主体. Another person's goal reads as unknown: a calm notice, not a broken page.
No other student's or teacher's name is anywhere in the page. Harness and skips as in tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.test_browser import AS_OF, Visit, _node_click, chromium, visit  # noqa: F401 (fixtures)
from tests.test_browser_auth import AUTH, _enter, _page_errors, _prompted, auth_server  # noqa: F401 (fixture)
from zhengai.domain.enums import Level
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import Role

PEOPLE = {s.id: s.name for s in load_dataset(demo_path()).subjects.values()
          if s.level in (Level.STUDENT, Level.TEACHER)}
STUDENT = AUTH.issue(Role.STUDENT, "stu-001", 3600, name="张子涵", subject="STU-001")
TEACHER = AUTH.issue(Role.TEACHER, "tch-01", 3600, name="王建国", subject="TCH-01")
UNIT_HEAD = AUTH.issue(Role.UNIT_HEAD, "head-mech", 3600, name="机械学院院长", unit="C-MECH")
FOLDED_FILL = "rgb(241, 243, 244)"
VIEW = """nodes { id label kind level rank status attainment
    folded { label count weight coverage attainment } } edges { source target kind weight }"""
VIEWER = """{ viewer { sub name roles unitId subjectId scoped ownSubjects { id name level levelName } } }"""


def _ask(server: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The API as the token's holder sees it."""
    body = httpx.post(f"{server}/graphql", headers={"Authorization": f"Bearer {token}"},
                      json={"query": query, "variables": variables}).json()
    assert not body.get("errors"), body
    return body["data"]


def _landing(server: str, token: str) -> tuple[dict[str, Any], str]:
    """The viewer as the API gives it, and the goal a scoped user lands on: the first goal of their first
    own subject."""
    viewer = _ask(server, token, VIEWER)["viewer"]
    first = viewer["ownSubjects"][0]["id"]
    goals = _ask(server, token, "query($s: ID) { goals(subjectId: $s, first: 1) { edges { node { id } } } }",
                 s=first)["goals"]["edges"]
    return viewer, goals[0]["node"]["id"]


def _targets(server: str, token: str) -> list[str]:
    """The school-level targets of 张子涵's 成长积分 as the token's holder sees them, in the API's order."""
    trace = _ask(server, token, """query($asOf: Date) { traceImpact(metricId: "M-STU-001-PTS", asOf: $asOf,
        toLevel: SCHOOL) { targets { goal { id } } } }""", asOf=AS_OF)["traceImpact"]
    return [t["goal"]["id"] for t in trace["targets"]]


def _my_subjects(v: Visit) -> list[tuple[str, str, str]]:
    """The 我的质量主体 list: (subject id, name, level name) of each entry, in order."""
    found = v.page.locator("[data-testid=my-subject]").evaluate_all("""xs => xs.map(x =>
        [x.dataset.subjectId, x.firstChild.textContent, x.querySelector('small').textContent])""")
    return [(i, name, level) for i, name, level in found]


def _sign_in(v: Visit, server: str, token: str, path: str = "/") -> None:
    v.page.goto(f"{server}{path}")
    _prompted(v, "请输入登录令牌")
    _enter(v, token)
    v.page.wait_for_selector("[data-testid=auth-dialog]", state="hidden")


def _chain_ready(v: Visit, goal_id: str) -> None:
    """Waits until ``goal_id``'s chain is drawn and its gap explained."""
    v.page.wait_for_function("""id => window.zhengaiExplorer.state.goal?.id === id
        && document.querySelector('[data-testid=chain-graph]').dataset.state === 'ready'
        && document.querySelector('[data-testid=gap]').dataset.state === 'ready'
        && document.querySelector('[data-testid=gap]').dataset.goalId === id""", arg=goal_id)


def _drawn(v: Visit) -> dict[str, dict[str, Any]]:
    """Every drawn node: kind, label, status, fill, border style and bounding box."""
    return v.page.evaluate("""() => Object.fromEntries(window.zhengaiExplorer.cy.nodes().map(n => [n.id(), {
        kind: n.data('kind'), label: n.data('display'), status: n.data('status'), near: n.data('near'),
        fill: n.style('background-color').replace(/,(?! )/g, ', '), border: n.style('border-style'),
        box: n.boundingBox({includeLabels: false}), y: n.position('y')}]))""")


def _leaked(v: Visit, allowed: set[str]) -> set[str]:
    """Names and ids of other students and teachers found in the page (HTML, text, graph labels and ids)."""
    graph = v.page.evaluate("""() => { const cy = window.zhengaiExplorer.cy;
        return cy ? cy.elements().map(e => JSON.stringify(e.data())).join('\\n') : ''; }""")
    text = "\n".join([v.page.content(), v.page.inner_text("body"), graph])
    return {f"{i} {n}" for i, n in PEOPLE.items() if i not in allowed and (n in text or i in text)}


def _expected_chain(server: str, token: str, goal_id: str,
                    depth: int = 2) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """The real nodes of ``goal_id``'s chain and the folded nodes next to them, as the API gives them: the
    chain's own and those below each goal on the way up."""
    data = _ask(server, token, f"""query($id: ID!, $asOf: Date, $depth: Int) {{
        up: goalChain(goalId: $id, direction: UP, asOf: $asOf) {{ {VIEW} }}
        down: goalChain(goalId: $id, direction: DOWN, depth: $depth, asOf: $asOf) {{ {VIEW} }} }}""",
                id=goal_id, asOf=AS_OF, depth=depth)
    views = [data["up"], data["down"]]
    for n in data["up"]["nodes"]:
        if n["kind"] == "Goal" and n["id"] != goal_id:
            views.append(_ask(server, token, f"""query($id: ID!, $asOf: Date) {{
                goalChain(goalId: $id, direction: DOWN, depth: 1, asOf: $asOf) {{ {VIEW} }} }}""",
                              id=n["id"], asOf=AS_OF)["goalChain"])
    real = {n["id"] for v in views[:2] for n in v["nodes"] if n["kind"] != "Folded"}
    folded = {}
    for view in views:
        for n in view["nodes"]:
            if n["kind"] != "Folded":
                continue
            edge = next(e for e in view["edges"] if n["id"] in (e["source"], e["target"]))
            near = edge["target"] if edge["source"] == n["id"] else edge["source"]
            if near in real:
                assert n["folded"] and n["folded"]["label"] == n["label"]
                folded[n["id"]] = {**n["folded"], "near": near}
    return real, folded


def _overlaps(nodes: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    boxes = [(i, n["box"]) for i, n in nodes.items()]
    return [(a, b) for k, (a, p) in enumerate(boxes) for b, q in boxes[k + 1:]
            if p["x1"] < q["x2"] and q["x1"] < p["x2"] and p["y1"] < q["y2"] and q["y1"] < p["y2"]]


def test_a_student_lands_on_their_own_chain_with_folded_aggregates(visit, auth_server):  # noqa: F811
    page = visit.page
    _sign_in(visit, auth_server, STUDENT)

    # the first screen: the first goal of their own subject (the three-year goal, gathering the annual
    # one), their goals; who they are as the service says
    viewer, landing = _landing(auth_server, STUDENT)
    assert landing == "G-STU-001-3Y"
    _chain_ready(visit, "G-STU-001-3Y")
    assert page.evaluate("location.hash") == "#goal=G-STU-001-3Y"
    assert "张子涵三年成长目标" in page.inner_text("[data-testid=chain-title]")
    note = page.inner_text("[data-testid=scope-note]")
    assert "学生 张子涵（STU-001）" in note and "其他 N 项" in note
    assert _my_subjects(visit) == [("STU-001", "张子涵", "学生")]
    user = page.locator("[data-testid=auth-user]")
    assert user.inner_text() == "张子涵（stu-001） · 学生"
    assert (user.get_attribute("data-sub"), user.get_attribute("data-roles")) == (viewer["sub"], "STUDENT")
    page.wait_for_selector("[data-testid=goal-list][data-state=ready]")
    items = page.locator("[data-testid=goal-item]").evaluate_all("xs => xs.map(x => x.dataset.goalId)")
    assert sorted(items) == ["G-STU-001-3Y", "G-STU-001-Y26"]
    assert page.get_attribute("[data-testid=cell-GENERATION-STUDENT]", "class").endswith("selected")

    # the drawing: the chain's real nodes, and one grey dashed 其他 N 项 per hidden group next to them
    real, folded = _expected_chain(auth_server, STUDENT, "G-STU-001-3Y")
    drawn = _drawn(visit)
    assert {i for i, n in drawn.items() if n["kind"] != "Folded"} == real
    assert {i for i, n in drawn.items() if n["kind"] == "Folded"} == set(folded)
    assert "其他:G-MAJ-MECH:SUPPORTS:in" in folded
    for fid, f in folded.items():
        node = drawn[fid]
        assert node["label"].split("\n")[0] == f["label"] == f"其他 {f['count']} 项"
        if f["attainment"] is not None:
            assert f"{f['attainment'] * 100:.1f}%" in node["label"]
        assert node["fill"] == FOLDED_FILL and node["border"] == "dashed"
        assert node["near"] == f["near"]
        assert node["y"] > drawn[f["near"]]["y"]  # hidden children: the row below the goal they feed
    assert _overlaps(drawn) == []
    mech = drawn["其他:G-MAJ-MECH:SUPPORTS:in"]
    assert drawn["G-CRS-CNC"]["y"] == mech["y"]  # the layer of G-MAJ-MECH's visible children

    # counts are of real nodes only; the aggregates are described, not counted
    assert page.get_attribute("[data-testid=chain-graph]", "data-nodes") == str(len(real))
    summary = page.inner_text("[data-testid=chain-summary]")
    hidden = sum(f["count"] for f in folded.values())
    assert summary.startswith(f"显示 {len(real)} 个节点")
    assert f"范围外的 {hidden} 项已合并为 {len(folded)} 个匿名汇总" in summary

    # a click on a folded node explains it and navigates nowhere
    posts = len(visit.posts)
    _node_click(visit, "其他:G-MAJ-MECH:SUPPORTS:in")
    notice = page.locator("[data-testid=fold-notice]")
    notice.wait_for()
    mech = folded["其他:G-MAJ-MECH:SUPPORTS:in"]
    assert f"范围外的 {mech['count']} 项目标，已合并为匿名汇总" in notice.inner_text()
    assert f"合计达成度 {mech['attainment'] * 100:.1f}%" in notice.inner_text()
    assert f"合计权重 {round(mech['weight'], 3):g}" in notice.inner_text()
    assert notice.get_attribute("data-node-id") == "其他:G-MAJ-MECH:SUPPORTS:in"
    assert page.evaluate("window.zhengaiExplorer.state.goal.id") == "G-STU-001-3Y"
    assert len(visit.posts) == posts
    assert _leaked(visit, {"STU-001"}) == set()
    visit.shot("scoped-01-student.png", doc="explorer-student.png")

    # the gap of a goal above: the hidden contributors are one 其他 N 项 row, and everything adds up
    _node_click(visit, "G-MAJ-MECH")
    _chain_ready(visit, "G-MAJ-MECH")
    assert not page.is_visible("[data-testid=fold-notice]")
    gap = _ask(auth_server, STUDENT, """query($asOf: Date) {
        explainGap(goalId: "G-MAJ-MECH", asOf: $asOf, top: 50) { gap contributorCount
          contributors { metric { id } contribution } others { label count contribution } } }""",
               asOf=AS_OF)["explainGap"]
    assert gap["others"] and gap["others"]["count"] > 0
    others = page.locator("[data-testid=gap-others]")
    assert others.get_attribute("data-count") == str(gap["others"]["count"])
    assert float(others.get_attribute("data-contribution")) == pytest.approx(gap["others"]["contribution"])
    row = f"{gap['others']['label']} · 合计贡献 {gap['others']['contribution'] * 100:.2f}%"
    assert row in others.inner_text()
    rows = page.locator("[data-testid=gap-contributor]")
    listed = [float(x) for x in rows.evaluate_all("xs => xs.map(x => x.dataset.contribution)")]
    rest = page.locator("[data-testid=gap-rest]")
    rest_sum = float(rest.get_attribute("data-contribution")) if rest.count() else 0.0
    assert sum(listed) + rest_sum + gap["others"]["contribution"] == pytest.approx(gap["gap"], abs=1e-12)
    assert sum(c["contribution"] for c in gap["contributors"]) + gap["others"]["contribution"] \
        == pytest.approx(gap["gap"], abs=1e-12)
    assert f"= 差距 {gap['gap'] * 100:.2f}%" in page.inner_text("[data-testid=gap-summary]")
    real, folded = _expected_chain(auth_server, STUDENT, "G-MAJ-MECH")
    drawn = _drawn(visit)
    assert {i for i, n in drawn.items() if n["kind"] == "Folded"} == set(folded)
    assert {i for i, n in drawn.items() if n["kind"] != "Folded"} == real
    visit.shot("scoped-02-student-gap.png")

    # a metric from the gap view: traced; nothing out of scope on this path, so no others row
    page.locator("[data-testid=gap-contributor][data-metric-id=M-STU-001-PTS] button").click()
    page.wait_for_selector("#trace[data-state=ready]")
    targets = _targets(auth_server, STUDENT)
    assert len(targets) == 5  # A26-MAJOR, S-MAJOR; through the 二级学院's D26-C-MECH, A26-ZG, S-GOV
    assert page.locator("[data-testid=trace-target]").evaluate_all("xs => xs.map(x => x.dataset.goalId)") \
        == targets
    assert page.locator("[data-testid=trace-others]").count() == 0
    assert _leaked(visit, {"STU-001"}) == set()
    assert visit.foreign == [] and _page_errors(visit) == []


def test_trace_and_simulation_show_the_others_row(visit, auth_server):  # noqa: F811
    """The demo's scopes hide no target of a visible metric, so the service's answers are patched here with
    an ``others`` group (the SDL's shape) to show how the explorer lists it."""
    page = visit.page

    def patch(route: Any) -> None:
        request = route.request
        response = route.fetch()
        if request.method != "POST" or response.status != 200:
            route.fulfill(response=response)  # (the 401 before the token is entered)
            return
        body = json.loads(request.post_data or "{}")
        data = response.json()
        if "traceImpact(" in body.get("query", "") and data.get("data"):
            data["data"]["traceImpact"]["others"] = {"label": "其他 2 项", "count": 2, "sensitivity": 0.125}
        if "simulate(" in body.get("query", "") and data.get("data"):
            data["data"]["simulate"]["others"] = {"label": "其他 3 项", "count": 3}
        route.fulfill(response=response, json=data)

    page.route("**/graphql", patch)
    _sign_in(visit, auth_server, STUDENT, "/#goal=G-STU-001-Y26&metric=M-STU-001-PTS")
    page.wait_for_selector("#trace[data-state=ready]")
    row = page.locator("[data-testid=trace-others]")
    assert row.get_attribute("data-count") == "2"
    assert "其他 2 项 · 合计影响程度 0.125" in row.inner_text()
    assert "另有其他 2 项（范围外，已合并为匿名汇总）" in page.inner_text("[data-testid=trace-summary]")
    # the real targets only, not the patched 其他 2 项 on top
    assert page.locator("[data-testid=trace-target]").count() == len(_targets(auth_server, STUDENT))

    page.fill("[data-testid=sim-value]", "0")
    page.click("[data-testid=sim-run]")
    page.wait_for_selector("#simulate[data-state=ready]")
    changes = page.locator("[data-testid=sim-change]").count()
    summary = page.inner_text("[data-testid=sim-summary]")
    assert f"{changes} 个目标受影响" in summary and "另有其他 3 项受影响（范围外" in summary
    assert page.get_attribute("[data-testid=sim-others]", "data-count") == "3"
    assert visit.foreign == [] and _page_errors(visit) == []


def test_a_teacher_lands_on_their_subjects_and_opens_their_own_goal(visit, auth_server):  # noqa: F811
    page = visit.page
    asked: list[tuple[str | None, str]] = []  # (Authorization, query) of every GraphQL POST
    page.on("request", lambda r: asked.append((r.headers.get("authorization"),
                                               json.loads(r.post_data or "{}").get("query", "")))
            if r.method == "POST" and r.url.endswith("/graphql") else None)
    _sign_in(visit, auth_server, TEACHER)

    # the landing follows viewer.ownSubjects: the first goal of the first of them
    viewer, landing = _landing(auth_server, TEACHER)
    _chain_ready(visit, landing)
    assert page.evaluate("location.hash") == f"#goal={landing}"
    assert "教师 王建国（TCH-01）" in page.inner_text("[data-testid=scope-note]")
    assert page.inner_text("[data-testid=auth-user]") == "王建国（tch-01） · 教师"
    real, folded = _expected_chain(auth_server, TEACHER, landing)
    drawn = _drawn(visit)
    assert {i for i, n in drawn.items() if n["kind"] != "Folded"} == real
    assert {i for i, n in drawn.items() if n["kind"] == "Folded"} == set(folded)

    # 我的质量主体: themself and their two courses, as the service lists them, and nobody else
    subjects = _my_subjects(visit)
    assert subjects == [(s["id"], s["name"], s["levelName"]) for s in viewer["ownSubjects"]]
    assert sorted((name, level) for _, name, level in subjects) \
        == [("数控加工技术", "课程"), ("机械制图与CAD", "课程"), ("王建国", "教师")]
    mine = page.inner_text("[data-testid=my-subjects]")
    assert "我的质量主体" in mine
    assert [n for i, n in PEOPLE.items() if i != "TCH-01" and n in mine] == []

    # a click on 王建国: their own goals listed, the first one's chain opened
    page.click("[data-testid=my-subject][data-subject-id=TCH-01]")
    page.wait_for_selector("[data-testid=goal-list][data-state=ready][data-subject-id=TCH-01]")
    _chain_ready(visit, "G-TCH-01")
    items = page.locator("[data-testid=goal-item]").evaluate_all("xs => xs.map(x => x.dataset.goalId)")
    own = _ask(auth_server, TEACHER, '{ goals(subjectId: "TCH-01", first: 100) { edges { node { id } } } }')
    assert items == [e["node"]["id"] for e in own["goals"]["edges"]] and items[0] == "G-TCH-01"
    assert "王建国" in page.inner_text("[data-testid=goals-caption]")
    assert "selected" in page.get_attribute("[data-testid=my-subject][data-subject-id=TCH-01]", "class")
    assert page.locator("[data-testid=matrix] .cell.selected").count() == 0
    real, folded = _expected_chain(auth_server, TEACHER, "G-TCH-01")
    drawn = _drawn(visit)
    assert {"G-CRS-CNC", "G-CRS-MECHDRAW"} <= real
    assert {i for i, n in drawn.items() if n["kind"] != "Folded"} == real
    assert {i for i, n in drawn.items() if n["kind"] == "Folded"} == set(folded)
    # the students of 数控加工技术 (张子涵): folded, below the course; every folded node below its goal
    assert "其他:G-CRS-CNC:SUPPORTS:in" in folded
    for fid, f in folded.items():
        assert drawn[fid]["near"] == f["near"] and drawn[fid]["y"] > drawn[f["near"]]["y"]
        assert drawn[fid]["fill"] == FOLDED_FILL and drawn[fid]["border"] == "dashed"
    assert _overlaps(drawn) == []
    assert page.get_attribute("[data-testid=chain-graph]", "data-nodes") == str(len(real))
    assert _leaked(visit, {"TCH-01"}) == set()
    visit.shot("scoped-03-teacher.png")

    # who is calling was asked once with the token (on sign-in), not again on the way
    assert [q for a, q in asked if a == f"Bearer {TEACHER}" and "viewer" in q] != []
    assert len([q for a, q in asked if a == f"Bearer {TEACHER}" and "viewer" in q]) == 1
    assert visit.foreign == [] and _page_errors(visit) == []


def test_another_persons_goal_reads_as_unknown_calmly(visit, auth_server):  # noqa: F811
    page = visit.page
    _sign_in(visit, auth_server, STUDENT, "/#goal=G-STU-002-3Y")
    notice = page.locator("[data-testid=chain-notice]")
    notice.wait_for()
    assert "未找到目标“G-STU-002-3Y”" in notice.inner_text() and "数据权限范围" in notice.inner_text()
    status = page.locator("[data-testid=status]")
    assert "calm" in status.get_attribute("class") and "G-STU-002-3Y" in status.inner_text()
    assert page.get_attribute("[data-testid=chain-graph]", "data-state") == "missing"
    assert page.get_attribute("[data-testid=matrix]", "data-state") == "ready"
    assert _leaked(visit, {"STU-001", "STU-002"}) == set()  # the id the user typed, never a name
    assert "李浩然" not in page.content()
    visit.shot("scoped-04-not-found.png")

    page.click("[data-testid=chain-notice-mine]")
    _chain_ready(visit, "G-STU-001-3Y")
    assert not notice.is_visible()
    assert page.evaluate("location.hash") == "#goal=G-STU-001-3Y"
    assert _leaked(visit, {"STU-001", "STU-002"}) == set() and "李浩然" not in page.content()
    assert visit.foreign == [] and _page_errors(visit) == []


def test_a_unit_head_lands_on_their_units_top_goal(visit, auth_server):  # noqa: F811
    page = visit.page
    _sign_in(visit, auth_server, UNIT_HEAD)
    _chain_ready(visit, "G-MAJ-MECH")  # the first goal of their first subject: 机械制造及自动化
    assert "部门负责人 机械学院院长（C-MECH）" in page.inner_text("[data-testid=scope-note]")
    # the subjects they answer for: their unit's 专业 and 课程 (its people are listed nowhere here)
    own = [s["name"] for s in _ask(auth_server, UNIT_HEAD, VIEWER)["viewer"]["ownSubjects"]]
    assert own == ["机械制造及自动化", "模具设计与制造",  # 专业, then 课程
                   "数控加工技术", "机械制图与CAD", "冲压模具设计与制造"]
    assert page.is_visible("[data-testid=my-subjects]")
    listed = page.inner_text("[data-testid=my-subjects]")
    assert all(name in listed for name in own)
    real, folded = _expected_chain(auth_server, UNIT_HEAD, "G-MAJ-MECH")
    drawn = _drawn(visit)
    # the chain is larger than the page draws: the rest are counted in summary nodes ("另有 N 个节点未显示")
    shown = {i for i, n in drawn.items() if n["kind"] not in ("Folded", "summary")}
    hidden = sum(int(re.search(r"另有 (\d+) 个节点未显示", n["label"]).group(1))
                 for n in drawn.values() if n["kind"] == "summary")
    assert shown <= real and len(shown) + hidden == len(real)
    assert {i for i, n in drawn.items() if n["kind"] == "Folded"} <= set(folded)
    # the people of 机械工程学院 are in scope; nobody of another college is
    mech = {i for i, s in load_dataset(demo_path()).subjects.items() if i in PEOPLE and s.unit == "C-MECH"}
    assert _leaked(visit, mech) == set()
    assert visit.foreign == [] and _page_errors(visit) == []
