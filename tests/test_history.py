"""`Metric.history` and `Metric.historyPage` return every observation of a range, on both stores.

A metric with 365 daily observations (between 251 and 499 points once lost all but the newest 500 − n)
and one with 600 (more than one `history`: the newest 500; `historyPage` pages through all 600).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import WORKED, client_for, engine_for

START = date(2025, 1, 1)
DAYS = {"m1": 365, "m2": 600}  # m1: HIGHER, baseline 80, target 100; m2: HIGHER, target 50

HISTORY = """query($m: ID!, $f: Date, $t: Date) {
  metric(id: $m) { history(from: $f, to: $t) { at value } } }"""
PAGE = """query($m: ID!, $f: Date, $t: Date, $n: Int!, $after: String) { metric(id: $m) {
  historyPage(from: $f, to: $t, first: $n, after: $after) {
    totalCount edges { cursor node { at value } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""


def _value(metric: str, i: int) -> float:
    return round(80 + (i % 40) / 2, 1) if metric == "m1" else float(i % 50)


@pytest.fixture(scope="module")
def daily_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("daily-history")
    shutil.copy(WORKED / "dataset.yaml", folder / "dataset.yaml")
    rows = ["metric,at,value"] + [f"{m},{START + timedelta(days=i)},{_value(m, i)}"
                                  for m, n in DAYS.items() for i in range(n)]
    (folder / "observations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def gql(request, store_kind, daily_folder):
    return client_for(engine_for(request, store_kind, daily_folder))


def _expected(metric: str, first: date | None = None, last: date | None = None) -> list[dict]:
    out = [{"at": (START + timedelta(days=i)).isoformat(), "value": _value(metric, i)}
           for i in range(DAYS[metric])]
    return [p for p in out if (first is None or p["at"] >= first.isoformat())
            and (last is None or p["at"] <= last.isoformat())]


def test_history_of_365_points_returns_all_of_them(gql):
    assert gql(HISTORY, m="m1")["metric"]["history"] == _expected("m1")


def test_history_of_a_range_of_300_points_returns_all_of_them(gql):
    first, last = START + timedelta(days=30), START + timedelta(days=329)
    got = gql(HISTORY, m="m1", f=first.isoformat(), t=last.isoformat())["metric"]["history"]
    assert len(got) == 300
    assert got == _expected("m1", first, last)


def test_history_of_more_than_500_points_keeps_the_newest_500(gql):
    assert gql(HISTORY, m="m2")["metric"]["history"] == _expected("m2")[-500:]


@pytest.mark.parametrize(("metric", "size"), [("m1", 100), ("m1", 365), ("m2", 128), ("m2", 500)])
def test_history_page_returns_every_point_once(gql, metric, size):
    got, after, pages = [], None, 0
    while True:
        page = gql(PAGE, m=metric, n=size, after=after)["metric"]["historyPage"]
        assert page["totalCount"] == DAYS[metric]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        got += [e["node"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert got == _expected(metric)
    assert pages == -(-DAYS[metric] // size)


def test_history_page_within_a_range(gql):
    first, last = START + timedelta(days=100), START + timedelta(days=420)
    args = {"m": "m2", "f": first.isoformat(), "t": last.isoformat(), "n": 200}
    one = gql(PAGE, **args)["metric"]["historyPage"]
    two = gql(PAGE, **args, after=one["pageInfo"]["endCursor"])["metric"]["historyPage"]
    assert one["totalCount"] == two["totalCount"] == 321
    assert [e["node"] for e in one["edges"] + two["edges"]] == _expected("m2", first, last)
    assert not two["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize(("args", "words"), [
    ({"n": 501}, "first must be between 0 and 500"),
    ({"n": -1}, "first must be between 0 and 500"),
    ({"n": 10, "after": "bm90LWEtY3Vyc29y"}, "invalid cursor"),
    ({"n": 10, "after": "%%%"}, "invalid cursor"),
])
def test_history_page_refuses_bad_arguments(gql, args, words):
    body = gql.raw(PAGE, m="m1", **args)
    [error] = body["errors"]
    assert words in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
