"""预警推送 end to end, on both stores: bulletins to a real HTTP receiver (企业微信, 钉钉 with 加签, generic
JSON) and a real SMTP server, acknowledgement by signed link and mutation, escalation of unacknowledged
RED warnings to the 分管领导 after the delay, no duplicates across a restart, and the units' scopes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import pytest
from starlette.testclient import TestClient

from tests.conftest import dataset_copy
from tests.notify_servers import MailReceiver, WebhookReceiver, self_signed
from tests.servers import serving
from tests.test_scopes import AUTH
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.engine.monitoring import Severity
from zhengai.engine.writes import WriteService
from zhengai.graph_loader import demo_path
from zhengai.notify.bulletin import unit_head, unit_warnings
from zhengai.notify.periods import period_key, period_name
from zhengai.notify.service import Notifier
from zhengai.notify.settings import NotifySettings, NotifySettingsError, load_settings
from zhengai.security.tokens import Role
from zhengai.stores import EmbeddedStore
from zhengai.stores.neo4j_store import Neo4jStore

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=CST)
SECRET = "notify-test-secret"
DING_SECRET = "SEC0123456789abcdef"
LEADER = "分管教学校领导"  # 教务处's leader in the demo college


class Clock:
    """The notifier's clock, moved by the tests (no sleeping)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def smtp() -> Iterator[MailReceiver]:
    m = MailReceiver()
    yield m
    m.close()


@pytest.fixture(autouse=True)
def _fresh(receiver: WebhookReceiver, smtp: MailReceiver) -> None:
    receiver.posts.clear()
    receiver.failing.clear()
    smtp.mails.clear()


def settings_for(receiver: WebhookReceiver, smtp: MailReceiver, **extra: Any) -> NotifySettings:
    url = receiver.url
    return NotifySettings.model_validate({
        "base_url": "https://zhengai.example.edu.cn", "secret": SECRET, "escalate_after_hours": 48,
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "sender": "zhengai@example.edu.cn"},
        "units": {
            "JWC": {"wecom": f"{url}/wecom/jwc?key=K1", "dingtalk": {"url": f"{url}/ding/jwc?access_token=T",
                                                                     "secret": DING_SECRET},
                    "webhook": f"{url}/hook/JWC", "mail": ["jwc@example.edu.cn"]},
            "RSC": {"webhook": f"{url}/hook/RSC", "wecom": f"{url}/wecom/rsc", "wecom_format": "text"},
            "JSFZ": {"webhook": f"{url}/hook/JSFZ", "mail": "jsfz@example.edu.cn"},
            "XGC": {"webhook": f"{url}/hook/XGC"},
            "C-MECH": {"webhook": f"{url}/hook/C-MECH"},
        },
        "leaders": {LEADER: {"webhook": f"{url}/leader", "mail": "leader@example.edu.cn"}},
        **extra,
    })


class Stores:
    """A store holding the demo college that a test can close and open again (a restart)."""

    def __init__(self, request: pytest.FixtureRequest, kind: str, folder: Path):
        self.request, self.kind, self.folder = request, kind, folder
        if kind == "neo4j":
            datasets = request.getfixturevalue("neo4j_datasets")
            forget_notify_events(datasets.store)
            datasets.forget()
            self.first = datasets.engine(demo_path()).store
        else:
            self.first = EmbeddedStore(dataset_copy(demo_path()), folder)
        self.opened: list[Any] = []

    def reopen(self) -> Any:
        store = (Neo4jStore(self.first.settings) if self.kind == "neo4j"
                 else EmbeddedStore(dataset_copy(demo_path()), self.folder))
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()
        if self.kind == "neo4j":
            datasets = self.request.getfixturevalue("neo4j_datasets")
            forget_notify_events(datasets.store)
            datasets.forget()


def forget_notify_events(store: Neo4jStore) -> None:
    """Delete the test's sent-log (a ``load --replace`` keeps events): each test starts afresh."""
    with store._session() as session:
        session.run("MATCH (e:Event {stream: 'notify'}) DETACH DELETE e").consume()


@pytest.fixture
def stores(request, store_kind, tmp_path) -> Iterator[Stores]:
    s = Stores(request, store_kind, tmp_path / "state")
    yield s
    s.close()


def notifier_on(store: Any, settings: NotifySettings, clock: Clock) -> Notifier:
    engine = Engine(store)
    return Notifier(engine, WriteService(engine), settings, clock)


