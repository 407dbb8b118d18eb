"""Deterministic builder of the bundled demo dataset (扬州工业职业技术学院).

Run ``python -m zhengai.graph_loader.demo_build`` to (re)write ``demo/dataset.yaml`` and
``demo/observations.csv`` next to this module. The content follows the college's own
诊改实施方案 (seed-plan): the units it names, the plan chain 第三次党代会报告 → 七大行动计划 →
事业发展五年专项规划 → 专业建设规划 / 课程建设计划 / 个人发展规划 / 个人成长规划, the goal chain
学校 → 年度任务 → 专业 → 课程 → 教师 → 学生, the 标准链, the monitoring frequency of each level
(§四(二)) and every row of the 建设与实施进程表 (§七) as a Task.

Everything is fixed by :data:`SEED`; running the builder twice gives byte-identical files.
Observations run from 2025-11-01 to 2026-11-15 and are tuned so that at asOf 2026-11-20 the
school targets are GREEN, YELLOW and RED (see ``demo/README.md``).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from datetime import date
from pathlib import Path
from typing import Any

import yaml

SEED = 20191
FIRST_DAY = date(2025, 11, 1)
LAST_DAY = date(2026, 11, 15)
DEMO_DIR = Path(__file__).resolve().parent / "demo"

SCHOOL_TERM = {"start": date(2024, 1, 1), "end": date(2028, 12, 31)}  # 第三次党代会 五年目标期
YEAR_2026 = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}

# ---------------------------------------------------------------------------------------------
# 组织单位（五纵）
# ---------------------------------------------------------------------------------------------

UNITS: list[tuple[str, str, str, str | None]] = [
    # id, name, system, leader (主管/分管校领导)
    ("DB", "党委办公室（党办）", "DECISION", "党委书记"),
    ("YB", "院长办公室（院办）", "DECISION", "校长"),
    ("ZZB", "组织部", "DECISION", "党委副书记"),
    ("JWC", "教务处", "GENERATION", "分管教学校领导"),
    ("C-MECH", "机械工程学院", "GENERATION", "分管教学校领导"),
    ("C-ELEC", "电子信息工程学院", "GENERATION", "分管教学校领导"),
    ("C-CHEM", "化学工程学院", "GENERATION", "分管教学校领导"),
    ("C-ECON", "经济管理学院", "GENERATION", "分管教学校领导"),
    ("C-ARCH", "建筑工程学院", "GENERATION", "分管教学校领导"),
    ("RSC", "人事处", "RESOURCE", "分管教师发展校领导"),
    ("CWC", "财务处", "RESOURCE", "校长"),
    ("KJC", "科技处", "RESOURCE", "分管科研校领导"),
    ("XXZX", "信息中心", "SUPPORT", "分管信息化校领导"),
    ("XGC", "学工处", "SUPPORT", "分管学生校领导"),
    ("JSFZ", "教师发展中心", "SUPPORT", "分管教师发展校领导"),
    ("JJY", "继续教育学院（继教院）", "SUPPORT", "分管科研校领导"),
    ("XCB", "宣传部", "SUPPORT", "党委副书记"),
    ("ZGB", "质量管理办公室（质管办）", "SUPERVISION", "分管诊改工作校领导"),
    ("GFS", "改革发展办公室（改发室）", "SUPERVISION", "分管诊改工作校领导"),
    ("GJS", "高等教育研究所（高教所）", "SUPERVISION", "分管诊改工作校领导"),
]
COLLEGES = ["C-MECH", "C-ELEC", "C-CHEM", "C-ECON", "C-ARCH"]

# ---------------------------------------------------------------------------------------------
# 质量主体：学校、专业、课程、教师、学生（姓名均为虚构）
# ---------------------------------------------------------------------------------------------

SCHOOL = ("SCH", "扬州工业职业技术学院")

# id, name, tier, college, tier weight in 年度专业建设任务, quality profile (target attainment)
MAJORS: list[tuple[str, str, str, str, float, float]] = [
    ("MAJ-MECH", "机械制造及自动化", "标杆", "C-MECH", 3, 0.93),
    ("MAJ-CHEM", "应用化工技术", "标杆", "C-CHEM", 3, 0.90),
    ("MAJ-ELEC", "电气自动化技术", "品牌", "C-ELEC", 2, 0.84),
    ("MAJ-SOFT", "软件技术", "品牌", "C-ELEC", 2, 0.82),
    ("MAJ-MOLD", "模具设计与制造", "骨干", "C-MECH", 1.5, 0.76),
    ("MAJ-ACCT", "大数据与会计", "骨干", "C-ECON", 1.5, 0.78),
    ("MAJ-ECOM", "电子商务", "其他", "C-ECON", 1, 0.64),
    ("MAJ-CONS", "建筑工程技术", "其他", "C-ARCH", 1, 0.52),
]
MAJOR = {m[0]: m for m in MAJORS}
MAJ_SHORT = {m: m.removeprefix("MAJ-") for m in MAJOR}

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
COURSE = {c[0]: c for c in COURSES}

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
# 规划链：第三次党代会报告 → 七大行动计划 → 事业发展五年专项规划 → 专业/课程/个人规划
# ---------------------------------------------------------------------------------------------

ACTION_PLANS = [
    ("PL-ACT-TALENT", "人才培养质量提升行动计划"),
    ("PL-ACT-MAJOR", "专业（群）建设行动计划"),
    ("PL-ACT-FACULTY", "师资队伍建设行动计划"),
    ("PL-ACT-RESEARCH", "科技创新与社会服务能力提升行动计划"),
    ("PL-ACT-SMART", "智慧校园建设行动计划"),
    ("PL-ACT-CULTURE", "文化育人与现代质量文化建设行动计划"),
    ("PL-ACT-GOV", "内部治理能力现代化行动计划"),
]
FIVE_YEAR_PLANS = [  # id, name, parent action plan
    ("PL-5Y-TALENT", "人才培养工作五年专项规划", "PL-ACT-TALENT"),
    ("PL-5Y-STUDENT", "学生工作（育人）五年专项规划", "PL-ACT-TALENT"),
    ("PL-5Y-MAJOR", "专业（群）与课程建设五年专项规划", "PL-ACT-MAJOR"),
    ("PL-5Y-FACULTY", "师资队伍建设五年专项规划", "PL-ACT-FACULTY"),
    ("PL-5Y-RESEARCH", "科技与社会服务五年专项规划", "PL-ACT-RESEARCH"),
    ("PL-5Y-SMART", "智能校园建设五年专项规划", "PL-ACT-SMART"),
    ("PL-5Y-CULTURE", "校园文化与质量文化建设五年专项规划", "PL-ACT-CULTURE"),
    ("PL-5Y-GOV", "内部治理与质量保证体系建设五年专项规划", "PL-ACT-GOV"),
]

# ---------------------------------------------------------------------------------------------
# 学校发展目标 (SCHOOL, 2024–2028) and 2026 年度任务分解 (SCHOOL, 2026)
# ---------------------------------------------------------------------------------------------

SCHOOL_TARGETS = [  # id, name, owner, derived_from
    ("S-EMP", "毕业生就业质量稳居全省同类院校前列", "XGC", ["PL-5Y-TALENT"]),
    ("S-MAJOR", "建成标杆引领、品牌骨干支撑的高水平专业群", "JWC", ["PL-5Y-MAJOR"]),
    ("S-TEACH", "课程建设与课堂教学质量持续提升", "JWC", ["PL-5Y-TALENT", "PL-5Y-MAJOR"]),
    ("S-FACULTY", "建设结构合理、素质优良的“双师型”教师队伍", "RSC", ["PL-5Y-FACULTY"]),
    ("S-RESEARCH", "科技创新与社会服务能力显著增强", "KJC", ["PL-5Y-RESEARCH"]),
    ("S-SMART", "建成“一中心四平台”智能化校园", "XXZX", ["PL-5Y-SMART"]),
    ("S-STUDENT", "学生全面发展，彰显“扬州工”鲜明特质", "XGC", ["PL-5Y-STUDENT"]),
    ("S-GOV", "内部治理现代化，形成扬工特色现代质量文化", "ZGB", ["PL-5Y-GOV", "PL-5Y-CULTURE"]),
]
# id, name, owner, supports [(school target, weight)], aggregate
ANNUAL_TASKS: list[tuple[str, str, str, list[tuple[str, float]], str | None]] = [
    ("A26-EMP", "2026年毕业生就业创业工作目标", "XGC", [("S-EMP", 3)], None),
    ("A26-SKILL", "2026年职业技能等级证书与技能大赛目标", "JWC", [("S-EMP", 1), ("S-STUDENT", 1)], None),
    ("A26-MAJOR", "2026年专业（群）建设与专业诊改目标", "JWC", [("S-MAJOR", 1)], None),
    ("A26-COURSE", "2026年课程建设目标（在线开放课程、课程思政）", "JWC", [("S-TEACH", 1)], None),
    ("A26-CLASS", "2026年有效课堂建设目标", "JWC", [("S-TEACH", 1)], None),
    ("A26-FACBASE", "2026年师资队伍办学条件底线达标", "RSC", [("S-FACULTY", 1)], "MIN"),
    ("A26-TEAM", "2026年“双师型”教学团队建设目标", "JSFZ", [("S-FACULTY", 1)], None),
    ("A26-RESEARCH", "2026年科研项目与社会服务目标", "KJC", [("S-RESEARCH", 1)], None),
    ("A26-SMART", "2026年校本数据中心与四平台贯通目标", "XXZX", [("S-SMART", 1)], None),
    ("A26-STUDENT", "2026年学生成长与满意度目标", "XGC", [("S-STUDENT", 2)], None),
    ("A26-ZG", "2026年诊改运行与目标任务考核目标", "ZGB", [("S-GOV", 1)], None),
    ("A26-CULTURE", "2026年现代质量文化培育目标", "XCB", [("S-GOV", 1)], None),
]

# ---------------------------------------------------------------------------------------------
# 学校层面指标 (MONTHLY per §四(二)1; surveys ANNUAL). Each: fields + generation spec:
#   latest — value of the latest observation; start — value of the first one;
#   stop — date after which no more observations (stale); nodata — no observation at all.
# ---------------------------------------------------------------------------------------------

SCHOOL_METRICS: list[dict[str, Any]] = [
    # A26-EMP
    dict(id="M-EMP-RATE", name="毕业生就业率（去向落实率）", unit="%", direction="HIGHER", baseline=92,
         target=97, floor=90, frequency="MONTHLY", source="学工管理系统", owner="XGC",
         measures=[("A26-EMP", 3)], start=94.1, latest=96.8, dec=1),
    dict(id="M-EMP-MATCH", name="毕业生专业对口率", unit="%", direction="HIGHER", baseline=70, target=80,
         floor=65, frequency="MONTHLY", source="麦可思", owner="XGC",
         measures=[("A26-EMP", 2)], start=74.0, latest=78.5, dec=1),
    dict(id="M-EMPLOYER-SAT", name="用人单位满意度", unit="%", direction="HIGHER", baseline=90, target=96,
         floor=85, frequency="ANNUAL", source="麦可思", owner="XGC",
         measures=[("A26-EMP", 1)], latest=95.8, dec=1, dates=[date(2026, 7, 1)]),
    # A26-SKILL
    dict(id="M-CERT-RATE", name="职业技能等级证书获取率", unit="%", direction="HIGHER", baseline=60,
         target=80, floor=50, frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-SKILL", 1)], start=66.0, latest=77.0, dec=1),
    dict(id="M-SKILL-AWARD", name="省级以上职业院校技能大赛获奖数（年度累计）", unit="项", direction="HIGHER",
         target=30, frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-SKILL", 1)], latest=28, dec=0, shape="ytd"),
    # A26-STUDENT
    dict(id="M-STU-SAT", name="学生满意度", unit="%", direction="HIGHER", baseline=85, target=93, floor=80,
         frequency="MONTHLY", source="学生成长服务平台", owner="XGC",
         measures=[("A26-STUDENT", 2)], start=87.2, latest=90.0, dec=1),
    dict(id="M-FITNESS", name="学生体质健康测试合格率", unit="%", direction="HIGHER", baseline=88, target=95,
         floor=85, frequency="ANNUAL", source="学工管理系统", owner="XGC",
         measures=[("A26-STUDENT", 1)], latest=93.5, dec=1, dates=[date(2026, 6, 30)]),
    dict(id="M-DROPOUT", name="学生流失率", unit="%", direction="LOWER", baseline=3.0, target=1.5, floor=3.5,
         frequency="MONTHLY", source="学工管理系统", owner="XGC",
         measures=[("A26-STUDENT", 1)], start=2.6, latest=2.1, dec=2),
    # A26-CLASS
    dict(id="M-COURSE-PASS", name="课程合格率", unit="%", direction="HIGHER", baseline=90, target=96,
         floor=88, frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-CLASS", 2)], start=92.5, latest=94.8, dec=1),
    dict(id="M-ATTEND", name="学生到课率", unit="%", direction="HIGHER", target=98, floor=92,
         frequency="MONTHLY", source="智能云课堂", owner="JWC",
         measures=[("A26-CLASS", 1)], start=94.0, latest=95.5, dec=1),
    dict(id="M-CLASS-SIZE", name="平均教学班额", unit="人", direction="LOWER", target=40,
         frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-CLASS", 1)], start=46.5, latest=44.0, dec=1),
    # A26-COURSE
    dict(id="M-ONLINE-COURSE", name="省级以上在线开放课程数", unit="门", direction="HIGHER", baseline=20,
         target=30, frequency="MONTHLY", source="智能云课堂", owner="JWC",
         measures=[("A26-COURSE", 2)], start=22, latest=26, dec=0, shape="steps"),
    dict(id="M-IDEO-COURSE", name="课程思政示范课程数", unit="门", direction="HIGHER", baseline=20, target=40,
         frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-COURSE", 2)], start=23, latest=31, dec=0, shape="steps"),
    # A26-MAJOR
    dict(id="M-HQ-MAJOR", name="省级高水平专业群立项数", unit="个", direction="HIGHER", baseline=2, target=4,
         frequency="MONTHLY", source="教务管理系统", owner="JWC",
         measures=[("A26-MAJOR", 2)], start=2, latest=3, dec=0, shape="steps"),
    # A26-FACBASE (MIN: 办学基本条件底线, all must hold)
    dict(id="M-DUAL-RATIO", name="“双师”素质教师比例", unit="%", direction="HIGHER", baseline=70, target=85,
         floor=65, frequency="MONTHLY", source="人事管理系统", owner="RSC",
         measures=[("A26-FACBASE", 1)], start=74.5, latest=78.0, dec=1),
    dict(id="M-SSR", name="生师比", unit="生/师", direction="LOWER", baseline=19.5, target=16, floor=18,
         frequency="MONTHLY", source="人事管理系统", owner="RSC",
         measures=[("A26-FACBASE", 1)], start=18.9, latest=18.4, dec=1),
    # A26-TEAM
    dict(id="M-TRAIN-HOURS", name="专任教师人均年度培训学时", unit="学时", direction="HIGHER", target=72,
         frequency="MONTHLY", source="教师发展服务平台", owner="JSFZ",
         measures=[("A26-TEAM", 2)], latest=58, dec=0, shape="ytd"),
    # A26-RESEARCH
    dict(id="M-RESEARCH-PROJ", name="教师科研项目数（市厅级以上立项，年度累计）", unit="项",
         direction="HIGHER", baseline=40, target=60, frequency="MONTHLY", source="科研管理系统", owner="KJC",
         measures=[("A26-RESEARCH", 2)], start=44, latest=59, dec=0, shape="steps"),
    dict(id="M-SERVICE-INCOME", name="横向技术服务到账经费", unit="万元", direction="HIGHER", baseline=800,
         target=1500, frequency="MONTHLY", source="科研管理系统", owner="KJC",
         measures=[("A26-RESEARCH", 1)], start=1080, latest=1420, dec=0, stop=date(2026, 8, 1)),
    dict(id="M-CONT-EDU", name="社会培训规模", unit="万人日", direction="HIGHER", baseline=3, target=5,
         frequency="MONTHLY", source="继续教育管理系统", owner="JJY",
         measures=[("A26-RESEARCH", 1)], start=3.9, latest=4.9, dec=2),
    # A26-SMART
    dict(id="M-DATA-SYS", name="校本数据中心已对接业务系统数", unit="个", direction="HIGHER", baseline=12,
         target=24, frequency="MONTHLY", source="校本数据中心", owner="XXZX",
         measures=[("A26-SMART", 2)], start=14, latest=18, dec=0, shape="steps"),
    dict(id="M-PLATFORM-USE", name="四平台师生月活跃率", unit="%", direction="HIGHER", target=90, floor=60,
         frequency="MONTHLY", source="网上事务服务大厅", owner="XXZX",
         measures=[("A26-SMART", 1)], nodata=True),
    dict(id="M-SYS-RECOVERY", name="业务系统故障平均恢复时长", unit="小时", direction="LOWER", target=4,
         frequency="MONTHLY", source="网上事务服务大厅", owner="XXZX",
         measures=[("A26-SMART", 1)], start=9.0, latest=7.5, dec=1),
    # A26-ZG
    dict(id="M-ZG-REPORT", name="各层面诊改报告按期提交率", unit="%", direction="HIGHER", target=100,
         floor=90, frequency="MONTHLY", source="质量管理系统", owner="ZGB",
         measures=[("A26-ZG", 1)], start=92, latest=98, dec=0),
    dict(id="M-TASK-DONE", name="年度目标任务按期完成率", unit="%", direction="HIGHER", target=95, floor=80,
         frequency="MONTHLY", source="目标任务管理系统", owner="ZZB",
         measures=[("A26-ZG", 2)], start=86, latest=91, dec=1),
    dict(id="M-BUDGET-EXEC", name="预算执行率（序时进度达成）", unit="%", direction="HIGHER", target=95,
         floor=80, frequency="MONTHLY", source="财务管理系统", owner="CWC",
         measures=[("A26-ZG", 1)], start=84, latest=88, dec=1),
    # A26-CULTURE
    dict(id="M-QC-AWARE", name="师生质量文化知晓率（问卷）", unit="%", direction="HIGHER", baseline=70,
         target=95, frequency="ANNUAL", source="质量管理系统", owner="XCB",
         measures=[("A26-CULTURE", 1)], nodata=True),
    dict(id="M-QC-CASE", name="质量改进典型案例数（年度累计）", unit="个", direction="HIGHER", target=12,
         frequency="MONTHLY", source="质量管理系统", owner="ZGB",
         measures=[("A26-CULTURE", 1)], latest=11, dec=0, shape="ytd"),
]

# per-entity overrides of the generated lower-level metrics
OVERRIDES: dict[str, dict[str, Any]] = {
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
    dict(id="T-01", name="建立领导组织：校内部质量保证工作委员会", leader="党委书记", lead_unit="DB",
         units=["ZGB"], content="成立学校内部质量保证工作委员会，成立诊改专项工作组",
         deliverable="学院文件", start=D(2019, 1, 1), due=D(2019, 3, 31), advances=["S-GOV"]),
    dict(id="T-02", name="建立领导组织：二级学院（部）质量保证工作组", leader="党委书记", lead_unit="DB",
         units=COLLEGES, content="成立二级学院（部）质量保证工作组",
         deliverable="二级学院（部）文件", start=D(2019, 1, 1), due=D(2019, 3, 31), advances=["S-GOV"]),
    dict(id="T-03", name="两链打造：编制建设目标体系", leader="校长", lead_unit="ZGB",
         units=["ZZB", "JWC", "GFS", "GJS"], content="编制建设目标体系",
         deliverable="党代会目标分解，专业、课程、师资、育人目标任务", start=D(2019, 1, 1),
         due=D(2019, 3, 31), advances=["S-GOV", "S-MAJOR", "S-TEACH", "S-FACULTY", "S-STUDENT"]),
    dict(id="T-04", name="两链打造：完成年度任务分解", leader="校长", lead_unit="ZZB",
         units=["RSC", "JWC", "KJC", "JJY", "ZGB"],
         content="完成年度任务分解（每年1月份开始、3月份完成；本条为首轮，2026年度见 T26-01）",
         deliverable="各院部、各部门年度目标任务清单", start=D(2019, 1, 1), due=D(2019, 3, 31),
         advances=["S-GOV"]),
    dict(id="T-05", name="两链打造：梳理明确部门、岗位职责", leader="校长", lead_unit="ZZB",
         units=["RSC", "DB"],
         content="梳理明确部门、岗位职责", deliverable="学院文件", start=D(2019, 1, 1), due=D(2019, 6, 30),
         advances=["S-GOV"]),
    dict(id="T-06", name="学校层面诊改运行", leader="校长", lead_unit="YB", units=["ZGB", "ZZB"],
         content="基于“8”字螺旋，运用网上事务大厅，自我诊改，持续提升",
         deliverable="任务分解表、任务考核表、考核结果，诊改报告", start=D(2019, 6, 1),
         advances=["S-GOV", "A26-ZG"], budget=20, spent=15.5, progress=0.9),
    # 专业课程层面
    dict(id="T-07", name="专业两链打造", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="专业建设规划（目标）；专业建设标准；专业教学标准", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-MAJOR"]),
    dict(id="T-08", name="专业层面诊改运行", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="基于“8”字螺旋，自我诊改，持续提升", deliverable="诊改报告", start=D(2019, 12, 1),
         advances=["S-MAJOR", "A26-MAJOR"], budget=30, spent=22, progress=0.85),
    dict(id="T-09", name="课程两链打造", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="课程建设规划（目标）；课程建设标准；课程教学标准", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-TEACH"]),
    dict(id="T-10", name="课程层面诊改运行", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="基于“8”字螺旋，运用智能云课堂，自我诊改，持续提升", deliverable="诊改报告",
         start=D(2019, 12, 1), advances=["S-TEACH", "A26-CLASS"], budget=15, spent=11, progress=0.85),
    # 教师层面
    dict(id="T-11", name="教师两链打造", leader="分管教师发展校领导", lead_unit="JSFZ",
         units=["RSC", *COLLEGES], content="建立教师发展标准系列（承担：人事处、二级学院（部）、教师个人）",
         deliverable="标准文本", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-FACULTY"]),
    dict(id="T-12", name="教师层面诊改运行", leader="分管教师发展校领导", lead_unit="JSFZ", units=COLLEGES,
         content="基于“8”字螺旋，运用师资平台，自我诊改提升（承担：二级学院（部）、教师个人）",
         deliverable="诊改报告", start=D(2019, 12, 1), advances=["S-FACULTY", "A26-TEAM"],
         budget=10, spent=7.5, progress=0.8),
    # 学生层面
    dict(id="T-13", name="学生两链打造", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="建立与完善学生发展标准（承担：二级学院（部）、学生个体）", deliverable="标准文本",
         start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-STUDENT"]),
    dict(id="T-14", name="学生层面诊改运行", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="基于“8”字螺旋，运用学工平台，自我诊改提升（承担：二级学院（部）、学生个体）",
         deliverable="诊改报告", start=D(2019, 12, 1), advances=["S-STUDENT", "A26-STUDENT"],
         budget=10, spent=6, progress=0.8),
    # 平台建设
    dict(id="T-15", name="校本数据中心建设", leader="分管信息化校领导", lead_unit="XXZX", units=["XXZX"],
         content="建设数据互通、共享校本数据中心", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART"], budget=280, spent=268),
    dict(id="T-16", name="四个平台建设：网上事务服务大厅", leader="分管信息化校领导", lead_unit="XXZX",
         units=["XXZX"], content="网上事务服务大厅", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART"], budget=120, spent=115),
    dict(id="T-17", name="四个平台建设：智能云课堂平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["JWC"], content="智能云课堂平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-TEACH"], budget=150, spent=146),
    dict(id="T-18", name="四个平台建设：教师发展服务平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["JSFZ", "RSC"], content="教师发展服务平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-FACULTY"], budget=60, spent=58),
    dict(id="T-19", name="四个平台建设：学生成长服务平台", leader="分管信息化校领导", lead_unit="XXZX",
         units=["XGC"], content="学生成长服务平台", deliverable="软件系统", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-SMART", "S-STUDENT"], budget=60, spent=57),
    # 引擎保证：机制建设
    dict(id="T-20", name="机制建设：学校层面自我诊改制度", leader="分管诊改工作校领导", lead_unit="ZGB",
         units=["YB", "ZZB", "CWC"],
         content="建立学校层面自我诊改制度，年度考核办法、诊改考核激励制度，学校内控制度",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 9, 30), advances=["S-GOV"]),
    dict(id="T-21", name="机制建设：专业考核性诊改制度", leader="分管诊改工作校领导", lead_unit="JWC",
         units=COLLEGES, content="制定专业考核性诊改制度", deliverable="制度文件", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-MAJOR"]),
    dict(id="T-22", name="机制建设：课程适时性考核诊改制度", leader="分管诊改工作校领导", lead_unit="JWC",
         units=COLLEGES, content="制定课程适时性考核诊改制度", deliverable="制度文件", start=D(2019, 1, 1),
         due=D(2019, 12, 31), advances=["S-TEACH"]),
    dict(id="T-23", name="机制建设：教师实时性考核诊改制度", leader="分管诊改工作校领导", lead_unit="JSFZ",
         units=["RSC", *COLLEGES],
         content="制定教师实时性考核诊改制度（承担：人事处、二级学院（部）、教师个人）",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-FACULTY"]),
    dict(id="T-24", name="机制建设：学生发展自测诊断制度", leader="分管诊改工作校领导", lead_unit="XGC",
         units=COLLEGES, content="制定学生发展自测诊断制度（承担：二级学院（部）、学生个体）",
         deliverable="制度文件", start=D(2019, 1, 1), due=D(2019, 12, 31), advances=["S-STUDENT"]),
    dict(id="T-25", name="机制建设：各层面自我诊改质量报告制度", leader="分管诊改工作校领导", lead_unit="ZGB",
         units=["YB", "JWC", "RSC", "XGC", "JSFZ", *COLLEGES],
         content="建立各层面自我诊改质量报告制度（承担：各诊改责任主体）", deliverable="制度文件",
         start=D(2019, 1, 1), due=D(2019, 9, 30), advances=["S-GOV"]),
    # 引擎保证：文化建设
    dict(id="T-26", name="文化建设：现代质量文化", leader="分管诊改工作校领导", lead_unit="XCB",
         content="质量知晓、质量认同、质量建构，促进全员全过程全方位育人",
         deliverable="质量文化建设方案及建设过程材料", start=D(2019, 1, 1), due=D(2020, 12, 31),
         advances=["S-GOV"], budget=30, spent=28),
]

# 2026 一页纸项目管理 tasks (年度任务分解: 每年1月–3月; budgets in 万元)
TASKS_2026: list[dict[str, Any]] = [
    dict(id="T26-01", name="2026年度目标任务分解下达", leader="校长", lead_unit="ZZB",
         units=["RSC", "JWC", "KJC", "JJY", "ZGB"],
         content="学校发展目标分解为各院部、各部门2026年度目标任务",
         deliverable="各院部、各部门年度目标任务清单", start=D(2026, 1, 1), due=D(2026, 3, 31),
         advances=["A26-ZG"], budget=2, spent=1.6, progress=1.0),
    dict(id="T26-02", name="机械制造及自动化标杆专业群建设", leader="分管教学校领导", lead_unit="C-MECH",
         units=["JWC"], content="专业群课程体系重构、产教融合实训基地升级", deliverable="专业群建设年度报告",
         start=D(2026, 3, 1), due=D(2026, 12, 31), advances=["A26-MAJOR", "G-MAJ-MECH"],
         budget=180, spent=126, progress=0.75),
    dict(id="T26-03", name="省级在线开放课程培育", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="培育6门省级在线开放课程并完成上线运行", deliverable="课程平台上线材料、申报书",
         start=D(2026, 2, 1), due=D(2026, 10, 31), advances=["A26-COURSE"],
         budget=60, spent=45, progress=0.7),
    dict(id="T26-04", name="“双师型”教师企业实践与培训", leader="分管教师发展校领导", lead_unit="RSC",
         units=["JSFZ", *COLLEGES], content="专任教师企业实践、1+X 师资培训",
         deliverable="培训与实践记录、认定名单",
         start=D(2026, 1, 15), due=D(2026, 12, 20), advances=["A26-TEAM", "A26-FACBASE"],
         budget=80, spent=92.5, progress=0.8),
    dict(id="T26-05", name="校本数据中心二期（数据治理与四平台贯通）", leader="分管信息化校领导",
         lead_unit="XXZX", units=["JWC", "RSC", "XGC", "KJC"], content="统一数据标准，新增对接8个业务系统",
         deliverable="软件系统、数据标准", start=D(2026, 3, 1), due=D(2026, 9, 30), advances=["A26-SMART"],
         budget=150, spent=138, progress=0.55),
    dict(id="T26-06", name="职业院校技能大赛集训", leader="分管教学校领导", lead_unit="JWC", units=COLLEGES,
         content="省赛、国赛赛项集训与备赛", deliverable="获奖证书", start=D(2026, 3, 1),
         due=D(2026, 11, 30), advances=["A26-SKILL"], budget=50, spent=41, progress=0.9),
    dict(id="T26-07", name="2026届毕业生就业攻坚", leader="分管学生校领导", lead_unit="XGC", units=COLLEGES,
         content="访企拓岗、就业帮扶、就业质量跟踪", deliverable="就业质量年度报告", start=D(2026, 1, 1),
         due=D(2026, 8, 31), advances=["A26-EMP"], budget=30, spent=28, progress=1.0),
    dict(id="T26-08", name="质量文化月活动", leader="分管诊改工作校领导", lead_unit="XCB", units=["ZGB"],
         content="质量知晓宣讲、质量改进案例评选", deliverable="活动方案及过程材料、案例集",
         start=D(2026, 4, 1), due=D(2026, 6, 30), advances=["A26-CULTURE"], budget=10, spent=9.5,
         progress=1.0),
]


# ---------------------------------------------------------------------------------------------
# builder
# ---------------------------------------------------------------------------------------------


def _links(pairs: list[tuple[str, float]]) -> list[dict[str, Any]]:
    return [{"goal": g, "weight": w} for g, w in pairs]


def _clean(rec: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields; ints for integral floats (nicer YAML)."""
    out: dict[str, Any] = {}
    for k, v in rec.items():
        if v is None or (isinstance(v, list) and not v):
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, list):
            v = [_clean(x) if isinstance(x, dict) else x for x in v]
        out[k] = v
    return out


