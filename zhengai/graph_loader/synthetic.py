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

Rows are written as they are generated; only small per-college lists (units, plans, majors,
courses) are held, so memory stays bounded whatever the scale. Everything is drawn from
``random.Random`` seeded by ``seed`` and the institution, in a fixed order: the same scale and
seed give byte-identical files. All names of people and institutions are fictional.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import yaml

SCALES: tuple[str, ...] = ("demo", "college", "province")

FIRST_DAY = date(2025, 11, 1)
LAST_DAY = date(2026, 10, 31)

NODE_KINDS = ("units", "subjects", "plans", "standards", "goals", "metrics", "tasks")
LINK_KINDS = ("supports", "measures", "observations")

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

# ---------------------------------------------------------------------------------------------
# Name tables (fictional institutions; 专业 names from the 高职 专业目录)
# ---------------------------------------------------------------------------------------------

PROVINCE_NAME = "江海省"
COLLEGE_NAMES = [
    "江淮工业职业技术学院", "临江信息职业技术学院", "东海交通职业技术学院", "青川农林职业技术学院",
    "云湖建筑职业技术学院", "北辰机电职业技术学院", "南屏经贸职业技术学院", "西岭化工职业技术学院",
    "海州医药职业技术学院", "岚山旅游职业技术学院",
]

# 职能部门: id, name, system (五纵), parent, leader (分管校领导)
UNITS: list[tuple[str, str, str, str | None, str]] = [
    ("DB", "党委办公室", "DECISION", None, "党委书记"),
    ("YB", "院长办公室", "DECISION", None, "校长"),
    ("ZZB", "组织部", "DECISION", None, "党委副书记"),
    ("FGC", "发展规划处", "DECISION", None, "校长"),
    ("JWC", "教务处", "GENERATION", None, "分管教学校领导"),
    ("RSC", "人事处", "RESOURCE", None, "分管教师发展校领导"),
    ("CWC", "财务处", "RESOURCE", None, "校长"),
    ("KJC", "科技处", "RESOURCE", None, "分管科研校领导"),
    ("ZCC", "国有资产管理处", "RESOURCE", None, "分管后勤校领导"),
    ("XXZX", "信息中心", "SUPPORT", None, "分管信息化校领导"),
    ("XGC", "学生工作处", "SUPPORT", None, "分管学生校领导"),
    ("JSFZ", "教师发展中心", "SUPPORT", "RSC", "分管教师发展校领导"),
    ("JJY", "继续教育学院", "SUPPORT", None, "分管科研校领导"),
    ("XCB", "宣传部", "SUPPORT", None, "党委副书记"),
    ("GJC", "国际交流与合作处", "SUPPORT", None, "分管外事校领导"),
    ("HQ", "后勤服务中心", "SUPPORT", None, "分管后勤校领导"),
    ("ZGB", "质量管理办公室", "SUPERVISION", None, "分管诊改工作校领导"),
    ("SJC", "审计处", "SUPERVISION", None, "纪委书记"),
    ("GJS", "高等教育研究所", "SUPERVISION", "ZGB", "分管诊改工作校领导"),
]


@dataclass(frozen=True)
class Family:
    """A 二级学院 (GENERATION unit) with its 专业 and its pool of 专业课程 names."""

    code: str
    name: str
    majors: tuple[str, ...]
    courses: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    """The space-separated names of a table cell."""
    return tuple(text.split())


def _family(code: str, name: str, majors: str, courses: str) -> Family:
    return Family(code, name, _words(majors), _words(courses))


FAMILIES: list[Family] = [
    _family("MECH", "机械工程学院",
            "机械制造及自动化 机电一体化技术 数控技术 模具设计与制造 工业机器人技术 智能制造装备技术",
            "机械制图与CAD 机械设计基础 工程力学 公差配合与技术测量 机械制造技术 数控加工编程与操作 "
            "液压与气动技术 电工电子技术 PLC应用技术 工业机器人编程与调试 三维建模与逆向设计 "
            "冲压模具设计与制造 机电设备故障诊断与维修 传感器与检测技术"),
    _family("ELEC", "电子信息工程学院",
            "电气自动化技术 应用电子技术 物联网应用技术 现代通信技术 集成电路技术 智能控制技术",
            "电路分析基础 模拟电子技术 数字电子技术 单片机应用技术 电机与电气控制 可编程控制器技术 "
            "嵌入式系统开发 电子产品设计与制作 物联网工程实施 工业网络与组态技术 供配电技术 "
            "通信原理 集成电路版图设计 自动控制原理"),
    _family("INFO", "信息工程学院",
            "软件技术 计算机网络技术 大数据技术 人工智能技术应用 云计算技术应用 信息安全技术应用",
            "C语言程序设计 Java程序设计 Python程序设计 Web前端开发 数据库应用技术 Linux操作系统 "
            "计算机网络基础 数据结构 软件测试技术 移动应用开发 大数据分析与可视化 机器学习应用 "
            "云计算平台运维 网络安全技术"),
    _family("CHEM", "化学工程学院",
            "应用化工技术 精细化工技术 石油化工技术 工业分析技术 高分子材料智能制造技术 化工装备技术",
            "无机化学 有机化学 分析化学 物理化学 化工原理 化工单元操作 化工安全技术 化工制图与CAD "
            "化学反应过程与设备 仪器分析 化工仪表及自动化 精细化学品生产技术 高分子化学 化工HSE管理"),
    _family("ECON", "经济管理学院",
            "大数据与会计 电子商务 市场营销 现代物流管理 金融服务与管理 工商企业管理",
            "基础会计 财务会计实务 成本核算与管理 管理会计 税费计算与申报 经济法基础 市场营销实务 "
            "网店运营推广 现代物流基础 供应链管理 统计基础 大数据财务分析 商务数据分析 客户关系管理"),
    _family("ARCH", "建筑工程学院",
            "建筑工程技术 工程造价 建筑装饰工程技术 建设工程管理 市政工程技术 建筑智能化工程技术",
            "建筑制图与识图 建筑材料 建筑力学 建筑结构 建筑施工技术 工程测量 BIM建模技术 "
            "建筑工程计量与计价 工程招投标与合同管理 建筑工程项目管理 地基与基础 装饰构造与施工 "
            "建筑设备 市政工程施工"),
    _family("AUTO", "汽车工程学院",
            "汽车制造与试验技术 新能源汽车技术 汽车检测与维修技术 智能网联汽车技术 汽车电子技术 "
            "新能源汽车检测与维修技术",
            "汽车构造 汽车电工电子技术 汽车发动机检修 汽车底盘检修 汽车电气设备检修 新能源汽车概论 "
            "动力电池及管理系统检修 驱动电机及控制技术 汽车故障诊断技术 智能网联汽车技术概论 "
            "汽车CAN总线技术 汽车营销与服务 汽车检测技术 车载网络技术"),
    _family("ART", "艺术设计学院",
            "视觉传达设计 环境艺术设计 数字媒体艺术设计 产品艺术设计 室内艺术设计 动漫设计",
            "设计素描 设计色彩 平面构成 色彩构成 立体构成 图形创意 字体设计 版式设计 品牌形象设计 "
            "三维动画制作 影视后期制作 室内设计原理 手绘效果图表现 用户界面设计"),
    _family("FOOD", "食品药品学院",
            "食品检验检测技术 药品生产技术 食品智能加工技术 药品质量与安全 生物制药技术 化妆品技术",
            "食品化学 食品微生物检验 食品理化检验 食品加工技术 食品安全与质量控制 药物化学 "
            "药理学基础 药物制剂技术 药品质量检测技术 GMP实务 生物化学 微生物学基础 发酵技术 "
            "实验室安全与管理"),
    _family("LANG", "外国语与旅游学院",
            "商务英语 应用英语 旅游管理 酒店管理与数字化运营 商务日语 跨境电子商务",
            "综合英语 英语听说 英语写作 商务英语翻译 外贸函电 国际贸易实务 跨境电商实务 旅游学概论 "
            "导游业务 酒店服务与管理 旅游市场营销 基础日语 日语会话 商务礼仪"),
]

