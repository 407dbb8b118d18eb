"""design.md §2's worked example: engine and end to end over HTTP, to 1e-9."""

from __future__ import annotations

import pytest

from tests.conftest import WORKED_AS_OF
from zhengai.domain.enums import Level, Status

TOL = 1e-9
AS_OF = WORKED_AS_OF.isoformat()


def test_engine_attainment(worked_engine):
    snap = worked_engine.snapshot(WORKED_AS_OF)
    expected = {"m1": 0.5, "m2": 0.8, "m3": 0.5, "P1": 0.65, "P2": 0.575, "S": 0.625}
    for node, a in expected.items():
        assert snap.attainment(node) == pytest.approx(a, abs=TOL), node
    assert snap.goal_status(worked_engine.goal("S")) is Status.RED


def test_engine_sensitivities_sum_to_one(worked_engine):
    s = {m: worked_engine.trace_impact(m, WORKED_AS_OF, Level.SCHOOL, 20).targets[0].sensitivity
         for m in ("m1", "m2", "m3")}
    assert s == pytest.approx({"m1": 1 / 3, "m2": 5 / 12, "m3": 1 / 4}, abs=TOL)
    assert sum(s.values()) == pytest.approx(1, abs=TOL)


TRACE = """query($m: ID!, $asOf: Date) { traceImpact(metricId: $m, asOf: $asOf) {
  attainment pathCount metric { id }
  targets { goal { id } sensitivity pathCount paths { nodeIds weight } } } }"""


def test_http_trace_impact_two_paths(worked_gql):
    t = worked_gql(TRACE, m="m2", asOf=AS_OF)["traceImpact"]
    assert t["attainment"] == pytest.approx(0.8, abs=TOL)
    assert t["pathCount"] == 2
    [target] = t["targets"]
    assert target["goal"]["id"] == "S"
    assert target["sensitivity"] == pytest.approx(5 / 12, abs=TOL)
    paths = {tuple(p["nodeIds"]): p["weight"] for p in target["paths"]}
    assert paths == pytest.approx({("m2", "P1", "S"): 1 / 3, ("m2", "P2", "S"): 1 / 12}, abs=TOL)


@pytest.mark.parametrize(("metric", "sensitivity"), [("m1", 1 / 3), ("m3", 1 / 4)])
def test_http_trace_impact_single_path(worked_gql, metric, sensitivity):
    t = worked_gql(TRACE, m=metric, asOf=AS_OF)["traceImpact"]
    assert t["pathCount"] == 1
    assert t["targets"][0]["sensitivity"] == pytest.approx(sensitivity, abs=TOL)


def test_http_goal_attainment_coverage_status(worked_gql):
    q = """query($asOf: Date) { goals(first: 10, asOf: $asOf) { totalCount edges { node {
      id attainment(asOf: $asOf) coverage(asOf: $asOf) status(asOf: $asOf) } } } }"""
    nodes = {e["node"]["id"]: e["node"] for e in worked_gql(q, asOf=AS_OF)["goals"]["edges"]}
    assert {k: v["attainment"] for k, v in nodes.items()} == pytest.approx(
        {"S": 0.625, "P1": 0.65, "P2": 0.575}, abs=TOL)
    assert {k: v["status"] for k, v in nodes.items()} == {"S": "RED", "P1": "RED", "P2": "RED"}
    assert all(v["coverage"] == 1.0 for v in nodes.values())


def test_http_explain_gap(worked_gql):
    q = """query($asOf: Date) { explainGap(goalId: "S", asOf: $asOf) {
      attainment gap contributors { metric { id } sensitivity contribution attainment } } }"""
    g = worked_gql(q, asOf=AS_OF)["explainGap"]
    assert g["attainment"] == pytest.approx(0.625, abs=TOL)
    assert g["gap"] == pytest.approx(0.375, abs=TOL)
    got = [(c["metric"]["id"], c["contribution"]) for c in g["contributors"]]
    assert [m for m, _ in got] == ["m1", "m3", "m2"]  # by contribution, descending
    assert dict(got) == pytest.approx({"m1": 1 / 6, "m2": 1 / 12, "m3": 0.125}, abs=TOL)
    assert sum(c for _, c in got) == pytest.approx(g["gap"], abs=TOL)


def test_http_simulate(worked_gql):
    q = """query($asOf: Date) { simulate(asOf: $asOf, changes: [{metricId: "m3", value: 16}]) {
      changes { goal { id } before after beforeStatus afterStatus }
      metrics { metric { id } before after afterStatus } } }"""
    s = worked_gql(q, asOf=AS_OF)["simulate"]
    changes = {c["goal"]["id"]: c for c in s["changes"]}
    assert set(changes) == {"S", "P2"}
    assert changes["P2"]["after"] == pytest.approx(0.95, abs=TOL)
    assert changes["S"]["before"] == pytest.approx(0.625, abs=TOL)
    assert changes["S"]["after"] == pytest.approx(0.75, abs=TOL)
    assert (changes["S"]["beforeStatus"], changes["S"]["afterStatus"]) == ("RED", "YELLOW")
    assert s["metrics"][0]["after"] == 1.0
    # nothing is stored: the goal is unchanged afterwards
    after = worked_gql('query($asOf: Date){ goal(id: "S") { attainment(asOf: $asOf) } }', asOf=AS_OF)
    assert after["goal"]["attainment"] == pytest.approx(0.625, abs=TOL)


def test_served_over_real_http_with_data_folder(tmp_path):
    """`zhengai serve --data tests/data/worked_example` answers the worked example over TCP."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from tests.conftest import WORKED

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "zhengai.cli", "serve", "--data", str(WORKED),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start")
        body = httpx.post(f"{url}/graphql", json={"query": TRACE, "variables": {"m": "m2", "asOf": AS_OF}})
        target = body.json()["data"]["traceImpact"]["targets"][0]
        assert target["sensitivity"] == pytest.approx(5 / 12, abs=TOL)
        assert body.json()["data"]["traceImpact"]["pathCount"] == 2
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/graphql" in out