def value_for(m: dict[str, Any], q: float) -> float:
    """The value of metric ``m`` whose attainment (design.md §2, unclipped) is ``q``."""
    b, t = m.get("baseline"), m["target"]
    if m["direction"] == "HIGHER":
        return b + q * (t - b) if b is not None else q * t
    return b - q * (b - t) if b is not None else t / max(q, 0.05)


class Builder:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.metrics: list[dict[str, Any]] = []
        self.specs: dict[str, dict[str, Any]] = {}
        self.goals: list[dict[str, Any]] = []

    # -- records --------------------------------------------------------------------------
    def units(self) -> list[dict[str, Any]]:
        return [_clean({"id": i, "name": n, "system": s, "leader": lead}) for i, n, s, lead in UNITS]

    def subjects(self) -> list[dict[str, Any]]:
        out = [{"id": SCHOOL[0], "name": SCHOOL[1], "level": "SCHOOL", "unit": "YB"}]
        for mid, name, tier, col, _w, _q in MAJORS:
            out.append({"id": mid, "name": name, "level": "MAJOR", "unit": col, "tier": tier})
        for cid, name, cat, majors in COURSES:
            col = MAJOR[majors[0]][3]
            out.append({"id": cid, "name": name, "level": "COURSE", "unit": col, "category": cat,
                        "major": majors[0]})
        for tid, name, maj, _c, _p in TEACHERS:
            out.append({"id": tid, "name": name, "level": "TEACHER", "unit": MAJOR[maj][3], "major": maj})
        for sid, name, maj, _y, _c, _q in STUDENTS:
            out.append({"id": sid, "name": name, "level": "STUDENT", "unit": MAJOR[maj][3], "major": maj})
        return [_clean(r) for r in out]

    def plans(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"id": "PL-CONGRESS3",
                                      "name": "第三次党代会报告（中共扬州工业职业技术学院第三次代表大会）"}]
        for pid, name in ACTION_PLANS:
            out.append({"id": pid, "name": name, "parent": "PL-CONGRESS3", "period": SCHOOL_TERM})
        for pid, name, parent in FIVE_YEAR_PLANS:
            out.append({"id": pid, "name": name, "parent": parent, "period": SCHOOL_TERM})
        for mid, name, _t, _c, _w, _q in MAJORS:
            out.append({"id": f"PL-MAJ-{MAJ_SHORT[mid]}", "name": f"{name}专业建设规划",
                        "parent": "PL-5Y-MAJOR",
                        "period": {"start": date(2024, 9, 1), "end": date(2027, 8, 31)}})
        for mid, name, _t, _c, _w, _q in MAJORS:
            out.append({"id": f"PL-CRS-{MAJ_SHORT[mid]}", "name": f"{name}专业课程建设计划",
                        "parent": f"PL-MAJ-{MAJ_SHORT[mid]}",
                        "period": {"start": date(2025, 1, 1), "end": date(2026, 12, 31)}})
        for tid, name, _m, _c, _p in TEACHERS:
            out.append({"id": f"PL-{tid}", "name": f"{name}教师个人发展规划", "parent": "PL-5Y-FACULTY",
                        "period": {"start": date(2024, 1, 1), "end": date(2026, 12, 31)}})
        for sid, name, _m, year, _c, _q in STUDENTS:
            out.append({"id": f"PL-{sid}", "name": f"{name}个人成长规划", "parent": "PL-5Y-STUDENT",
                        "period": {"start": date(year, 9, 1), "end": date(year + 3, 6, 30)}})
        return [_clean(r) for r in out]

    def _metric(self, rec: dict[str, Any], gen: dict[str, Any]) -> None:
        gen = {**gen, **OVERRIDES.get(rec["id"], {})}
        rec = {**rec, "measures": _links(rec["measures"])}
        self.metrics.append(_clean(rec))
        self.specs[rec["id"]] = {**rec, **gen}

    def _q(self, base: float, spread: float = 0.08) -> float:
        return min(1.05, max(0.05, base + self.rng.uniform(-spread, spread)))

    def goals_and_metrics(self) -> None:
        goals = self.goals
        for gid, name, owner, plans in SCHOOL_TARGETS:
            goals.append({"id": gid, "name": name, "level": "SCHOOL", "period": SCHOOL_TERM, "subject": "SCH",
                          "owner": owner, "derived_from": plans})
        plan_of = {"S-EMP": "PL-5Y-TALENT", "S-MAJOR": "PL-5Y-MAJOR", "S-TEACH": "PL-5Y-TALENT",
                   "S-FACULTY": "PL-5Y-FACULTY", "S-RESEARCH": "PL-5Y-RESEARCH", "S-SMART": "PL-5Y-SMART",
                   "S-STUDENT": "PL-5Y-STUDENT", "S-GOV": "PL-5Y-GOV"}
        for gid, name, owner, sup, agg in ANNUAL_TASKS:
            rec = {"id": gid, "name": name, "level": "SCHOOL", "aggregate": agg, "period": YEAR_2026,
                   "supports": _links(sup), "subject": "SCH", "owner": owner,
                   "derived_from": sorted({plan_of[s] for s, _ in sup})}
            if gid == "A26-CULTURE":
                rec["derived_from"] = ["PL-5Y-CULTURE"]
            if agg == "MIN":
                rec["description"] = "办学基本条件底线指标须全部达标：取各指标达成度的最小值"
            goals.append(rec)
        for spec in SCHOOL_METRICS:
            keys = ("id", "name", "unit", "direction", "baseline", "target", "floor", "frequency", "source",
                    "owner", "measures")
            fields = {k: spec.get(k) for k in keys}
            gen = {k: v for k, v in spec.items() if k not in fields}
            self._metric(fields, gen)

        # 专业 goals and metrics (SEMESTER: 专业层面按学期监测预警)
        tier_targets = {"标杆": (90, 98), "品牌": (90, 97), "骨干": (89, 96), "其他": (88, 95)}
        for mid, name, tier, col, w, q in MAJORS:
            s = MAJ_SHORT[mid]
            gid = f"G-MAJ-{s}"
            goals.append({"id": gid, "name": f"{name}专业建设目标（{tier}专业）", "level": "MAJOR",
                          "period": {"start": date(2024, 9, 1), "end": date(2027, 8, 31)},
                          "supports": _links([("A26-MAJOR", w)]), "subject": mid, "owner": col,
                          "derived_from": [f"PL-MAJ-{s}"]})
            b, t = tier_targets[tier]
            self._metric(dict(id=f"M-MAJ-{s}-EMP", name=f"{name}专业就业率", unit="%", direction="HIGHER",
                              baseline=b, target=t, floor=88, frequency="SEMESTER", source="学工管理系统",
                              owner=col, measures=[(gid, 2)]), {"q": self._q(q, 0.06), "dec": 1})
            self._metric(dict(id=f"M-MAJ-{s}-MATCH", name=f"{name}专业对口率", unit="%", direction="HIGHER",
                              baseline=65, target=80, floor=60, frequency="SEMESTER", source="麦可思",
                              owner=col, measures=[(gid, 1)]), {"q": self._q(q), "dec": 1})
            self._metric(dict(id=f"M-MAJ-{s}-CERT", name=f"{name}专业职业技能等级证书获取率", unit="%",
                              direction="HIGHER", baseline=50, target=85 if tier in ("标杆", "品牌") else 80,
                              floor=40, frequency="SEMESTER", source="教务管理系统", owner=col,
                              measures=[(gid, 1)]), {"q": self._q(q), "dec": 1})

        # 课程 goals: 课程建设 (QUARTERLY) + 课程教学 (HALF_MONTHLY)
        for cid, name, cat, majors in COURSES:
            s = cid.removeprefix("CRS-")
            gid = f"G-CRS-{s}"
            col = MAJOR[majors[0]][3]
            sup = [(f"G-MAJ-{MAJ_SHORT[m]}", 1) for m in majors]
            if cat in ("立项建设", "在线开放"):
                sup.append(("A26-COURSE", 0.5))
            goals.append({"id": gid, "name": f"《{name}》课程建设与教学目标（{cat}课程）", "level": "COURSE",
                          "period": {"start": date(2025, 1, 1), "end": date(2026, 12, 31)},
                          "supports": _links(sup), "subject": cid, "owner": col,
                          "derived_from": [f"PL-CRS-{MAJ_SHORT[majors[0]]}"]})
            q = MAJOR[majors[0]][5]
            bname = "在线课程资源建设完成度" if cat == "在线开放" else "课程建设任务完成度"
            self._metric(dict(id=f"M-CRS-{s}-BUILD", name=f"《{name}》{bname}", unit="%", direction="HIGHER",
                              target=100, frequency="QUARTERLY", source="目标任务管理系统", owner=col,
                              measures=[(gid, 1)]), {"q": self._q(q), "dec": 0, "shape": "build"})
            self._metric(dict(id=f"M-CRS-{s}-GOAL", name=f"《{name}》课程目标达成度", unit="%",
                              direction="HIGHER", baseline=70, target=90, floor=65, frequency="HALF_MONTHLY",
                              source="智能云课堂", owner=col, measures=[(gid, 2)]),
                         {"q": self._q(q), "dec": 1})

        # 教师 goals (SEMESTER: 教师层面按学期监测预警)
        for tid, name, maj, courses, research in TEACHERS:
            gid = f"G-{tid}"
            col = MAJOR[maj][3]
            sup = [(f"G-CRS-{c.removeprefix('CRS-')}", 1) for c in courses] + [("A26-TEAM", 1)]
            goals.append({"id": gid, "name": f"{name}个人发展目标（聘期）", "level": "TEACHER",
                          "period": {"start": date(2024, 1, 1), "end": date(2026, 12, 31)},
                          "supports": _links(sup), "subject": tid, "owner": col,
                          "derived_from": [f"PL-{tid}"]})
            q = TEACHER_Q[tid]
            self._metric(dict(id=f"M-{tid}-TRAIN", name=f"{name}年度培训学时", unit="学时",
                              direction="HIGHER", target=72, frequency="SEMESTER", source="教师发展服务平台", owner="JSFZ",
                              measures=[(gid, 1)]), {"q": self._q(q), "dec": 0, "shape": "ytd"})
            self._metric(dict(id=f"M-{tid}-EVAL", name=f"{name}学生评教得分", unit="分", direction="HIGHER",
                              baseline=80, target=95, floor=75, frequency="SEMESTER", source="教务管理系统",
                              owner=col, measures=[(gid, 2)]), {"q": self._q(q), "dec": 1})
            if research:
                self._metric(dict(id=f"M-{tid}-PROJ", name=f"{name}主持科研与教改项目数（聘期累计）",
                                  unit="项", direction="HIGHER", target=3, frequency="SEMESTER", source="科研管理系统",
                                  owner="KJC", measures=[(gid, 1)]), {"q": self._q(q, 0.2), "dec": 0,
                                                                       "shape": "steps"})

        # 学生 goals: 三年成长目标 and 2026 年度成长目标 (MONTHLY: 学生层面月度监测预警)
        for sid, name, maj, year, course, q in STUDENTS:
            col = MAJOR[maj][3]
            g3, g1 = f"G-{sid}-3Y", f"G-{sid}-Y26"
            sup = [(f"G-MAJ-{MAJ_SHORT[maj]}", 0.5)]
            if course:
                sup.append((f"G-CRS-{course.removeprefix('CRS-')}", 0.5))
            rec3 = {"id": g3, "name": f"{name}三年成长目标（厚德强能、笃学创新的“扬州工”）",
                    "level": "STUDENT",
                    "period": {"start": date(year, 9, 1), "end": date(year + 3, 6, 30)},
                    "supports": _links(sup), "subject": sid, "owner": col, "derived_from": [f"PL-{sid}"]}
            if sid == "STU-001":
                rec3["aggregate"] = "MIN"
                rec3["description"] = "毕业要求须全部达成：取年度成长目标与证书指标达成度的最小值"
            goals.append(rec3)
            goals.append({"id": g1, "name": f"{name}2026年度成长目标", "level": "STUDENT",
                          "period": YEAR_2026,
                          "supports": _links([(g3, 1)]), "subject": sid, "owner": col,
                          "derived_from": [f"PL-{sid}"]})
            self._metric(dict(id=f"M-{sid}-PTS", name=f"{name}年度成长积分", unit="分", direction="HIGHER",
                              target=100, frequency="MONTHLY", source="学生成长服务平台", owner=col,
                              measures=[(g1, 2)]), {"q": self._q(q), "dec": 0, "shape": "ytd"})
            self._metric(dict(id=f"M-{sid}-ATT", name=f"{name}个人到课率", unit="%", direction="HIGHER",
                              target=98, floor=85, frequency="MONTHLY", source="智能云课堂", owner=col,
                              measures=[(g1, 1)]), {"q": (qa := self._q(0.93 + (q - 0.8) * 0.3, 0.02)),
                                                     "start": round(value_for({"direction": "HIGHER",
                                                     "target": 98}, qa + self.rng.uniform(-0.03, 0.02)), 1),
                                                     "dec": 1})
            certs = 2 if q >= 0.85 else 1 if q >= 0.6 else 0
            if year == 2025:
                certs = min(certs, 1)
            self._metric(dict(id=f"M-{sid}-CERT", name=f"{name}已获职业技能等级证书数", unit="本",
                              direction="HIGHER", target=2, frequency="MONTHLY", source="学生成长服务平台",
                              owner=col, measures=[(g3, 1)]), {"latest": certs, "dec": 0, "shape": "steps",
                                                               "start": max(0, certs - 1)})
        self.goals = [_clean(g) for g in goals]

    def standards(self) -> list[dict[str, Any]]:
        ids = [m["id"] for m in self.metrics]

        def pick(*suffixes: str, prefix: str = "") -> list[str]:
            return [i for i in ids if i.startswith(prefix) and i.endswith(suffixes)]

        return [
            {"id": "STD-SCH", "name": "学校发展目标年度考核标准", "level": "SCHOOL",
             "specifies": ["M-EMP-RATE", "M-EMP-MATCH", "M-EMPLOYER-SAT", "M-STU-SAT", "M-RESEARCH-PROJ",
                           "M-SERVICE-INCOME", "M-CONT-EDU", "M-HQ-MAJOR", "M-DATA-SYS", "M-PLATFORM-USE",
                           "M-SYS-RECOVERY"]},
            {"id": "STD-BASE", "name": "办学基本条件合格标准（底线）", "level": "SCHOOL",
             "specifies": ["M-SSR", "M-DUAL-RATIO", "M-DROPOUT"]},
            {"id": "STD-DEPT", "name": "部门岗位工作标准", "level": "SCHOOL",
             "specifies": ["M-ZG-REPORT", "M-TASK-DONE", "M-BUDGET-EXEC", "M-QC-AWARE", "M-QC-CASE"]},
            {"id": "STD-MAJ-BUILD", "name": "专业建设标准", "level": "MAJOR",
             "specifies": pick("-EMP", "-MATCH", prefix="M-MAJ-")},
            {"id": "STD-MAJ-TEACH", "name": "专业教学标准", "level": "MAJOR",
             "specifies": [*pick("-CERT", prefix="M-MAJ-"), "M-CERT-RATE", "M-SKILL-AWARD"]},
            {"id": "STD-CRS-BUILD", "name": "课程建设标准", "level": "COURSE",
             "specifies": [*pick("-BUILD", prefix="M-CRS-"), "M-ONLINE-COURSE"]},
            {"id": "STD-CRS-TEACH", "name": "课程教学标准", "level": "COURSE",
             "specifies": [*pick("-GOAL", prefix="M-CRS-"), "M-COURSE-PASS", "M-ATTEND", "M-CLASS-SIZE"]},
            {"id": "STD-IDEO", "name": "课程思政建设标准", "level": "COURSE", "specifies": ["M-IDEO-COURSE"]},
            {"id": "STD-TCH", "name": "教师发展标准", "level": "TEACHER",
             "specifies": [*pick("-TRAIN", "-EVAL", "-PROJ", prefix="M-TCH-"), "M-TRAIN-HOURS"]},
            {"id": "STD-STU", "name": "学生发展标准", "level": "STUDENT",
             "specifies": [*pick("-PTS", "-ATT", "-CERT", prefix="M-STU-"), "M-FITNESS"]},
        ]

    def tasks(self) -> list[dict[str, Any]]:
        out = []
        for t in PROCESS_TABLE:
            rec = {"progress": 1.0, "budget": 0, "spent": 0, **t}
            out.append(rec)
        out.extend(TASKS_2026)
        order = ["id", "name", "advances", "lead_unit", "units", "leader", "content", "start", "due",
                 "budget", "spent", "deliverable", "progress"]
        return [_clean({k: r.get(k) for k in order}) for r in out]

    # -- observations ---------------------------------------------------------------------
    @staticmethod
    def dates_for(freq: str) -> list[date]:
        months = [(2025 + (10 + i) // 12, (10 + i) % 12 + 1) for i in range(13)]  # 2025-11 … 2026-11
        if freq == "MONTHLY":
            return [date(y, m, 1) for y, m in months]
        if freq == "HALF_MONTHLY":
            out = [d for y, m in months for d in (date(y, m, 1), date(y, m, 16))]
            out = [d for d in out if d <= LAST_DAY]
            return [*out, LAST_DAY]  # the last half-month reading is taken at the data cut-off
        if freq == "QUARTERLY":
            return [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
        if freq == "SEMESTER":
            return [date(2026, 1, 20), date(2026, 7, 10)]
        return [date(2026, 7, 1)]

    def series(self, spec: dict[str, Any]) -> list[tuple[date, float]]:
        dates = spec.get("dates") or self.dates_for(spec["frequency"])
        if spec.get("stop"):
            dates = [d for d in dates if d <= spec["stop"]]
        dec = spec.get("dec", 1)
        latest = spec["latest"] if "latest" in spec else value_for(spec, spec["q"])
        scale = abs(spec["target"] - spec["baseline"]) if spec.get("baseline") is not None else spec["target"]
        shape = spec.get("shape", "trend")
        pct = spec.get("unit") == "%"
        n = len(dates)
        out: list[float] = []
        if shape == "ytd":  # 年度累计: resets in January, grows to `latest` by the last date
            last = dates[-1]
            frac_last = (last.month - 0.5) / 12
            for d in dates:
                if d.year == last.year:
                    frac = (d.month - 0.5) / 12
                    v = latest * frac / frac_last
                else:  # the previous year's running total
                    v = latest / frac_last * ((d.month - 0.5) / 12) * self.rng.uniform(0.9, 1.0)
                out.append(v)
        elif shape == "build":  # 课程建设完成度, rising each quarter
            start = latest * self.rng.uniform(0.35, 0.55)
            out = [start + (latest - start) * i / max(n - 1, 1) for i in range(n)]
        else:
            start = spec.get("start")
            if start is None:
                q0 = max(0.0, spec.get("q", 0.8) - self.rng.uniform(0.1, 0.25))
                start = value_for(spec, q0)
            for i in range(n):
                t = i / max(n - 1, 1)
                v = start + (latest - start) * t
                if shape == "trend" and 0 < i < n - 1:
                    v += self.rng.gauss(0, 0.025 * scale)
                out.append(v)
        out[-1] = latest
        vals: list[float] = []
        prev = None
        for v in out:
            v = round(v, dec)
            if pct:
                v = min(v, 100.0)
            if shape == "steps" and prev is not None:
                v = max(v, prev)
            vals.append(v)
            prev = v
        return list(zip(dates, vals, strict=True))

    def observations(self) -> list[tuple[str, date, float, str]]:
        rows = []
        for m in self.metrics:
            spec = self.specs[m["id"]]
            if spec.get("nodata"):
                continue
            for d, v in self.series(spec):
                rows.append((m["id"], d, v, spec.get("source") or ""))
        return rows

    # -- output ---------------------------------------------------------------------------
    def build(self) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, date, float, str]]]:
        units, subjects, plans = self.units(), self.subjects(), self.plans()
        self.goals_and_metrics()
        data = {"units": units, "subjects": subjects, "plans": plans, "standards": self.standards(),
                "goals": self.goals, "metrics": self.metrics, "tasks": self.tasks()}
        return data, self.observations()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # no &anchors / *aliases: every record stands alone
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # indent lists
        return super().increase_indent(flow, False)


