"""The 预警推送 service: monitoring rounds per level, sends per unit and channel, escalation, acknowledgement.

:class:`Notifier` does one round when asked (``run``, ``escalate``); :meth:`Notifier.start` hands the
rounds to an APScheduler background scheduler: each job at the first day of its round (08:00) and once
at start (a round missed while the service was down is caught up — a warning already sent for the
period is not sent again), escalations every ``check_every_minutes``. With several workers or replicas
each runs the scheduler: the claims of :mod:`zhengai.notify.ledger` make every send happen once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from zhengai.domain.errors import ForbiddenError, NotFoundError
from zhengai.domain.units import unit_and_below
from zhengai.engine.engine import Engine
from zhengai.engine.monitoring import Severity
from zhengai.engine.writes import WriteService
from zhengai.notify import ledger
from zhengai.notify.bulletin import Bulletin, bulletins, unit_warnings
from zhengai.notify.channels import SendError, sender
from zhengai.notify.periods import CRON, JOBS, frequency, period_key
from zhengai.notify.settings import Channels, NotifySettings
from zhengai.security.tokens import Principal, Role

log = logging.getLogger("zhengai.notify")


def local_now() -> datetime:
    """The time now, in the server's time zone."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Delivery:
    """One send: the claim (its warnings), and whether it went out."""

    claim: ledger.Claim
    ok: bool
    error: str | None = None