COMMON_COURSES = _words(
    "思想道德与法治 毛泽东思想和中国特色社会主义理论体系概论 习近平新时代中国特色社会主义思想概论 "
    "形势与政策 高等数学 大学英语 信息技术 体育与健康 大学生心理健康教育 职业生涯规划 创新创业基础 "
    "劳动教育 军事理论 中华优秀传统文化"
)
MAJOR_COURSES = ("{}专业综合实训", "{}岗位实习", "{}毕业设计", "{}专业导论")
COURSE_CATEGORIES = ("校企合作", "立项建设", "在线开放", "专业核心")  # 课程类别
TIERS = ("标杆", "品牌", "骨干", "其他")  # 专业层次
TIER_WEIGHT = {"标杆": 3.0, "品牌": 2.0, "骨干": 1.5, "其他": 1.0}
TIER_TARGET = {"标杆": (90, 98), "品牌": (90, 97), "骨干": (89, 96), "其他": (88, 95)}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_FIRST = "子梓浩宇思欣雨诗俊嘉一晨佳文志建晓海天明静婷雅博睿语可若家振国永春秋紫书明慧新"
GIVEN_SECOND = "涵轩然桐琪怡杰远阳诺馨懿城华泽嫣辰宁航铭瑶萱琳妍轩豪杰伟芳娜敏丽强磊军洋勇艳娟涛超霞平刚"

COHORTS = (2023, 2024, 2025)  # 入学年级

# ---------------------------------------------------------------------------------------------
# 学校发展目标, 2026 年度任务 and their metrics (学校层面 MONTHLY; surveys ANNUAL)
# ---------------------------------------------------------------------------------------------

PLANS_ACTION = [
    ("PL-ACT-TALENT", "人才培养质量提升行动计划"),
    ("PL-ACT-MAJOR", "专业（群）建设行动计划"),
    ("PL-ACT-FACULTY", "师资队伍建设行动计划"),
    ("PL-ACT-RESEARCH", "科技创新与社会服务能力提升行动计划"),
    ("PL-ACT-SMART", "智慧校园建设行动计划"),
    ("PL-ACT-CULTURE", "文化育人与现代质量文化建设行动计划"),
    ("PL-ACT-GOV", "内部治理能力现代化行动计划"),
]
PLANS_5Y = [
    ("PL-5Y-TALENT", "人才培养工作五年专项规划", "PL-ACT-TALENT"),
    ("PL-5Y-STUDENT", "学生工作（育人）五年专项规划", "PL-ACT-TALENT"),
    ("PL-5Y-INTL", "国际交流与合作五年专项规划", "PL-ACT-TALENT"),
    ("PL-5Y-MAJOR", "专业（群）与课程建设五年专项规划", "PL-ACT-MAJOR"),
    ("PL-5Y-FACULTY", "师资队伍建设五年专项规划", "PL-ACT-FACULTY"),
    ("PL-5Y-RESEARCH", "科技与社会服务五年专项规划", "PL-ACT-RESEARCH"),
    ("PL-5Y-SMART", "智能校园建设五年专项规划", "PL-ACT-SMART"),
    ("PL-5Y-CULTURE", "校园文化与质量文化建设五年专项规划", "PL-ACT-CULTURE"),
    ("PL-5Y-GOV", "内部治理与质量保证体系建设五年专项规划", "PL-ACT-GOV"),
    ("PL-5Y-CAMPUS", "校园基本建设与后勤保障五年专项规划", "PL-ACT-GOV"),
]

# code, name, owner, derived_from, provincial goals it supports (province scale)
SCHOOL_TARGETS: list[tuple[str, str, str, list[str], list[str]]] = [
    ("S-01", "毕业生就业质量稳居全省同类院校前列", "XGC", ["PL-5Y-TALENT"], ["PRV-G-EMP"]),
    ("S-02", "建成标杆引领、品牌骨干支撑的高水平专业群", "JWC", ["PL-5Y-MAJOR"], ["PRV-G-MAJOR"]),
    ("S-03", "课程建设与课堂教学质量持续提升", "JWC", ["PL-5Y-TALENT", "PL-5Y-MAJOR"], ["PRV-G-MAJOR"]),
    ("S-04", "建设结构合理、素质优良的“双师型”教师队伍", "RSC", ["PL-5Y-FACULTY"], ["PRV-G-FACULTY"]),
    ("S-05", "科技创新与社会服务能力显著增强", "KJC", ["PL-5Y-RESEARCH"], ["PRV-G-SERVICE"]),
    ("S-06", "建成“一中心四平台”智能化校园", "XXZX", ["PL-5Y-SMART"], ["PRV-G-DIGITAL"]),
    ("S-07", "学生全面发展，德技并修特色鲜明", "XGC", ["PL-5Y-STUDENT"], ["PRV-G-EMP", "PRV-G-QA"]),
    ("S-08", "内部治理现代化，形成现代质量文化", "ZGB", ["PL-5Y-GOV", "PL-5Y-CULTURE"], ["PRV-G-QA"]),
    ("S-09", "国际交流与合作水平显著提升", "GJC", ["PL-5Y-INTL"], ["PRV-G-SERVICE"]),
    ("S-10", "办学条件与校园环境持续改善", "ZCC", ["PL-5Y-CAMPUS"], ["PRV-G-QA"]),
]
# code, name, owner, supports [(school target, weight)], aggregate
ANNUAL_TASKS: list[tuple[str, str, str, list[tuple[str, float]], str | None]] = [
    ("A26-01", "2026年毕业生就业创业工作目标", "XGC", [("S-01", 3)], None),
    ("A26-02", "2026年职业技能等级证书与技能大赛目标", "JWC", [("S-01", 1), ("S-07", 1)], None),
    ("A26-03", "2026年专业（群）建设与专业诊改目标", "JWC", [("S-02", 2)], None),
    ("A26-04", "2026年产教融合与校企合作目标", "JWC", [("S-02", 1), ("S-01", 1)], None),
    ("A26-05", "2026年课程建设目标（在线开放课程、课程思政）", "JWC", [("S-03", 1)], None),
    ("A26-06", "2026年有效课堂建设目标", "JWC", [("S-03", 2)], None),
    ("A26-07", "2026年师资队伍办学条件底线达标", "RSC", [("S-04", 1)], "MIN"),
    ("A26-08", "2026年“双师型”教学团队建设目标", "JSFZ", [("S-04", 2)], None),
    ("A26-09", "2026年科研项目与知识产权目标", "KJC", [("S-05", 1)], None),
    ("A26-10", "2026年技术服务与社会培训目标", "KJC", [("S-05", 1)], None),
    ("A26-11", "2026年校本数据中心建设目标", "XXZX", [("S-06", 1)], None),
    ("A26-12", "2026年四平台应用与运维目标", "XXZX", [("S-06", 1)], None),
    ("A26-13", "2026年学生成长与满意度目标", "XGC", [("S-07", 2)], None),
    ("A26-14", "2026年学生体质健康与心理健康目标", "XGC", [("S-07", 1)], None),
    ("A26-15", "2026年诊改运行与目标任务考核目标", "ZGB", [("S-08", 2)], None),
    ("A26-16", "2026年现代质量文化培育目标", "XCB", [("S-08", 1)], None),
    ("A26-17", "2026年国际交流与合作目标", "GJC", [("S-09", 1)], None),
    ("A26-18", "2026年办学条件建设目标", "ZCC", [("S-10", 2)], None),
    ("A26-19", "2026年平安校园与后勤服务目标", "HQ", [("S-10", 1)], None),
    ("A26-20", "2026年经费保障与预算绩效目标", "CWC", [("S-10", 1)], None),
]