SECTION_TITLES = {
    "units": "组织单位（五纵：DECISION 决策指挥 / GENERATION 质量生成 / RESOURCE 资源建设 / "
             "SUPPORT 支持服务 / SUPERVISION 监督控制）",
    "subjects": "质量主体（五横）：学校、专业（标杆/品牌/骨干/其他）、课程、教师、学生（姓名均为虚构）",
    "plans": "规划链：第三次党代会报告 → 七大行动计划 → 事业发展五年专项规划 → 专业建设规划 / 课程建设计划 / "
             "教师个人发展规划 / 学生个人成长规划",
    "standards": "标准链：衡量目标达成度的标尺和底线",
    "goals": "目标链：学校发展目标 → 2026年度任务分解 → 专业 → 课程 → 教师 → 学生三年/年度成长目标"
             "（supports: 子 → 父）",
    "metrics": "指标（监测预警频次 §四(二)：学校 MONTHLY，专业 SEMESTER，课程建设 QUARTERLY，"
               "课程教学 HALF_MONTHLY，教师 SEMESTER，学生 MONTHLY）",
    "tasks": "任务：建设与实施进程表（§七）各行 T-01…T-26，及2026年一页纸项目 T26-*"
             "（budget/spent 单位：万元）",
}


def render_yaml(data: dict[str, list[dict[str, Any]]]) -> str:
    parts = [
        "# 扬州工业职业技术学院 诊改知识图谱 演示数据集（虚构数据）\n"
        "# Generated by zhengai.graph_loader.demo_build — do not edit by hand; edit the builder and run\n"
        "#   python -m zhengai.graph_loader.demo_build\n"
        "# 校训：厚德强能、笃学创新\n"
    ]
    for name, records in data.items():
        body = yaml.dump({name: records}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         default_flow_style=False, width=120)
        parts.append(f"\n# {SECTION_TITLES[name]}\n{body}")
    return "".join(parts)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def render_csv(rows: list[tuple[str, date, float, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["metric", "at", "value", "source"])
    for mid, d, v, src in rows:
        w.writerow([mid, d.isoformat(), _fmt(v), src])
    return buf.getvalue()


def write(out_dir: Path = DEMO_DIR, seed: int = SEED) -> tuple[Path, Path]:
    data, rows = Builder(seed).build()
    out_dir.mkdir(parents=True, exist_ok=True)
    ypath, cpath = out_dir / "dataset.yaml", out_dir / "observations.csv"
    ypath.write_text(render_yaml(data), encoding="utf-8")
    cpath.write_text(render_csv(rows), encoding="utf-8")
    return ypath, cpath


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description="Write the bundled demo dataset (dataset.yaml, observations.csv).")
    ap.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default: the bundled demo/)")
    args = ap.parse_args(argv)
    for p in write(args.out):
        print(f"wrote {p}")


if __name__ == "__main__":
    main()