def warning_ids(posts: list[Any]) -> set[str]:
    return {w["id"] for p in posts for w in p.body["warnings"]}


def test_bulletins_reach_wecom_dingtalk_webhooks_and_mail(stores, receiver, smtp):
    notifier = notifier_on(stores.first, settings_for(receiver, smtp), Clock(T0))
    sent = notifier.run(["SCHOOL"])
    assert sent and all(d.ok for d in sent)
    expected = {w.id for w in unit_warnings(notifier.engine, "JWC", T0.date(), Severity.YELLOW)}
    title = "【预警简报】教务处 · 学校层面 · 2026年11月"

    [wecom] = receiver.at("/wecom/jwc")
    assert wecom.query == {"key": "K1"} and wecom.content_type.startswith("application/json")
    assert wecom.body["msgtype"] == "markdown" and set(wecom.body) == {"msgtype", "markdown"}
    content = wecom.body["markdown"]["content"]
    assert content.startswith(f"### {title}") and "红色预警" in content
    assert len(content.encode()) <= 4096
    assert "[确认已阅](https://zhengai.example.edu.cn/notify/ack?c=JWC%2FSCHOOL%2F2026-11%2Fwecom" in content

    [text] = receiver.at("/wecom/rsc")  # 人事处 asked for 企业微信 text messages
    assert set(text.body) == {"msgtype", "text"} and text.body["msgtype"] == "text"
    assert text.body["text"]["content"].startswith("【预警简报】人事处 · 学校层面 · 2026年11月\n")
    assert "确认已阅：https://" in text.body["text"]["content"] and "**" not in text.body["text"]["content"]

    [ding] = receiver.at("/ding/jwc")
    stamp, sign = ding.query["timestamp"], ding.query["sign"]
    digest = hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    assert quote_plus(sign) == quote_plus(base64.b64encode(digest).decode())
    assert abs(int(stamp) / 1000 - time.time()) < 3600 and ding.query["access_token"] == "T"
    assert ding.body["msgtype"] == "markdown" and ding.body["markdown"]["title"] == title
    assert ding.body["markdown"]["text"].startswith(f"### {title}")

    [hook] = receiver.at("/hook/JWC")
    assert hook.body["type"] == "zhengai.bulletin" and hook.body["period"] == "2026-11"
    assert hook.body["unit"] == {"id": "JWC", "name": "教务处"} and warning_ids([hook]) == expected

    [mail] = smtp.to("jwc@example.edu.cn")
    assert mail["Subject"] == title and mail["From"] == "zhengai@example.edu.cn"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert "教务处2026年11月监测预警" in body
    assert "确认已阅：https://zhengai.example.edu.cn/notify/ack?" in body
    assert all(w.node_name in body for w in unit_warnings(notifier.engine, "JWC", T0.date(), Severity.YELLOW))


def test_nothing_is_sent_twice_for_a_warning_and_period_across_a_restart(stores, receiver, smtp):
    settings = settings_for(receiver, smtp)
    clock = Clock(T0)
    first = notifier_on(stores.first, settings, clock)
    assert first.run()
    count, mails = len(receiver.posts), len(smtp.mails)
    assert first.run() == [] and len(receiver.posts) == count  # the same round again: nothing new
    again = notifier_on(stores.reopen(), settings, clock)  # a restart over the same state
    assert again.run() == [] and (len(receiver.posts), len(smtp.mails)) == (count, mails)
    clock.now = T0 + timedelta(days=11)  # December: a new monthly round of 学校 and 学生
    fresh = again.run()  # the new rounds (and what fell due since in the quarter's)
    assert {"2026-12", "2026-12-1"} <= {d.claim.period for d in fresh} and len(receiver.posts) > count
    sent = [(p.path, p.body["period"], w) for p in receiver.posts if p.path.startswith("/hook/")
            for w in warning_ids([p])]
    assert sent and len(sent) == len(set(sent))  # no warning twice to a channel in a period
    mailed = [(m["Subject"], line) for _, m in smtp.mails for line in m.get_content().splitlines()
              if line.startswith("- [")]
    assert len(mailed) == len(set(mailed))