@dataclass(frozen=True)
class MetricSpec:
    """A metric template. ``name`` holds ``{}`` for the subject's name; ``owner`` "" means the
    subject's 二级学院. ``shape``: trend, count (cumulative integer), ytd (年度累计, resets in
    January) or level (noisy around its value)."""

    code: str
    name: str
    unit: str
    direction: str
    baseline: float | None
    target: float
    floor: float | None
    frequency: str
    source: str
    owner: str
    dec: int
    shape: str
    weight: float = 1.0


def _spec(code: str, name: str, unit: str, direction: str, baseline: float | None, target: float,
          floor: float | None, frequency: str, source: str, owner: str, dec: int, shape: str,
          weight: float = 1.0) -> MetricSpec:
    return MetricSpec(code, name, unit, direction, baseline, target, floor, frequency, source, owner, dec,
                      shape, weight)


H, L = "HIGHER", "LOWER"
MON, HALF, QTR, SEM, ANN = "MONTHLY", "HALF_MONTHLY", "QUARTERLY", "SEMESTER", "ANNUAL"
JW, XG, RS, KY, XS = "教务管理系统", "学工管理系统", "人事管理系统", "科研管理系统", "学生成长服务平台"
MYCOS, CLOUD, QMS = "麦可思", "智能云课堂", "质量管理系统"

# annual task code → its metrics (学校层面)
SCHOOL_METRICS: dict[str, list[MetricSpec]] = {
    "A26-01": [
        _spec("EMP-RATE", "毕业生去向落实率", "%", H, 92, 97, 90, MON, XG, "XGC", 1, "trend", 3),
        _spec("EMP-MATCH", "毕业生专业对口率", "%", H, 70, 80, 65, MON, MYCOS, "XGC", 1, "trend", 2),
        _spec("EMPLOYER-SAT", "用人单位满意度", "%", H, 90, 96, 85, ANN, MYCOS, "XGC", 1, "trend"),
        _spec("STARTUP", "毕业生自主创业率", "%", H, None, 3, None, MON, XG, "XGC", 2, "trend"),
    ],
    "A26-02": [
        _spec("CERT-RATE", "职业技能等级证书获取率", "%", H, 60, 80, 50, MON, JW, "JWC", 1, "trend"),
        _spec("SKILL-AWARD", "省级以上职业院校技能大赛获奖数（年度累计）", "项", H, None, 30, None, MON, JW,
              "JWC", 0, "ytd"),
    ],
    "A26-03": [
        _spec("HQ-MAJOR", "省级以上高水平专业群立项数", "个", H, 2, 4, None, MON, JW, "JWC", 0, "count", 2),
        _spec("MAJ-REPORT", "专业诊改报告按期完成率", "%", H, None, 100, 90, MON, QMS, "ZGB", 0, "trend"),
    ],
    "A26-04": [
        _spec("APPRENTICE", "订单班与现代学徒制学生占比", "%", H, 15, 25, None, MON, JW, "JWC", 1, "trend"),
        _spec("BASE", "校企共建生产性实训基地数", "个", H, 20, 30, None, MON, JW, "JWC", 0, "count"),
    ],
    "A26-05": [
        _spec("ONLINE-COURSE", "省级以上在线开放课程数", "门", H, 20, 30, None, MON, CLOUD, "JWC", 0, "count",
              2),
        _spec("IDEO-COURSE", "课程思政示范课程数", "门", H, 20, 40, None, MON, JW, "JWC", 0, "count"),
        _spec("TEXTBOOK", "新形态教材出版数（年度累计）", "部", H, None, 12, None, MON, JW, "JWC", 0, "ytd"),
    ],
    "A26-06": [
        _spec("COURSE-PASS", "课程合格率", "%", H, 90, 96, 88, MON, JW, "JWC", 1, "trend", 2),
        _spec("ATTEND", "学生到课率", "%", H, None, 98, 92, MON, CLOUD, "JWC", 1, "trend"),
        _spec("CLASS-SIZE", "平均教学班额", "人", L, None, 40, None, MON, JW, "JWC", 1, "trend"),
    ],
    "A26-07": [
        _spec("DUAL-RATIO", "“双师型”教师占专业课教师比例", "%", H, 70, 85, 65, MON, RS, "RSC", 1, "trend"),
        _spec("SSR", "生师比", "生/师", L, 19.5, 16, 18, MON, RS, "RSC", 1, "trend"),
        _spec("SENIOR", "高级职称专任教师比例", "%", H, 25, 35, 20, MON, RS, "RSC", 1, "trend"),
    ],
    "A26-08": [
        _spec("TRAIN-HOURS", "专任教师人均年度培训学时", "学时", H, None, 72, None, MON, "教师发展服务平台",
              "JSFZ", 0, "ytd", 2),
        _spec("TEAM", "省级以上教师教学创新团队数", "个", H, 3, 6, None, MON, RS, "RSC", 0, "count"),
    ],
    "A26-09": [
        _spec("RESEARCH-PROJ", "市厅级以上科研项目立项数（年度累计）", "项", H, None, 60, None, MON, KY,
              "KJC", 0, "ytd", 2),
        _spec("PATENT", "授权发明专利数（年度累计）", "件", H, None, 20, None, MON, KY, "KJC", 0, "ytd"),
    ],
    "A26-10": [
        _spec("SERVICE-INCOME", "横向技术服务到账经费（年度累计）", "万元", H, None, 1500, None, MON, KY,
              "KJC", 0, "ytd", 2),
        _spec("CONT-EDU", "社会培训规模（年度累计）", "万人日", H, None, 5, None, MON, "继续教育管理系统",
              "JJY", 2, "ytd"),
    ],
    "A26-11": [
        _spec("DATA-SYS", "校本数据中心已对接业务系统数", "个", H, 12, 24, None, MON, "校本数据中心", "XXZX",
              0, "count", 2),
        _spec("DATA-FIX", "数据质量问题整改率", "%", H, None, 100, 80, MON, "校本数据中心", "XXZX", 1,
              "trend"),
    ],
    "A26-12": [
        _spec("PLATFORM-USE", "四平台师生月活跃率", "%", H, None, 90, 60, MON, "网上事务服务大厅", "XXZX", 1,
              "trend"),
        _spec("SYS-RECOVERY", "业务系统故障平均恢复时长", "小时", L, 12, 4, None, MON, "网上事务服务大厅",
              "XXZX", 1, "trend"),
    ],
    "A26-13": [
        _spec("STU-SAT", "学生满意度", "%", H, 85, 93, 80, MON, XS, "XGC", 1, "trend", 2),
        _spec("DROPOUT", "学生流失率", "%", L, 3, 1.5, 3.5, MON, XG, "XGC", 2, "trend"),
    ],
    "A26-14": [
        _spec("FITNESS", "学生体质健康测试合格率", "%", H, 88, 95, 85, ANN, XG, "XGC", 1, "trend"),
        _spec("MENTAL", "心理健康普查覆盖率", "%", H, None, 100, 95, MON, XG, "XGC", 1, "trend"),
    ],
    "A26-15": [
        _spec("ZG-REPORT", "各层面诊改报告按期提交率", "%", H, None, 100, 90, MON, QMS, "ZGB", 0, "trend"),
        _spec("TASK-DONE", "年度目标任务按期完成率", "%", H, None, 95, 80, MON, "目标任务管理系统", "ZZB", 1,
              "trend", 2),
        _spec("BUDGET-EXEC", "预算执行率（序时进度达成）", "%", H, None, 95, 80, MON, "财务管理系统", "CWC",
              1, "trend"),
    ],
    "A26-16": [
        _spec("QC-AWARE", "师生质量文化知晓率（问卷）", "%", H, 70, 95, None, ANN, QMS, "XCB", 1, "trend"),
        _spec("QC-CASE", "质量改进典型案例数（年度累计）", "个", H, None, 12, None, MON, QMS, "ZGB", 0,
              "ytd"),
    ],
    "A26-17": [
        _spec("ABROAD", "境外研修访学教师数（年度累计）", "人", H, None, 40, None, MON, RS, "GJC", 0, "ytd"),
        _spec("INTL-STU", "来华留学生在校生规模", "人", H, 50, 120, None, MON, XG, "GJC", 0, "trend"),
        _spec("INTL-STD", "被境外采用的专业教学标准数", "个", H, None, 6, None, MON, JW, "GJC", 0, "count"),
    ],
    "A26-18": [
        _spec("EQUIP", "生均教学科研仪器设备值", "万元", H, 1.2, 1.6, 1, MON, "资产管理系统", "ZCC", 2,
              "trend"),
        _spec("LAB-AREA", "生均教学实践场所面积", "平方米", H, 8, 10, None, MON, "资产管理系统", "ZCC", 1,
              "trend"),
    ],
    "A26-19": [
        _spec("SERVICE-SAT", "后勤服务满意度", "%", H, 80, 92, 75, MON, "网上事务服务大厅", "HQ", 1, "trend"),
        _spec("ACCIDENT", "校园安全责任事故数", "起", L, 1, 0, None, MON, "平安校园管理系统", "HQ", 0,
              "level"),
    ],
    "A26-20": [
        _spec("FUNDING", "生均财政拨款水平", "万元", H, 1.2, 1.5, 1.2, MON, "财务管理系统", "CWC", 2,
              "trend"),
        _spec("INCOME", "社会服务与捐赠收入（年度累计）", "万元", H, None, 800, None, MON, "财务管理系统",
              "CWC", 0, "ytd"),
    ],
}

