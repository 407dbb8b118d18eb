"""监测预警: one hand-made case per warning type with its expected severity, on both stores."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import DATA, engine_for
from zhengai.domain.enums import Level
from zhengai.engine.monitoring import Severity

MONITORING = DATA / "monitoring"
AS_OF = date(2026, 6, 30)

EXPECTED = {
    "STATUS:G-RED": "RED", "STATUS:m-red": "RED",            # attainment 0.5
    "STATUS:G-YEL": "YELLOW", "STATUS:m-yel": "YELLOW",      # attainment 0.8
    "STATUS:G-PACE": "RED", "STATUS:m-pace": "RED",          # attainment 0.35 …
    "BEHIND_PACE:G-PACE": "YELLOW",                          # … with 49.6 % of its period gone
    "FLOOR:m-floor": "RED",                                  # 95 < floor 96, though attainment is 0.9
    "STALE:m-stale": "YELLOW",                               # MONTHLY, last seen 2026-04-01
    "STALE:m-none": "YELLOW",                                # never observed
    "OVERDUE:T-late": "RED",                                 # due 2026-05-31, progress 0.5
    "OVER_BUDGET:T-over": "YELLOW",                          # 5 % over
    "OVER_BUDGET:T-over2": "RED",                            # 50 % over
}


@pytest.fixture
def monitoring_engine(request, store_kind):
    return engine_for(request, store_kind, MONITORING)


def test_each_rule_raises_its_warning_with_the_expected_severity(monitoring_engine):
    found = {w.id: w.severity.value for w in monitoring_engine.warnings(AS_OF)}
    assert found == EXPECTED


def test_warnings_name_unit_leader_and_explain_in_chinese(monitoring_engine):
    by_id = {w.id: w for w in monitoring_engine.warnings(AS_OF)}
    late = by_id["OVERDUE:T-late"]
    assert (late.unit_id, late.leader, late.kind) == ("U2", "分管教学校领导", "Task")
    assert "【红色预警】" in late.message and "2026-05-31" in late.message and "50.0%" in late.message
    floor = by_id["FLOOR:m-floor"]
    assert floor.leader == "分管诊改工作校领导" and "低于底线 96%" in floor.message
    assert "STALE:m-pace" not in by_id  # QUARTERLY, last seen 2026-06-01: fresh
    assert "尚无监测数据" in by_id["STALE:m-none"].message


def test_filters_by_unit_level_and_severity(monitoring_engine):
    u2 = {w.id for w in monitoring_engine.warnings(AS_OF, unit_id="U2")}
    assert u2 == {"STATUS:G-YEL", "STATUS:m-yel", "STATUS:G-PACE", "STATUS:m-pace", "BEHIND_PACE:G-PACE",
                  "OVERDUE:T-late"}
    everything = {w.id for w in monitoring_engine.warnings(AS_OF, unit_id="U1")}
    assert everything == set(EXPECTED)  # U2 is PART_OF U1
    major = {w.id for w in monitoring_engine.warnings(AS_OF, level=Level.MAJOR)}
    assert major == {"STATUS:G-YEL", "STATUS:m-yel", "STATUS:G-PACE", "STATUS:m-pace", "BEHIND_PACE:G-PACE"}
    red = monitoring_engine.warnings(AS_OF, min_severity=Severity.RED)
    assert {w.id for w in red} == {k for k, v in EXPECTED.items() if v == "RED"}


def test_every_warning_type_occurs_on_the_demo(demo_gql):
    q = '{ warnings(asOf: "2026-11-20", first: 1000) { type severity nodeName message } }'
    found = demo_gql(q)["warnings"]
    assert {w["type"] for w in found} == {"STATUS", "FLOOR", "STALE", "BEHIND_PACE", "OVERDUE", "OVER_BUDGET"}
    severities = [w["severity"] for w in found]
    assert severities == sorted(severities, key=["RED", "YELLOW", "INFO"].index)


def test_the_warnings_of_several_dates_are_kept_until_a_write(monitoring_engine):
    """The warnings due at a few dates are kept side by side (the explorer asks at its monitoring date, the
    驾驶舱 and 画像 at today: at college scale each computation takes seconds), and a recorded observation
    drops them all."""
    from zhengai.domain.models import ObservedValue
    from zhengai.engine.writes import WriteService

    engine = monitoring_engine
    earlier = date(2026, 5, 31)
    first, second = engine.due_warnings(AS_OF), engine.due_warnings(earlier)
    assert engine.due_warnings(AS_OF) is first and engine.due_warnings(earlier) is second
    WriteService(engine).record_observations([ObservedValue("m-red", AS_OF, 100.0)])
    fresh = engine.due_warnings(AS_OF)
    assert fresh is not first and "STATUS:m-red" in {w.id for w in first.found}
    assert "STATUS:m-red" not in {w.id for w in fresh.found}


def test_a_subjects_warnings_are_judged_for_its_nodes_alone_and_equal_the_full_list(request, store_kind):
    """A 画像's or 8字螺旋's warnings (its goals', metrics' and tasks'): judged for those nodes only when the
    date's warnings are not kept (at college scale the full list takes seconds), and equal to the full
    list's, through a caller's scope too."""
    from tests.conftest import DEMO_AS_OF
    from zhengai.engine import Engine
    from zhengai.engine.portraits import portrait
    from zhengai.graph_loader import demo_path
    from zhengai.security.tokens import Principal, Role

    engine: Engine = engine_for(request, store_kind, demo_path())
    student = Principal("stu-001", roles=frozenset({Role.STUDENT}), subject="STU-001")
    for view in (engine, engine.for_principal(student)):
        engine._caches.warnings.clear()
        drawn = portrait(view, "STU-001", DEMO_AS_OF)
        assert not engine._caches.warnings  # the college's warnings were not computed for one portrait
        nodes = {g.id for g in drawn.goals} | {m.id for d in drawn.dimensions for m in d.metrics}
        alone = view.node_warnings(nodes, DEMO_AS_OF)
        full = [w for w in view.warnings(DEMO_AS_OF) if w.node_id in nodes]
        assert alone == full and view.node_warnings(nodes, DEMO_AS_OF) == full  # judged, then read
    assert full and drawn.spiral.open_warnings
