"""Editing the graph in place (applyChanges, design.md §5): on both stores, all or nothing, located
refusals, effective dates (the plan as it stood on any date), conflicts, dry runs, durability."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, WORKED, GraphQLClient, dataset_copy
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.graph_loader import demo_path, load_dataset
from zhengai.stores import EmbeddedStore
from zhengai.stores.neo4j_store import Neo4jStore

APPLY = """mutation($changes: [ChangeInput!]!, $from: Date, $expected: Int, $dry: Boolean! = false) {
  applyChanges(changes: $changes, effectiveFrom: $from, expectedVersion: $expected, dryRun: $dry) {
    version dryRun effectiveFrom changed { id kind op } } }"""
GOAL = """query($id: ID!, $asOf: Date) { goal(id: $id, asOf: $asOf) { id name level attainment status
  parents { id } children { id } metrics { id target } } }"""
VERSION = "{ dataVersion }"
NEXT_YEAR = date(date.today().year + 1, 1, 1)


@pytest.fixture
def demo(request, store_kind, tmp_path) -> Iterator[GraphQLClient]:
    """The demo on a store of its own (the test writes): embedded with a journal, or the test Neo4j."""
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        engine = datasets.engine(demo_path())
        yield GraphQLClient(TestClient(create_app(Engine(engine.store))))
        datasets.forget()
    else:
        yield GraphQLClient(TestClient(create_app(Engine(EmbeddedStore(dataset_copy(demo_path()),
                                                                         tmp_path / "state")))))


def apply(gql: GraphQLClient, changes: list[dict[str, Any]], **variables: Any) -> dict[str, Any]:
    return gql(APPLY, changes=changes, **variables)["applyChanges"]


def refused(gql: GraphQLClient, changes: list[dict[str, Any]], **variables: Any) -> dict[str, Any]:
    body = gql.raw(APPLY, changes=changes, **variables)
    assert body.get("data") is None and body["errors"], body
    return body["errors"][0]


NEW_GOAL = {"upsertGoal": {"id": "A27-EMP", "name": "2027年毕业生就业创业工作目标", "level": "SCHOOL",
                           "supports": [{"goal": "S-EMP", "weight": 3}], "subject": "SCH", "owner": "XGC"}}
NEW_METRIC = {"upsertMetric": {"id": "M-EMP-27", "name": "2027届初次就业率", "unit": "%",
                               "direction": "HIGHER", "baseline": 90, "target": 98, "frequency": "MONTHLY",
                               "measures": [{"goal": "A27-EMP", "weight": 1}]}}


def test_a_batch_creates_links_and_is_seen_from_its_date_on(demo):
    before = demo(VERSION)["dataVersion"]
    done = apply(demo, [NEW_GOAL, NEW_METRIC], **{"from": "2026-12-01"})
    assert done["version"] == before + 1 and not done["dryRun"] and done["effectiveFrom"] == "2026-12-01"
    assert {(c["id"], c["op"]) for c in done["changed"]} == {("A27-EMP", "CREATED"), ("M-EMP-27", "CREATED")}
    assert demo(VERSION)["dataVersion"] == before + 1
    goal = demo(GOAL, id="A27-EMP", asOf="2026-12-02")["goal"]
    assert goal["parents"] == [{"id": "S-EMP"}] and goal["metrics"] == [{"id": "M-EMP-27", "target": 98.0}]
    assert "A27-EMP" in {c["id"] for c in demo(GOAL, id="S-EMP", asOf="2026-12-02")["goal"]["children"]}
    # the plan as it stood before: no such goal, and S-EMP exactly as before
    hidden = demo.raw(GOAL, id="A27-EMP", asOf="2026-11-30")
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    old = demo(GOAL, id="S-EMP", asOf="2026-11-30")["goal"]
    assert "A27-EMP" not in {c["id"] for c in old["children"]}


def test_editing_leaves_every_earlier_answer_as_it_was(demo):
    """Last year's 诊改报告, warnings, trends and gap causes do not move when this year's plan is revised."""
    questions = {
        "report": '{ diagnosisReport(subjectId: "SCH", asOf: "2026-11-20") { markdown } }',
        "warnings": '{ warnings(asOf: "2026-11-20") { id message } }',
        "trend": '{ goal(id: "S-EMP") { trend(from: "2026-01-01", to: "2026-11-20") { at attainment } } }',
        "gap": '{ explainGap(goalId: "S-FACULTY", asOf: "2026-11-20") { attainment gap '
               'contributors { metric { id } contribution } } }',
        "network": '{ qualityNetwork(asOf: "2026-11-20") { cells { goalCount attainment status } } }',
    }
    earlier = {k: demo(q) for k, q in questions.items()}
    apply(demo, [NEW_GOAL, NEW_METRIC,
                 {"upsertMetric": {"id": "M-SSR", "target": 14, "floor": 17}},
                 {"link": {"kind": "SUPPORTS", "source": "A26-FACBASE", "target": "S-FACULTY", "weight": 5}},
                 {"retire": {"id": "T-05", "cascade": True}}], **{"from": "2026-12-01"})
    assert {k: demo(q) for k, q in questions.items()} == earlier
    after = demo('{ explainGap(goalId: "S-FACULTY", asOf: "2026-12-02") { attainment } }')
    assert after["explainGap"]["attainment"] != earlier["gap"]["explainGap"]["attainment"]


def test_changing_a_target_moves_attainment_from_its_date(demo):
    """M-EMP-MATCH carries 分年度目标 (2024…2028): its 2026 target is edited, from a date."""
    q = '{ m: metric(id: "M-EMP-MATCH", asOf: $d) { target targetInForce(asOf: $d) attainment(asOf: $d) } }'
    q = "query($d: Date) " + q
    before = demo(q, d="2026-11-20")["m"]
    assert before["targetInForce"] == 80.0 and before["target"] == 80.0
    path = demo('{ metric(id: "M-EMP-MATCH") { targets { year target } } }')["metric"]["targets"]
    edited = [{**t, "target": 95.0} if t["year"] == 2026 else t for t in path]
    apply(demo, [{"upsertMetric": {"id": "M-EMP-MATCH", "targets": edited}}], **{"from": "2026-11-15"})
    assert demo(q, d="2026-11-14")["m"] == {**before}  # before the effective date: untouched
    now = demo(q, d="2026-11-20")["m"]
    assert now["targetInForce"] == 95 and now["attainment"] < before["attainment"]


def test_a_metrics_plain_target_holds_the_years_without_a_yearly_one(demo):
    """`target` is the path's end: it moves attainment only in years that name no 分年度目标."""
    q = "query($d: Date) " + '{ m: metric(id: "M-EMP-MATCH", asOf: $d) { targetInForce(asOf: $d) } }'
    path = demo('{ metric(id: "M-EMP-MATCH") { targets { year target } } }')["metric"]["targets"]
    kept = [t for t in path if t["year"] != 2026]
    apply(demo, [{"upsertMetric": {"id": "M-EMP-MATCH", "target": 90, "targets": kept}}],
          **{"from": "2026-11-15"})
    assert demo(q, d="2026-11-20")["m"]["targetInForce"] == 90
    assert demo(q, d="2026-11-14")["m"]["targetInForce"] == 80


