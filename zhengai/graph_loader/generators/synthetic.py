"""Deterministic synthetic 诊改 datasets (design.md §3 format) at three scales.

``generate(scale, seed, out)`` writes a dataset folder that ``zhengai validate`` accepts:

- ``dataset.yaml``: the small lists ``units``, ``plans``, ``standards`` and ``tasks``;
- ``subjects.csv``, ``goals.csv``, ``supports.csv``, ``metrics.csv``, ``measures.csv`` and
  ``observations.csv``: the bulk tables, streamed row by row.

Every institution has the shape of one 高职 college: 五纵 units (二级学院 are GENERATION units),
the plan chain 党代会报告 → 七大行动计划 → 五年专项规划 → 专业/课程/个人规划, and the goal chain
学校发展目标 → 年度任务 → 专业 → 课程 → 教师 → 学生 (三年成长目标 and 年度成长目标). About 10 % of
the bulk goals support two parents (a course two majors, a teacher two courses, a student goal a
course as well). Metrics follow the 监测预警 frequency of their level (学校 MONTHLY, 专业 SEMESTER,
课程 HALF_MONTHLY/QUARTERLY, 教师 SEMESTER, 学生 MONTHLY); every goal below the school level has
five metrics (专业 six, 年度任务 two to four, 学校发展目标 none). Observations run from 2025-11-01
to 2026-10-31 at each metric's frequency; about 3 % of metrics have none and about 2 % stop early
(stale). Observations leave ``source`` empty (the metric names its source system).

Scales (node = unit, subject, plan, standard, goal, metric or task):

- ``demo``: 3 二级学院, 3 专业, 9 课程, 6 教师, 12 学生 — about 450 nodes, 2,700 observations.
- ``college``: 10 二级学院, 60 专业, 1,500 课程, 800 教师, 15,000 学生 — about 212,000 nodes
  (32,390 goals, 162,000 metrics) and 1.9 million observations (≈ 90 MB in all).
- ``province``: a provincial layer (units, plans, goals at level SCHOOL that every college's
  学校发展目标 support, a few metrics and tasks; ids prefixed ``PRV-``) over ten colleges of the
  ``college`` shape (ids prefixed ``C01-`` … ``C10-``) — about 2.1 million nodes. To keep
  ``observations.csv`` modest (≈ 6.2 million rows, ≈ 230 MB; the folder ≈ 530 MB) each metric
  keeps only the last reading of its schedule in each quarter (Nov–Jan, Feb–Apr, May–Jul,
  Aug–Oct): at most four readings, dated 2026-01-31 … 2026-10-31 for monthly metrics.

Names come from :mod:`.names`, records and files from :mod:`.records`. Rows are written as they are
generated; only small per-college lists (units, plans, majors, courses) are held, so memory stays
bounded whatever the scale. Everything is drawn from ``random.Random`` seeded by ``seed`` and the
institution, in a fixed order: the same scale and seed give byte-identical files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from zhengai.graph_loader.generators import names, records
from zhengai.graph_loader.generators.names import TEACHING_LEADER, Family, MetricTemplate, Period
from zhengai.graph_loader.generators.readings import ReadingCalendar, month_end, rounded, value_at
from zhengai.graph_loader.generators.records import CSV_TABLES, LINK_KINDS, NODE_KINDS, CsvDatasetWriter

__all__ = ["CSV_TABLES", "LINK_KINDS", "NODE_KINDS", "SCALES", "SHAPES", "Shape", "generate"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Shape:
    """Size of a scale: institutions and, in each, 二级学院 and subjects per level."""

    colleges: int
    schools: int  # 二级学院 per institution
    majors_per_school: int
    courses: int
    teachers: int
    students: int
    quarterly_sample: bool  # observations: keep only the last reading in each quarter


SHAPES: dict[str, Shape] = {
    "demo": Shape(1, 3, 1, 9, 6, 12, False),
    "college": Shape(1, 10, 6, 1500, 800, 15000, False),
    "province": Shape(10, 10, 6, 1500, 800, 15000, True),
}
SCALES: tuple[str, ...] = tuple(SHAPES)

#: readings at the end of each month, 2025-11 … 2026-10
CALENDAR = ReadingCalendar((2025, 11), 12, at_month_end=True)
COHORTS = (2023, 2024, 2025)  # 入学年级 of the students
# every college's 职能部门 (codes of names.OFFICES)
OFFICE_CODES = ("DB", "YB", "ZZB", "FGC", "JWC", "RSC", "CWC", "KJC", "ZCC", "XXZX", "XGC", "JSFZ", "JJY",
                "XCB", "GJC", "HQ", "ZGB", "SJC", "GJS")
TARGET_ID = {t.key: f"S-{i:02d}" for i, t in enumerate(names.SCHOOL_TARGETS, 1)}
TASK_ID = {t.key: f"A26-{i:02d}" for i, t in enumerate(names.ANNUAL_TASKS, 1)}
TIER_QUALITY = {"标杆": 0.9, "品牌": 0.86, "骨干": 0.82, "其他": 0.76}  # mean attainment of a 专业's metrics
# 标准链: standard id → the school metric codes it specifies
STANDARD_METRICS: dict[str, list[str]] = {
    "STD-SCH": ["EMP-RATE", "EMP-MATCH", "EMPLOYER-SAT", "STU-SAT", "RESEARCH-PROJ", "SERVICE-INCOME",
                "HQ-MAJOR", "DATA-SYS", "PLATFORM-USE", "INTL-STU"],
    "STD-BASE": ["SSR", "DUAL-RATIO", "SENIOR", "DROPOUT", "EQUIP", "LAB-AREA", "FUNDING"],
    "STD-DEPT": ["ZG-REPORT", "TASK-DONE", "BUDGET-EXEC", "QC-CASE"],
    "STD-MAJ-BUILD": ["HQ-MAJOR", "APPRENTICE", "BASE", "MAJ-REPORT"],
    "STD-MAJ-TEACH": ["CERT-RATE", "SKILL-AWARD"],
    "STD-CRS-BUILD": ["ONLINE-COURSE", "IDEO-COURSE", "TEXTBOOK"],
    "STD-CRS-TEACH": ["COURSE-PASS", "ATTEND", "CLASS-SIZE"],
    "STD-TCH": ["TRAIN-HOURS", "TEAM", "RESEARCH-PROJ"],
    "STD-STU": ["STU-SAT", "FITNESS", "MENTAL"],
}


# ---------------------------------------------------------------------------------------------
# Observation schedule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """The reading dates of one frequency, with what the series model and the writer need."""

    dates: list[date]
    iso: list[str]
    year_frac: list[float]  # fraction of its calendar year elapsed at each date
    keep: list[int]  # indexes written to observations.csv


def _quarter_last(dates: list[date]) -> list[int]:
    """Indexes of the last date in each quarter of the calendar (Nov–Jan, Feb–Apr, May–Jul, Aug–Oct)."""
    year, month = CALENDAR.first
    last: dict[int, int] = {}
    for i, d in enumerate(dates):
        last[(d.year * 12 + d.month - (year * 12 + month)) // 3] = i
    return [last[q] for q in sorted(last)]


def _schedules(quarterly: bool) -> dict[str, Schedule]:
    out = {}
    for freq in ("HALF_MONTHLY", "MONTHLY", "QUARTERLY", "SEMESTER", "ANNUAL"):
        dates = CALENDAR.dates(freq)
        keep = _quarter_last(dates) if quarterly else list(range(len(dates)))
        fracs = [d.timetuple().tm_yday / 365 for d in dates]
        out[freq] = Schedule(dates, [d.isoformat() for d in dates], fracs, keep)
    return out


# ---------------------------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------------------------


class _GoalWriter:
    """Writes goals, and metrics with their observations; shared by the college and province layers."""

    def __init__(self, writer: CsvDatasetWriter, rng: random.Random, schedules: dict[str, Schedule],
                 tick: Callable[[], None]) -> None:
        self.writer = writer
        self.rng = rng
        self.schedules = schedules
        self.tick = tick

    def goal(self, gid: str, name: str, level: str, owner: str, subject: str | None, period: Period,
             plans: list[str], supports: list[tuple[str, float]], aggregate: str | None = None) -> None:
        self.writer.add("goals", records.goal(gid, name, level, period=period, owner=owner, subject=subject,
                                              supports=supports, derived_from=plans, aggregate=aggregate))
        self.tick()

    def metric(self, mid: str, name: str, template: MetricTemplate, owner: str, goal: str, q: float) -> None:
        self.writer.add("metrics", records.metric(mid, name, template, owner=owner, goal=goal))
        self.observe(mid, template, q)

    def observe(self, mid: str, template: MetricTemplate, q: float) -> None:
        rng = self.rng
        sched = self.schedules[template.frequency]
        q = min(1.08, max(0.05, q + rng.gauss(0, 0.07)))
        values = _series(rng, template, q, sched)
        r = rng.random()
        if r < 0.03:  # 数据未接入: no observation at all
            return
        n = len(values)
        stop = rng.randrange(max(1, n // 2), n) if r < 0.05 and n > 2 else n  # 停止推送 → stale
        observe = self.writer.observe
        for i in sched.keep:
            if i >= stop:
                break
            observe(mid, sched.iso[i], values[i])


def _series(rng: random.Random, template: MetricTemplate, q: float, sched: Schedule) -> list[float]:
    """Readings at every date of ``sched``; the last has attainment about ``q``."""
    n = len(sched.dates)
    d, b, t = template.direction, template.baseline, template.target
    latest = value_at(d, b, t, q)
    shape = template.shape
    if shape == "ytd":  # 年度累计: grows through the year to ``latest`` at the last date, resets in January
        fr = sched.year_frac
        pace = latest / fr[-1]
        prev = pace * rng.uniform(0.85, 1.0)
        year = sched.dates[-1].year
        raw = [(pace if sched.dates[i].year == year else prev) * fr[i] for i in range(n)]
    elif shape == "level":
        raw = [value_at(d, b, t, min(1.08, q + rng.gauss(0, 0.15))) for _ in range(n - 1)] + [latest]
    else:
        start = value_at(d, b, t, q - rng.uniform(0.03, 0.25))
        scale = abs(t - b) if b is not None else abs(t)
        raw = [start + (latest - start) * i / (n - 1) for i in range(n)] if n > 1 else [latest]
        if shape == "trend":
            for i in range(1, n - 1):
                raw[i] += rng.gauss(0, 0.02 * scale)
    return rounded(raw, template.unit, template.dec, never_falls=shape == "count")


def _owner(prefix: str, template: MetricTemplate, default: str) -> str:
    """A metric's owner: the template's office, else ``default`` (the subject's 二级学院)."""
    return prefix + template.owner if template.owner else default


def _person(rng: random.Random) -> str:
    surname = rng.choice(names.COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(names.SURNAMES)
    given = rng.choice(names.GIVEN_FIRST)
    if rng.random() < 0.75:
        given += rng.choice(names.GIVEN_SECOND)
    return surname + given


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass
class _Major:
    sid: str  # subject id
    name: str
    tier: str
    unit: str
    family: Family
    courses: list[tuple[int, str]]  # (number, name): subject CRS-nnnn, goal G-CRS-nnnn


class _College:
    """One institution: writes its records; holds only its majors and courses."""

    def __init__(self, writer: CsvDatasetWriter, shape: Shape, seed: int, index: int, province: bool,
                 schedules: dict[str, Schedule], tick: Callable[[], None]) -> None:
        self.writer = writer
        self.shape = shape
        self.rng = random.Random(f"zhengai-synthetic/{seed}/{index}")
        self.p = f"C{index + 1:02d}-" if province else ""
        self.province = province
        self.name = names.COLLEGE_NAMES[index % len(names.COLLEGE_NAMES)]
        self.chain = _GoalWriter(writer, self.rng, schedules, tick)
        self.majors: list[_Major] = []
        self.families = names.FAMILIES[: shape.schools]

    def run(self) -> None:
        self.units()
        self.plans_and_subjects()
        self.school_goals()
        self.standards()
        self.major_goals()
        self.course_goals()
        self.teacher_goals()
        self.student_goals()
        self.tasks()

    # -- structure ----------------------------------------------------------------------------
    def units(self) -> None:
        p, add = self.p, self.writer.add
        for code in OFFICE_CODES:
            office = names.OFFICES[code]
            parent = p + office.parent if office.parent else None
            add("units", records.unit(p + code, office.name, office.system, parent=parent,
                                      leader=office.leader))
        for fam in self.families:
            add("units", records.unit(f"{p}XY-{fam.code}", fam.name, "GENERATION", leader=TEACHING_LEADER))

    def plans_and_subjects(self) -> None:
        p, add, rng, shape = self.p, self.writer.add, self.rng, self.shape
        add("plans", records.plan(f"{p}PL-CONGRESS3", f"中共{self.name}第三次代表大会报告"))
        for pid, name in names.ACTION_PLANS:
            add("plans", records.plan(p + pid, name, parent=f"{p}PL-CONGRESS3", period=names.SCHOOL_TERM))
        for pid, name, parent in names.FIVE_YEAR_PLANS:
            add("plans", records.plan(p + pid, name, parent=p + parent, period=names.SCHOOL_TERM))
        add("subjects", records.subject(f"{p}SCH", self.name, "SCHOOL", f"{p}YB"))

        n_majors = shape.schools * shape.majors_per_school
        counts = (max(1, n_majors // 10), max(1, n_majors // 5), max(1, n_majors * 3 // 10))  # 10/20/30 %
        tiers = [tier for tier, c in zip(names.TIERS, counts, strict=False) for _ in range(c)]
        tiers += [names.TIERS[3]] * (n_majors - len(tiers))
        rng.shuffle(tiers)
        k = 0
        for fam in self.families:
            for name in fam.majors[: shape.majors_per_school]:
                k += 1
                sid = f"{p}MAJ-{k:03d}"
                unit = f"{p}XY-{fam.code}"
                self.majors.append(_Major(sid, name, tiers[k - 1], unit, fam, []))
                add("subjects", records.subject(sid, name, "MAJOR", unit, tier=tiers[k - 1]))
                add("plans", records.plan(f"{p}PL-MAJ-{k:03d}", names.MAJOR_PLAN.format(name),
                                          parent=f"{p}PL-5Y-MAJOR", period=names.MAJOR_TERM))
                add("plans", records.plan(f"{p}PL-CRS-{k:03d}", names.COURSE_PLAN.format(name),
                                          parent=f"{p}PL-MAJ-{k:03d}", period=names.COURSE_TERM))
                for year in COHORTS:
                    add("plans", records.plan(f"{p}PL-STU-{k:03d}-{year}",
                                              names.STUDENT_PLAN.format(f"{name}专业{year}级学生"),
                                              parent=f"{p}PL-5Y-STUDENT",
                                              period=names.student_terms(year)[0]))
        for fam in self.families:
            add("plans", records.plan(f"{p}PL-TCH-{fam.code}", names.TEACHER_PLAN.format(fam.name),
                                      parent=f"{p}PL-5Y-FACULTY", period=names.TEACHER_TERM))
        self.courses(n_majors)

    def courses(self, n_majors: int) -> None:
        """课程: names unique within the college (a shared name gets its 专业 appended)."""
        p, rng = self.p, self.rng
        used: set[str] = set()
        n = 0
        for major, count in zip(self.majors, _split(self.shape.courses, n_majors), strict=True):
            family = list(major.family.courses)
            common = list(names.COMMON_COURSES)
            rng.shuffle(family)
            rng.shuffle(common)
            k1 = min(len(family), round(count * 0.56))
            k2 = min(len(common), round(count * 0.28))
            course_names = [(c, "") for c in family[:k1]] + [(c, "公共基础") for c in common[:k2]]
            course_names += [(t.format(major.name), "校企合作") for t in names.MAJOR_COURSES]
            while len(course_names) < count:  # more courses than names: numbered sequels
                made = len(course_names)
                course_names.append((f"{family[made % len(family)]}（{made // len(family) + 1}）", ""))
            for cname, category in course_names[:count]:
                n += 1
                if cname in used:
                    cname = f"{cname}（{major.name}）"
                used.add(cname)
                category = category or rng.choices(names.COURSE_CATEGORIES, (35, 25, 20, 20))[0]
                major.courses.append((n, cname))
                self.writer.add("subjects", records.subject(f"{p}CRS-{n:04d}", cname, "COURSE", major.unit,
                                                            category=category, major=major.sid))

    def standards(self) -> None:
        p = self.p
        for sid, codes in STANDARD_METRICS.items():
            name, level = names.STANDARDS[sid]
            self.writer.add("standards", records.standard(p + sid, name, level, [f"{p}M-{c}" for c in codes]))

    # -- goals ----------------------------------------------------------------------------------
    def school_goals(self) -> None:
        p, chain = self.p, self.chain
        for target in names.SCHOOL_TARGETS:
            sup = [(g, 1) for g in target.provincial] if self.province else []
            chain.goal(p + TARGET_ID[target.key], target.name, "SCHOOL", p + target.owner, f"{p}SCH",
                       names.SCHOOL_TERM, [p + x for x in target.plans], sup)
        plan_of = {t.key: t.plans[0] for t in names.SCHOOL_TARGETS}
        q_school = self.rng.uniform(0.78, 0.92)
        for task in names.ANNUAL_TASKS:
            tid = p + TASK_ID[task.key]
            plans = sorted({p + plan_of[s] for s, _ in task.supports})
            chain.goal(tid, task.name, "SCHOOL", p + task.owner, f"{p}SCH", names.YEAR_2026, plans,
                       [(p + TARGET_ID[s], w) for s, w in task.supports], task.aggregate)
            for spec in names.SCHOOL_METRICS[task.key]:
                chain.metric(f"{p}M-{spec.code}", spec.name, spec, _owner(p, spec, p + task.owner), tid,
                             q_school)

    def major_goals(self) -> None:
        p, chain, rng = self.p, self.chain, self.rng
        for k, major in enumerate(self.majors, 1):
            gid = f"{p}G-MAJ-{k:03d}"
            sup = [(p + TASK_ID["MAJOR"], names.TIER_WEIGHT[major.tier])]
            if rng.random() < 0.10:  # 就业导向: the 专业 goal also serves the employment task
                sup.append((p + TASK_ID["EMP"], 1))
            chain.goal(gid, names.MAJOR_GOAL.format(major.name, major.tier), "MAJOR", major.unit, major.sid,
                       names.MAJOR_TERM, [f"{p}PL-MAJ-{k:03d}"], sup)
            q = TIER_QUALITY[major.tier] + rng.gauss(0, 0.06)
            base, target = names.TIER_TARGET[major.tier]
            for spec in names.MAJOR_METRICS:
                if spec.code == "EMP":
                    spec = replace(spec, baseline=base, target=target)
                owner = _owner(p, spec, major.unit)
                mid = f"{p}M-MAJ-{k:03d}-{spec.code}"
                chain.metric(mid, spec.name.format(major.name), spec, owner, gid, q)

    def course_goals(self) -> None:
        p, chain, rng = self.p, self.chain, self.rng
        for k, major in enumerate(self.majors, 1):
            others = [i for i in range(1, len(self.majors) + 1) if i != k]
            unit = major.unit
            for c, cname in major.courses:
                gid = f"{p}G-CRS-{c:04d}"
                sup = [(f"{p}G-MAJ-{k:03d}", 1)]
                if others and rng.random() < 0.10:  # a course serving two 专业
                    sup.append((f"{p}G-MAJ-{rng.choice(others):03d}", 0.5))
                chain.goal(gid, names.COURSE_GOAL.format(cname), "COURSE", unit, f"{p}CRS-{c:04d}",
                           names.COURSE_TERM, [f"{p}PL-CRS-{k:03d}"], sup)
                q = rng.gauss(0.84, 0.08)
                for spec in names.COURSE_METRICS:
                    chain.metric(f"{p}M-CRS-{c:04d}-{spec.code}", spec.name.format(cname), spec, unit, gid, q)

    def teacher_goals(self) -> None:
        p, chain, rng = self.p, self.chain, self.rng
        n = 0
        for major, count in zip(self.majors, _split(self.shape.teachers, len(self.majors)), strict=True):
            courses = major.courses
            for j in range(count):
                n += 1
                tid = f"{p}TCH-{n:04d}"
                name = _person(rng)
                teacher = records.subject(tid, name, "TEACHER", major.unit, major=major.sid)
                self.writer.add("subjects", teacher)
                first = j % len(courses)
                sup = [(f"{p}G-CRS-{courses[first][0]:04d}", 1)]
                if len(courses) > 1 and rng.random() < 0.10:  # teaches a second course
                    second = (first + rng.randrange(1, len(courses))) % len(courses)
                    sup.append((f"{p}G-CRS-{courses[second][0]:04d}", 1))
                gid = f"{p}G-TCH-{n:04d}"
                chain.goal(gid, names.TEACHER_GOAL.format(name), "TEACHER", major.unit, tid,
                           names.TEACHER_TERM, [f"{p}PL-TCH-{major.family.code}"], sup)
                q = rng.gauss(0.82, 0.1)
                for spec in names.TEACHER_METRICS:
                    owner = _owner(p, spec, major.unit)
                    chain.metric(f"{p}M-TCH-{n:04d}-{spec.code}", spec.name.format(name), spec, owner, gid, q)

    def student_goals(self) -> None:
        p, chain, rng = self.p, self.chain, self.rng
        n = 0
        for k, (major, count) in enumerate(
                zip(self.majors, _split(self.shape.students, len(self.majors)), strict=True), 1):
            courses = major.courses
            for year, per_year in zip(COHORTS, _split(count, len(COHORTS)), strict=True):
                three_years, this_year = names.student_terms(year)
                for _ in range(per_year):
                    n += 1
                    sid = f"{p}STU-{n:05d}"
                    local = f"STU-{n:05d}"
                    name = _person(rng)
                    unit = major.unit
                    self.writer.add("subjects", records.subject(sid, name, "STUDENT", unit, major=major.sid))
                    plans = [f"{p}PL-STU-{k:03d}-{year}"]
                    g3, g1 = f"{p}G-{local}-3Y", f"{p}G-{local}-Y26"
                    sup = [(f"{p}G-MAJ-{k:03d}", 1)]
                    if rng.random() < 0.10:  # 三年成长目标 also supports a course goal
                        sup.append((f"{p}G-CRS-{rng.choice(courses)[0]:04d}", 0.5))
                    cohort = f"{major.name}专业{year}级"
                    chain.goal(g3, names.STUDENT_GOAL.format(name, cohort), "STUDENT", unit, sid, three_years,
                               plans, sup)
                    sup = [(g3, 1)]
                    if rng.random() < 0.10:  # 年度成长目标 also supports a course goal
                        sup.append((f"{p}G-CRS-{rng.choice(courses)[0]:04d}", 0.5))
                    chain.goal(g1, names.STUDENT_YEAR_GOAL.format(name), "STUDENT", unit, sid, this_year,
                               plans, sup)
                    q = min(1.05, max(0.3, rng.gauss(0.86, 0.1)))
                    for goal, templates in ((g3, names.STUDENT_3Y_METRICS), (g1, names.STUDENT_YEAR_METRICS)):
                        for spec in templates:
                            mid = f"{p}M-{local}-{spec.code}"
                            chain.metric(mid, spec.name.format(name), spec, unit, goal, q)

    # -- 一页纸项目管理 tasks ---------------------------------------------------------------------
    def tasks(self) -> None:
        p, rng, add = self.p, self.rng, self.writer.add
        colleges = [f"{p}XY-{f.code}" for f in self.families]
        for i, task in enumerate(names.ANNUAL_TASKS, 1):
            helpers = sorted(rng.sample(colleges, min(2, len(colleges))))
            add("tasks", self._task(f"{p}T26-{i:02d}", task.name.replace("目标", "") + "项目",
                                    [p + TASK_ID[task.key]], p + task.owner, helpers,
                                    names.OFFICES[task.owner].leader, "年度目标任务完成情况报告"))
        for k, major in enumerate(self.majors, 1):
            if major.tier in ("标杆", "品牌"):
                add("tasks", self._task(f"{p}T26-MAJ-{k:03d}", f"{major.name}{major.tier}专业（群）建设",
                                        [p + TASK_ID["MAJOR"], f"{p}G-MAJ-{k:03d}"], major.unit, [f"{p}JWC"],
                                        TEACHING_LEADER, "专业（群）建设年度报告"))
        for fam in self.families:
            goals = [f"{p}G-MAJ-{k:03d}" for k, m in enumerate(self.majors, 1) if m.family is fam]
            add("tasks", self._task(f"{p}T26-XY-{fam.code}", f"{fam.name}专业与课程层面诊改运行", goals,
                                    f"{p}XY-{fam.code}", [f"{p}ZGB"], TEACHING_LEADER, "诊改报告"))

    def _task(self, tid: str, name: str, advances: list[str], lead: str, units: list[str], leader: str,
              deliverable: str) -> records.Record:
        rng = self.rng
        start = date(2026, rng.randint(1, 4), 1)
        due = month_end(2026, rng.randint(6, 12))
        budget = float(rng.choice((0, 5, 10, 20, 30, 50, 80, 120, 200)))
        progress = round(min(1.0, rng.uniform(0.4, 1.1)), 2)
        spent = round(budget * min(1.2, progress * rng.uniform(0.8, 1.15)), 1)
        return records.task(tid, name, advances=advances, lead_unit=lead, units=units, leader=leader,
                            start=start, due=due, budget=budget, spent=spent, deliverable=deliverable,
                            progress=progress)


def _province_layer(writer: CsvDatasetWriter, seed: int, schedules: dict[str, Schedule],
                    tick: Callable[[], None]) -> None:
    """省级层面: units, plans, province goals (level SCHOOL) with their metrics, and tasks."""
    rng = random.Random(f"zhengai-synthetic/{seed}/province")
    chain = _GoalWriter(writer, rng, schedules, tick)
    add = writer.add
    for uid, name, system, parent in names.PROVINCE_UNITS:
        add("units", records.unit(uid, name, system, parent=parent))
    for pid, name, parent in names.PROVINCE_PLANS:
        period = (Period(date(2021, 1, 1), date(2025, 12, 31)) if parent is None
                  else Period(date(2023, 1, 1), date(2027, 12, 31)))
        add("plans", records.plan(pid, name, parent=parent, period=period))
    for gid, name, owner, plans in names.PROVINCE_GOALS:
        chain.goal(gid, name, "SCHOOL", owner, None, names.SCHOOL_TERM, plans, [])
        for spec in names.PROVINCE_METRICS[gid]:
            q = rng.uniform(0.75, 0.95)
            chain.metric(f"PRV-M-{spec.code}", spec.name, spec, _owner("", spec, owner), gid, q)
    add("standards", records.standard("PRV-STD-ZG", names.PROVINCE_STANDARD, "SCHOOL",
                                      ["PRV-M-REVIEW", "PRV-M-REPORT"]))
    for row in names.PROVINCE_TASKS:
        add("tasks", records.task(**row))


def _goals_per_college(shape: Shape) -> int:
    school = len(names.SCHOOL_TARGETS) + len(names.ANNUAL_TASKS)
    majors = shape.schools * shape.majors_per_school
    return school + majors + shape.courses + shape.teachers + 2 * shape.students


def generate(scale: str, seed: int, out: Path, progress: Progress | None = None, *,
             shape: Shape | None = None) -> dict[str, int]:
    """Write a synthetic dataset of ``scale`` (one of :data:`SCALES`) into the folder ``out``.

    Returns the number of records written per kind: the node kinds (units, subjects, plans,
    standards, goals, metrics, tasks) and the rows of supports.csv, measures.csv and
    observations.csv. ``progress`` receives short messages (nothing is printed). ``shape`` replaces
    the scale's sizes (e.g. a college only as large as a test needs; ``scale`` then only names it).
    """
    if scale not in SHAPES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    shape = shape or SHAPES[scale]
    out = Path(out)
    report = progress or (lambda _msg: None)
    province = shape.colleges > 1
    schedules = _schedules(shape.quarterly_sample)
    total = shape.colleges * _goals_per_college(shape) + (len(names.PROVINCE_GOALS) if province else 0)
    step = 10_000 if total > 50_000 else max(total, 1)
    title = f"{names.PROVINCE_NAME}高职院校（{shape.colleges}所）" if province else names.COLLEGE_NAMES[0]
    header = (f"# {title}，规模 {scale}，种子 {seed} — 诊改知识图谱合成数据集（虚构数据）\n"
              "# Generated by zhengai.graph_loader.synthetic; subjects, goals, metrics, their links and\n"
              "# observations are in the CSV files of this folder.\n")
    with CsvDatasetWriter(out, header) as writer:
        counts = writer.counts

        def tick() -> None:
            n = counts["goals"]
            if n % step == 0 or n == total:
                report(f"goals {n:,}/{total:,} · metrics {counts['metrics']:,} · "
                       f"observations {counts['observations']:,}")

        if province:
            _province_layer(writer, seed, schedules, tick)
        for i in range(shape.colleges):
            college = _College(writer, shape, seed, i, province, schedules, tick)
            report(f"college {i + 1}/{shape.colleges}: {college.name}")
            college.run()
    report(f"wrote {out}: " + ", ".join(f"{counts[k]:,} {k}" for k in (*NODE_KINDS, *LINK_KINDS)))
    return dict(counts)