def test_a_failed_send_is_retried_and_a_robot_refusal_counts_as_failed(stores, receiver, smtp):
    url = receiver.url
    settings = settings_for(receiver, smtp).model_copy(update={"units": NotifySettings.model_validate(
        {"units": {"JWC": {"webhook": f"{url}/hook/JWC", "wecom": f"{url}/refuse/wecom"}}}).units})
    receiver.failing.add("/hook/JWC")
    notifier = notifier_on(stores.first, settings, Clock(T0))
    sent = notifier.run(["SCHOOL"])
    assert sorted((d.claim.channel, d.ok) for d in sent) == [("webhook", False), ("wecom", False)]
    assert "errcode 310000" in next(d.error for d in sent if d.claim.channel == "wecom")
    assert "K1" not in str([d.error for d in sent])  # robot keys stay out of the log
    receiver.failing.clear()
    retried = notifier.run(["SCHOOL"])
    assert [(d.claim.channel, d.ok) for d in retried if d.claim.channel == "webhook"] == [("webhook", True)]
    assert len(receiver.at("/hook/JWC")) == 2


def test_the_signed_link_acknowledges_and_unacknowledged_red_warnings_escalate(stores, receiver, smtp):
    settings = settings_for(receiver, smtp)
    clock = Clock(T0)
    store = stores.first
    engine = Engine(store)
    writes = WriteService(engine)
    app = create_app(engine, writes=writes, notify=settings, notify_schedule=False, follow_every=None)
    notifier: Notifier = app.state.notifier
    notifier.clock = clock
    sent = notifier.run(["SCHOOL"])
    red = {u: {w for d in sent if d.claim.unit == u for w, s in d.claim.warnings.items() if s == "RED"}
           for u in ("JWC", "RSC")}
    assert red["JWC"] and red["RSC"]
    client = TestClient(app)
    claim = next(d.claim for d in sent if d.claim.unit == "JWC" and d.claim.channel == "webhook")
    link = receiver.at("/hook/JWC")[0].body["acknowledgeUrl"]
    path = urlsplit(link)
    page = client.get(f"{path.path}?{path.query}")
    assert page.status_code == 200 and "确认已阅" in page.text
    assert not any(e["op"] == "ACK" for e in store.state.events("notify", "JWC"))  # a GET never writes
    forged = client.post(f"{path.path}?c={quote_plus(claim.id)}&s=AAAA")
    assert forged.status_code == 403 and "无效" in forged.text
    done = client.post(f"{path.path}?{path.query}")
    assert done.status_code == 200 and f"已确认 {len(claim.warnings)} 条预警" in done.text
    assert "此前已确认" in client.post(f"{path.path}?{path.query}").text

    clock.now = T0 + timedelta(hours=47)
    assert notifier.escalate() == []  # not yet: the delay is 48 hours
    clock.now = T0 + timedelta(hours=49)
    escalated = notifier.escalate()
    # 教务处 acknowledged; 人事处 did not (its leader 分管教师发展校领导 has no channel: not escalated)
    assert escalated == []
    leaders = {LEADER: settings.leaders[LEADER], "分管教师发展校领导": settings.leaders[LEADER]}
    notifier.settings = settings.model_copy(update={"leaders": leaders})
    escalated = notifier.escalate()
    assert {d.claim.unit for d in escalated} == {"RSC"} and all(d.claim.escalation for d in escalated)
    [post] = receiver.at("/leader")
    assert post.body["escalation"] and warning_ids([post]) == red["RSC"]
    assert post.body["title"].startswith("【预警升级】人事处")
    [mail] = smtp.to("leader@example.edu.cn")
    assert "未获确认" in mail.get_content()
    clock.now = T0 + timedelta(hours=60)
    assert notifier_on(stores.reopen(), notifier.settings, clock).escalate() == []  # once, across a restart
    clock.now = T0 + timedelta(days=31)  # links are valid for 30 days
    assert client.get(f"{path.path}?{path.query}").status_code == 403


