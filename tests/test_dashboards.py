"""驾驶舱 and 画像 on the demo college, on both stores: warning totals counted by the service (equal to a
full count, within the caller's scope), goal and task totals, goal search (目标检索) by id and name, the
portraits of a 专业, 课程, 教师 and 学生 with their peer comparison, and explainGap's remainder line.

Privacy: a 学生 or 教师 reads their own 画像 only (another person's is NOT_FOUND, as a hidden node is), the
peer comparison names no peer and gives no statistic over fewer than ``MIN_PEERS`` people, and a scoped
caller's totals and search answers count and name only what they may see.

The same totals at college scale: tests/test_college_scale.py (in the normal suite).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from zhengai.app import create_app
from zhengai.domain.enums import Level
from zhengai.engine import Engine, dashboards, portraits, search
from zhengai.engine.monitoring import Severity
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.tokens import AuthConfig, Principal, Role

AUTH = AuthConfig(secret="dashboard-test-secret-of-at-least-32-bytes")
AS_OF = DEMO_AS_OF.isoformat()
DS = load_dataset(demo_path())
PEOPLE = {s.id: s.name for s in DS.subjects.values() if s.level in (Level.STUDENT, Level.TEACHER)}
WHO = {
    "admin": Principal("admin-1", roles=frozenset({Role.ADMIN})),
    "unit_head": Principal("head-mech", roles=frozenset({Role.UNIT_HEAD}), unit="C-MECH"),
    "teacher": Principal("tch-01", roles=frozenset({Role.TEACHER}), subject="TCH-01"),
    "student": Principal("stu-001", roles=frozenset({Role.STUDENT}), subject="STU-001"),
}


def _token(who: str) -> str:
    p = WHO[who]
    role = next(iter(p.roles))
    return AUTH.issue(role, p.sub, 3600, unit=p.unit, subject=p.subject)


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request) -> Iterator[tuple[Engine, TestClient]]:
    """The demo college served with authentication, and its engine."""
    engine = engine_for(request, request.param, demo_path())
    yield engine, TestClient(create_app(engine, auth=AUTH))


def ask(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    """The answer to ``query`` (``@asOf``: the demo's date) as ``who`` sees it."""
    query = query.replace("@asOf", f'asOf: "{AS_OF}"')
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers={"Authorization": f"Bearer {_token(who)}"})
    assert response.status_code == 200, response.text
    return response.json()