# 标准链: code, name, level, school metric codes it specifies
STANDARDS: list[tuple[str, str, str, list[str]]] = [
    ("STD-SCH", "学校发展目标年度考核标准", "SCHOOL",
     ["EMP-RATE", "EMP-MATCH", "EMPLOYER-SAT", "STU-SAT", "RESEARCH-PROJ", "SERVICE-INCOME", "HQ-MAJOR",
      "DATA-SYS", "PLATFORM-USE", "INTL-STU"]),
    ("STD-BASE", "办学基本条件合格标准（底线）", "SCHOOL",
     ["SSR", "DUAL-RATIO", "SENIOR", "DROPOUT", "EQUIP", "LAB-AREA", "FUNDING"]),
    ("STD-DEPT", "部门岗位工作标准", "SCHOOL", ["ZG-REPORT", "TASK-DONE", "BUDGET-EXEC", "QC-CASE"]),
    ("STD-MAJ-BUILD", "专业建设标准", "MAJOR", ["HQ-MAJOR", "APPRENTICE", "BASE", "MAJ-REPORT"]),
    ("STD-MAJ-TEACH", "专业教学标准", "MAJOR", ["CERT-RATE", "SKILL-AWARD"]),
    ("STD-CRS-BUILD", "课程建设标准", "COURSE", ["ONLINE-COURSE", "IDEO-COURSE", "TEXTBOOK"]),
    ("STD-CRS-TEACH", "课程教学标准", "COURSE", ["COURSE-PASS", "ATTEND", "CLASS-SIZE"]),
    ("STD-TCH", "教师发展标准", "TEACHER", ["TRAIN-HOURS", "TEAM", "RESEARCH-PROJ"]),
    ("STD-STU", "学生发展标准", "STUDENT", ["STU-SAT", "FITNESS", "MENTAL"]),
]

# 专业 (SEMESTER); EMP gets its baseline and target from the 专业 tier
MAJOR_METRICS = [
    _spec("EMP", "{}专业就业率", "%", H, 90, 97, 88, SEM, XG, "", 1, "trend", 2),
    _spec("MATCH", "{}专业对口率", "%", H, 65, 80, 60, SEM, MYCOS, "", 1, "trend"),
    _spec("CERT", "{}专业职业技能等级证书获取率", "%", H, 50, 80, 40, SEM, JW, "", 1, "trend"),
    _spec("SAT", "{}专业毕业生满意度", "%", H, 85, 95, 80, SEM, MYCOS, "", 1, "trend"),
    _spec("DUAL", "{}专业教学团队“双师型”教师比例", "%", H, 60, 85, 50, SEM, RS, "", 1, "trend"),
    _spec("ENROLL", "{}专业新生报到率", "%", H, 85, 95, 80, SEM, "招生管理系统", "", 1, "trend"),
]
# 课程: 课程建设 QUARTERLY, 课程教学 HALF_MONTHLY
COURSE_METRICS = [
    _spec("BUILD", "《{}》课程建设任务完成度", "%", H, None, 100, None, QTR, "目标任务管理系统", "", 0,
          "count"),
    _spec("RES", "《{}》数字化教学资源更新率", "%", H, 40, 80, None, QTR, CLOUD, "", 1, "trend"),
    _spec("GOAL", "《{}》课程目标达成度", "%", H, 70, 90, 65, HALF, CLOUD, "", 1, "trend", 2),
    _spec("PASS", "《{}》课程合格率", "%", H, 85, 96, 80, HALF, JW, "", 1, "trend"),
    _spec("ATT", "《{}》学生到课率", "%", H, None, 98, 90, HALF, CLOUD, "", 1, "trend"),
]
# 教师 (SEMESTER)
TEACHER_METRICS = [
    _spec("TRAIN", "{}年度培训学时", "学时", H, None, 72, None, SEM, "教师发展服务平台", "JSFZ", 0, "ytd"),
    _spec("EVAL", "{}学生评教得分", "分", H, 80, 95, 75, SEM, JW, "", 1, "trend", 2),
    _spec("PRAC", "{}企业实践天数（年度累计）", "天", H, None, 30, None, SEM, RS, "RSC", 0, "ytd"),
    _spec("PROJ", "{}主持科研与教改项目数（聘期累计）", "项", H, None, 3, None, SEM, KY, "KJC", 0, "count"),
    _spec("ERR", "{}教学事故与差错次数", "次", L, 2, 0, None, SEM, JW, "", 0, "level"),
]
# 学生三年成长目标 and 年度成长目标 (MONTHLY)
STUDENT_3Y_METRICS = [
    _spec("CERT", "{}已获职业技能等级证书数", "本", H, None, 2, None, MON, XS, "", 0, "count"),
    _spec("CREDIT", "{}累计学分获取进度", "%", H, None, 100, 60, MON, JW, "", 1, "trend", 2),
    _spec("PRACT", "{}实践教学学时完成率", "%", H, None, 100, None, MON, JW, "", 1, "trend"),
    _spec("QUAL", "{}综合素质测评得分", "分", H, 60, 90, 60, MON, XS, "", 1, "trend"),
    _spec("AWARD", "{}技能竞赛与创新创业获奖数", "项", H, None, 1, None, MON, XS, "", 0, "count"),
]
STUDENT_Y_METRICS = [
    _spec("PTS", "{}年度成长积分", "分", H, None, 100, None, MON, XS, "", 0, "ytd", 2),
    _spec("ATT", "{}个人到课率", "%", H, None, 98, 85, MON, CLOUD, "", 1, "trend"),
    _spec("GPA", "{}课程平均学分绩点", "分", H, 2, 3.5, 1.5, MON, JW, "", 2, "trend"),
    _spec("ABS", "{}旷课学时（年度累计）", "学时", L, 20, 0, 30, MON, XG, "", 0, "level"),
    _spec("SPORT", "{}阳光体育锻炼达标率", "%", H, None, 100, 60, MON, XS, "", 1, "trend"),
]