def test_acknowledge_warnings_and_sent_bulletins_follow_the_units(stores, receiver, smtp):
    settings = settings_for(receiver, smtp)
    engine = Engine(stores.first)
    writes = WriteService(engine)
    notifier = Notifier(engine, writes, settings, Clock(T0))
    sent = notifier.run(["SCHOOL"])
    jwc = sorted({w for d in sent if d.claim.unit == "JWC" for w in d.claim.warnings})
    client = TestClient(create_app(engine, writes=writes, auth=AUTH, follow_every=None))
    mutation = """mutation($unit: ID!, $ids: [ID!]!) { acknowledgeWarnings(unitId: $unit, warningIds: $ids) {
        unitId acknowledged { warningId period } } }"""
    log = """query($unit: ID!) { sentBulletins(unitId: $unit) { id channel period periodName jobName ok
        warnings { warningId severity acknowledgedAt acknowledgedBy } } }"""

    def call(query: str, role: Role, sub: str, ids: list[str] = jwc[:2], **claims: Any) -> dict[str, Any]:
        token = AUTH.issue(role, sub, 3600, **claims)
        return client.post("/graphql", json={"query": query, "variables": {"unit": "JWC", "ids": ids}},
                           headers={"Authorization": f"Bearer {token}"}).json()

    for role, claims in ((Role.UNIT_HEAD, {"unit": "C-MECH"}), (Role.TEACHER, {"subject": "TCH-01"}),
                         (Role.STUDENT, {"subject": "STU-001"}), (Role.DATA_ENTRY, {"unit": "JWC"})):
        for query in (mutation, log):
            refused = call(query, role, "someone", **claims)
            assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert not any(e["op"] == "ACK" for e in stores.first.state.events("notify", "JWC"))
    answer = call(mutation, Role.UNIT_HEAD, "jwc-head", unit="JWC")["data"]["acknowledgeWarnings"]
    assert answer["unitId"] == "JWC"
    acknowledged = {(a["warningId"], a["period"]) for a in answer["acknowledged"]}
    assert acknowledged == {(w, "2026-11") for w in jwc[:2]}
    again = call(mutation, Role.LEADER, "vice-president")["data"]["acknowledgeWarnings"]
    assert again["acknowledged"] == []
    unknown = call(mutation, Role.ADMIN, "admin", ids=["STATUS:NOPE"])
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    bulletins = call(log, Role.UNIT_HEAD, "jwc-head", unit="JWC")["data"]["sentBulletins"]
    assert {b["channel"] for b in bulletins} == {"wecom", "dingtalk", "webhook", "mail"}
    assert all(b["ok"] and b["periodName"] == "2026年11月" and b["jobName"] == "学校层面" for b in bulletins)
    for b in bulletins:
        acked = {w["warningId"]: w["acknowledgedBy"] for w in b["warnings"] if w["acknowledgedAt"]}
        assert acked == dict.fromkeys(jwc[:2], "jwc-head")
        assert {w["warningId"] for w in b["warnings"]} == set(jwc)
    assert call(log, Role.ADMIN, "admin")["data"]["sentBulletins"] == bulletins


def test_a_units_bulletin_holds_only_what_its_head_may_read(stores, receiver, smtp):
    """教师发展中心 owns the teachers' 培训学时 metrics but its head may not read the teachers: their names
    never reach its channels; students' names reach only their own college."""
    notifier = notifier_on(stores.first, settings_for(receiver, smtp), Clock(T0))
    notifier.run()
    engine, day = notifier.engine, T0.date()
    everything = engine.warnings(day, min_severity=Severity.YELLOW)
    for unit in ("JWC", "RSC", "JSFZ", "XGC", "C-MECH"):
        head = engine.for_principal(unit_head(unit))
        visible = {w.id for w in head.warnings(day)}
        posts = receiver.at(f"/hook/{unit}")
        assert posts and warning_ids(posts) <= visible, unit
        mails = smtp.to(f"{unit.lower()}@example.edu.cn")
        text = str([p.body for p in posts]) + "".join(m.get_content() for m in mails)
        personal = {w.node_name for w in everything if w.id not in visible and w.level is not None
                    and w.level.value in ("TEACHER", "STUDENT")}  # names of people
        shown = [w.node_name for w in everything if w.id in visible]
        hidden = {name for name in personal if not any(name in s for s in shown)}
        assert unit not in ("JSFZ", "XGC") or hidden, unit
        assert not [name for name in hidden if name in text], unit
    jsfz = str([p.body for p in receiver.at("/hook/JSFZ")]) + smtp.to("jsfz@example.edu.cn")[0].get_content()
    assert "周俊年度培训学时" not in jsfz and "双师型" in jsfz
    students = {w.node_name for w in everything if w.level is not None and w.level.value == "STUDENT"}
    assert students and not any(s in str([p.body for u in ("JWC", "XGC", "JSFZ", "RSC")
                                            for p in receiver.at(f"/hook/{u}")]) for s in students)
    mech = {w.node_name for w in everything
            if w.unit_id == "C-MECH" and w.level is not None and w.level.value == "STUDENT"}
    assert mech and mech <= {w["nodeName"] for p in receiver.at("/hook/C-MECH") for w in p.body["warnings"]}