def data(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    body = ask(client, who, query, **variables)
    assert not body.get("errors"), body["errors"]
    return body["data"]


def codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code") for e in body.get("errors") or []}


# ------------------------------------------------------------------------------------ warning totals

def _full_count(engine: Engine, as_of: date, level: Level | None = None, unit: str | None = None,
                ) -> dict[str, Any]:
    """What the summary must say, counted here from the engine's whole list of warnings."""
    found = engine.warnings(as_of, level, unit)
    by_unit: dict[str | None, Counter[str]] = {}
    for w in found:
        by_unit.setdefault(w.unit_id, Counter())[w.severity] += 1
    return {"total": len(found), "red": sum(w.severity is Severity.RED for w in found),
            "yellow": sum(w.severity is Severity.YELLOW for w in found),
            "by_unit": {u: (c[Severity.RED], c[Severity.YELLOW]) for u, c in by_unit.items()},
            "by_level": Counter(w.level for w in found)}


def _check_summary(engine: Engine, as_of: date, level: Level | None = None, unit: str | None = None) -> None:
    s = dashboards.warning_summary(engine, as_of, level, unit)
    want = _full_count(engine, as_of, level, unit)
    assert (s.total, s.red, s.yellow) == (want["total"], want["red"], want["yellow"])
    assert {r.key: (r.red, r.yellow) for r in s.by_unit} == want["by_unit"]
    assert {r.key: r.total for r in s.by_level} == {(lv.value if lv else None): n
                                                     for lv, n in want["by_level"].items()}
    for rows in (s.by_level, s.by_unit, s.by_type):
        assert sum(r.total for r in rows) == s.total
        assert all(r.total == r.red + r.yellow + r.info for r in rows)


@pytest.mark.parametrize("who", list(WHO))
def test_warning_totals_equal_a_full_count_in_every_scope(served, who):
    engine, _ = served
    view = engine.for_principal(WHO[who])
    _check_summary(view, DEMO_AS_OF)
    _check_summary(view, DEMO_AS_OF, Level.SCHOOL)
    _check_summary(view, DEMO_AS_OF, None, "C-MECH")


def test_warning_summary_over_graphql_names_units_and_counts_more_than_a_capped_list(served):
    _, client = served
    q = """query($u: ID) { warningSummary(@asOf, unitId: $u) { total red yellow
        byLevel { level levelName red yellow total } byUnit { unitId unitName red yellow }
        byType { type typeName total } }
        warnings(@asOf, unitId: $u, first: 1000) { severity unitId unitName } }"""
    got = data(client, "admin", q, u=None)
    s, ws = got["warningSummary"], got["warnings"]
    assert s["total"] == len(ws) > 0
    assert s["red"] == sum(w["severity"] == "RED" for w in ws)
    names = {u.id: u.name for u in DS.units.values()}
    assert all(r["unitName"] == names[r["unitId"]] for r in s["byUnit"] if r["unitId"])
    assert all(w["unitName"] == names[w["unitId"]] for w in ws if w["unitId"])
    assert [r["levelName"] for r in s["byLevel"] if r["level"] == "SCHOOL"] == ["学校"]
    assert all(r["typeName"] for r in s["byType"])
    mech = data(client, "admin", q, u="C-MECH")["warningSummary"]
    assert 0 < mech["total"] < s["total"]
    assert {r["unitId"] for r in mech["byUnit"]} <= {"C-MECH", *[u.id for u in DS.units.values()
                                                              if u.parent == "C-MECH"]}
    assert codes(ask(client, "admin", '{ warningSummary(unitId: "NO-SUCH") { total } }')) == {"NOT_FOUND"}


def test_a_unit_heads_totals_are_those_of_their_scope(served):
    engine, client = served
    q = '{ warningSummary(@asOf) { total red yellow } }'
    mine = data(client, "unit_head", q)["warningSummary"]
    everyone = data(client, "admin", q)["warningSummary"]
    scoped = engine.for_principal(WHO["unit_head"]).warnings(DEMO_AS_OF)
    assert mine["total"] == len(scoped) < everyone["total"]


# ------------------------------------------------------------------------------------ goals and tasks

def test_goal_summary_adds_up_to_the_goal_list(served):
    _, client = served
    for who in ("admin", "unit_head", "student"):
        got = data(client, who, '{ goalSummary(@asOf) { level levelName total green yellow red unknown }'
                                ' goals(@asOf, first: 0) { totalCount } }')
        rows = got["goalSummary"]
        whole = rows[-1]
        assert whole["level"] is None and whole["total"] == got["goals"]["totalCount"] > 0
        assert sum(r["total"] for r in rows[:-1]) == whole["total"]
        assert all(r["total"] == r["green"] + r["yellow"] + r["red"] + r["unknown"] for r in rows)
    mine = data(client, "student", '{ goalSummary(@asOf) { level } }')["goalSummary"]
    assert "TEACHER" not in {r["level"] for r in mine}


def test_task_progress_counts_every_task_it_may_see(served):
    engine, client = served
    q = ("{ taskProgress(@asOf, first: 3) { total budget spent meanProgress "
         "byStatus { status statusName count } tasks { name status } } }")
    got = data(client, "admin", q)["taskProgress"]
    assert got["total"] == len(engine.tasks(DEMO_AS_OF)) > 3
    assert sum(s["count"] for s in got["byStatus"]) == got["total"] and len(got["tasks"]) == 3
    assert all(s["statusName"] for s in got["byStatus"])
    assert codes(ask(client, "admin", "{ taskProgress(first: 201) { total } }")) == {"BAD_USER_INPUT"}


# ------------------------------------------------------------------------------------ search

def test_search_finds_by_exact_id_then_prefix_then_substring(served):
    engine, client = served
    q = 'query($t: String!, $n: Int!) { searchGoals(text: $t, first: $n, @asOf) { id name level } }'
    assert data(client, "admin", q, t="s-major", n=5)["searchGoals"][0]["id"] == "S-MAJOR"
    found = data(client, "admin", q, t="就业", n=20)["searchGoals"]
    assert found and all("就业" in g["name"] or "就业" in g["id"] for g in found)
    every = [g for g in engine.state.goals(DEMO_AS_OF).values() if "就业" in g.name]
    assert len(found) == min(20, len(every))
    # prefixes come before mere substrings
    names = [g["name"] for g in data(client, "admin", q, t="毕业", n=20)["searchGoals"]]
    starts = [n.startswith("毕业") for n in names]
    assert starts == sorted(starts, reverse=True)
    assert data(client, "admin", q, t="没有这个目标", n=5)["searchGoals"] == []
    assert codes(ask(client, "admin", q, t="x", n=101)) == {"BAD_USER_INPUT"}


@pytest.mark.parametrize("who", ["student", "teacher", "unit_head"])
def test_search_answers_only_what_the_caller_may_see(served, who):
    engine, client = served
    view = engine.for_principal(WHO[who])
    q = 'query($t: String!) { searchGoals(text: $t, first: 100, @asOf) { id name } }'
    for text in ("G-", "目标", "STU", "TCH", "课程", "S-"):
        found = data(client, who, q, t=text)["searchGoals"]
        assert all(view.sees(g["id"], DEMO_AS_OF) for g in found), (text, found)
        visible = [g for g in engine.state.goals(DEMO_AS_OF).values() if view.sees(g.id, DEMO_AS_OF)
                   and (text.casefold() in g.id.casefold() or text in g.name)]
        assert len(found) == min(100, len(visible)), text
    if who == "student":
        text = json.dumps(data(client, who, q, t="G-STU"), ensure_ascii=False)
        assert "STU-002" not in text and "STU-001" in text


def test_the_index_follows_the_engine(served):
    engine, _ = served
    index = search.goal_index(engine, DEMO_AS_OF)
    assert index is search.goal_index(engine, DEMO_AS_OF)
    assert len(index.goals) == len(engine.state.goals(DEMO_AS_OF))


# ------------------------------------------------------------------------------------ portraits

PORTRAIT = """query($s: ID!) { portrait(subjectId: $s, @asOf) {
  subject { id name level } majorName tier category score status
  goals { id name } dimensions { key standardName value previous metrics { id name }
    peers { count mean median p25 p75 percentile rank } }
  peers { basis value valueName size withheld score { count mean median percentile rank } }
  previous { end score status } spiral { subjectId stage } } }"""


@pytest.mark.parametrize(("subject", "basis"), [("MAJ-MECH", "LEVEL"), ("CRS-CNC", "CATEGORY"),
                                                ("TCH-01", "LEVEL"), ("STU-001", "LEVEL")])
def test_each_kind_of_portrait(served, subject, basis):
    _, client = served
    p = data(client, "admin", PORTRAIT, s=subject)["portrait"]
    assert p["subject"]["id"] == subject and p["goals"] and p["score"] is not None
    assert p["dimensions"] and all(d["metrics"] for d in p["dimensions"])
    assert p["peers"]["basis"] == basis and p["peers"]["size"] >= 3
    stats = p["peers"]["score"]
    assert stats["count"] <= p["peers"]["size"] and 0 <= stats["percentile"] <= 100
    assert 1 <= stats["rank"] <= stats["count"] + 1
    assert p["previous"]["end"] < AS_OF
    assert p["spiral"]["subjectId"] == subject
    if subject == "CRS-CNC":
        assert p["peers"]["valueName"] == p["category"] == "校企合作"
    if subject == "MAJ-MECH":
        assert {d["key"] for d in p["dimensions"]} >= {"专业就业率"}


def test_a_portrait_is_of_a_major_course_teacher_or_student(served):
    _, client = served
    school = next(s.id for s in DS.subjects.values() if s.level is Level.SCHOOL)
    assert codes(ask(client, "admin", PORTRAIT, s=school)) == {"BAD_USER_INPUT"}
    assert codes(ask(client, "admin", PORTRAIT, s="NO-SUCH")) == {"NOT_FOUND"}


@pytest.mark.parametrize(("who", "own", "other"), [("student", "STU-001", "STU-002"),
                                                   ("teacher", "TCH-01", "TCH-02")])
def test_a_person_sees_their_own_portrait_and_no_other_person(served, who, own, other):
    _, client = served
    body = ask(client, who, PORTRAIT, s=own)
    assert not body.get("errors"), body
    text = json.dumps(body["data"], ensure_ascii=False)
    others = {i: n for i, n in PEOPLE.items() if i != own}
    assert [x for x in [*others, *others.values()] if x in text] == []
    peers = body["data"]["portrait"]["peers"]
    assert peers["withheld"] or peers["score"]["count"] >= portraits.MIN_PEERS
    refused = ask(client, who, PORTRAIT, s=other)
    assert codes(refused) == {"NOT_FOUND"} and refused["data"] is None
    assert PEOPLE[other] not in json.dumps(refused, ensure_ascii=False)


def test_a_student_reads_their_courses_and_major_but_not_a_teacher(served):
    _, client = served
    assert data(client, "student", PORTRAIT, s="MAJ-MECH")["portrait"]["subject"]["id"] == "MAJ-MECH"
    assert codes(ask(client, "student", PORTRAIT, s="TCH-01")) == {"NOT_FOUND"}


def test_peer_statistics_are_withheld_over_too_few_people(served):
    engine, _ = served
    index = portraits._index(engine, DEMO_AS_OF)
    student = index.subjects["STU-001"]
    # the narrowest groups (same 专业: 1 other, same 二级学院: 2 others) are too small: the level is taken
    sizes = {basis: len(members) - 1 for basis, _, members in index.peers(student)}
    assert sizes[portraits.PeerBasis.MAJOR] < portraits.MIN_PEERS
    p = portraits.portrait(engine.for_principal(WHO["student"]), "STU-001", DEMO_AS_OF)
    assert p.peers is not None and p.peers.basis is portraits.PeerBasis.LEVEL
    assert portraits._stats(0.5, [0.1, 0.2, 0.3], personal=True).mean is None
    assert portraits._stats(0.5, [0.1, 0.2, 0.3], personal=False).percentile == 100


def test_standings_list_the_lowest_first_within_scope(served):
    _, client = served
    q = '{ subjectStandings(@asOf, first: 5) { total byStatus { status count } ' \
        'subjects { subject { id level } score status } } }'
    everyone = data(client, "admin", q)["subjectStandings"]
    assert everyone["total"] == sum(s.level in portraits.PORTRAIT_LEVELS for s in DS.subjects.values())
    assert sum(s["count"] for s in everyone["byStatus"]) == everyone["total"]
    scores = [s["score"] for s in everyone["subjects"]]
    assert scores == sorted(scores)
    mine = data(client, "student", q)["subjectStandings"]
    ids = json.dumps(mine)
    assert "STU-002" not in ids and "TCH-" not in ids and 0 < mine["total"] < everyone["total"]


# ------------------------------------------------------------------------------------ explainGap's rest

def test_listed_rest_and_others_add_up_to_the_gap(served):
    _, client = served
    q = """query($g: ID!) { explainGap(goalId: $g, @asOf, top: 3) { gap contributorCount
        contributors { contribution } rest { label count contribution }
        others { count contribution } } }"""
    for who in ("admin", "student"):
        e = data(client, who, q, g="S-MAJOR")["explainGap"]
        listed = sum(c["contribution"] for c in e["contributors"])
        rest = e["rest"]["contribution"] if e["rest"] else 0
        others = e["others"]["contribution"] if e["others"] else 0
        assert listed + rest + others == pytest.approx(e["gap"], abs=1e-9)
        if e["contributorCount"] > 3:
            assert e["rest"]["count"] == e["contributorCount"] - 3
            assert e["rest"]["label"] == f"其余 {e['rest']['count']} 项"


def test_standings_scores_are_each_subjects_own_and_follow_a_write():
    """The standings' scores (kept per data version) equal each subject's portrait score, and a recorded
    observation moves them."""
    from zhengai.domain.models import ObservedValue
    from zhengai.engine.writes import WriteService
    from zhengai.stores import EmbeddedStore

    engine = Engine(EmbeddedStore(load_dataset(demo_path())))

    def scores() -> dict[str, float | None]:
        return {r.subject.id: r.score for r in portraits.standings(engine, DEMO_AS_OF, first=200)[2]}

    before = scores()
    assert before and all(before[s] == portraits.portrait(engine, s, DEMO_AS_OF).score for s in before)
    student = next(s for s, v in before.items() if s.startswith("STU-") and v is not None)
    metric = next(m for ms in portraits._index(engine, DEMO_AS_OF).profile(student)[1].values() for m in ms)
    seen = []
    for value in (0.0, 1000.0):
        WriteService(engine).record_observations([ObservedValue(metric, DEMO_AS_OF, value)])
        after = scores()
        assert after[student] == portraits.portrait(engine, student, DEMO_AS_OF).score
        assert dashboards.goal_summary(engine, DEMO_AS_OF) == dashboards._goal_summary(engine, DEMO_AS_OF,
                                                                                       None, None)
        seen.append(after[student])
    assert seen[0] != seen[1]