class Notifier:
    """Sends the 预警简报 of the configured units through the one write path's sent-log."""

    def __init__(self, engine: Engine, writes: WriteService, settings: NotifySettings,
                 clock: Callable[[], datetime] = local_now):
        self.engine = engine.base
        self.writes = writes
        self.settings = settings
        self.clock = clock
        self.key = settings.signing_key()
        self._scheduler: Any = None

    # -- rounds -----------------------------------------------------------------------------------
    def run(self, jobs: Iterable[str] = JOBS) -> list[Delivery]:
        """One monitoring round of ``jobs`` for every configured unit: each bulletin over each channel."""
        now = self.clock()
        today = now.date()
        wanted = set(jobs)
        periods = {job: period_key(frequency(job), today) for job in JOBS}
        floor = Severity(self.settings.min_severity)
        self.writes.follow()  # what other replicas wrote (their claims are checked again under the lock)
        out: list[Delivery] = []
        for unit_id, channels in self.settings.units.items():
            for bulletin in bulletins(self.engine, unit_id, today, wanted, periods, floor):
                out += self._send(bulletin, channels, now)
        return out

    def escalate(self) -> list[Delivery]:
        """Send the RED warnings delivered over ``escalate_after_hours`` ago and not acknowledged to the
        unit's 分管领导 (its ``leader``), once per warning and period."""
        now = self.clock()
        today = now.date()
        delay = timedelta(hours=self.settings.escalate_after_hours)
        units = self.engine.state.units(today)
        self.writes.follow()
        out: list[Delivery] = []
        for unit_id in self.settings.units:
            unit = units.get(unit_id)
            channels = self.settings.leaders.get(unit.leader or "") if unit else None
            if unit is None or channels is None:
                continue
            book = ledger.read(self.engine.state, unit_id)
            due = {key: job for key, (at, job) in book.delivered_red().items()
                   if now - at >= delay and key not in book.acks}
            if not due:
                continue
            current = {w.id: w for w in unit_warnings(self.engine, unit_id, today, Severity.RED)}
            groups: dict[tuple[str, str], list[Any]] = {}
            for (warning, period), job in sorted(due.items()):
                if warning in current:  # resolved since: nothing to escalate
                    groups.setdefault((job, period), []).append(current[warning])
            for (job, period), found in groups.items():
                out += self._send(Bulletin(unit_id, unit.name, job, period, tuple(found), escalation=True),
                                  channels, now)
        return out

    def _send(self, bulletin: Bulletin, channels: Channels, now: datetime) -> list[Delivery]:
        out = []
        for channel in channels.targets():
            claimed: list[ledger.Claim] = []
            try:
                self.writes.notify(ledger.plan_claim(bulletin, channel, now, claimed))
            except ledger.NothingNew:
                continue
            claim = claimed[-1]
            part = Bulletin(bulletin.unit_id, bulletin.unit_name, bulletin.job, bulletin.period,
                            tuple(w for w in bulletin.warnings if w.id in claim.warnings),
                            bulletin.escalation)
            error = None
            try:
                sender(self.settings, channels, channel)(part, self.ack_url(claim.id))
            except SendError as exc:
                error = str(exc)
                log.warning("预警推送 %s failed: %s", claim.id, error)
            except Exception as exc:  # recorded as failed (retried next round), never left half-done
                error = f"{type(exc).__name__}: {exc}"
                log.exception("预警推送 %s failed", claim.id)
            self.writes.notify(ledger.plan_outcome(claim, error is None, error, self.clock()))
            out.append(Delivery(claim, error is None, error))
        return out

    # -- acknowledgement --------------------------------------------------------------------------
    def ack_url(self, claim_id: str) -> str:
        """The signed link acknowledging a claim's warnings."""
        query = urlencode({"c": claim_id, "s": ledger.sign(self.key, claim_id)})
        return f"{self.settings.base_url.rstrip('/')}/notify/ack?{query}"

    def claim_of_link(self, claim_id: str, signature: str) -> ledger.Claim:
        """The claim a signed link names; ForbiddenError for a bad signature, NotFoundError for none."""
        if not ledger.verify(self.key, claim_id, signature):
            raise ForbiddenError("invalid acknowledgement link")
        unit_id = claim_id.split("/", 1)[0]
        claim = ledger.read(self.engine.state, unit_id).claims.get(claim_id)
        if claim is None:
            raise NotFoundError("bulletin", claim_id)
        if self.clock() - claim.at > timedelta(days=self.settings.ack_link_days):
            raise ForbiddenError("expired acknowledgement link")
        return claim

    def acknowledge_link(self, claim_id: str, signature: str) -> list[tuple[str, str]]:
        """Acknowledge every warning of the bulletin a signed link names; the (warning, period) pairs
        newly acknowledged."""
        claim = self.claim_of_link(claim_id, signature)
        return acknowledge(self.writes, claim.unit, [(w, claim.period) for w in claim.warnings], None,
                           self.clock())

    # -- the scheduler ----------------------------------------------------------------------------
    def start(self) -> None:
        """Run the rounds in the background: each job at its frequency (and once now), escalations
        every ``check_every_minutes``."""
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger

        scheduler = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                      "misfire_grace_time": 3600})
        by_frequency: dict[Any, list[str]] = {}
        for job in JOBS:
            by_frequency.setdefault(frequency(job), []).append(job)
        now = datetime.now().astimezone()
        for freq, jobs in by_frequency.items():
            scheduler.add_job(self._guarded(self.run), CronTrigger(hour=8, **CRON[freq]), args=[jobs],
                              id=f"notify-{freq.value}")
        scheduler.add_job(self._guarded(self.run), "date", run_date=now, id="notify-catch-up")
        scheduler.add_job(self._guarded(self.escalate), "interval", minutes=self.settings.check_every_minutes,
                          id="notify-escalate")
        units = self.engine.state.units(self.clock().date())
        for unit_id in sorted(set(self.settings.units) - set(units)):
            log.warning("预警推送: unit %r of the settings is not in the graph: it gets no bulletin", unit_id)
        scheduler.start()
        self._scheduler = scheduler

    @staticmethod
    def _guarded(work: Callable[..., Any]) -> Callable[..., None]:
        def run(*args: Any) -> None:
            try:
                work(*args)
            except Exception:  # a round's failure is logged; the next round runs
                log.exception("预警推送 round failed")
        return run

    def stop(self) -> None:
        """Stop the scheduler, waiting for a running round."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None


def may_acknowledge(engine: Engine, principal: Principal | None, unit_id: str, when: Any) -> bool:
    """Whether ``principal`` may acknowledge a unit's warnings: the 质管办 (ADMIN), a school leader
    (LEADER), or the head of the unit or of a unit above it."""
    if principal is None:
        return False
    if principal.roles & {Role.ADMIN, Role.LEADER}:
        return True
    if Role.UNIT_HEAD not in principal.roles or not principal.unit:
        return False
    return unit_id in unit_and_below(engine.base.state.units(when), principal.unit)


def acknowledge(writes: WriteService, unit_id: str, pairs: list[tuple[str, str]], by: Principal | None,
                now: datetime) -> list[tuple[str, str]]:
    """Record the acknowledgement of (warning, period) pairs of a unit; those newly acknowledged."""
    done: list[tuple[str, str]] = []
    try:
        writes.notify(ledger.plan_ack(unit_id, pairs, by, now, done))
    except ledger.NothingNew:
        return []
    return done


def acknowledge_warnings(engine: Engine, writes: WriteService, principal: Principal | None, unit_id: str,
                         warning_ids: list[str], period: str | None, now: datetime) -> list[tuple[str, str]]:
    """确认预警 (the mutation): acknowledge warnings sent to a unit — in ``period``, else in every period
    they were sent in. ForbiddenError unless the caller may (:func:`may_acknowledge`); NotFoundError for
    an unknown unit or a warning never sent to it. Returns the pairs newly acknowledged."""
    units = engine.base.state.units(now.date())
    unit = units.get(unit_id)
    if not may_acknowledge(engine, principal, unit_id, now.date()):
        raise ForbiddenError(f"the warnings of {unit_id} are not yours to acknowledge", "NOT_YOURS",
                             id=unit_id, name=unit.name if unit else unit_id)
    if unit is None:
        raise NotFoundError("Unit", unit_id)
    book = ledger.read(engine.base.state, unit_id)
    sent = {(w, c.period) for c in book.claims.values() if c.ok is not False for w in c.warnings}
    pairs = []
    for warning in warning_ids:
        found = sorted(p for w, p in sent if w == warning and (period is None or p == period))
        if not found:
            raise NotFoundError("sent warning", warning)
        pairs += [(warning, p) for p in found]
    return acknowledge(writes, unit_id, pairs, principal, now)


@dataclass(frozen=True)
class SentWarning:
    """A warning of a sent bulletin with its acknowledgement (None: not acknowledged)."""

    warning_id: str
    severity: str
    acknowledged_at: str | None
    acknowledged_by: str | None


@dataclass(frozen=True)
class SentBulletin:
    """A bulletin sent (or tried) over one channel, newest first in :func:`sent_bulletins`."""

    id: str
    job: str
    period: str
    channel: str
    escalation: bool
    sent_at: datetime
    ok: bool | None
    error: str | None
    warnings: list[SentWarning]


def sent_bulletins(engine: Engine, principal: Principal | None, unit_id: str, first: int,
                   when: Any) -> list[SentBulletin]:
    """推送记录: the newest ``first`` bulletins sent to a unit with their warnings' acknowledgements; for
    those who may acknowledge them (:func:`may_acknowledge`), ForbiddenError for others."""
    unit = engine.base.state.units(when).get(unit_id)
    if not may_acknowledge(engine, principal, unit_id, when):
        raise ForbiddenError(f"the bulletins of {unit_id} are not yours to read", "NOT_YOURS",
                             id=unit_id, name=unit.name if unit else unit_id)
    if unit is None:
        raise NotFoundError("Unit", unit_id)
    book = ledger.read(engine.base.state, unit_id)
    claims = sorted(book.claims.values(), key=lambda c: (c.at, c.id), reverse=True)[:max(0, first)]
    out = []
    for c in claims:
        warnings = []
        for w, severity in c.warnings.items():
            ack = book.acks.get((w, c.period))
            warnings.append(SentWarning(w, severity, ack["at"] if ack else None, ack["by"] if ack else None))
        out.append(SentBulletin(c.id, c.job, c.period, c.channel, c.escalation, c.at, c.ok, c.error,
                                warnings))
    return out
