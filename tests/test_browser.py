"""The browser UI: the 五纵五横 explorer at / and the offline GraphiQL at /graphql.

The first tests read the HTML pages over HTTP (no browser): no page names an asset on another host.
The others drive a real Chromium (Debian's /usr/bin/chromium, through Playwright for Python) against
the real server on the bundled demo, with every request to a host other than the loopback aborted and
recorded; they click through the explorer and run a saved query in GraphiQL, and save screenshots to
test-artifacts/screenshots/ (ZHENGAI_DOC_SCREENSHOTS=1 also refreshes the three in docs/screenshots/).
With CI=true a missing Chromium or Playwright fails them; elsewhere they are skipped with a message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_AS_OF, engine_for
from zhengai import texts
from zhengai.app import create_app
from zhengai.graph_loader import demo_path
from zhengai.queries import graphql_operations

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("ZHENGAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
AS_OF = DEMO_AS_OF.isoformat()
HOWTO = ("install Chromium and a CJK font (apt-get install chromium fonts-wqy-microhei; ./scripts/test "
         "does it with ZHENGAI_INSTALL_BROWSER=1 or CI=true) and Playwright (pip install -e '.[dev]'); set "
         "ZHENGAI_CHROMIUM for a Chromium elsewhere")
# status → (fill, border) as drawn by explorer.js / explorer.css
FILL = {"GREEN": "rgb(220, 242, 227)", "YELLOW": "rgb(252, 240, 200)", "RED": "rgb(249, 217, 217)",
        "UNKNOWN": "rgb(236, 238, 240)"}


# ------------------------------------------------------------------------------------ pages over HTTP

class _Links(HTMLParser):
    """Every URL an HTML page names (src, href, action, srcset, poster …)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in {"src", "href", "action", "formaction", "poster", "data", "manifest"}:
                self.urls.append((tag, name, value.strip()))
            elif name == "srcset":
                self.urls += [(tag, name, part.split()[0]) for part in value.split(",") if part.strip()]


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", ""} and not parts.netloc and not url.startswith("//"):
        return True
    return parts.scheme in {"http", "https"} and (parts.hostname or "") in LOOPBACK


@pytest.fixture(scope="module")
def http(request) -> TestClient:
    return TestClient(create_app(engine_for(request, "embedded", demo_path())))


PAGES = [("/", {}), ("/dashboard", {}), ("/graphql", {"Accept": "text/html"})]