# 省级层面 (province scale only)
PRV_UNITS: list[tuple[str, str, str, str | None]] = [
    ("PRV-JYT", f"{PROVINCE_NAME}教育厅", "DECISION", None),
    ("PRV-ZJC", f"{PROVINCE_NAME}教育厅职业教育与继续教育处", "DECISION", "PRV-JYT"),
    ("PRV-KCZX", f"{PROVINCE_NAME}职业教育专业与课程建设指导中心", "GENERATION", "PRV-JYT"),
    ("PRV-SZPX", f"{PROVINCE_NAME}职业院校“双师型”教师培训中心", "RESOURCE", "PRV-JYT"),
    ("PRV-SJZX", f"{PROVINCE_NAME}教育数据中心", "SUPPORT", "PRV-JYT"),
    ("PRV-ZGW", f"{PROVINCE_NAME}职业院校诊断与改进专家委员会", "SUPERVISION", "PRV-JYT"),
    ("PRV-PGY", f"{PROVINCE_NAME}教育评估院", "SUPERVISION", "PRV-JYT"),
]
PRV_PLANS = [
    ("PRV-PL-EDU", f"{PROVINCE_NAME}教育事业发展五年规划", None),
    ("PRV-PL-VOC", f"{PROVINCE_NAME}职业教育高质量发展行动计划", "PRV-PL-EDU"),
    ("PRV-PL-ZG", f"{PROVINCE_NAME}高职院校内部质量保证体系诊断与改进工作方案", "PRV-PL-VOC"),
]
# id, name, owner, derived_from
PRV_GOALS = [
    ("PRV-G-EMP", "全省高职毕业生就业质量稳步提升", "PRV-ZJC", ["PRV-PL-VOC"]),
    ("PRV-G-MAJOR", "建成一批国家级、省级高水平专业群和优质课程", "PRV-KCZX", ["PRV-PL-VOC"]),
    ("PRV-G-FACULTY", "“双师型”教师队伍建设水平走在全国前列", "PRV-SZPX", ["PRV-PL-VOC"]),
    ("PRV-G-SERVICE", "职业院校服务产业发展与对外开放能力显著增强", "PRV-ZJC", ["PRV-PL-VOC"]),
    ("PRV-G-DIGITAL", "职业教育数字化转型与数据治理全面推进", "PRV-SJZX", ["PRV-PL-EDU"]),
    ("PRV-G-QA", "高职院校内部质量保证体系全面建成并有效运行", "PRV-ZGW", ["PRV-PL-ZG"]),
]
PRV_METRICS: dict[str, list[MetricSpec]] = {
    "PRV-G-EMP": [
        _spec("EMP", "全省高职毕业生去向落实率", "%", H, 90, 96, 88, MON, "省教育数据中心", "PRV-ZJC", 1,
              "trend"),
        _spec("CERT", "全省高职学生职业技能等级证书获取率", "%", H, 55, 75, None, MON, "省教育数据中心",
              "PRV-ZJC", 1, "trend"),
    ],
    "PRV-G-MAJOR": [
        _spec("HQ", "省级以上高水平专业群数", "个", H, 40, 60, None, MON, "省教育数据中心", "PRV-KCZX", 0,
              "count"),
    ],
    "PRV-G-FACULTY": [
        _spec("DUAL", "全省高职“双师型”教师比例", "%", H, 60, 75, 55, MON, "省教育数据中心", "PRV-SZPX", 1,
              "trend"),
    ],
    "PRV-G-SERVICE": [
        _spec("INCOME", "全省高职横向技术服务到账经费（年度累计）", "亿元", H, None, 12, None, MON,
              "省教育数据中心", "PRV-ZJC", 2, "ytd"),
    ],
    "PRV-G-DIGITAL": [
        _spec("DATA", "数据按期上报院校占比", "%", H, None, 100, 90, MON, "省教育数据中心", "PRV-SJZX", 0,
              "trend"),
    ],
    "PRV-G-QA": [
        _spec("REVIEW", "诊改复核“有效”院校占比", "%", H, 60, 90, None, ANN, "省教育评估院", "PRV-PGY", 0,
              "trend"),
        _spec("REPORT", "高职院校质量年报按期发布率", "%", H, None, 100, 95, MON, "省教育评估院", "PRV-PGY",
              0, "trend"),
    ],
}

SCHOOL_TERM = (date(2024, 1, 1), date(2028, 12, 31))  # 党代会五年目标期
YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))
MAJOR_TERM = (date(2024, 9, 1), date(2027, 8, 31))  # 专业 three-year cycle
COURSE_TERM = (date(2025, 1, 1), date(2026, 12, 31))
TEACHER_TERM = (date(2024, 1, 1), date(2026, 12, 31))  # 聘期