def test_serve_starts_the_scheduler_which_catches_up_the_current_round(tmp_path, receiver, smtp):
    settings = settings_for(receiver, smtp)
    engine = Engine(EmbeddedStore(dataset_copy(demo_path()), tmp_path))
    app = create_app(engine, notify=settings, follow_every=None)
    with TestClient(app):
        deadline = time.monotonic() + 30
        while not receiver.at("/hook/JWC") and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler = app.state.notifier._scheduler
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert {"notify-MONTHLY", "notify-HALF_MONTHLY", "notify-QUARTERLY", "notify-SEMESTER",
                "notify-escalate"} <= set(jobs)
        runs = {name: jobs[f"notify-{name}"].next_run_time
                for name in ("MONTHLY", "HALF_MONTHLY", "QUARTERLY", "SEMESTER")}
        assert all(r.hour == 8 and r.minute == 0 for r in runs.values())
        assert runs["MONTHLY"].day == 1 and runs["HALF_MONTHLY"].day in (1, 16)
        assert (runs["QUARTERLY"].month, runs["QUARTERLY"].day) in {(m, 1) for m in (1, 4, 7, 10)}
        assert (runs["SEMESTER"].month, runs["SEMESTER"].day) in {(2, 1), (9, 1)}
    assert receiver.at("/hook/JWC") and app.state.notifier._scheduler is None  # stopped with the app
    off = create_app(engine, follow_every=None)
    assert off.state.notifier is None  # no settings: no scheduler, no acknowledgement route


def test_periods_name_each_levels_round():
    from datetime import date

    from zhengai.domain.enums import Frequency

    day = date(2026, 11, 20)
    assert [period_key(f, day) for f in Frequency] == ["2026-11-2", "2026-11", "2026-Q4", "2026-09S", "2026"]
    assert period_key(Frequency.SEMESTER, date(2027, 1, 5)) == "2026-09S"
    assert period_key(Frequency.SEMESTER, date(2027, 3, 5)) == "2027-02S"
    assert [period_name(k) for k in ("2026-11-2", "2026-Q4", "2026-09S", "2027-02S")] == [
        "2026年11月下半月", "2026年第4季度", "2026年秋季学期", "2027年春季学期"]


