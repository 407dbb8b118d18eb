"""Property: whatever query a student sends, no response names another student or any teacher (id or
name), nor any other node outside their scope (by id) — on both stores. Queries are generated over every
root field, nested selections and every id of the demo college (other people's ids included, to probe)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from graphql import GraphQLError, StringValueNode, Visitor, parse, visit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from zhengai.app import create_app
from zhengai.domain.enums import Level
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.security.scope import build_scope
from zhengai.security.tokens import AuthConfig, Principal, Role
from zhengai.stores import EmbeddedStore

AUTH = AuthConfig(secret="privacy-test-secret-of-at-least-32-bytes")
ME = "STU-001"
DS = load_dataset(demo_path())
PEOPLE = [s for s in DS.subjects.values() if s.level in (Level.STUDENT, Level.TEACHER) and s.id != ME]
THEIR_GOALS = [g.id for g in DS.goals.values() if g.subject in {p.id for p in PEOPLE}]
THEIR_METRICS = [m.id for m in DS.metrics.values()
                 if m.measures and all(x.goal in THEIR_GOALS for x in m.measures)]
SECRETS = sorted({p.id for p in PEOPLE} | {p.name for p in PEOPLE} | set(THEIR_GOALS) | set(THEIR_METRICS),
                 key=len, reverse=True)
IDS = sorted({*DS.goals, *DS.metrics, *DS.subjects, *DS.units, *DS.tasks, *DS.plans, *DS.standards})
_ME = Principal("stu-001", roles=frozenset({Role.STUDENT}), subject=ME)
_SCOPE = build_scope(_ME, EmbeddedStore(DS).state, DEMO_AS_OF)
#: Every id the student may not see, of any kind (not only people): none may appear in a response.
HIDDEN_IDS = frozenset(i for section in ("goals", "metrics", "subjects", "tasks", "plans", "standards")
                       for i, node in DS.section(section).items() if not _SCOPE.allows(node))
AS_OF = f'asOf: "{DEMO_AS_OF}"'


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def client(request) -> Iterator[TestClient]:
    engine = (Engine(EmbeddedStore(DS)) if request.param == "embedded"
              else engine_for(request, "neo4j", demo_path()))
    yield TestClient(create_app(engine, auth=AUTH))


TOKEN = AUTH.issue(Role.STUDENT, "stu-001", 3600, name="张子涵", subject=ME)

ids = st.one_of(st.sampled_from(IDS), st.sampled_from([p.id for p in PEOPLE]),  # probes: other people
                st.sampled_from(THEIR_GOALS), st.sampled_from(THEIR_METRICS))
unit_ids = st.sampled_from(sorted(DS.units))
levels = st.sampled_from(["SCHOOL", "MAJOR", "COURSE", "TEACHER", "STUDENT"])
directions = st.sampled_from(["UP", "DOWN", "BOTH"])
texts = st.sampled_from(["G-", "STU", "TCH", "目标", "课程", "李", "王"])  # searched for


def goal_fields(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["id", "name", "attainment", "status", "others { label count attainment }",
                            "metrics { id name value goals { id name } }", "unit { id name }", "childCount"])
    if depth == 0:
        return st.lists(leaf, min_size=1, max_size=4).map(" ".join)
    nested = st.builds(lambda rel, sel: f"{rel} {{ {sel} }}", st.sampled_from(["children", "parents"]),
                       goal_fields(depth - 1))
    return st.lists(st.one_of(leaf, nested), min_size=1, max_size=4).map(" ".join)


def roots() -> st.SearchStrategy[str]:
    g = goal_fields(2)
    return st.one_of(
        st.builds(lambda i, s: f'goal(id: "{i}") {{ {s} }}', ids, g),
        st.builds(lambda i: f'metric(id: "{i}") {{ id name value history {{ at value }} '
                            f"goals {{ id name }} }}", ids),
        st.builds(lambda lv, s: f"goals(level: {lv}, first: 100) {{ totalCount edges {{ node {{ {s} }} }} }}",
                  levels, g),
        st.builds(lambda i: f'traceImpact(metricId: "{i}", {AS_OF}, toLevel: MAJOR) '
                            f"{{ targets {{ goal {{ id name }} paths {{ nodeIds }} }} "
                            f"others {{ count }} }}", ids),
        st.builds(lambda i: f'explainGap(goalId: "{i}", {AS_OF}, top: 200) '
                            f"{{ contributors {{ metric {{ id name }} }} unknownMetrics {{ id name }} "
                            f"others {{ count contribution }} }}", ids),
        st.builds(lambda i, v: f'simulate(changes: [{{metricId: "{i}", value: {v}}}], {AS_OF}) '
                               f"{{ changes {{ goal {{ id name }} }} metrics {{ metric {{ id name }} }} }}",
                  ids, st.integers(0, 100)),
        st.builds(lambda i, d, n: f'graph(rootId: "{i}", direction: {d}, depth: {n}, {AS_OF}) '
                                  f"{{ nodes {{ id label kind }} edges {{ source target }} }}",
                  ids, directions, st.integers(0, 4)),
        st.builds(lambda i, d: f'goalChain(goalId: "{i}", direction: {d}) {{ nodes {{ id label }} }}',
                  ids, directions),
        st.builds(lambda lv: f"warnings({AS_OF}, level: {lv}) {{ nodeId nodeName message }}", levels),
        st.just(f"qualityNetwork({AS_OF}) {{ cells {{ goalCount metricCount }} }}"),
        st.builds(lambda i: f'diagnosisReport(subjectId: "{i}", {AS_OF}) {{ markdown }}', ids),
        st.builds(lambda i: f'onePage(goalId: "{i}", {AS_OF}) {{ tasks {{ name leader goalIds }} '
                            f"goals {{ goal {{ id name }} }} }}", ids),
        st.builds(lambda i: f'onePage(unitId: "{i}", {AS_OF}) {{ tasks {{ name goalIds }} }}', unit_ids),
        st.builds(lambda lv, u: f'warnings({AS_OF}, level: {lv}, unitId: "{u}") {{ nodeId nodeName }}',
                  levels, unit_ids),
        st.builds(lambda i, k: f'spiral(subjectId: "{i}", {AS_OF}{k}) {{ subjectName kinds '
                               f"openWarnings {{ nodeId nodeName }} improvements {{ measure }} }}", ids,
                  st.sampled_from(["", ", kind: COURSE_BUILD", ", kind: TEACHER", ", kind: STUDENT"])),
        # 驾驶舱 and 画像
        st.builds(lambda i: f'portrait(subjectId: "{i}", {AS_OF}) {{ subject {{ id name }} majorName '
                            f"goals {{ id name }} dimensions {{ key metrics {{ id name }} "
                            f"peers {{ count mean }} }} "
                            f"peers {{ basis value valueName size score {{ mean percentile }} }} "
                            f"spiral {{ subjectName }} }}", ids),
        st.builds(lambda t: f'searchGoals(text: {json.dumps(t, ensure_ascii=False)}, first: 100, {AS_OF}) '
                            f"{{ id name }}", texts | ids),
        st.builds(lambda u: f'warningSummary({AS_OF}, unitId: "{u}") '
                            f"{{ total byUnit {{ unitId unitName }} }}", unit_ids),
        st.builds(lambda lv: f"subjectStandings({AS_OF}, level: {lv}, first: 200) "
                             f"{{ total subjects {{ subject {{ id name }} score }} }}", levels),
        st.builds(lambda u: f'goalSummary({AS_OF}, unitId: "{u}") {{ level total red }}', unit_ids),
        st.builds(lambda u: f'taskProgress({AS_OF}, unitId: "{u}", first: 200) {{ total tasks {{ name leader '
                            f"goalIds }} }}", unit_ids),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=roots())
def test_a_student_never_sees_another_person(client, query):
    response = client.post("/graphql", json={"query": "{ " + query + " }"},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "INTERNAL_SERVER_ERROR" not in json.dumps(body), body
    leaked = leaks(query, body)
    assert not leaked, (leaked, query, json.dumps(body, ensure_ascii=False)[:2000])


def sent_strings(query: str) -> set[str]:
    """Every string value in ``query`` (as the server reads it, escapes decoded)."""
    found: set[str] = set()
    try:
        document = parse(query)
    except GraphQLError:
        return set(re.findall(r'"([^"]+)"', query))

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: object) -> None:
            found.add(node.value)
    visit(document, Strings())
    return {s for s in found if s}


def leaks(query: str, body: dict) -> list[str]:
    """What of another person (id or name), or of any node hidden from STU-001 (id), ``body`` shows; an
    id the query itself sent may come back in an error message."""
    errors = json.dumps(body.get("errors") or [], ensure_ascii=False)
    for echoed in sorted(sent_strings(query), key=len, reverse=True):
        errors = errors.replace(echoed, "")
    text = json.dumps(body.get("data"), ensure_ascii=False) + errors
    return [s for s in SECRETS if s in text] + sorted(HIDDEN_IDS.intersection(re.findall(r"[\w-]+", text)))