def test_a_dry_run_answers_the_same_and_writes_nothing(demo):
    version = demo(VERSION)["dataVersion"]
    dry = apply(demo, [NEW_GOAL], dry=True)
    assert dry["dryRun"] and dry["version"] == version + 1
    assert demo(VERSION)["dataVersion"] == version
    assert demo.raw(GOAL, id="A27-EMP")["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    real = apply(demo, [NEW_GOAL])
    assert real["changed"] == dry["changed"] and real["version"] == dry["version"]


def test_an_expected_version_refuses_a_stale_editor(demo):
    version = demo(VERSION)["dataVersion"]
    revised = "毕业生就业质量稳居全省前列（修订）"
    apply(demo, [{"upsertGoal": {"id": "S-EMP", "name": revised}}], expected=version)
    error = refused(demo, [{"upsertGoal": {"id": "S-EMP", "name": "另一位编辑的修改"}}], expected=version)
    assert error["extensions"]["code"] == "CONFLICT" and error["extensions"]["currentVersion"] == version + 1
    assert demo(GOAL, id="S-EMP")["goal"]["name"] == revised


@pytest.mark.parametrize(("changes", "index", "field", "words"), [
    ([NEW_GOAL, {"link": {"kind": "SUPPORTS", "source": "S-EMP", "target": "A27-EMP"}}], 1, "link",
     "cycle in SUPPORTS: A27-EMP → S-EMP → A27-EMP"),
    ([{"link": {"kind": "SUPPORTS", "source": "S-EMP", "target": "G-MAJ-MECH"}}], 0, "link",
     "a SCHOOL goal cannot support the MAJOR goal G-MAJ-MECH"),
    ([{"upsertGoal": {"id": "NEW-1", "name": "缺少层级的目标"}}], 0, "upsertGoal.level", "required"),
    ([{"upsertGoal": {"id": "S-EMP", "supports": [{"goal": "GHOST", "weight": 1}]}}], 0,
     "upsertGoal.supports.0", "unknown goal 'GHOST'"),
    ([{"upsertMetric": {"id": "M-SSR", "baseline": 16}}], 0, "upsertMetric", "target equals baseline"),
    ([{"upsertGoal": {"id": "S-EMP", "supports": [{"goal": "S-EMP", "weight": 0}]}}], 0,
     "upsertGoal.supports.0.weight", "greater than 0"),
    ([{"link": {"kind": "MEASURES", "source": "M-SSR", "target": "NOPE", "weight": 1}}], 0, "link.target",
     "unknown goal id 'NOPE'"),
    ([{"retire": {"id": "S-EMP"}}], 0, "retire.cascade", "S-EMP is still named by A26-EMP"),
    ([{"unlink": {"kind": "SUPPORTS", "source": "A26-EMP", "target": "S-FACULTY"}}], 0, "unlink",
     "A26-EMP has no SUPPORTS link to S-FACULTY"),
    ([{"upsertUnit": {"id": "JWC", "parent": "JWC"}}], 0, "upsertUnit.parent",
     "cycle in unit parents: JWC → JWC"),
])
def test_a_refused_batch_is_located_and_writes_nothing(demo, changes, index, field, words):
    version = demo(VERSION)["dataVersion"]
    error = refused(demo, changes)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    problems = error["extensions"]["problems"]
    assert any(p["index"] == index and p["field"] == field and words in p["message"]
               for p in problems), problems
    assert demo(VERSION)["dataVersion"] == version


def test_every_bad_change_of_a_batch_is_named(demo):
    problems = refused(demo, [{"upsertGoal": {"id": "X1", "name": "一"}},
                              {"upsertMetric": {"id": "M-SSR", "baseline": 16}},
                              {"retire": {"id": "NOWHERE"}}])["extensions"]["problems"]
    assert [p["index"] for p in problems] == [0, 1, 2]


def test_retire_with_cascade_ends_the_links_that_name_it(demo):
    done = apply(demo, [{"retire": {"id": "A26-EMP", "cascade": True}}], **{"from": "2026-12-01"})
    ops = {(c["id"], c["op"]) for c in done["changed"]}
    assert ("A26-EMP", "RETIRED") in ops and ("M-EMP-MATCH", "UNLINKED") in ops
    assert demo.raw(GOAL, id="A26-EMP", asOf="2026-12-01")["errors"]
    assert demo(GOAL, id="A26-EMP", asOf="2026-11-30")["goal"]["metrics"]  # as it was before
    metric = demo('{ metric(id: "M-EMP-MATCH", asOf: "2026-12-01") { goals { id } } }')["metric"]
    assert metric["goals"] == [{"id": "D26-XGC"}]  # only the 学工处's own 年度目标 is left


def test_a_task_records_its_monthly_progress_and_spending(demo):
    q = """query($d: Date) { onePage(goalId: "S-EMP", asOf: $d) { tasks { id progress spent } } }"""
    task = next(t for t in demo(q, d="2026-11-20")["onePage"]["tasks"])
    apply(demo, [{"upsertTask": {"id": task["id"], "progress": 0.75, "spent": task["spent"] + 10}}],
          **{"from": "2026-12-01"})
    now = next(t for t in demo(q, d="2026-12-01")["onePage"]["tasks"] if t["id"] == task["id"])
    then = next(t for t in demo(q, d="2026-11-20")["onePage"]["tasks"] if t["id"] == task["id"])
    assert now == {**task, "progress": 0.75, "spent": task["spent"] + 10} and then == task


def test_each_edit_is_in_the_audit_log_with_before_and_after(demo):
    apply(demo, [{"upsertMetric": {"id": "M-EMP-MATCH", "target": 85}}], **{"from": "2026-12-01"})
    [entry] = demo('{ auditLog(first: 1, operation: "applyChanges") { summary beforeJson afterJson } }')[
        "auditLog"]
    assert "1 项变更" in entry["summary"] and "2026-12-01" in entry["summary"]
    assert '"target": 80' in entry["beforeJson"] and '"target": 85' in entry["afterJson"]


def test_edits_survive_a_restart(request, store_kind, tmp_path):
    if store_kind == "neo4j":
        datasets = request.getfixturevalue("neo4j_datasets")
        datasets.forget()
        store = datasets.engine(WORKED).store
    else:
        store = EmbeddedStore(load_dataset(WORKED), tmp_path)
    gql = GraphQLClient(TestClient(create_app(Engine(store))))
    new_goal = {"id": "P3", "name": "新专业目标", "level": "MAJOR", "supports": [{"goal": "S"}]}
    apply(gql, [{"upsertMetric": {"id": "m3", "target": 15}}, {"upsertGoal": new_goal}],
          **{"from": "2026-01-15"})
    again = (Neo4jStore(store.settings) if store_kind == "neo4j"  # type: ignore[attr-defined]
             else EmbeddedStore(load_dataset(WORKED), tmp_path))
    fresh = GraphQLClient(TestClient(create_app(Engine(again))))
    for when in ("2026-01-14", "2026-02-01"):
        assert fresh(GOAL, id="S", asOf=when) == gql(GOAL, id="S", asOf=when)
    assert {c["id"] for c in fresh(GOAL, id="S", asOf="2026-02-01")["goal"]["children"]} == {"P1", "P2", "P3"}
    if store_kind == "neo4j":
        again.close()
        request.getfixturevalue("neo4j_datasets").forget()


def test_the_yearly_decomposition_adds_next_years_goals_beside_this_years(demo):
    """Each January–March the 年度任务分解 adds the new year's goals; this year's keep their history."""
    report = '{ diagnosisReport(subjectId: "SCH", asOf: "2026-11-20") { goals { goal { id } attainment } } }'
    before = demo(report)
    apply(demo, [NEW_GOAL, NEW_METRIC], **{"from": NEXT_YEAR.isoformat()})
    assert demo(report) == before
    ids = {c["id"] for c in demo(GOAL, id="S-EMP", asOf=NEXT_YEAR.isoformat())["goal"]["children"]}
    assert {"A26-EMP", "A27-EMP"} <= ids


def test_the_demo_answers_are_unchanged_before_any_edit(demo):
    school = demo(GOAL, id="S-FACULTY", asOf=DEMO_AS_OF.isoformat())["goal"]
    assert school["status"] == "YELLOW"


def test_a_date_already_read_sees_the_goals_an_edit_adds_and_retires(demo):
    """The 五纵五横 matrix of a date read before an edit (its evaluation cached) counts the goal the edit
    adds from that date, and stops counting the one it retires."""
    network = '{ qualityNetwork(asOf: "2026-11-20") { cells { system level goalCount } } }'

    def support_school() -> int:
        cells = demo(network)["qualityNetwork"]["cells"]
        return next(c["goalCount"] for c in cells if (c["system"], c["level"]) == ("SUPPORT", "SCHOOL"))

    before = support_school()
    apply(demo, [NEW_GOAL], **{"from": "2026-11-20"})
    assert support_school() == before + 1
    apply(demo, [{"retire": {"id": "A27-EMP"}}], **{"from": "2026-11-20"})
    assert support_school() == before


def test_every_kind_of_node_and_link_can_be_edited(demo):
    """Create, update and retire units, subjects, plans, goals, metrics, standards and tasks; add and
    remove every kind of link."""
    apply(demo, [
        {"upsertUnit": {"id": "ZLB", "name": "诊改工作组", "system": "SUPERVISION", "parent": "ZGB"}},
        {"upsertSubject": {"id": "MAJ-AI", "name": "人工智能技术应用", "level": "MAJOR", "unit": "C-ELEC",
                           "tier": "骨干"}},
        {"upsertPlan": {"id": "PL-AI", "name": "人工智能技术应用专业建设规划", "parent": "PL-5Y-TALENT"}},
        {"upsertStandard": {"id": "STD-AI", "name": "人工智能专业标准", "level": "MAJOR"}},
        {"upsertGoal": {"id": "G-MAJ-AI", "name": "人工智能专业建设目标", "level": "MAJOR",
                        "subject": "MAJ-AI", "owner": "C-ELEC"}},
        {"upsertMetric": {"id": "M-AI-1", "name": "专业对口就业率", "unit": "%", "target": 90}},
        {"upsertTask": {"id": "T-AI", "name": "新专业申报", "leadUnit": "JWC", "start": "2026-12-01",
                        "due": "2027-06-30", "budget": 20}},
    ], **{"from": "2026-12-01"})
    links = [("SUPPORTS", "G-MAJ-AI", "S-MAJOR", 1.0), ("MEASURES", "M-AI-1", "G-MAJ-AI", 2.0),
             ("SPECIFIES", "STD-AI", "M-AI-1", None), ("HELD_TO", "G-MAJ-AI", "STD-AI", None),
             ("DERIVED_FROM", "G-MAJ-AI", "PL-AI", None), ("ADVANCES", "T-AI", "G-MAJ-AI", None),
             ("UNDERTAKEN_BY", "T-AI", "ZLB", None)]
    done = apply(demo, [{"link": {"kind": k, "source": s, "target": t, "weight": w}} for k, s, t, w in links],
                 **{"from": "2026-12-02"})
    assert {c["op"] for c in done["changed"]} == {"LINKED"}
    graph = '{ graph(rootId: "G-MAJ-AI", depth: 1, asOf: $d) { edges { source target kind weight } } }'
    edges = demo("query($d: Date) " + graph, d="2026-12-02")["graph"]["edges"]
    kinds = {(e["kind"], e["source"], e["target"]) for e in edges}
    assert {("SUPPORTS", "G-MAJ-AI", "S-MAJOR"), ("MEASURED_BY", "G-MAJ-AI", "M-AI-1"),
            ("HELD_TO", "G-MAJ-AI", "STD-AI"), ("DERIVED_FROM", "G-MAJ-AI", "PL-AI"),
            ("ADVANCES", "T-AI", "G-MAJ-AI"), ("FOR_SUBJECT", "G-MAJ-AI", "MAJ-AI")} <= kinds
    assert next(e for e in edges if e["kind"] == "MEASURED_BY")["weight"] == 2.0
    apply(demo, [{"unlink": {"kind": k, "source": s, "target": t}} for k, s, t, _ in links],
          **{"from": "2026-12-03"})
    left = {e["kind"] for e in demo("query($d: Date) " + graph, d="2026-12-03")["graph"]["edges"]}
    assert left == {"OWNED_BY", "FOR_SUBJECT", "BELONGS_TO"}  # the goal's and subject's own, not the links
    retired = apply(demo, [{"retire": {"id": i, "cascade": True}}
                           for i in ("T-AI", "M-AI-1", "STD-AI", "G-MAJ-AI", "PL-AI", "MAJ-AI", "ZLB")],
                    **{"from": "2026-12-04"})
    assert {c["id"] for c in retired["changed"] if c["op"] == "RETIRED"} == {
        "T-AI", "M-AI-1", "STD-AI", "G-MAJ-AI", "PL-AI", "MAJ-AI", "ZLB"}
    assert demo("query($d: Date) " + graph, d="2026-12-03")["graph"]["edges"]  # before: still there