def test_bad_settings_are_refused_with_the_file_and_field(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHENGAI_NOTIFY_SECRET", raising=False)
    path = tmp_path / "notify.yaml"
    path.write_text("secret: s\nunits:\n  JWC:\n    wecom_format: html\n", encoding="utf-8")
    with pytest.raises(NotifySettingsError, match=r"notify\.yaml: units\.JWC\.wecom_format"):
        load_settings(path)
    path.write_text("units: {}\n", encoding="utf-8")
    with pytest.raises(NotifySettingsError, match="ZHENGAI_NOTIFY_SECRET"):
        load_settings(path)
    path.write_text("secret: s\nunits:\n  JWC: {mail: a@b.cn, dingtalk: https://x/robot}\n", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.units["JWC"].mail == ["a@b.cn"] and loaded.units["JWC"].dingtalk[0].url == "https://x/robot"


def test_two_replicas_over_one_state_send_each_warning_once(stores, receiver, smtp):
    """Two replicas (two stores over the same journal or database) run the same round at once: the claims,
    checked under the store's writers' lock, let each warning out once per channel and period."""
    settings = settings_for(receiver, smtp)
    replicas = [notifier_on(stores.first, settings, Clock(T0)),
                notifier_on(stores.reopen(), settings, Clock(T0))]
    results: list[list[Any]] = [[], []]
    threads = [threading.Thread(target=lambda i=i: results[i].extend(replicas[i].run())) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results[0] and results[1] is not None
    claims = [(d.claim.unit, d.claim.channel, d.claim.period, w) for r in results for d in r
              for w in d.claim.warnings]
    assert len(claims) == len(set(claims))
    sent = [(p.path, p.body["period"], w) for p in receiver.posts if p.path.startswith("/hook/")
            for w in warning_ids([p])]
    assert len(sent) == len(set(sent)) and {w for _, _, w in sent} >= {
        w.id for w in unit_warnings(replicas[0].engine, "JWC", T0.date(), Severity.YELLOW)}


def test_zhengai_serve_with_two_workers_sends_each_warning_once(tmp_path, receiver):
    """`zhengai serve --workers 2` with ZHENGAI_NOTIFY_CONFIG: both workers run the catch-up round at
    start; the receiver gets every warning of the units once."""
    config = tmp_path / "notify.yaml"
    config.write_text(f"base_url: http://127.0.0.1\nunits:\n  JWC: {{webhook: {receiver.url}/hook/JWC}}\n"
                      f"  C-MECH: {{webhook: {receiver.url}/hook/C-MECH}}\n", encoding="utf-8")
    env = {"ZHENGAI_NOTIFY_CONFIG": str(config), "ZHENGAI_NOTIFY_SECRET": SECRET}
    with serving("--state", str(tmp_path / "state"), "--workers", "2", env=env):
        deadline, quiet, seen = time.monotonic() + 90, time.monotonic(), 0
        while time.monotonic() < deadline and not (receiver.at("/hook/JWC") and receiver.at("/hook/C-MECH")
                                                   and time.monotonic() - quiet > 3):
            if len(receiver.posts) != seen:  # wait until both workers' rounds are over
                quiet, seen = time.monotonic(), len(receiver.posts)
            time.sleep(0.2)
    sent = [(p.path, p.body["period"], w) for p in receiver.posts for w in warning_ids([p])]
    assert receiver.at("/hook/JWC") and receiver.at("/hook/C-MECH")
    assert len(sent) == len(set(sent)), "a warning was sent twice"


def test_serve_refuses_bad_notify_settings(tmp_path):
    config = tmp_path / "notify.yaml"
    config.write_text("units:\n  JWC: {fax: '0514-1234'}\n", encoding="utf-8")
    env = {**os.environ, "ZHENGAI_NOTIFY_CONFIG": str(config), "ZHENGAI_NOTIFY_SECRET": SECRET}
    done = subprocess.run([sys.executable, "-m", "zhengai.cli", "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "notify.yaml: units.JWC.fax" in done.stderr


def test_the_readme_settings_example_loads(tmp_path, monkeypatch):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 预警推送", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "notify.yaml"
    path.write_text(example, encoding="utf-8")
    monkeypatch.setenv("ZHENGAI_NOTIFY_SECRET", SECRET)
    loaded = load_settings(path)
    assert loaded.units["C-MECH"].dingtalk[0].secret == "SEC…" and loaded.smtp.security == "ssl"
    assert loaded.leaders[LEADER].mail == ["vp-teaching@example.edu.cn"]


def test_mail_goes_over_starttls_with_a_login_to_a_server_of_a_private_ca(stores, tmp_path, receiver,
                                                                          monkeypatch):
    cert, key = self_signed(tmp_path)
    server = MailReceiver(tls=(cert, key), login=("zhengai", "mail-Pass-1"))
    try:
        units = NotifySettings.model_validate({"units": {"JWC": {"mail": "jwc@example.edu.cn"}}}).units
        smtp = {"host": "127.0.0.1", "port": server.port, "sender": "zhengai@example.edu.cn",
                "security": "starttls", "user": "zhengai", "ca_file": str(cert)}
        settings = settings_for(receiver, server).model_copy(update={
            "units": units, "smtp": NotifySettings.model_validate({"smtp": smtp}).smtp})
        monkeypatch.setenv("ZHENGAI_SMTP_PASSWORD", "wrong")
        notifier = notifier_on(stores.first, settings, Clock(T0))
        [refused] = notifier.run(["SCHOOL"])
        assert not refused.ok and "535" in (refused.error or "") and server.mails == []
        monkeypatch.setenv("ZHENGAI_SMTP_PASSWORD", "邮箱密码")
        [refused] = notifier.run(["SCHOOL"])  # retried, and refused clearly
        assert not refused.ok and "must be ASCII" in (refused.error or "")
        monkeypatch.setenv("ZHENGAI_SMTP_PASSWORD", "mail-Pass-1")
        [sent] = notifier.run(["SCHOOL"])
        assert sent.ok and server.logins == ["zhengai"]
        [mail] = server.to("jwc@example.edu.cn")
        assert mail["Subject"] == "【预警简报】教务处 · 学校层面 · 2026年11月"
        plain = settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"ca_file": None})})
        untrusted = notifier_on(stores.reopen(), plain, Clock(T0 + timedelta(days=11)))
        assert any("CERTIFICATE_VERIFY_FAILED" in (d.error or "") for d in untrusted.run(["SCHOOL"]))
    finally:
        server.close()
