"""The catalogue of texts (zhengai/texts/zh.yaml): every label table keyed by the API's own values, every
template's placeholders resolvable, and the API saying the catalogue's words (that no label table lives
anywhere else is a layering rule: tests/test_architecture.py)."""

from __future__ import annotations

import re

import pytest

from zhengai import texts
from zhengai.domain.changes import Op
from zhengai.domain.enums import Frequency, Level, MetricDirection, Status, System
from zhengai.domain.spiral import CYCLES, SMALL_LOOP, Stage
from zhengai.engine.monitoring import Severity, WarningType
from zhengai.engine.onepage import TaskStatus
from zhengai.engine.trends import TrendDirection
from zhengai.security.tokens import Role

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("table", "keys"), [
    ("status", [*Status]), ("level", [*Level]), ("system", [*System]), ("severity", [*Severity]),
    ("warning_type", [*WarningType]), ("task_status", [*TaskStatus]), ("trend", [*TrendDirection]),
    ("stage", [*Stage]), ("small_loop", list(SMALL_LOOP)), ("cycle", list(CYCLES)), ("op", [*Op]),
    ("frequency", [*Frequency]), ("direction", [*MetricDirection]), ("role", [*Role]),
    ("colour", [Status.GREEN, Status.YELLOW, Status.RED]), ("status_short", [*Status]),
    ("kind", ["Goal", "Metric", "Task", "Unit", "Subject", "Plan", "Standard", "Node"]),
])
def test_each_label_table_is_keyed_by_the_apis_values(table, keys):
    assert list(texts.labels(table)) == [str(k) for k in keys]
    assert all(CJK.search(word) for word in texts.labels(table).values())


def _templates(node: object, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, tuple):
        return [t for i, v in enumerate(node) for t in _templates(v, f"{path}.{i}")]
    if hasattr(node, "items"):
        return [t for k, v in node.items() for t in _templates(v, f"{path}.{k}".lstrip("."))]
    return []


def test_every_placeholder_names_a_table_the_catalogue_has():
    tables = {k for k, v in texts.catalogue().items() if hasattr(v, "items")}
    for path, template in _templates(texts.catalogue()):
        for m in texts.PLACEHOLDER.finditer(template):
            assert m.group(2) is None or m.group(2) in tables, (path, m.group(0))
        assert template.count("{") == template.count("}") == len(texts.PLACEHOLDER.findall(template)), path


def test_say_fills_in_labels_lists_and_refuses_a_missing_parameter():
    assert texts.say("folded", count=3) == "其他 3 项"
    assert texts.say("warning.message", severity="RED", text="x") == "【红色预警】x"
    assert texts.say("forbidden.NEW_ID_PREFIX", prefixes=["STU-001-", "U-1-"], id="X") == \
        "您新建的编号须以 STU-001-、U-1- 开头（您填写的是“X”）"
    with pytest.raises(KeyError, match="needs the parameter 'count'"):
        texts.say("folded")
    with pytest.raises(KeyError, match="no text"):
        texts.say("warning.nope")


def test_the_api_says_the_catalogues_words(demo_gql):
    q = """{ qualityNetwork(asOf: "2026-11-20") { cells { system systemName level levelName } }
      onePage(unitId: "JWC", asOf: "2026-11-20") { tasks { status statusName } }
      spiral(subjectId: "SCH", asOf: "2026-11-20") { stage stageName cycleName smallLoop
        stages { stage name } }
      warnings(asOf: "2026-11-20", first: 50) { severity message } }"""
    data = demo_gql(q)
    for c in data["qualityNetwork"]["cells"]:
        assert c["systemName"] == texts.label("system", c["system"])
        assert c["levelName"] == texts.label("level", c["level"])
    assert data["onePage"]["tasks"]
    for t in data["onePage"]["tasks"]:
        assert t["statusName"] == texts.label("task_status", t["status"])
    spiral = data["spiral"]
    assert spiral["stageName"] == texts.label("stage", spiral["stage"]) and spiral["cycleName"] == "年度"
    assert spiral["smallLoop"] == ["实施", "监测", "预警", "改进"]
    assert [s["name"] for s in spiral["stages"]] == list(texts.labels("stage").values())
    for w in data["warnings"]:
        assert w["message"].startswith(f"【{texts.label('severity', w['severity'])}】")