@pytest.mark.parametrize(("path", "headers"), PAGES)
def test_pages_name_no_asset_on_another_host(http, path, headers):
    page = http.get(path, headers=headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    links = _Links()
    links.feed(page.text)
    assert links.urls, "the page names its assets"
    assert [u for u in links.urls if not _is_local(u[2])] == []
    # nor anywhere else in the page (inline JSON, text)
    absolute = re.findall(r"(?:https?:)?//[\w.\-\[\]:]+", page.text)
    assert [u for u in absolute if urlsplit(u if ":" in u.split("//")[0] else "http:" + u).hostname
            not in LOOPBACK] == []
    # and what it loads is served here and loads nothing from elsewhere either
    for tag, attr, url in links.urls:
        if url.startswith("data:"):
            continue
        asset = http.get(urljoin(f"http://testserver{path}", url))
        assert asset.status_code == 200, (tag, attr, url)
        if url.endswith(".css"):
            assert "@import" not in asset.text, url
            assert [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", asset.text) if not _is_local(u)] == []
        elif url.endswith(".js") and "/vendor/" not in url:
            assert not re.search(r"https?://", asset.text), url


def test_graphiql_page_preloads_every_saved_operation(http):
    page = http.get("/graphql", headers={"Accept": "text/html"}).text
    block = re.search(r'<script type="application/json" id="playground-config">(.*?)</script>', page, re.S)
    assert block is not None
    config = json.loads(block.group(1))
    assert {t["name"]: t["query"] for t in config["tabs"]} == graphql_operations()
    assert config["tabs"][0]["name"] == "quality_network"
    assert "cdn" not in page.lower() and "unpkg" not in page and "jsdelivr" not in page


def test_graphql_endpoint_keeps_answering_json(http):
    body = http.post("/graphql", json={"query": "{ qualityNetwork(asOf: \"2026-11-20\") { asOf } }"}).json()
    assert body == {"data": {"qualityNetwork": {"asOf": "2026-11-20"}}}
    body = http.get("/graphql", params={"query": "{ goal(id: \"S-FACULTY\") { id } }"}).json()
    assert body == {"data": {"goal": {"id": "S-FACULTY"}}}
    assert http.get("/static/vendor/cytoscape/cytoscape.min.js").headers["content-type"].startswith(
        ("application/javascript", "text/javascript"))
    assert http.get("/static/vendor/README.md").status_code == 200
    assert http.get("/static/../app.py").status_code == 404


# ------------------------------------------------------------------------------------ real Chromium

def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: the browser tests must run; {HOWTO}")
    pytest.skip(f"browser tests skipped: {reason}; {HOWTO}")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never Playwright's own browser download)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serve_demo(state: Path, *args: str, startup: float = 180, **env: str) -> Iterator[str]:
    """``zhengai serve`` on the bundled demo (or ``args``, e.g. ``--data`` FOLDER) on a free loopback port
    with the state folder ``state`` and ``env`` added to (or, empty, removed from) the environment; yields
    its URL once /healthz answers (within ``startup`` seconds)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    full = {k: v for k, v in {**os.environ, **env}.items() if v}
    cmd = [sys.executable, "-m", "zhengai.cli", "serve", "--port", str(port), "--state", str(state), *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()  # (a server still starting would keep communicate() waiting for ever)
                pytest.fail(f"the server did not start within {startup:g} s: {proc.communicate()[0][-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """``zhengai serve`` on the bundled demo, on a free loopback port."""
    yield from serve_demo(tmp_path_factory.mktemp("demo-state"))


def gql(server: str, query: str, **variables: Any) -> dict[str, Any]:
    body = httpx.post(f"{server}/graphql", json={"query": query, "variables": variables}).json()
    assert not body.get("errors"), body
    return body["data"]


@dataclass
class Visit:
    """A page whose requests to other hosts are aborted and recorded, with its console errors."""

    page: Any
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)

    def shot(self, name: str, *, doc: str | None = None) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        if doc and os.environ.get("ZHENGAI_DOC_SCREENSHOTS") == "1":
            DOC_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOC_SHOTS / doc)
        return path

    def assert_clean(self) -> None:
        assert self.foreign == [], f"requests to other hosts were attempted: {self.foreign}"
        assert self.errors == [], f"errors in the page: {self.errors}"


@pytest.fixture
def visit(chromium) -> Iterator[Visit]:
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    v = Visit(page)

    def route(r: Any) -> None:
        request = r.request
        if (urlsplit(request.url).hostname or "") in LOOPBACK or request.url.startswith("data:"):
            if request.method == "POST":
                v.posts.append(request.url)
            r.continue_()
        else:
            v.foreign.append(request.url)
            r.abort("blockedbyclient")

    page.route("**/*", route)
    page.on("console", lambda m: v.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: v.errors.append(f"page error: {e}"))
    yield v
    context.close()


def _node_click(v: Visit, node_id: str) -> None:
    """Clicks a node of the cytoscape canvas where it is drawn."""
    at = v.page.evaluate("""id => {
        const cy = window.zhengaiExplorer.cy, node = cy.getElementById(id);
        if (node.empty()) return null;
        const box = cy.container().getBoundingClientRect(), p = node.renderedPosition();
        return {x: box.left + p.x, y: box.top + p.y}; }""", node_id)
    assert at is not None, f"{node_id} is not drawn"
    v.page.mouse.click(at["x"], at["y"])


def _graph(v: Visit) -> dict[str, Any]:
    """The drawn graph: nodes with status, fill, classes and label; edges with classes and label."""
    return v.page.evaluate("""() => {
        const cy = window.zhengaiExplorer.cy;
        return {
          nodes: Object.fromEntries(cy.nodes().map(n => [n.id(), {kind: n.data('kind'),
            status: n.data('status'), fill: n.style('background-color').replace(/,(?! )/g, ', '),
            classes: n.classes(), label: n.data('display')}])),
          edges: Object.fromEntries(cy.edges().map(e => [e.data('source') + '>' + e.data('target'),
            {classes: e.classes(), flow: e.data('flow')}])),
        }; }""")


def _sens(x: float) -> str:
    """explorer.js's 影响程度 format: three significant digits in plain decimals, never an exponent."""
    return format(Decimal(f"{x:.2e}"), "f")


def test_harness_blocks_and_records_other_hosts(visit):
    with pytest.raises(Exception, match="ERR_BLOCKED_BY_CLIENT"):
        visit.page.goto("http://example.com/")
    assert visit.foreign == ["http://example.com/"]


def test_explorer_matrix(visit, server):
    page = visit.page
    page.goto(f"{server}/")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    assert page.input_value("[data-testid=as-of]") == AS_OF
    cells = gql(server, """query($asOf: Date) { qualityNetwork(asOf: $asOf) { cells {
        system level systemName levelName goalCount attainment status } } }""", asOf=AS_OF)
    cells = cells["qualityNetwork"]["cells"]
    assert len(cells) == 25
    headers = page.locator("[data-testid=matrix] th").all_inner_texts()
    assert {c["systemName"] for c in cells} | {c["levelName"] for c in cells} <= set(headers)
    for c in cells:
        cell = page.locator(f"[data-testid=cell-{c['system']}-{c['level']}]")
        assert cell.get_attribute("data-status") == c["status"]
        assert cell.get_attribute("data-goal-count") == str(c["goalCount"])
        text = cell.inner_text()
        assert str(c["goalCount"]) in text and "个目标" in text
        if c["goalCount"]:
            shown = {f"{c['attainment'] * 100 + d:.1f}%" for d in (-1e-9, 0, 1e-9)}  # JS rounds half up
            assert any(p in text for p in shown), (c, text)
            colour = cell.evaluate("el => getComputedStyle(el).backgroundColor")
            assert colour == FILL[c["status"]], (c, colour)
        else:
            assert cell.is_disabled()
    statuses = {c["status"] for c in cells if c["goalCount"]}
    assert {"GREEN", "YELLOW", "RED"} <= statuses  # the demo's matrix shows every colour
    visit.shot("01-matrix.png", doc="explorer-matrix.png")
    visit.assert_clean()
    assert visit.posts and all(u == f"{server}/graphql" for u in visit.posts)


def test_explorer_goal_chain_trace_and_simulation(visit, server):
    page = visit.page
    page.goto(f"{server}/")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")

    # (b) a cell lists its goals
    page.click("[data-testid=cell-GENERATION-STUDENT]")
    page.wait_for_selector("[data-testid=goal-list][data-state=ready]")
    items = page.locator("[data-testid=goal-item]")
    assert items.count() == 24
    assert "质量生成 × 学生" in page.inner_text("[data-testid=goals-caption]")
    goal = page.locator("[data-goal-id=G-STU-001-Y26]")
    assert "张子涵2026年度成长目标" in goal.inner_text() and goal.get_attribute("data-status") == "GREEN"

    # (c) the goal's chain: up to the school targets and down to its indicators, coloured by status
    goal.click()
    page.wait_for_selector("[data-testid=chain-graph][data-state=ready]")
    chain = gql(server, """query($asOf: Date) {
        up: goalChain(goalId: "G-STU-001-Y26", direction: UP, asOf: $asOf) { nodes { id status } }
        down: goalChain(goalId: "G-STU-001-Y26", direction: DOWN, depth: 2, asOf: $asOf) {
          nodes { id status } } }""", asOf=AS_OF)
    expected = {n["id"]: n["status"] for n in chain["up"]["nodes"] + chain["down"]["nodes"]}
    drawn = _graph(visit)
    assert {i: n["status"] for i, n in drawn["nodes"].items()} == expected
    assert all(n["fill"] == FILL[n["status"]] for n in drawn["nodes"].values())
    assert drawn["nodes"]["M-STU-001-PTS"]["kind"] == "Metric"
    assert "张子涵2026年度成长目标" in page.inner_text("[data-testid=chain-title]")
    visit.shot("02-chain.png")

    # (d) clicking an indicator traces its impact up to the school targets
    _node_click(visit, "M-STU-001-PTS")
    page.wait_for_selector("#trace[data-state=ready]")
    trace = gql(server, """query($asOf: Date) { traceImpact(metricId: "M-STU-001-PTS", asOf: $asOf) {
        pathCount targets { goal { id name } sensitivity paths { nodeIds weight } } } }""", asOf=AS_OF)
    trace = trace["traceImpact"]
    rows = page.locator("[data-testid=trace-target]")
    # A26-MAJOR, S-MAJOR; and through the 二级学院's yearly goal D26-C-MECH, A26-ZG, S-GOV
    assert rows.count() == len(trace["targets"]) == 5
    for i, t in enumerate(trace["targets"]):
        row = rows.nth(i)
        assert row.get_attribute("data-goal-id") == t["goal"]["id"]
        assert float(row.get_attribute("data-sensitivity")) == pytest.approx(t["sensitivity"], rel=1e-12)
        assert t["goal"]["name"] in row.inner_text() and _sens(t["sensitivity"]) in row.inner_text()
    assert f"共 {trace['pathCount']} 条路径" in page.inner_text("[data-testid=trace-summary]")
    drawn = _graph(visit)
    on_path = {i for t in trace["targets"] for p in t["paths"] for i in p["nodeIds"]}
    assert {i for i, n in drawn["nodes"].items() if "on-path" in n["classes"]} == on_path
    assert "dim" in drawn["nodes"]["M-STU-001-ATT"]["classes"]
    path_edges = {f"{p['nodeIds'][k]}>{p['nodeIds'][k + 1]}" for t in trace["targets"] for p in t["paths"]
                  for k in range(len(p["nodeIds"]) - 1)}
    assert {k for k, e in drawn["edges"].items() if "on-path" in e["classes"]} == path_edges
    assert all(drawn["edges"][k]["flow"] for k in path_edges)
    # an edge carries what flows through it to the top-most targets (S-MAJOR and S-GOV, the school's plans):
    # the sum of the weights of their paths through it; the edges into a top target add up to its 影响程度
    inner = {i for t in trace["targets"] for p in t["paths"] for i in p["nodeIds"][:-1]}
    tops = [t for t in trace["targets"] if t["goal"]["id"] not in inner]
    assert {t["goal"]["id"] for t in tops} == {"S-MAJOR", "S-GOV"}
    flow: dict[str, float] = {}
    for t in tops:
        for p in t["paths"]:
            for k in range(len(p["nodeIds"]) - 1):
                key = f"{p['nodeIds'][k]}>{p['nodeIds'][k + 1]}"
                flow[key] = flow.get(key, 0.0) + p["weight"]
    assert {k: drawn["edges"][k]["flow"] for k in flow} == {k: _sens(f) for k, f in flow.items()}
    top = next(t for t in tops if t["goal"]["id"] == "S-MAJOR")
    assert drawn["edges"]["A26-MAJOR>S-MAJOR"]["flow"] == _sens(top["sensitivity"])
    assert f"影响程度 {_sens(top['sensitivity'])}" in drawn["nodes"]["S-MAJOR"]["label"]
    visit.shot("03-trace.png", doc="explorer-trace.png")

    # (e) simulate: the indicator's value drops to 0; the affected goals change colour
    assert "张子涵年度成长积分" in page.inner_text("[data-testid=sim-metric]")
    page.fill("[data-testid=sim-value]", "0")
    page.click("[data-testid=sim-run]")
    page.wait_for_selector("#simulate[data-state=ready]")
    sim = gql(server, """query($asOf: Date) {
        simulate(asOf: $asOf, changes: [{metricId: "M-STU-001-PTS", value: 0}]) {
          changes { goal { id } before after beforeStatus afterStatus } } }""", asOf=AS_OF)
    changes = {c["goal"]["id"]: c for c in sim["simulate"]["changes"]}
    shown = page.locator("[data-testid=sim-change]")
    assert shown.count() == len(changes)
    for i in range(shown.count()):
        row = shown.nth(i)
        c = changes[row.get_attribute("data-goal-id")]
        assert row.get_attribute("data-after-status") == c["afterStatus"]
        assert f"{c['after'] * 100:.1f}%" in row.inner_text()
    flipped = {i for i, c in changes.items() if c["beforeStatus"] != c["afterStatus"]}
    assert "G-STU-001-Y26" in flipped
    drawn = _graph(visit)
    for goal_id, c in changes.items():
        node = drawn["nodes"][goal_id]
        assert node["status"] == c["afterStatus"] and "simulated" in node["classes"]
        assert node["fill"] == FILL[c["afterStatus"]]
    assert drawn["nodes"]["G-STU-001-Y26"]["fill"] == FILL["RED"]
    assert f"其中 {len(flipped)} 个状态改变" in page.inner_text("[data-testid=sim-summary]")
    visit.shot("04-simulate.png")

    page.click("[data-testid=sim-reset]")
    drawn = _graph(visit)
    assert drawn["nodes"]["G-STU-001-Y26"]["status"] == "GREEN"
    assert not any("simulated" in n["classes"] for n in drawn["nodes"].values())
    visit.assert_clean()


def test_explorer_summarises_a_large_neighbourhood(visit, server):
    page = visit.page
    page.goto(f"{server}/#goal=A26-MAJOR")
    page.wait_for_selector("[data-testid=chain-graph][data-state=ready]")
    page.select_option("[data-testid=chain-depth]", "3")
    page.wait_for_selector("[data-testid=chain-graph][data-state=ready][data-depth='3']")
    chain = gql(server, """query($asOf: Date) {
        up: goalChain(goalId: "A26-MAJOR", direction: UP, asOf: $asOf) { nodes { id } omitted }
        down: goalChain(goalId: "A26-MAJOR", direction: DOWN, depth: 3, asOf: $asOf) { nodes { id } omitted }
        }""", asOf=AS_OF)
    total = len({n["id"] for v in chain.values() for n in v["nodes"]})
    assert total > 100
    drawn = _graph(visit)
    real = [i for i, n in drawn["nodes"].items() if n["kind"] != "summary"]
    summaries = [n for n in drawn["nodes"].values() if n["kind"] == "summary"]
    assert len(real) <= 48 and summaries
    hidden = sum(int(re.search(r"另有 (\d+) 个节点未显示", n["label"]).group(1)) for n in summaries)
    assert len(real) + hidden == total
    assert f"另有 {hidden} 个节点未显示" in page.inner_text("[data-testid=chain-summary]")
    visit.shot("05-summarised.png")
    visit.assert_clean()


def test_explorer_deep_link_traces_beyond_the_drawn_chain(visit, server):
    """A trace whose paths leave the drawn chain adds the missing goals (and the metric) to the graph."""
    page = visit.page
    page.goto(f"{server}/#goal=A26-MAJOR&metric=M-STU-001-PTS")
    page.wait_for_selector("#trace[data-state=ready]")
    trace = gql(server, """query($asOf: Date) { traceImpact(metricId: "M-STU-001-PTS", asOf: $asOf) {
        targets { paths { nodeIds } } } }""", asOf=AS_OF)["traceImpact"]
    on_path = {i for t in trace["targets"] for p in t["paths"] for i in p["nodeIds"]}
    drawn = _graph(visit)
    assert on_path <= set(drawn["nodes"])
    assert {i for i, n in drawn["nodes"].items() if "on-path" in n["classes"]} == on_path
    assert drawn["nodes"]["G-STU-001-Y26"]["status"] == "GREEN"
    assert page.evaluate("location.hash") == "#goal=A26-MAJOR&metric=M-STU-001-PTS"
    visit.assert_clean()


def test_explorer_reports_an_unknown_goal(visit, server):
    page = visit.page
    page.goto(f"{server}/#goal=NO-SUCH-GOAL")
    page.wait_for_selector("[data-testid=status].error")
    assert "NO-SUCH-GOAL" in page.inner_text("[data-testid=status]")
    assert page.get_attribute("[data-testid=matrix]", "data-state") == "ready"
    visit.assert_clean()


def test_explorer_follows_the_date(visit, server):
    page = visit.page
    page.goto(f"{server}/")
    page.wait_for_selector("[data-testid=matrix][data-state=ready]")
    before = page.eval_on_selector_all(".cell", "cells => cells.map(c => c.dataset.status)")
    page.fill("[data-testid=as-of]", "2025-12-15")
    page.wait_for_function("() => window.zhengaiExplorer.state.asOf === '2025-12-15'"
                           " && document.querySelector('[data-testid=matrix]').dataset.state === 'ready'")
    cells = gql(server, """{ qualityNetwork(asOf: "2025-12-15") { cells { system level status } } }""")
    for c in cells["qualityNetwork"]["cells"]:
        cell = page.locator(f"[data-testid=cell-{c['system']}-{c['level']}]")
        assert cell.get_attribute("data-status") == c["status"]
    assert page.eval_on_selector_all(".cell", "cells => cells.map(c => c.dataset.status)") != before
    visit.assert_clean()


def _warnings_ready(v: Visit, **data: str) -> None:
    """Waits until the 监测预警 list is loaded (with the given data-* values)."""
    v.page.wait_for_function("""want => { const l = document.querySelector('[data-testid=warnings]');
        return l.dataset.state === 'ready'
          && Object.entries(want).every(([k, x]) => l.dataset[k] === x); }""", arg=data)


def test_explorer_shows_the_catalogues_words(visit, server):
    """The page carries the catalogue (as /texts.json serves it) and says every label in its words: the
    warnings' types, severities and kinds, the filters, the counters and the matrix cells' statuses."""
    page = visit.page
    page.goto(f"{server}/")
    _warnings_ready(visit)
    inline = page.evaluate("JSON.parse(document.getElementById('zhengai-texts').textContent)")
    served = httpx.get(f"{server}/texts.json")
    assert served.status_code == 200 and inline == served.json() == texts.as_json_value()
    again = httpx.get(f"{server}/texts.json", headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304

    # the 学校 level's warnings hold every type (the tasks' OVERDUE and OVER_BUDGET among them)
    page.select_option("[data-testid=warnings-level]", "SCHOOL")
    page.wait_for_selector("[data-testid=warnings][data-state=ready] [data-warning-id='OVERDUE:T26-03']")
    rows = page.locator("[data-testid=warning-item]").evaluate_all("""rows => rows.map(r => ({
        type: r.dataset.type, severity: r.dataset.severity, kind: r.dataset.kind,
        chip: r.querySelector('.chip').textContent, title: r.querySelector('.chip').title,
        name: r.querySelector('.warn-name').textContent }))""")
    assert {r["type"] for r in rows} >= {"FLOOR", "OVERDUE", "OVER_BUDGET", "STATUS"}
    for r in rows:
        assert r["chip"] == texts.label("warning_type", r["type"])
        assert r["title"] == texts.label("severity", r["severity"])
        assert r["name"].startswith(texts.label("kind", r["kind"]) + "：")
    for severity in ("RED", "YELLOW"):
        chip = page.locator(f"[data-testid=warnings-{severity.lower()}]")
        assert chip.locator(".label").inner_text() == texts.label("severity", severity)
    levels = page.locator("[data-testid=warnings-level] option").all_inner_texts()
    assert levels == [texts.say("explorer.all_levels"), *texts.labels("level").values()]
    severities = page.locator("[data-testid=warnings-severity] option").all_inner_texts()
    assert severities == list(texts.labels("explorer.min_severity").values())

    cells = page.locator(".cell[data-goal-count]").evaluate_all(
        "cells => cells.map(c => [c.dataset.status, c.title])")
    assert {status for status, _ in cells} >= {"GREEN", "YELLOW", "RED"}
    for status, title in cells:
        assert f"（{texts.label('status', status)}）" in title
    visit.assert_clean()


def test_explorer_warnings(visit, server):
    page = visit.page
    page.goto(f"{server}/")
    _warnings_ready(visit)
    query = """query($asOf: Date, $minSeverity: Severity) {
        warnings(asOf: $asOf, minSeverity: $minSeverity, first: 1000) {
          id type severity nodeId nodeName kind unitId unitName leader message } }"""
    expected = gql(server, query, asOf=AS_OF, minSeverity="YELLOW")["warnings"]
    red = [w for w in expected if w["severity"] == "RED"]
    yellow = [w for w in expected if w["severity"] == "YELLOW"]
    assert len(expected) > 100 and red and expected[0]["severity"] == "RED"
    panel = page.locator("[data-testid=warnings-panel]")
    assert "监测预警" in panel.inner_text()
    assert page.inner_text("[data-testid=warnings-red]").split() == ["红色预警", str(len(red))]
    assert page.inner_text("[data-testid=warnings-yellow]").split() == ["黄色预警", str(len(yellow))]

    # the most severe first, as the service lists them; at most 100 rows and a count of the rest
    rows = page.locator("[data-testid=warning-item]")
    assert rows.count() == 100
    shown = rows.evaluate_all("rows => rows.map(r => [r.dataset.warningId, r.dataset.severity])")
    assert shown == [[w["id"], w["severity"]] for w in expected[:100]]
    assert f"另有 {len(expected) - 100} 条" in page.inner_text("[data-testid=warnings-more]")
    floor = page.locator("[data-warning-id='FLOOR:M-SSR']")
    assert "底线预警" in floor.inner_text() and floor.get_attribute("data-severity") == "RED"

    # a task's warning, found by the level filter (not by its place in the whole list): the 学校 level's
    # warnings as the service lists them
    page.select_option("[data-testid=warnings-level]", "SCHOOL")
    school = gql(server, query.replace("$minSeverity: Severity)", "$minSeverity: Severity, $level: Level)")
                 .replace("minSeverity: $minSeverity,", "minSeverity: $minSeverity, level: $level,"),
                 asOf=AS_OF, minSeverity="YELLOW", level="SCHOOL")["warnings"]
    page.wait_for_selector("[data-testid=warnings][data-state=ready] [data-warning-id='OVERDUE:T26-03']")
    shown = rows.evaluate_all("rows => rows.map(r => r.dataset.warningId)")
    assert shown == [w["id"] for w in school[:100]]
    overdue = page.locator("[data-warning-id='OVERDUE:T26-03']")
    w = next(w for w in school if w["id"] == "OVERDUE:T26-03")
    text = overdue.inner_text()
    assert overdue.get_attribute("data-severity") == "RED"
    assert "任务逾期" in text and w["nodeName"] in text and w["message"] in text
    assert w["unitName"] in text and w["leader"] in text  # the unit by name (教务处), not its id
    colour = page.locator("[data-testid=warning-item][data-severity=RED]").first.evaluate(
        "el => getComputedStyle(el).borderLeftColor")
    assert colour == "rgb(214, 69, 69)"

    # only the red ones (of every level)
    page.select_option("[data-testid=warnings-level]", "")
    _warnings_ready(visit, total=str(len(expected)))
    page.select_option("[data-testid=warnings-severity]", "RED")
    _warnings_ready(visit, total=str(len(red)))
    severities = rows.evaluate_all("rows => rows.map(r => r.dataset.severity)")
    assert severities == ["RED"] * min(len(red), 100)
    # the totals stay the service's own, whatever is listed (the filter does not zero the yellow chip)
    assert page.inner_text("[data-testid=warnings-yellow]").split() == ["黄色预警", str(len(yellow))]
    assert page.locator("[data-warning-id='FLOOR:M-SSR']").count() == 1

    # a goal's warning opens its chain
    goal = next(w for w in red if w["kind"] == "Goal")
    page.click(f"[data-testid=warning-item][data-warning-id='{goal['id']}']")
    page.wait_for_function("id => window.zhengaiExplorer.state.goal?.id === id && document"
                           ".querySelector('[data-testid=chain-graph]').dataset.state === 'ready'",
                           arg=goal["nodeId"])
    assert goal["nodeName"] in page.inner_text("[data-testid=chain-title]")
    drawn = _graph(visit)
    node = drawn["nodes"][goal["nodeId"]]
    assert node["status"] == "RED" and "root" in node["classes"]
    assert page.evaluate("location.hash") == f"#goal={goal['nodeId']}"
    visit.shot("explorer-warnings.png")

    # a metric's warning traces it (in the chain of a goal it measures)
    page.click("[data-testid=warning-item][data-warning-id='FLOOR:M-SSR']")
    page.wait_for_function("() => window.zhengaiExplorer.state.metric?.id === 'M-SSR'"
                           " && document.querySelector('#trace').dataset.state === 'ready'")
    assert "M-SSR" in _graph(visit)["nodes"]
    assert page.evaluate("location.hash").endswith("&metric=M-SSR")
    visit.assert_clean()
    assert visit.posts and all(u == f"{server}/graphql" for u in visit.posts)


def test_graphiql_offline_runs_a_saved_query(visit, server):
    page = visit.page
    page.goto(f"{server}/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-tab")
    tabs = page.locator(".graphiql-tab").all_inner_texts()
    names = [re.search(r"^(?:query|mutation) (\w+)", text, re.M).group(1)
             for text in graphql_operations().values()]
    assert sorted(t.strip() for t in tabs) == sorted(names)
    assert tabs[0].strip() == "QualityNetwork"
    page.click(".graphiql-execute-button")
    response = page.locator(".graphiql-response .result-window")
    response.filter(has_text="决策指挥").wait_for()
    text = response.inner_text()
    assert '"systemName": "决策指挥"' in text and '"asOf": "2026-11-20"' in text
    assert page.locator(".graphiql-logo").inner_text().strip() == "诊改知识图谱"
    visit.shot("06-graphiql-offline.png", doc="graphiql-offline.png")
    visit.assert_clean()
    assert visit.posts and all(u == f"{server}/graphql" for u in visit.posts)