# ---------------------------------------------------------------------------------------------
# Observation schedule
# ---------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _schedule(frequency: str) -> list[date]:
    """The reading dates of a frequency between FIRST_DAY and LAST_DAY."""
    months = [(2025 + (10 + i) // 12, (10 + i) % 12 + 1) for i in range(12)]  # 2025-11 … 2026-10
    if frequency == MON:
        return [_month_end(y, m) for y, m in months]
    if frequency == HALF:
        return [d for y, m in months for d in (date(y, m, 15), _month_end(y, m))]
    if frequency == QTR:
        return [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]
    if frequency == SEM:
        return [date(2026, 1, 20), date(2026, 7, 10)]  # end of each semester
    return [date(2026, 7, 1)]


def _quarter_last(dates: list[date]) -> list[int]:
    """Indexes of the last date in each quarter Nov–Jan, Feb–Apr, May–Jul, Aug–Oct."""
    last: dict[int, int] = {}
    for i, d in enumerate(dates):
        last[(d.year * 12 + d.month - (2025 * 12 + 11)) // 3] = i
    return [last[q] for q in sorted(last)]


@dataclass(frozen=True)
class Schedule:
    dates: list[date]
    iso: list[str]
    year_frac: list[float]  # fraction of its calendar year elapsed at each date
    keep: list[int]  # indexes written to observations.csv


def _schedules(quarterly: bool) -> dict[str, Schedule]:
    out = {}
    for freq in (HALF, MON, QTR, SEM, ANN):
        dates = _schedule(freq)
        keep = _quarter_last(dates) if quarterly else list(range(len(dates)))
        fracs = [d.timetuple().tm_yday / 365 for d in dates]
        out[freq] = Schedule(dates, [d.isoformat() for d in dates], fracs, keep)
    return out


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

CSV_TABLES: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "name", "level", "unit", "tier", "category", "major"),
    "goals": ("id", "name", "level", "aggregate", "owner", "subject", "period_start", "period_end",
              "derived_from"),
    "supports": ("goal", "parent", "weight"),
    "metrics": ("id", "name", "unit", "direction", "baseline", "target", "floor", "frequency", "source",
                "owner"),
    "measures": ("metric", "goal", "weight"),
    "observations": ("metric", "at", "value", "source"),
}


def _num(v: float | None) -> str:
    """A number as CSV/YAML text: integral values without a decimal point."""
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


class _Sink:
    """The open CSV writers of a dataset folder, counting rows per kind."""

    def __init__(self, out: Path) -> None:
        self.handles: list[TextIO] = []
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = dict.fromkeys((*NODE_KINDS, *LINK_KINDS), 0)
        self.yaml: dict[str, list[dict[str, Any]]] = {k: [] for k in ("units", "plans", "standards", "tasks")}
        for kind, header in CSV_TABLES.items():
            handle = (out / f"{kind}.csv").open("w", encoding="utf-8", newline="")
            self.handles.append(handle)
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            self.writers[kind] = writer.writerow

    def row(self, kind: str, values: list[Any]) -> None:
        self.writers[kind](values)
        self.counts[kind] += 1

    def record(self, kind: str, rec: dict[str, Any]) -> None:
        """A small record for dataset.yaml (None and empty lists dropped)."""
        self.yaml[kind].append({k: v for k, v in rec.items() if v is not None and v != []})
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _write_yaml(path: Path, data: dict[str, list[dict[str, Any]]], title: str) -> None:
    header = (f"# {title} — 诊改知识图谱合成数据集（虚构数据）\n"
              "# Generated by zhengai.graph_loader.synthetic; subjects, goals, metrics, their links and\n"
              "# observations are in the CSV files of this folder.\n")
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=120)
    path.write_text(header + body, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------------------------


class _Generator:
    """Writes goals and metrics with their links and observations; shared by all layers."""

    def __init__(self, sink: _Sink, rng: random.Random, schedules: dict[str, Schedule],
                 tick: Callable[[], None]) -> None:
        self.sink = sink
        self.rng = rng
        self.schedules = schedules
        self.tick = tick

    def goal(self, gid: str, name: str, level: str, owner: str, subject: str | None,
             period: tuple[date, date], plans: list[str], supports: list[tuple[str, float]],
             aggregate: str | None = None) -> None:
        self.sink.row("goals", [gid, name, level, aggregate, owner, subject, period[0].isoformat(),
                                period[1].isoformat(), ";".join(plans)])
        for parent, weight in supports:
            self.sink.row("supports", [gid, parent, _num(weight)])
        self.tick()

    def metric(self, mid: str, name: str, spec: MetricSpec, owner: str, goal: str, q: float,
               baseline: float | None = None, target: float | None = None) -> None:
        b = spec.baseline if baseline is None else baseline
        t = spec.target if target is None else target
        self.sink.row("metrics", [mid, name, spec.unit, spec.direction, _num(b), _num(t), _num(spec.floor),
                                  spec.frequency, spec.source, owner])
        self.sink.row("measures", [mid, goal, _num(spec.weight)])
        self.observe(mid, spec, b, t, q)

    def observe(self, mid: str, spec: MetricSpec, b: float | None, t: float, q: float) -> None:
        rng = self.rng
        sched = self.schedules[spec.frequency]
        q = min(1.08, max(0.05, q + rng.gauss(0, 0.07)))
        values = _series(rng, spec, b, t, q, sched)
        r = rng.random()
        if r < 0.03:  # 数据未接入: no observation at all
            return
        n = len(values)
        stop = rng.randrange(max(1, n // 2), n) if r < 0.05 and n > 2 else n  # 停止推送 → stale
        write = self.sink.row
        for i in sched.keep:
            if i >= stop:
                break
            write("observations", [mid, sched.iso[i], _num(values[i]), None])


def _value(direction: str, b: float | None, t: float, a: float) -> float:
    """The value whose attainment (design.md §2, unclipped) is ``a``."""
    if direction == H:
        return b + a * (t - b) if b is not None else a * t
    return b - a * (b - t) if b is not None else t / max(a, 0.3)


def _series(rng: random.Random, spec: MetricSpec, b: float | None, t: float, q: float,
            sched: Schedule) -> list[float]:
    """Readings at every date of ``sched``; the last has attainment about ``q``."""
    n = len(sched.dates)
    d = spec.direction
    latest = _value(d, b, t, q)
    shape = spec.shape
    if shape == "ytd":  # 年度累计: grows through the year to ``latest`` at the last date, resets in January
        fr = sched.year_frac
        pace = latest / fr[-1]
        prev = pace * rng.uniform(0.85, 1.0)
        year = sched.dates[-1].year
        raw = [(pace if sched.dates[i].year == year else prev) * fr[i] for i in range(n)]
    elif shape == "level":
        raw = [_value(d, b, t, min(1.08, q + rng.gauss(0, 0.15))) for _ in range(n - 1)] + [latest]
    else:
        start = _value(d, b, t, q - rng.uniform(0.03, 0.25))
        scale = abs(t - b) if b is not None else abs(t)
        raw = [start + (latest - start) * i / (n - 1) for i in range(n)] if n > 1 else [latest]
        if shape == "trend":
            for i in range(1, n - 1):
                raw[i] += rng.gauss(0, 0.02 * scale)
    pct = spec.unit == "%"
    out: list[float] = []
    prev_v = 0.0
    for v in raw:
        v = max(0.0, min(100.0, v) if pct else v)
        v = round(v, spec.dec) if spec.dec else float(round(v))
        if shape == "count" and out:
            v = max(v, prev_v)
        out.append(v)
        prev_v = v
    return out


def _person(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    given = rng.choice(GIVEN_FIRST)
    if rng.random() < 0.75:
        given += rng.choice(GIVEN_SECOND)
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
    """One institution: writes its rows to the sink; holds only its majors and courses."""

    def __init__(self, sink: _Sink, shape: Shape, seed: int, index: int, province: bool,
                 schedules: dict[str, Schedule], tick: Callable[[], None]) -> None:
        self.sink = sink
        self.shape = shape
        self.rng = random.Random(f"zhengai-synthetic/{seed}/{index}")
        self.p = f"C{index + 1:02d}-" if province else ""
        self.province = province
        self.name = COLLEGE_NAMES[index % len(COLLEGE_NAMES)]
        self.gen = _Generator(sink, self.rng, schedules, tick)
        self.majors: list[_Major] = []

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
        p, sink = self.p, self.sink
        for uid, name, system, parent, leader in UNITS:
            sink.record("units", {"id": p + uid, "name": name, "system": system,
                                  "parent": p + parent if parent else None, "leader": leader})
        for fam in FAMILIES[: self.shape.schools]:
            sink.record("units", {"id": f"{p}XY-{fam.code}", "name": fam.name, "system": "GENERATION",
                                  "leader": "分管教学校领导"})

    def plans_and_subjects(self) -> None:
        p, sink, rng, shape = self.p, self.sink, self.rng, self.shape
        term = {"start": SCHOOL_TERM[0], "end": SCHOOL_TERM[1]}
        sink.record("plans", {"id": f"{p}PL-CONGRESS3", "name": f"中共{self.name}第三次代表大会报告"})
        for pid, name in PLANS_ACTION:
            sink.record("plans", {"id": p + pid, "name": name, "parent": f"{p}PL-CONGRESS3", "period": term})
        for pid, name, parent in PLANS_5Y:
            sink.record("plans", {"id": p + pid, "name": name, "parent": p + parent, "period": term})
        sink.row("subjects", [f"{p}SCH", self.name, "SCHOOL", f"{p}YB", None, None, None])

        n_majors = shape.schools * shape.majors_per_school
        counts = (max(1, n_majors // 10), max(1, n_majors // 5), max(1, n_majors * 3 // 10))  # 10/20/30 %
        tiers = [tier for tier, c in zip(TIERS, counts, strict=False) for _ in range(c)]
        tiers += [TIERS[3]] * (n_majors - len(tiers))
        rng.shuffle(tiers)
        k = 0
        for fam in FAMILIES[: shape.schools]:
            for name in fam.majors[: shape.majors_per_school]:
                k += 1
                sid = f"{p}MAJ-{k:03d}"
                unit = f"{p}XY-{fam.code}"
                self.majors.append(_Major(sid, name, tiers[k - 1], unit, fam, []))
                sink.row("subjects", [sid, name, "MAJOR", unit, tiers[k - 1], None, None])
                sink.record("plans", {"id": f"{p}PL-MAJ-{k:03d}", "name": f"{name}专业建设规划",
                                      "parent": f"{p}PL-5Y-MAJOR",
                                      "period": {"start": MAJOR_TERM[0], "end": MAJOR_TERM[1]}})
                sink.record("plans", {"id": f"{p}PL-CRS-{k:03d}", "name": f"{name}专业课程建设计划",
                                      "parent": f"{p}PL-MAJ-{k:03d}",
                                      "period": {"start": COURSE_TERM[0], "end": COURSE_TERM[1]}})
                for year in COHORTS:
                    sink.record("plans", {"id": f"{p}PL-STU-{k:03d}-{year}",
                                          "name": f"{name}专业{year}级学生个人成长规划",
                                          "parent": f"{p}PL-5Y-STUDENT",
                                          "period": {"start": date(year, 9, 1),
                                                     "end": date(year + 3, 6, 30)}})
        for fam in FAMILIES[: shape.schools]:
            sink.record("plans", {"id": f"{p}PL-TCH-{fam.code}", "name": f"{fam.name}教师个人发展规划",
                                  "parent": f"{p}PL-5Y-FACULTY",
                                  "period": {"start": TEACHER_TERM[0], "end": TEACHER_TERM[1]}})

        # 课程: names unique within the college (a shared name gets its 专业 appended)
        used: set[str] = set()
        n = 0
        for major, count in zip(self.majors, _split(shape.courses, n_majors), strict=True):
            family = list(major.family.courses)
            common = list(COMMON_COURSES)
            rng.shuffle(family)
            rng.shuffle(common)
            k1 = min(len(family), round(count * 0.56))
            k2 = min(len(common), round(count * 0.28))
            names = [(c, "") for c in family[:k1]] + [(c, "公共基础") for c in common[:k2]]
            names += [(t.format(major.name), "校企合作") for t in MAJOR_COURSES]
            while len(names) < count:  # more courses than names: numbered sequels
                names.append((f"{family[len(names) % len(family)]}（{len(names) // len(family) + 1}）", ""))
            for cname, category in names[:count]:
                n += 1
                if cname in used:
                    cname = f"{cname}（{major.name}）"
                used.add(cname)
                category = category or rng.choices(COURSE_CATEGORIES, (35, 25, 20, 20))[0]
                major.courses.append((n, cname))
                sink.row("subjects", [f"{p}CRS-{n:04d}", cname, "COURSE", major.unit, None, category,
                                      major.sid])

    def standards(self) -> None:
        p = self.p
        for sid, name, level, codes in STANDARDS:
            self.sink.record("standards", {"id": p + sid, "name": name, "level": level,
                                           "specifies": [f"{p}M-{c}" for c in codes]})

    # -- goals ----------------------------------------------------------------------------------
    def school_goals(self) -> None:
        p, gen = self.p, self.gen
        for code, name, owner, plans, prv in SCHOOL_TARGETS:
            sup = [(g, 1.0) for g in prv] if self.province else []
            gen.goal(p + code, name, "SCHOOL", p + owner, f"{p}SCH", SCHOOL_TERM, [p + x for x in plans], sup)
        plan_of = {code: plans[0] for code, _n, _o, plans, _p in SCHOOL_TARGETS}
        q_school = self.rng.uniform(0.78, 0.92)
        for code, name, owner, sup, agg in ANNUAL_TASKS:
            plans = sorted({p + plan_of[s] for s, _ in sup})
            gen.goal(p + code, name, "SCHOOL", p + owner, f"{p}SCH", YEAR_2026, plans,
                     [(p + s, w) for s, w in sup], agg)
            for spec in SCHOOL_METRICS[code]:
                gen.metric(f"{p}M-{spec.code}", spec.name, spec, p + spec.owner, p + code, q_school)

    def major_goals(self) -> None:
        p, gen, rng = self.p, self.gen, self.rng
        for k, major in enumerate(self.majors, 1):
            gid = f"{p}G-MAJ-{k:03d}"
            sup = [(f"{p}A26-03", TIER_WEIGHT[major.tier])]
            if rng.random() < 0.10:  # 就业导向: the 专业 goal also serves the employment task
                sup.append((f"{p}A26-01", 1.0))
            gen.goal(gid, f"{major.name}专业建设目标（{major.tier}专业）", "MAJOR", major.unit, major.sid,
                     MAJOR_TERM, [f"{p}PL-MAJ-{k:03d}"], sup)
            q = {"标杆": 0.9, "品牌": 0.86, "骨干": 0.82, "其他": 0.76}[major.tier] + rng.gauss(0, 0.06)
            base, target = TIER_TARGET[major.tier]
            for spec in MAJOR_METRICS:
                owner = p + spec.owner if spec.owner else major.unit
                b, t = (base, target) if spec.code == "EMP" else (None, None)
                gen.metric(f"{p}M-MAJ-{k:03d}-{spec.code}", spec.name.format(major.name), spec, owner, gid, q,
                           b, t)

    def course_goals(self) -> None:
        p, gen, rng = self.p, self.gen, self.rng
        for k, major in enumerate(self.majors, 1):
            others = [i for i in range(1, len(self.majors) + 1) if i != k]
            for c, cname in major.courses:
                gid = f"{p}G-CRS-{c:04d}"
                sup = [(f"{p}G-MAJ-{k:03d}", 1.0)]
                if others and rng.random() < 0.10:  # a course serving two 专业
                    sup.append((f"{p}G-MAJ-{rng.choice(others):03d}", 0.5))
                gen.goal(gid, f"《{cname}》课程建设与教学目标", "COURSE", major.unit, f"{p}CRS-{c:04d}",
                         COURSE_TERM, [f"{p}PL-CRS-{k:03d}"], sup)
                q = rng.gauss(0.84, 0.08)
                for spec in COURSE_METRICS:
                    gen.metric(f"{p}M-CRS-{c:04d}-{spec.code}", spec.name.format(cname), spec,
                               major.unit, gid, q)

    def teacher_goals(self) -> None:
        p, gen, rng, sink = self.p, self.gen, self.rng, self.sink
        n = 0
        for major, count in zip(self.majors, _split(self.shape.teachers, len(self.majors)), strict=True):
            courses = major.courses
            for j in range(count):
                n += 1
                tid = f"{p}TCH-{n:04d}"
                name = _person(rng)
                sink.row("subjects", [tid, name, "TEACHER", major.unit, None, None, major.sid])
                first = j % len(courses)
                sup = [(f"{p}G-CRS-{courses[first][0]:04d}", 1.0)]
                if len(courses) > 1 and rng.random() < 0.10:  # teaches a second course
                    second = (first + rng.randrange(1, len(courses))) % len(courses)
                    sup.append((f"{p}G-CRS-{courses[second][0]:04d}", 1.0))
                gid = f"{p}G-TCH-{n:04d}"
                gen.goal(gid, f"{name}个人发展目标（聘期）", "TEACHER", major.unit, tid, TEACHER_TERM,
                         [f"{p}PL-TCH-{major.family.code}"], sup)
                q = rng.gauss(0.82, 0.1)
                for spec in TEACHER_METRICS:
                    owner = p + spec.owner if spec.owner else major.unit
                    gen.metric(f"{p}M-TCH-{n:04d}-{spec.code}", spec.name.format(name), spec, owner, gid, q)

    def student_goals(self) -> None:
        p, gen, rng, sink = self.p, self.gen, self.rng, self.sink
        n = 0
        for k, (major, count) in enumerate(
                zip(self.majors, _split(self.shape.students, len(self.majors)), strict=True), 1):
            courses = major.courses
            for year, per_year in zip(COHORTS, _split(count, len(COHORTS)), strict=True):
                period_3y = (date(year, 9, 1), date(year + 3, 6, 30))
                period_1y = (YEAR_2026[0], min(YEAR_2026[1], period_3y[1]))  # 毕业年级 ends in June
                for _ in range(per_year):
                    n += 1
                    sid = f"{p}STU-{n:05d}"
                    local = f"STU-{n:05d}"
                    name = _person(rng)
                    sink.row("subjects", [sid, name, "STUDENT", major.unit, None, None, major.sid])
                    plans = [f"{p}PL-STU-{k:03d}-{year}"]
                    g3, g1 = f"{p}G-{local}-3Y", f"{p}G-{local}-Y26"
                    sup = [(f"{p}G-MAJ-{k:03d}", 1.0)]
                    if rng.random() < 0.10:  # 三年成长目标 also supports a course goal
                        sup.append((f"{p}G-CRS-{rng.choice(courses)[0]:04d}", 0.5))
                    gen.goal(g3, f"{name}三年成长目标（{major.name}专业{year}级）", "STUDENT", major.unit,
                             sid, period_3y, plans, sup)
                    sup = [(g3, 1.0)]
                    if rng.random() < 0.10:  # 年度成长目标 also supports a course goal
                        sup.append((f"{p}G-CRS-{rng.choice(courses)[0]:04d}", 0.5))
                    gen.goal(g1, f"{name}2026年度成长目标", "STUDENT", major.unit, sid, period_1y, plans, sup)
                    q = min(1.05, max(0.3, rng.gauss(0.86, 0.1)))
                    for spec in STUDENT_3Y_METRICS:
                        gen.metric(f"{p}M-{local}-{spec.code}", spec.name.format(name), spec,
                                   major.unit, g3, q)
                    for spec in STUDENT_Y_METRICS:
                        gen.metric(f"{p}M-{local}-{spec.code}", spec.name.format(name), spec,
                                   major.unit, g1, q)

    # -- 一页纸项目管理 tasks ---------------------------------------------------------------------
    def tasks(self) -> None:
        p, rng, sink = self.p, self.rng, self.sink
        colleges = [f"{p}XY-{f.code}" for f in FAMILIES[: self.shape.schools]]
        leaders = {u[0]: u[4] for u in UNITS}
        for i, (code, name, owner, _sup, _agg) in enumerate(ANNUAL_TASKS, 1):
            helpers = sorted(rng.sample(colleges, min(2, len(colleges))))
            sink.record("tasks", self._task(f"{p}T26-{i:02d}", name.replace("目标", "") + "项目", [p + code],
                                            p + owner, helpers, leaders[owner], "年度目标任务完成情况报告"))
        for k, major in enumerate(self.majors, 1):
            if major.tier in ("标杆", "品牌"):
                name = f"{major.name}{major.tier}专业（群）建设"
                sink.record("tasks", self._task(f"{p}T26-MAJ-{k:03d}", name,
                                                [f"{p}A26-03", f"{p}G-MAJ-{k:03d}"], major.unit, [f"{p}JWC"],
                                                "分管教学校领导", "专业（群）建设年度报告"))
        for fam in FAMILIES[: self.shape.schools]:
            goals = [f"{p}G-MAJ-{k:03d}" for k, m in enumerate(self.majors, 1) if m.family is fam]
            name = f"{fam.name}专业与课程层面诊改运行"
            sink.record("tasks", self._task(f"{p}T26-XY-{fam.code}", name, goals, f"{p}XY-{fam.code}",
                                            [f"{p}ZGB"], "分管教学校领导", "诊改报告"))

    def _task(self, tid: str, name: str, advances: list[str], lead: str, units: list[str], leader: str,
              deliverable: str) -> dict[str, Any]:
        rng = self.rng
        start = date(2026, rng.randint(1, 4), 1)
        due = _month_end(2026, rng.randint(6, 12))
        budget = float(rng.choice((0, 5, 10, 20, 30, 50, 80, 120, 200)))
        progress = round(min(1.0, rng.uniform(0.4, 1.1)), 2)
        spent = round(budget * min(1.2, progress * rng.uniform(0.8, 1.15)), 1)
        return {"id": tid, "name": name, "advances": advances, "lead_unit": lead, "units": units,
                "leader": leader, "start": start, "due": due, "budget": budget, "spent": spent,
                "deliverable": deliverable, "progress": progress}


def _province_layer(sink: _Sink, seed: int, schedules: dict[str, Schedule], tick: Callable[[], None]) -> None:
    """省级层面: units, plans, province goals (level SCHOOL) with their metrics, and tasks."""
    rng = random.Random(f"zhengai-synthetic/{seed}/province")
    gen = _Generator(sink, rng, schedules, tick)
    for uid, name, system, parent in PRV_UNITS:
        sink.record("units", {"id": uid, "name": name, "system": system, "parent": parent})
    for pid, name, parent in PRV_PLANS:
        sink.record("plans", {"id": pid, "name": name, "parent": parent,
                              "period": {"start": date(2021, 1, 1), "end": date(2025, 12, 31)}
                              if parent is None else {"start": date(2023, 1, 1), "end": date(2027, 12, 31)}})
    for gid, name, owner, plans in PRV_GOALS:
        gen.goal(gid, name, "SCHOOL", owner, None, SCHOOL_TERM, plans, [])
        for spec in PRV_METRICS[gid]:
            gen.metric(f"PRV-M-{spec.code}", spec.name, spec, spec.owner, gid, rng.uniform(0.75, 0.95))
    sink.record("standards", {"id": "PRV-STD-ZG",
                              "name": "高职院校内部质量保证体系诊断与改进指导方案（复核标准）",
                              "level": "SCHOOL", "specifies": ["PRV-M-REVIEW", "PRV-M-REPORT"]})
    sink.record("tasks", {"id": "PRV-T-01", "name": "全省高职院校诊改复核", "advances": ["PRV-G-QA"],
                          "lead_unit": "PRV-ZJC", "units": ["PRV-ZGW", "PRV-PGY"], "leader": "分管厅领导",
                          "start": date(2026, 3, 1), "due": date(2026, 12, 31), "budget": 60.0, "spent": 38.5,
                          "deliverable": "复核结论与改进建议", "progress": 0.6})
    sink.record("tasks", {"id": "PRV-T-02", "name": "职业教育数据中心与院校数据对接",
                          "advances": ["PRV-G-DIGITAL"],
                          "lead_unit": "PRV-SJZX", "units": ["PRV-ZJC"], "leader": "分管厅领导",
                          "start": date(2026, 1, 1), "due": date(2026, 9, 30), "budget": 300.0,
                          "spent": 276.0, "deliverable": "省级职业教育数据平台", "progress": 0.85})


def _goals_per_college(shape: Shape) -> int:
    return (len(SCHOOL_TARGETS) + len(ANNUAL_TASKS) + shape.schools * shape.majors_per_school + shape.courses
            + shape.teachers + 2 * shape.students)


def generate(scale: str, seed: int, out: Path,
             progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write a synthetic dataset of ``scale`` (one of :data:`SCALES`) into the folder ``out``.

    Returns the number of records written per kind: the node kinds (units, subjects, plans,
    standards, goals, metrics, tasks) and the rows of supports.csv, measures.csv and
    observations.csv. ``progress`` receives short messages (nothing is printed).
    """
    if scale not in SHAPES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    shape = SHAPES[scale]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda _msg: None)
    province = shape.colleges > 1
    schedules = _schedules(shape.quarterly_sample)
    total = shape.colleges * _goals_per_college(shape) + (len(PRV_GOALS) if province else 0)
    step = 10_000 if total > 50_000 else max(total, 1)
    sink = _Sink(out)

    def tick() -> None:
        n = sink.counts["goals"]
        if n % step == 0 or n == total:
            report(f"goals {n:,}/{total:,} · metrics {sink.counts['metrics']:,} · "
                   f"observations {sink.counts['observations']:,}")

    try:
        if province:
            _province_layer(sink, seed, schedules, tick)
        for i in range(shape.colleges):
            college = _College(sink, shape, seed, i, province, schedules, tick)
            report(f"college {i + 1}/{shape.colleges}: {college.name}")
            college.run()
    finally:
        sink.close()
    title = f"{PROVINCE_NAME}高职院校（{shape.colleges}所）" if province else COLLEGE_NAMES[0]
    _write_yaml(out / "dataset.yaml", sink.yaml, f"{title}，规模 {scale}，种子 {seed}")
    report(f"wrote {out}: " + ", ".join(f"{sink.counts[k]:,} {k}" for k in (*NODE_KINDS, *LINK_KINDS)))
    return dict(sink.counts)
