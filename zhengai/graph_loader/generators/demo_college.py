"""What 扬州工业职业技术学院's 诊改实施方案 (seed-plan) says, for the bundled demo dataset.

Its units and where it names them otherwise than :mod:`.names`; its subjects (专业, 课程 and fictional
teachers and students, each with a quality that tunes its readings); the 学校发展目标 and 2026 年度任务 it
keeps and how it words them; its school metrics with their readings; and every row of the 建设与实施进程表
(§七) and the 2026 一页纸项目 as tasks. :mod:`.demo` turns these tables into the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from zhengai.graph_loader.generators.names import ANNUAL_TASK, FAMILY, TEACHING_LEADER, AnnualTask

COLLEGE_NAME = "扬州工业职业技术学院"
MOTTO = "厚德强能、笃学创新"  # 校训

# ---------------------------------------------------------------------------------------------
# 组织单位（五纵）
# ---------------------------------------------------------------------------------------------

COLLEGE_FAMILY = {"C-MECH": "MECH", "C-ELEC": "ELEC", "C-CHEM": "CHEM", "C-ECON": "ECON", "C-ARCH": "ARCH"}
COLLEGES = list(COLLEGE_FAMILY)  # the 二级学院 (GENERATION units), named as in names.FAMILIES
UNITS = ("DB", "YB", "ZZB", "JWC", *COLLEGES, "RSC", "CWC", "KJC", "XXZX", "XGC", "JSFZ", "JJY", "XCB", "ZGB",
         "GFS", "GJS")  # in the plan's order; the plan nests no office in another
UNIT_NAMES = {  # where the plan names an office otherwise (with its 简称)
    "DB": "党委办公室（党办）", "YB": "院长办公室（院办）", "XGC": "学工处", "JJY": "继续教育学院（继教院）",
    "ZGB": "质量管理办公室（质管办）", "GFS": "改革发展办公室（改发室）", "GJS": "高等教育研究所（高教所）",
}

# ---------------------------------------------------------------------------------------------
# 质量主体：学校、专业、课程、教师、学生（姓名均为虚构）
# ---------------------------------------------------------------------------------------------

# id, name, tier, 二级学院, quality (target attainment of its metrics)
MAJORS: list[tuple[str, str, str, str, float]] = [
    ("MAJ-MECH", "机械制造及自动化", "标杆", "C-MECH", 0.93),
    ("MAJ-CHEM", "应用化工技术", "标杆", "C-CHEM", 0.90),
    ("MAJ-ELEC", "电气自动化技术", "品牌", "C-ELEC", 0.84),
    ("MAJ-SOFT", "软件技术", "品牌", "C-ELEC", 0.82),
    ("MAJ-MOLD", "模具设计与制造", "骨干", "C-MECH", 0.76),
    ("MAJ-ACCT", "大数据与会计", "骨干", "C-ECON", 0.78),
    ("MAJ-ECOM", "电子商务", "其他", "C-ECON", 0.64),
    ("MAJ-CONS", "建筑工程技术", "其他", "C-ARCH", 0.52),
]

# id, name, category, majors it serves (first = its own major; several → supports several 专业 goals)
COURSES: list[tuple[str, str, str, list[str]]] = [
    ("CRS-CNC", "数控加工技术", "校企合作", ["MAJ-MECH"]),
    ("CRS-MECHDRAW", "机械制图与CAD", "在线开放", ["MAJ-MECH", "MAJ-MOLD"]),
    ("CRS-MOLD", "冲压模具设计与制造", "立项建设", ["MAJ-MOLD"]),
    ("CRS-PLC", "PLC应用技术", "校企合作", ["MAJ-ELEC", "MAJ-MECH"]),
    ("CRS-EMBED", "单片机应用技术", "立项建设", ["MAJ-ELEC"]),
    ("CRS-JAVA", "Java程序设计", "在线开放", ["MAJ-SOFT"]),
    ("CRS-WEB", "Web前端开发", "校企合作", ["MAJ-SOFT"]),
    ("CRS-CHEMPROC", "化工单元操作", "立项建设", ["MAJ-CHEM"]),
    ("CRS-CHEMSAFE", "化工安全技术", "在线开放", ["MAJ-CHEM"]),
    ("CRS-ACCT", "财务会计实务", "立项建设", ["MAJ-ACCT"]),
    ("CRS-FINDATA", "大数据财务分析", "在线开放", ["MAJ-ACCT"]),
    ("CRS-ECOM", "网店运营推广", "校企合作", ["MAJ-ECOM"]),
    ("CRS-BIM", "BIM建模技术", "在线开放", ["MAJ-CONS"]),
    ("CRS-STRUCT", "建筑结构与识图", "立项建设", ["MAJ-CONS"]),
]

# id, name, major, courses taught (teacher goal supports these course goals), has research metric
TEACHERS: list[tuple[str, str, str, list[str], bool]] = [
    ("TCH-01", "王建国", "MAJ-MECH", ["CRS-CNC", "CRS-MECHDRAW"], True),
    ("TCH-02", "李晓梅", "MAJ-MOLD", ["CRS-MOLD"], False),
    ("TCH-03", "陈志强", "MAJ-ELEC", ["CRS-PLC", "CRS-EMBED"], True),
    ("TCH-04", "刘芳", "MAJ-SOFT", ["CRS-JAVA"], False),
    ("TCH-05", "周俊", "MAJ-SOFT", ["CRS-WEB"], False),
    ("TCH-06", "吴海燕", "MAJ-CHEM", ["CRS-CHEMPROC", "CRS-CHEMSAFE"], True),
    ("TCH-07", "赵磊", "MAJ-CHEM", ["CRS-CHEMSAFE"], False),
    ("TCH-08", "孙丽华", "MAJ-ACCT", ["CRS-ACCT", "CRS-FINDATA"], True),
    ("TCH-09", "钱文博", "MAJ-ECOM", ["CRS-ECOM"], False),
    ("TCH-10", "徐静", "MAJ-CONS", ["CRS-BIM", "CRS-STRUCT"], False),
]
TEACHER_Q = {"TCH-01": 0.88, "TCH-02": 0.72, "TCH-03": 0.82, "TCH-04": 0.78, "TCH-05": 0.70,
             "TCH-06": 0.86, "TCH-07": 0.74, "TCH-08": 0.80, "TCH-09": 0.62, "TCH-10": 0.58}

# id, name, major, entry year, course goal its 三年成长目标 also supports (or None), quality
STUDENTS: list[tuple[str, str, str, int, str | None, float]] = [
    ("STU-001", "张子涵", "MAJ-MECH", 2024, "CRS-CNC", 0.90),
    ("STU-002", "李浩然", "MAJ-MECH", 2025, None, 0.80),
    ("STU-003", "王诗雨", "MAJ-CHEM", 2024, None, 0.92),
    ("STU-004", "陈宇轩", "MAJ-ELEC", 2024, "CRS-PLC", 0.84),
    ("STU-005", "刘欣怡", "MAJ-SOFT", 2025, "CRS-JAVA", 0.88),
    ("STU-006", "杨博文", "MAJ-SOFT", 2024, None, 0.70),
    ("STU-007", "黄思琪", "MAJ-MOLD", 2024, None, 0.55),
    ("STU-008", "赵天宇", "MAJ-ACCT", 2025, None, 0.82),
    ("STU-009", "周雨桐", "MAJ-ACCT", 2024, None, 0.86),
    ("STU-010", "吴俊杰", "MAJ-ECOM", 2025, None, 0.66),
    ("STU-011", "徐梦瑶", "MAJ-CONS", 2024, "CRS-BIM", 0.74),
    ("STU-012", "孙浩宇", "MAJ-CHEM", 2025, None, 0.78),
]

# ---------------------------------------------------------------------------------------------
# 学校发展目标 (2024–2028) and 2026 年度任务分解: the keys of names.SCHOOL_TARGETS / ANNUAL_TASKS kept
# ---------------------------------------------------------------------------------------------

SCHOOL_TARGETS = ("EMP", "MAJOR", "TEACH", "FACULTY", "RESEARCH", "SMART", "STUDENT", "GOV")
TARGET_NAMES = {  # the plan's own wording (“扬州工” is the college)
    "STUDENT": "学生全面发展，彰显“扬州工”鲜明特质",
    "GOV": "内部治理现代化，形成扬工特色现代质量文化",
}
ANNUAL_TASKS: list[AnnualTask] = [
    ANNUAL_TASK["EMP"],
    ANNUAL_TASK["SKILL"],
    replace(ANNUAL_TASK["MAJOR"], supports=(("MAJOR", 1),)),
    ANNUAL_TASK["COURSE"],
    replace(ANNUAL_TASK["CLASS"], supports=(("TEACH", 1),)),
    ANNUAL_TASK["FACBASE"],
    replace(ANNUAL_TASK["TEAM"], supports=(("FACULTY", 1),)),
    replace(ANNUAL_TASK["RESEARCH"], name="2026年科研项目与社会服务目标"),
    AnnualTask("SMART", "2026年校本数据中心与四平台贯通目标", "XXZX", (("SMART", 1),)),
    ANNUAL_TASK["STUDENT"],
    replace(ANNUAL_TASK["ZG"], supports=(("GOV", 1),)),
    ANNUAL_TASK["CULTURE"],
]
TASK_PLANS = {"CULTURE": ["PL-5Y-CULTURE"]}  # where a task is derived from another plan than its targets'
MIN_RULE = "办学基本条件底线指标须全部达标：取各指标达成度的最小值"  # the description of an aggregate MIN task
GRADUATION_RULE = "毕业要求须全部达成：取年度成长目标与证书指标达成度的最小值"  # STU-001's 三年成长目标 (MIN)

# ---------------------------------------------------------------------------------------------
# Readings, tuned so that at asOf 2026-11-20 the statuses of demo/README.md hold
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Readings:
    """How the readings of one metric run: towards ``latest`` (or the value at attainment ``q``) from
    ``start`` (or a value drawn below), on the days of its frequency (or ``dates``); none after
    ``stop`` (stale) or none at all (``nodata``)."""

    q: float | None = None
    latest: float | None = None
    start: float | None = None
    stop: date | None = None
    nodata: bool = False
    dates: tuple[date, ...] = ()


_R = Readings
# 学校层面指标: code in names.SCHOOL_METRICS, the 年度任务 it measures, its readings
SCHOOL_METRICS: list[tuple[str, str, Readings]] = [
    ("EMP-RATE", "EMP", _R(start=94.1, latest=96.8)),
    ("EMP-MATCH", "EMP", _R(start=74.0, latest=78.5)),
    ("EMPLOYER-SAT", "EMP", _R(latest=95.8)),
    ("CERT-RATE", "SKILL", _R(start=66.0, latest=77.0)),
    ("SKILL-AWARD", "SKILL", _R(latest=28)),
    ("STU-SAT", "STUDENT", _R(start=87.2, latest=90.0)),
    ("FITNESS", "STUDENT", _R(latest=93.5, dates=(date(2026, 6, 30),))),
    ("DROPOUT", "STUDENT", _R(start=2.6, latest=2.1)),
    ("COURSE-PASS", "CLASS", _R(start=92.5, latest=94.8)),
    ("ATTEND", "CLASS", _R(start=94.0, latest=95.5)),
    ("CLASS-SIZE", "CLASS", _R(start=46.5, latest=44.0)),
    ("ONLINE-COURSE", "COURSE", _R(start=22, latest=26)),
    ("IDEO-COURSE", "COURSE", _R(start=23, latest=31)),
    ("HQ-MAJOR", "MAJOR", _R(start=2, latest=3)),
    ("DUAL-RATIO", "FACBASE", _R(start=74.5, latest=78.0)),  # FACBASE (MIN): 办学基本条件底线, all must hold
    ("SSR", "FACBASE", _R(start=18.9, latest=18.4)),
    ("TRAIN-HOURS", "TEAM", _R(latest=58)),
    ("RESEARCH-PROJ", "RESEARCH", _R(start=44, latest=59)),
    ("SERVICE-INCOME", "RESEARCH", _R(start=1080, latest=1420, stop=date(2026, 8, 1))),
    ("CONT-EDU", "RESEARCH", _R(start=3.9, latest=4.9)),
    ("DATA-SYS", "SMART", _R(start=14, latest=18)),
    ("PLATFORM-USE", "SMART", _R(nodata=True)),
    ("SYS-RECOVERY", "SMART", _R(start=9.0, latest=7.5)),
    ("ZG-REPORT", "ZG", _R(start=92, latest=98)),
    ("TASK-DONE", "ZG", _R(start=86, latest=91)),
    ("BUDGET-EXEC", "ZG", _R(start=84, latest=88)),
    ("QC-AWARE", "CULTURE", _R(nodata=True)),
    ("QC-CASE", "CULTURE", _R(latest=11)),
]
SCHOOL_METRIC_CHANGES: dict[str, dict[str, Any]] = {  # where the plan defines a metric otherwise
    "EMP-RATE": {"name": "毕业生就业率（去向落实率）"},
    "IDEO-COURSE": {"weight": 2},
    "HQ-MAJOR": {"name": "省级高水平专业群立项数"},
    "DUAL-RATIO": {"name": "“双师”素质教师比例"},
    "RESEARCH-PROJ": {"name": "教师科研项目数（市厅级以上立项，年度累计）", "baseline": 40, "shape": "count"},
    "SERVICE-INCOME": {"name": "横向技术服务到账经费", "baseline": 800, "weight": 1, "shape": "trend"},
    "CONT-EDU": {"name": "社会培训规模", "baseline": 3, "shape": "trend"},
    "SYS-RECOVERY": {"baseline": None},
}
# readings of single generated metrics (by id) that tell a story
READING_CHANGES: dict[str, dict[str, Any]] = {
    "M-MAJ-CONS-EMP": {"latest": 86.0, "start": 89.0},  # 低于底线 88
    "M-MAJ-CONS-CERT": {"nodata": True},  # 建筑工程技术 1+X 证书考核站尚未获批
    "M-MAJ-ECOM-MATCH": {"stop": date(2026, 1, 31)},  # 麦可思 2026 报告未导入 → stale
    "M-TCH-10-EVAL": {"nodata": True},  # 新进教师，尚无评教数据
    "M-CRS-BIM-GOAL": {"stop": date(2026, 10, 16)},  # 智能云课堂停止推送 → stale
    "M-STU-007-ATT": {"latest": 82.0, "start": 90.0},  # 低于底线 85
}

# ---------------------------------------------------------------------------------------------
# 建设与实施进程表 (§七): one Task per row
# ---------------------------------------------------------------------------------------------

D = date
PROCESS_TABLE: list[dict[str, Any]] = [
    # 学校层面
    dict(tid="T-01", name="建立领导组织：校内部质量保证工作委员会", leader="党委书记", lead_unit="DB",
         units=["ZGB"], content="成立学校内部质量保证工作委员会，成立诊改专项工作组",
         deliverable="学院文件", start=D(2019, 1, 1), due=D(2019, 3, 31), advances=["S-GOV"]),
    dict(tid="T-02", name="建立领导组织：二级学院（部）质量保证工作组", leader="党委书记", lead_unit="DB",
         units=COLLEGES, content="成立二级学院（部）质量保证工作组",
         deliverable="二级学院（部）文件", start=D(2019, 1, 1), due=D(2019, 3, 31), advances=["S-GOV"]),
    dict(tid="T-03", name="两链打造：编制建设目标体系", leader="校长", lead_unit="ZGB",
         units=["ZZB", "JWC", "GFS", "GJS"], content="编制建设目标体系",
         deliverable="党代会目标分解，专业、课程、师资、育人目标任务", start=D(2019, 1, 1),
         due=D(2019, 3, 31), advances=["S-GOV", "S-MAJOR", "S-TEACH", "S-FACULTY", "S-STUDENT"]),
    dict(tid="T-04", name="两链打造：完成年度任务分解", leader="校长", lead_unit="ZZB",
         units=["RSC", "JWC", "KJC", "JJY", "ZGB"],
         content="完成年度任务分解（每年1月份开始、3月份完成；本条为首轮，2026年度见 T26-01）",
         deliverable="各院部、各部门年度目标任务清单", start=D(2019, 1, 1), due=D(2019, 3, 31),
         advances=["S-GOV"]),
    dict(tid="T-05", name="两链打造：梳理明确部门、岗位职责", leader="校长", lead_unit="ZZB",
         units=["RSC", "DB"],
         content="梳理明确部门、岗位职责", deliverable="学院文件", start=D(2019, 1, 1), due=D(2019, 6, 30),
         advances=["S-GOV"]),
    dict(tid="T-06", name="学校层面诊改运行", leader="校长", lead_unit="YB", units=["ZGB", "ZZB"],
         content="基于“8”字螺旋，运用网上事务大厅，自我诊改，持续提升",
         deliverable="任务分解表、任务考核表、考核结果，诊改报告", start=D(2019, 6, 1),
         advances=["S-GOV", "A26-ZG"], budget=20, spent=15.5, progress=0.9),
    # 专业课程层面
    dict(tid="T-07", name="专业两链打造", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="专业建设规划（目标）；专业建设标准；专业教学标准", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-MAJOR"]),
    dict(tid="T-08", name="专业层面诊改运行", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="基于“8”字螺旋，自我诊改，持续提升", deliverable="诊改报告", start=D(2019, 12, 1),
         advances=["S-MAJOR", "A26-MAJOR"], budget=30, spent=22, progress=0.85),
    dict(tid="T-09", name="课程两链打造", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="课程建设规划（目标）；课程建设标准；课程教学标准", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-TEACH"]),
    dict(tid="T-10", name="课程层面诊改运行", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="基于“8”字螺旋，运用智能云课堂，自我诊改，持续提升", deliverable="诊改报告",
         start=D(2019, 12, 1), advances=["S-TEACH", "A26-CLASS"], budget=15, spent=11, progress=0.85),
    # 教师层面
    dict(tid="T-11", name="教师两链打造", leader="分管教师发展校领导", lead_unit="JSFZ",
         units=["RSC", *COLLEGES], content="建立教师发展标准系列（承担：人事处、二级学院（部）、教师个人）",
         deliverable="标准文本", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-FACULTY"]),
    dict(tid="T-12", name="教师层面诊改运行", leader="分管教师发展校领导", lead_unit="JSFZ", units=COLLEGES,
         content="基于“8”字螺旋，运用师资平台，自我诊改提升（承担：二级学院（部）、教师个人）",
         deliverable="诊改报告", start=D(2019, 12, 1), advances=["S-FACULTY", "A26-TEAM"],
         budget=10, spent=7.5, progress=0.8),
    # 学生层面
    dict(tid="T-13", name="学生两链打造", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="建立与完善学生发展标准（承担：二级学院（部）、学生个体）", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-STUDENT"]),
    dict(tid="T-14", name="学生层面诊改运行", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="基于“8”字螺旋，运用学工平台，自我诊改提升（承担：二级学院（部）、学生个体）",
         deliverable="诊改报告", start=D(2019, 12, 1), advances=["S-STUDENT", "A26-STUDENT"],
         budget=10, spent=6, progress=0.8),
    # 平台建设
    dict(tid="T-15", name="校本数据中心建设", leader="分管信息化校领导", lead_unit="XXZX", units=["XXZX"],
         content="建设数据互通、共享校本数据中心", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART"], budget=280, spent=268),
    dict(tid="T-16", name="四个平台建设：网上事务服务大厅", leader="分管信息化校领导", lead_unit="XXZX",
         units=["XXZX"], content="网上事务服务大厅", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART"], budget=120, spent=115),
    dict(tid="T-17", name="四个平台建设：智能云课堂平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["JWC"], content="智能云课堂平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-TEACH"], budget=150, spent=146),
    dict(tid="T-18", name="四个平台建设：教师发展服务平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["JSFZ", "RSC"], content="教师发展服务平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-FACULTY"], budget=60, spent=58),
    dict(tid="T-19", name="四个平台建设：学生成长服务平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["XGC"], content="学生成长服务平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-STUDENT"], budget=60, spent=57),
    # 引擎保证：机制建设
    dict(tid="T-20", name="机制建设：学校层面自我诊改制度", leader="分管诊改工作校领导", lead_unit="ZGB",
         units=["YB", "ZZB", "CWC"],
         content="建立学校层面自我诊改制度，年度考核办法、诊改考核激励制度，学校内控制度",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 9, 30), advances=["S-GOV"]),
    dict(tid="T-21", name="机制建设：专业考核性诊改制度", leader="分管诊改工作校领导", lead_unit="JWC",
         units=COLLEGES, content="制定专业考核性诊改制度", deliverable="制度文件", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-MAJOR"]),
    dict(tid="T-22", name="机制建设：课程适时性考核诊改制度", leader="分管诊改工作校领导", lead_unit="JWC",
         units=COLLEGES, content="制定课程适时性考核诊改制度", deliverable="制度文件", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-TEACH"]),
    dict(tid="T-23", name="机制建设：教师实时性考核诊改制度", leader="分管诊改工作校领导", lead_unit="JSFZ",
         units=["RSC", *COLLEGES],
         content="制定教师实时性考核诊改制度（承担：人事处、二级学院（部）、教师个人）",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-FACULTY"]),
    dict(tid="T-24", name="机制建设：学生发展自测诊断制度", leader="分管诊改工作校领导", lead_unit="XGC",
         units=COLLEGES, content="制定学生发展自测诊断制度（承担：二级学院（部）、学生个体）",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-STUDENT"]),
    dict(tid="T-25", name="机制建设：各层面自我诊改质量报告制度", leader="分管诊改工作校领导", lead_unit="ZGB",
         units=["YB", "JWC", "RSC", "XGC", "JSFZ", *COLLEGES],
         content="建立各层面自我诊改质量报告制度（承担：各诊改责任主体）", deliverable="制度文件",
         start=D(2019, 1, 1), due=D(2019, 9, 30), advances=["S-GOV"]),
    # 引擎保证：文化建设
    dict(tid="T-26", name="文化建设：现代质量文化", leader="分管诊改工作校领导", lead_unit="XCB",
         content="质量知晓、质量认同、质量建构，促进全员全过程全方位育人",
         deliverable="质量文化建设方案及建设过程材料", start=D(2019, 1, 1), due=D(2020, 12, 31),
         advances=["S-GOV"], budget=30, spent=28),
]

# 2026 一页纸项目管理 tasks (年度任务分解: 每年1月–3月; budgets in 万元)
TASKS_2026: list[dict[str, Any]] = [
    dict(tid="T26-01", name="2026年度目标任务分解下达", leader="校长", lead_unit="ZZB",
         units=["RSC", "JWC", "KJC", "JJY", "ZGB"],
         content="学校发展目标分解为各院部、各部门2026年度目标任务",
         deliverable="各院部、各部门年度目标任务清单", start=D(2026, 1, 1), due=D(2026, 3, 31),
         advances=["A26-ZG"], budget=2, spent=1.6, progress=1),
    dict(tid="T26-02", name="机械制造及自动化标杆专业群建设", leader="分管教学校领导", lead_unit="C-MECH",
         units=["JWC"], content="专业群课程体系重构、产教融合实训基地升级", deliverable="专业群建设年度报告",
         start=D(2026, 3, 1), due=D(2026, 12, 31), advances=["A26-MAJOR", "G-MAJ-MECH"],
         budget=180, spent=126, progress=0.75),
    dict(tid="T26-03", name="省级在线开放课程培育", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="培育6门省级在线开放课程并完成上线运行", deliverable="课程平台上线材料、申报书",
         start=D(2026, 2, 1), due=D(2026, 10, 31), advances=["A26-COURSE"],
         budget=60, spent=45, progress=0.7),
    dict(tid="T26-04", name="“双师型”教师企业实践与培训", leader="分管教师发展校领导", lead_unit="RSC",
         units=["JSFZ", *COLLEGES], content="专任教师企业实践、1+X 师资培训",
         deliverable="培训与实践记录、认定名单",
         start=D(2026, 1, 15), due=D(2026, 12, 20), advances=["A26-TEAM", "A26-FACBASE"],
         budget=80, spent=92.5, progress=0.8),
    dict(tid="T26-05", name="校本数据中心二期（数据治理与四平台贯通）", leader="分管信息化校领导",
         lead_unit="XXZX", units=["JWC", "RSC", "XGC", "KJC"], content="统一数据标准，新增对接8个业务系统",
         deliverable="软件系统、数据标准", start=D(2026, 3, 1), due=D(2026, 9, 30), advances=["A26-SMART"],
         budget=150, spent=138, progress=0.55),
    dict(tid="T26-06", name="职业院校技能大赛集训", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="省赛、国赛赛项集训与备赛", deliverable="获奖证书", start=D(2026, 3, 1),
         due=D(2026, 11, 30), advances=["A26-SKILL"], budget=50, spent=41, progress=0.9),
    dict(tid="T26-07", name="2026届毕业生就业攻坚", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="访企拓岗、就业帮扶、就业质量跟踪", deliverable="就业质量年度报告", start=D(2026, 1, 1),
         due=D(2026, 8, 31), advances=["A26-EMP"], budget=30, spent=28, progress=1),
    dict(tid="T26-08", name="质量文化月活动", leader="分管诊改工作校领导", lead_unit="XCB", units=["ZGB"],
         content="质量知晓宣讲、质量改进案例评选", deliverable="活动方案及过程材料、案例集",
         start=D(2026, 4, 1), due=D(2026, 6, 30), advances=["A26-CULTURE"], budget=10, spent=9.5,
         progress=1),
]

# ---------------------------------------------------------------------------------------------
# 五纵 at every level (issue: the plan runs all five systems at each level, §二、2 and §四(一))
# ---------------------------------------------------------------------------------------------

_ACADEMIC, _TASKS, _QUALITY = "教务管理系统", "目标任务管理系统", "质量管理系统"
_CLOUD, _FACULTY, _GROWTH = "智能云课堂", "教师发展服务平台", "学生成长服务平台"
_ASSETS, _STUDENTS, _PERSONNEL = "资产管理系统", "学工管理系统", "人事管理系统"


@dataclass(frozen=True)
class SystemGoal:
    """A goal of one 五纵 system at one level (``{}``: the subject's name) and its metric: code, name,
    unit, direction, baseline, target, floor, source, shape."""

    system: str
    code: str
    name: str
    metric: tuple[str, str, str, str, float | None, float, float | None, str, str]
    metric_owner: str | None = None  # None: the subject's 二级学院


_SG = SystemGoal
# The subjects that carry the system goals of their level (the plan's 标杆 and its weakest 专业, with a course,
# a teacher and a student of each), and the goals of each level other than 质量生成 (which their main goals are).
SYSTEM_SUBJECTS = {"MAJOR": ("MAJ-MECH", "MAJ-CONS"), "COURSE": ("CRS-CNC", "CRS-BIM"),
                   "TEACHER": ("TCH-01", "TCH-10"), "STUDENT": ("STU-001", "STU-011")}
SYSTEM_GOALS: dict[str, list[SystemGoal]] = {
    "MAJOR": [
        _SG("DECISION", "DEC", "{}专业建设规划与人才培养方案论证决策",
            ("DEC", "{}人才培养方案与实施性建设方案按期论证审定率", "%", "HIGHER", None, 100, 80, _TASKS, "trend")),
        _SG("RESOURCE", "RES", "{}专业实训条件与教学团队建设",
            ("RES", "{}专业生均校内实训工位数", "个", "HIGHER", 0.5, 1.0, None, _ASSETS, "trend")),
        _SG("SUPPORT", "SUP", "{}专业产教融合与就业服务",
            ("SUP", "{}专业订单（现代学徒制）培养学生占比", "%", "HIGHER", 10, 30, None, _STUDENTS, "trend")),
        _SG("SUPERVISION", "SUV", "{}专业诊改与教学质量监测",
            ("SUV", "{}专业预警整改按期完成率", "%", "HIGHER", None, 100, 80, _QUALITY, "trend")),
    ],
    "COURSE": [
        _SG("DECISION", "DEC", "《{}》课程标准、授课计划与课程考核标准审定",
            ("DEC", "《{}》授课计划与课程考核标准按期审定率", "%", "HIGHER", None, 100, 80, _TASKS, "trend")),
        _SG("RESOURCE", "RES", "《{}》教材与实训条件建设",
            ("RES", "《{}》新形态教材与实训项目开发完成度", "%", "HIGHER", None, 100, None, _TASKS, "build")),
        _SG("SUPPORT", "SUP", "《{}》教学平台与学习支持服务",
            ("SUP", "《{}》智能云课堂在线学习活跃率", "%", "HIGHER", 50, 90, None, _CLOUD, "trend")),
        _SG("SUPERVISION", "SUV", "《{}》课堂教学质量监控",
            ("SUV", "《{}》督导听课评价得分", "分", "HIGHER", 70, 92, 65, _QUALITY, "trend")),
    ],
    "TEACHER": [
        _SG("DECISION", "DEC", "{}聘期目标与年度任务确定",
            ("DEC", "{}年度任务书签订与分解完成度", "%", "HIGHER", None, 100, None, _TASKS, "trend")),
        _SG("RESOURCE", "RES", "{}企业实践与教学科研条件",
            ("RES", "{}企业实践天数（年度累计）", "天", "HIGHER", None, 30, None, _PERSONNEL, "ytd"), "RSC"),
        _SG("SUPPORT", "SUP", "{}培训与发展服务",
            ("SUP", "{}教师发展中心培训与咨询服务满意度", "%", "HIGHER", 70, 95, None, _FACULTY, "trend"), "JSFZ"),
        _SG("SUPERVISION", "SUV", "{}教学规范与师德师风监督",
            ("SUV", "{}教学督导评价得分", "分", "HIGHER", 70, 92, 65, _QUALITY, "trend")),
    ],
    "STUDENT": [
        _SG("DECISION", "DEC", "{}年度成长目标制定与修订",
            ("DEC", "{}年度成长目标制定与修订完成度", "%", "HIGHER", None, 100, None, _GROWTH, "trend")),
        _SG("RESOURCE", "RES", "{}学习资源与实践条件保障",
            ("RES", "{}实践教学学时完成率", "%", "HIGHER", None, 100, None, _ACADEMIC, "trend")),
        _SG("SUPPORT", "SUP", "{}资助、心理与就业指导服务",
            ("SUP", "{}成长导师指导与辅导服务到位率", "%", "HIGHER", None, 100, 80, _STUDENTS, "trend")),
        _SG("SUPERVISION", "SUV", "{}学业预警与反馈",
            ("SUV", "{}学业预警反馈与整改完成率", "%", "HIGHER", None, 100, 70, _GROWTH, "trend")),
    ],
}
# The school's 决策指挥 goal (the 年度任务 the 党委 and 院长办公会 decide and decompose, §四(三))
DECISION_TASK = ("DECIDE", "2026年度重大事项决策与目标任务分解下达", "YB", "GOV", [
    ("DECIDE-ON-TIME", "年度目标任务分解按期下达率", "%", "HIGHER", None, 100, 90, _TASKS, 99.0),
    ("DECIDE-DONE", "党委会、校长办公会决议事项按期落实率", "%", "HIGHER", 80, 98, 85, _TASKS, 93.5),
])

# ---------------------------------------------------------------------------------------------
# 职能部门 and 二级学院 as quality subjects: their 2026 年度任务分解 (each runs its own 8字螺旋)
# ---------------------------------------------------------------------------------------------

DEPT_TASK_QUALITY = {  # 部门年度重点工作任务按期完成率 at the cut-off (below the floor 80: a warning)
    "DB": 96, "YB": 95, "ZZB": 93, "JWC": 91, "C-MECH": 94, "C-ELEC": 90, "C-CHEM": 92, "C-ECON": 86,
    "C-ARCH": 74, "RSC": 88, "CWC": 97, "KJC": 89, "XXZX": 76, "XGC": 92, "JSFZ": 90, "JJY": 87, "XCB": 95,
    "ZGB": 98, "GFS": 94, "GJS": 92,
}
DEPT_GOAL = "{}2026年度目标任务"
DEPT_METRIC = "{}年度重点工作任务按期完成率"
DEPT_SUPPORT_WEIGHT = 0.1  # each department's share in A26-ZG (目标任务考核)

# 质保委员会 and 诊改工作组 as organisation (§三、§七 T-01, T-02)
COMMITTEES: list[dict[str, Any]] = [
    dict(id="ZBWYH", name="内部质量保证工作委员会（质保委员会）", system="DECISION", type="COMMITTEE",
         leader="党委书记", members=["DB", "YB", "ZZB", "JWC", "RSC", "XGC", "ZGB", *COLLEGES]),
    dict(id="ZGZ", name="诊改专项工作组", system="SUPERVISION", type="WORKGROUP", parent="ZBWYH",
         leader="分管诊改工作校领导", members=["ZGB", "GFS", "GJS", "JWC", "RSC", "XGC", "XXZX"]),
    *(dict(id=f"{c}-ZBZ", name=f"{FAMILY[COLLEGE_FAMILY[c]].name}质量保证工作组", system="SUPERVISION",
           type="WORKGROUP", parent=c, leader=TEACHING_LEADER, members=[c]) for c in COLLEGES),
]

# 基本办学条件 (黄牌/红牌, the national rule): A26-FACBASE becomes a CARDS goal over these indicators
FACBASE_NAME = "2026年基本办学条件达标（黄牌/红牌监测）"
CARDS_RULE = ("基本办学条件监测：任一指标低于合格标准亮黄牌，两项及以上或连续三年黄牌亮红牌"
              "（国家办学条件预警规则）")
FACBASE_EXTRA = [  # code, name, unit, direction, baseline, target, floor, source, latest
    ("EQUIP-VALUE", "生均教学科研仪器设备值", "元", "HIGHER", 4000, 8000, 4000, _ASSETS, 6850.0),
    ("PG-RATIO", "具有研究生学位教师占专任教师比例", "%", "HIGHER", 15, 40, 15, _PERSONNEL, 31.5),
]

# 考核方案 (the incentive engine, §四(三), §六)
SCHEMES: list[dict[str, Any]] = [
    dict(id="KH-DEPT", name="部门（院部）年度考核", unit_types=["OFFICE", "COLLEGE"], period="ANNUAL",
         description="各职能部门、二级学院年度考核：目标达成、任务按期、诊改报告、预警整改（§四(三)、§六）",
         components=[
             dict(key="goals", name="年度目标达成度", points=50, measure="GOAL_ATTAINMENT"),
             dict(key="tasks", name="任务按期完成", points=25, measure="TASKS_ON_TIME"),
             dict(key="reports", name="诊改报告提交", points=10, measure="REPORTS_SUBMITTED"),
             dict(key="warnings", name="预警整改（改进措施回应预警）", points=15, measure="WARNINGS_ANSWERED"),
         ]),
    dict(id="KH-MAJOR", name="专业年度考核性诊改", level="MAJOR", period="ANNUAL",
         description="专业考核性诊改（§七 T-21）：专业建设目标达成、诊改报告、预警整改与专业层次",
         components=[
             dict(key="goals", name="专业建设目标达成度", points=60, measure="GOAL_ATTAINMENT"),
             dict(key="tasks", name="建设任务按期完成", points=10, measure="TASKS_ON_TIME"),
             dict(key="reports", name="专业诊改报告提交", points=10, measure="REPORTS_SUBMITTED"),
             dict(key="warnings", name="预警整改", points=10, measure="WARNINGS_ANSWERED"),
             dict(key="tier", name="专业层次", points=10, measure="ATTRIBUTE", field="tier",
                  values={"标杆": 1, "品牌": 0.8, "骨干": 0.6, "其他": 0.4}),
         ]),
    dict(id="KH-TEACHER", name="教师年度考核（实时性考核诊改）", level="TEACHER", period="ANNUAL",
         description="教师实时性考核诊改（§七 T-23）：个人发展目标达成、诊改报告、预警整改与分级分类",
         components=[
             dict(key="goals", name="个人发展目标达成度", points=60, measure="GOAL_ATTAINMENT"),
             dict(key="reports", name="个人诊改报告提交", points=10, measure="REPORTS_SUBMITTED"),
             dict(key="warnings", name="预警整改", points=15, measure="WARNINGS_ANSWERED"),
             dict(key="grade", name="分级（名师/骨干/青年）", points=15, measure="ATTRIBUTE", field="grade",
                  values={"教学名师": 1, "骨干教师": 0.8, "青年教师": 0.5}),
         ]),
]

# 教师分级分类 (职称, 岗位聘任, 名师/骨干, 分类) and 聘期
TEACHER_GRADES: dict[str, tuple[str, str, str, str]] = {  # title, post, grade, track
    "TCH-01": ("教授", "专业技术三级", "教学名师", "教学科研型"),
    "TCH-02": ("讲师", "专业技术十级", "青年教师", "教学为主型"),
    "TCH-03": ("副教授", "专业技术六级", "骨干教师", "教学科研型"),
    "TCH-04": ("讲师", "专业技术九级", "骨干教师", "教学为主型"),
    "TCH-05": ("助教", "专业技术十二级", "青年教师", "教学为主型"),
    "TCH-06": ("教授", "专业技术四级", "教学名师", "教学科研型"),
    "TCH-07": ("讲师", "专业技术十级", "青年教师", "教学为主型"),
    "TCH-08": ("副教授", "专业技术五级", "骨干教师", "教学科研型"),
    "TCH-09": ("讲师", "专业技术九级", "骨干教师", "社会服务型"),
    "TCH-10": ("助教", "专业技术十二级", "青年教师", "教学为主型"),
}
SEMESTERS = [dict(name="秋季学期", start="09-01", end="01-31"), dict(name="春季学期", start="02-01", end="07-31")]

# -- 8字螺旋 history (§四(二)): completed earlier cycles and the improvements answering their warnings ------
_CLOSE = ("DIAGNOSE", "MOTIVATE", "LEARN", "INNOVATE", "IMPROVE")  # a cycle's 诊断 → 改进
_OPEN = ("GOAL", "STANDARD", "DESIGN", "ORGANISE", "IMPLEMENT")  # the next cycle's 目标 → 实施


def _stages(names: tuple[str, ...], *days: str) -> list[dict[str, Any]]:
    return [{"stage": s, "at": date.fromisoformat(d)} for s, d in zip(names, days, strict=True)]


def _imp(iid: str, measure: str, owner: str, at: str, due: str, answers: list[str],
         done: bool = True) -> dict[str, Any]:
    return {"id": iid, "measure": measure, "owner": owner, "at": date.fromisoformat(at),
            "due": date.fromisoformat(due), "answers": answers, "done": done}


#: ``history`` of the dataset, in order: per subject, its earlier cycles (stages with the day each began,
#: 改进措施 answering the warnings raised then) and the current cycle's start.
SPIRAL_HISTORY: list[dict[str, Any]] = [
    # 学校: 以年度为周期（2025年度 → 2026年度）; 年度目标任务分解 each January–March
    {"subject": "SCH", "cycle": "2025年度",
     "stages": _stages(_CLOSE, "2025-12-15", "2026-01-08", "2026-01-15", "2026-01-22", "2026-01-29"),
     "improvements": [
         _imp("IMP-SCH-2025-01", "生师比超出底线18：人事处2026年引进专任教师40名、压缩外聘兼课比例", "RSC",
              "2026-01-10", "2026-12-31", ["FLOOR:M-SSR"], done=False),
         _imp("IMP-SCH-2025-02", "“双师”比例未达标：专任教师每五年累计企业实践不少于6个月，“双师”认定与职称评审挂钩",
              "RSC", "2026-01-10", "2026-08-31", ["STATUS:M-DUAL-RATIO"]),
         _imp("IMP-SCH-2025-03", "智能化校园滞后：信息中心完成6个业务系统与数据中心对接，建立故障4小时恢复机制",
              "XXZX", "2026-01-12", "2026-06-30",
              ["STATUS:M-DATA-SYS", "STATUS:M-SYS-RECOVERY", "STATUS:A26-SMART"]),
         _imp("IMP-SCH-2025-04", "“一页纸”项目T26-04超预算：调整预算报校长办公会审批，超支部分由财务处专项审核", "CWC",
              "2026-01-12", "2026-03-31", ["OVER_BUDGET:T26-04"]),
     ]},
    {"subject": "SCH", "cycle": "2026年度",
     "stages": _stages(_OPEN, "2026-02-05", "2026-02-26", "2026-03-12", "2026-03-26", "2026-04-01")},
    # 部门（教务处）: 年度
    {"subject": "JWC", "cycle": "2025年度",
     "stages": _stages(_CLOSE, "2025-12-18", "2026-01-08", "2026-01-14", "2026-01-21", "2026-01-28"),
     "improvements": [
         _imp("IMP-JWC-2025-01", "课程思政示范课程分批立项，每个二级学院每学期新增不少于2门", "JWC", "2026-01-10",
              "2026-07-31", ["STATUS:M-IDEO-COURSE"]),
         _imp("IMP-JWC-2025-02", "在线开放课程与省级高水平专业群建设纳入二级学院年度考核", "JWC", "2026-01-10",
              "2026-12-31", ["STATUS:M-ONLINE-COURSE", "STATUS:M-HQ-MAJOR"], done=False),
     ]},
    {"subject": "JWC", "cycle": "2026年度",
     "stages": _stages(_OPEN, "2026-02-06", "2026-02-27", "2026-03-13", "2026-03-27", "2026-04-01")},
    # 专业（建筑工程技术）: 以三年为建设诊改周期，按学期监测预警
    {"subject": "MAJ-CONS", "cycle": "2021–2024建设周期",
     "stages": _stages(_CLOSE, "2024-06-25", "2024-07-05", "2024-07-12", "2024-07-19", "2024-07-26"),
     "improvements": [
         _imp("IMP-MAJ-CONS-2024-01", "修订2024级人才培养方案：对接装配式建筑与BIM岗位，新增“1+X”BIM证书课程",
              "C-ARCH", "2024-07-20", "2024-08-31", []),
     ]},
    {"subject": "MAJ-CONS", "cycle": "2024–2027建设周期（2025–2026学年第一学期监测）",
     "stages": _stages(_OPEN, "2024-09-02", "2024-09-20", "2024-10-15", "2024-11-01", "2024-11-15"),
     "improvements": [
         _imp("IMP-MAJ-CONS-2026-01", "就业率低于底线88%：与3家建筑企业共建订单班，专业带头人带队走访用人单位",
              "C-ARCH", "2026-02-10", "2026-06-30", ["FLOOR:M-MAJ-CONS-EMP", "STATUS:M-MAJ-CONS-MATCH"],
              done=False),
         _imp("IMP-MAJ-CONS-2026-02", "人才培养方案论证滞后：3月底前完成专业建设指导委员会论证", "C-ARCH",
              "2026-02-10", "2026-03-31", ["FLOOR:M-MAJ-CONS-DEC"]),
     ]},
    # 课程（数控加工技术）: 课程教学以学期为周期、按半月监测；课程建设以立项建设周期为周期、按季度监测
    {"subject": "CRS-CNC", "spiral": "COURSE_TEACH", "cycle": "2025–2026学年第一学期",
     "stages": _stages(_CLOSE, "2026-01-12", "2026-01-15", "2026-01-19", "2026-01-21", "2026-01-23"),
     "improvements": [
         _imp("IMP-CRS-CNC-2601", "学习支持服务不足：智能云课堂增设数控仿真练习与每周答疑时段", "C-MECH", "2026-01-20",
              "2026-03-15", ["STATUS:M-CRS-CNC-SUP", "STATUS:G-CRS-CNC-SUP"]),
     ]},
    {"subject": "CRS-CNC", "spiral": "COURSE_TEACH", "cycle": "2025–2026学年第二学期",
     "stages": [*_stages(_OPEN, "2026-02-24", "2026-02-26", "2026-02-28", "2026-03-02", "2026-03-03"),
                *_stages(_CLOSE, "2026-07-06", "2026-07-09", "2026-07-13", "2026-07-15", "2026-07-17")],
     "improvements": [
         _imp("IMP-CRS-CNC-2607", "总结校企双导师授课经验，形成课程教学改进报告并修订授课计划", "C-MECH",
              "2026-07-15", "2026-08-31", []),
     ]},
    {"subject": "CRS-CNC", "spiral": "COURSE_TEACH", "cycle": "2026–2027学年第一学期",
     "stages": _stages(_OPEN, "2026-08-31", "2026-09-02", "2026-09-04", "2026-09-07", "2026-09-08")},
    {"subject": "CRS-CNC", "spiral": "COURSE_BUILD", "cycle": "2025–2026课程建设项目（季度监测）",
     "improvements": [
         _imp("IMP-CRS-CNC-B2604", "数字化教学资源更新滞后：与企业共建数控加工案例库，每季度更新不少于10个案例",
              "C-MECH", "2026-04-10", "2026-09-30", ["STATUS:M-CRS-CNC-RES", "STATUS:G-CRS-CNC-RES"],
              done=False),
     ]},
    # 教师（王建国）: 以岗位聘期为周期，按学期监测预警
    {"subject": "TCH-01", "cycle": "2021–2023聘期",
     "stages": _stages(_CLOSE, "2023-12-08", "2023-12-15", "2023-12-20", "2023-12-25", "2023-12-28"),
     "improvements": [
         _imp("IMP-TCH-01-2023", "聘期考核：科研项目偏少，新聘期申报市级以上课题1项", "C-MECH", "2023-12-26",
              "2024-12-31", []),
     ]},
    {"subject": "TCH-01", "cycle": "2024–2026聘期（2025–2026学年第一学期监测）",
     "stages": _stages(_OPEN, "2024-01-08", "2024-01-15", "2024-02-01", "2024-02-20", "2024-02-26"),
     "improvements": [
         _imp("IMP-TCH-01-2602", "科研项目未达年度目标：加入专业群技术服务团队，申报横向课题", "C-MECH",
              "2026-02-05", "2026-07-10", ["STATUS:M-TCH-01-PROJ"]),
         _imp("IMP-TCH-01-2603", "督导评价偏低：参加教师发展中心课堂教学能力提升工作坊", "JSFZ", "2026-02-05",
              "2026-06-30", ["STATUS:M-TCH-01-EVAL", "STATUS:M-TCH-01-SUV"]),
     ]},
    # 学生（张子涵）: 以学期为周期，按月监测预警
    {"subject": "STU-001", "cycle": "2025–2026学年第一学期",
     "stages": _stages(_CLOSE, "2026-01-12", "2026-01-14", "2026-01-16", "2026-01-19", "2026-01-21"),
     "improvements": [
         _imp("IMP-STU-001-2601", "成长积分偏低：参加数控技能社团与“1+X”证书培训", "C-MECH", "2026-01-20",
              "2026-06-30", ["STATUS:M-STU-001-PTS", "STATUS:G-STU-001-Y26"]),
         _imp("IMP-STU-001-2602", "学业预警：辅导员每两周反馈一次，补修《机械制图与CAD》薄弱章节", "XGC",
              "2026-01-20", "2026-04-30", ["STATUS:M-STU-001-SUV", "STATUS:G-STU-001-SUV"]),
     ]},
    {"subject": "STU-001", "cycle": "2025–2026学年第二学期",
     "stages": [*_stages(_OPEN, "2026-02-26", "2026-02-28", "2026-03-03", "2026-03-05", "2026-03-06"),
                *_stages(_CLOSE, "2026-07-03", "2026-07-07", "2026-07-10", "2026-07-14", "2026-07-17")],
     "improvements": [
         _imp("IMP-STU-001-2607", "学业预警反馈仍偏慢：与班主任约定每周一次线上反馈", "XGC", "2026-07-15",
              "2026-09-30", ["STATUS:M-STU-001-SUV"]),
     ]},
    {"subject": "STU-001", "cycle": "2026–2027学年第一学期",
     "stages": _stages(_OPEN, "2026-09-01", "2026-09-03", "2026-09-07", "2026-09-09", "2026-09-10")},
]
