"""The table of names both generators draw on: what a 高职 college's plan calls things.

Offices (职能部门), 二级学院 with their 专业 and 课程, the plan chain, 学校发展目标 and 2026 年度任务,
metric templates, standards, data sources, terms, the name patterns of plans and goals, fictional
people's names and the provincial layer. Codes (``"EMP"``, ``"JWC"`` …) are stable keys: each
generator turns them into ids its own way (the demo ``S-EMP``, the synthetic ``S-01``) and the demo
states where its college's own plan words a thing otherwise. All institutions and people are fictional;
专业 names follow the 高职 专业目录.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple


class Period(NamedTuple):
    """A goal's or plan's period (first and last day)."""

    start: date
    end: date


# ---------------------------------------------------------------------------------------------
# Terms and name patterns of the plan and goal chains
# ---------------------------------------------------------------------------------------------

SCHOOL_TERM = Period(date(2024, 1, 1), date(2028, 12, 31))  # 党代会五年目标期
YEAR_2026 = Period(date(2026, 1, 1), date(2026, 12, 31))  # 年度任务
MAJOR_TERM = Period(date(2024, 9, 1), date(2027, 8, 31))  # 专业 three-year cycle
COURSE_TERM = Period(date(2025, 1, 1), date(2026, 12, 31))
TEACHER_TERM = Period(date(2024, 1, 1), date(2026, 12, 31))  # 聘期


def student_terms(entry_year: int) -> tuple[Period, Period]:
    """A student's 三年成长 period and its 2026 share (the 毕业年级's ends in June)."""
    three_years = Period(date(entry_year, 9, 1), date(entry_year + 3, 6, 30))
    return three_years, Period(YEAR_2026.start, min(YEAR_2026.end, three_years.end))


MAJOR_PLAN = "{}专业建设规划"
COURSE_PLAN = "{}专业课程建设计划"  # the 专业's
TEACHER_PLAN = "{}教师个人发展规划"
STUDENT_PLAN = "{}个人成长规划"
MAJOR_GOAL = "{}专业建设目标（{}专业）"  # name, tier
COURSE_GOAL = "《{}》课程建设与教学目标"
TEACHER_GOAL = "{}个人发展目标（聘期）"
STUDENT_GOAL = "{}三年成长目标（{}）"  # name, a note on the student
STUDENT_YEAR_GOAL = "{}2026年度成长目标"

# ---------------------------------------------------------------------------------------------
# Offices (职能部门, 五纵) and 二级学院 (GENERATION units) with their 专业 and 课程
# ---------------------------------------------------------------------------------------------


class Office(NamedTuple):
    """A 职能部门: its 五纵 system, 分管校领导 and the office it belongs to."""

    name: str
    system: str
    leader: str
    parent: str | None = None


OFFICES: dict[str, Office] = {
    "DB": Office("党委办公室", "DECISION", "党委书记"),
    "YB": Office("院长办公室", "DECISION", "校长"),
    "ZZB": Office("组织部", "DECISION", "党委副书记"),
    "FGC": Office("发展规划处", "DECISION", "校长"),
    "JWC": Office("教务处", "GENERATION", "分管教学校领导"),
    "RSC": Office("人事处", "RESOURCE", "分管教师发展校领导"),
    "CWC": Office("财务处", "RESOURCE", "校长"),
    "KJC": Office("科技处", "RESOURCE", "分管科研校领导"),
    "ZCC": Office("国有资产管理处", "RESOURCE", "分管后勤校领导"),
    "XXZX": Office("信息中心", "SUPPORT", "分管信息化校领导"),
    "XGC": Office("学生工作处", "SUPPORT", "分管学生校领导"),
    "JSFZ": Office("教师发展中心", "SUPPORT", "分管教师发展校领导", "RSC"),
    "JJY": Office("继续教育学院", "SUPPORT", "分管科研校领导"),
    "XCB": Office("宣传部", "SUPPORT", "党委副书记"),
    "GJC": Office("国际交流与合作处", "SUPPORT", "分管外事校领导"),
    "HQ": Office("后勤服务中心", "SUPPORT", "分管后勤校领导"),
    "ZGB": Office("质量管理办公室", "SUPERVISION", "分管诊改工作校领导"),
    "GFS": Office("改革发展办公室", "SUPERVISION", "分管诊改工作校领导"),
    "SJC": Office("审计处", "SUPERVISION", "纪委书记"),
    "GJS": Office("高等教育研究所", "SUPERVISION", "分管诊改工作校领导", "ZGB"),
}
TEACHING_LEADER = "分管教学校领导"  # leads every 二级学院 (and 教务处)


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
FAMILY: dict[str, Family] = {f.code: f for f in FAMILIES}

COMMON_COURSES = _words(
    "思想道德与法治 毛泽东思想和中国特色社会主义理论体系概论 习近平新时代中国特色社会主义思想概论 "
    "形势与政策 高等数学 大学英语 信息技术 体育与健康 大学生心理健康教育 职业生涯规划 创新创业基础 "
    "劳动教育 军事理论 中华优秀传统文化"
)
MAJOR_COURSES = ("{}专业综合实训", "{}岗位实习", "{}毕业设计", "{}专业导论")
COURSE_CATEGORIES = ("校企合作", "立项建设", "在线开放", "专业核心")  # 课程类别
TIERS = ("标杆", "品牌", "骨干", "其他")  # 专业层次
TIER_WEIGHT = {"标杆": 3, "品牌": 2, "骨干": 1.5, "其他": 1}  # in the 年度专业建设任务
TIER_TARGET = {"标杆": (90, 98), "品牌": (90, 97), "骨干": (89, 96), "其他": (88, 95)}  # 专业就业率

# ---------------------------------------------------------------------------------------------
# Fictional people and institutions
# ---------------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_FIRST = "子梓浩宇思欣雨诗俊嘉一晨佳文志建晓海天明静婷雅博睿语可若家振国永春秋紫书明慧新"
GIVEN_SECOND = "涵轩然桐琪怡杰远阳诺馨懿城华泽嫣辰宁航铭瑶萱琳妍轩豪杰伟芳娜敏丽强磊军洋勇艳娟涛超霞平刚"

PROVINCE_NAME = "江海省"
COLLEGE_NAMES = [
    "江淮工业职业技术学院", "临江信息职业技术学院", "东海交通职业技术学院", "青川农林职业技术学院",
    "云湖建筑职业技术学院", "北辰机电职业技术学院", "南屏经贸职业技术学院", "西岭化工职业技术学院",
    "海州医药职业技术学院", "岚山旅游职业技术学院",
]

# ---------------------------------------------------------------------------------------------
# 规划链: 党代会报告 → 七大行动计划 → 事业发展五年专项规划
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
FIVE_YEAR_PLANS = [  # id, name, the action plan it details
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

# ---------------------------------------------------------------------------------------------
# 学校发展目标 and 2026 年度任务分解
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolTarget:
    """A 学校发展目标: the plans it comes from and the provincial goals it serves (province scale)."""

    key: str
    name: str
    owner: str  # office code
    plans: tuple[str, ...]
    provincial: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnualTask:
    """A 2026 年度任务 and the 学校发展目标 (by key) it supports, with weights."""

    key: str
    name: str
    owner: str  # office code
    supports: tuple[tuple[str, float], ...]
    aggregate: str | None = None


SCHOOL_TARGETS: list[SchoolTarget] = [
    SchoolTarget("EMP", "毕业生就业质量稳居全省同类院校前列", "XGC", ("PL-5Y-TALENT",), ("PRV-G-EMP",)),
    SchoolTarget("MAJOR", "建成标杆引领、品牌骨干支撑的高水平专业群", "JWC", ("PL-5Y-MAJOR",),
                 ("PRV-G-MAJOR",)),
    SchoolTarget("TEACH", "课程建设与课堂教学质量持续提升", "JWC", ("PL-5Y-TALENT", "PL-5Y-MAJOR"),
                 ("PRV-G-MAJOR",)),
    SchoolTarget("FACULTY", "建设结构合理、素质优良的“双师型”教师队伍", "RSC", ("PL-5Y-FACULTY",),
                 ("PRV-G-FACULTY",)),
    SchoolTarget("RESEARCH", "科技创新与社会服务能力显著增强", "KJC", ("PL-5Y-RESEARCH",), ("PRV-G-SERVICE",)),
    SchoolTarget("SMART", "建成“一中心四平台”智能化校园", "XXZX", ("PL-5Y-SMART",), ("PRV-G-DIGITAL",)),
    SchoolTarget("STUDENT", "学生全面发展，德技并修特色鲜明", "XGC", ("PL-5Y-STUDENT",),
                 ("PRV-G-EMP", "PRV-G-QA")),
    SchoolTarget("GOV", "内部治理现代化，形成现代质量文化", "ZGB", ("PL-5Y-GOV", "PL-5Y-CULTURE"), ("PRV-G-QA",)),
    SchoolTarget("INTL", "国际交流与合作水平显著提升", "GJC", ("PL-5Y-INTL",), ("PRV-G-SERVICE",)),
    SchoolTarget("CAMPUS", "办学条件与校园环境持续改善", "ZCC", ("PL-5Y-CAMPUS",), ("PRV-G-QA",)),
]
SCHOOL_TARGET: dict[str, SchoolTarget] = {t.key: t for t in SCHOOL_TARGETS}

ANNUAL_TASKS: list[AnnualTask] = [
    AnnualTask("EMP", "2026年毕业生就业创业工作目标", "XGC", (("EMP", 3),)),
    AnnualTask("SKILL", "2026年职业技能等级证书与技能大赛目标", "JWC", (("EMP", 1), ("STUDENT", 1))),
    AnnualTask("MAJOR", "2026年专业（群）建设与专业诊改目标", "JWC", (("MAJOR", 2),)),
    AnnualTask("INDUSTRY", "2026年产教融合与校企合作目标", "JWC", (("MAJOR", 1), ("EMP", 1))),
    AnnualTask("COURSE", "2026年课程建设目标（在线开放课程、课程思政）", "JWC", (("TEACH", 1),)),
    AnnualTask("CLASS", "2026年有效课堂建设目标", "JWC", (("TEACH", 2),)),
    AnnualTask("FACBASE", "2026年师资队伍办学条件底线达标", "RSC", (("FACULTY", 1),), "MIN"),
    AnnualTask("TEAM", "2026年“双师型”教学团队建设目标", "JSFZ", (("FACULTY", 2),)),
    AnnualTask("RESEARCH", "2026年科研项目与知识产权目标", "KJC", (("RESEARCH", 1),)),
    AnnualTask("SERVICE", "2026年技术服务与社会培训目标", "KJC", (("RESEARCH", 1),)),
    AnnualTask("DATA", "2026年校本数据中心建设目标", "XXZX", (("SMART", 1),)),
    AnnualTask("PLATFORM", "2026年四平台应用与运维目标", "XXZX", (("SMART", 1),)),
    AnnualTask("STUDENT", "2026年学生成长与满意度目标", "XGC", (("STUDENT", 2),)),
    AnnualTask("HEALTH", "2026年学生体质健康与心理健康目标", "XGC", (("STUDENT", 1),)),
    AnnualTask("ZG", "2026年诊改运行与目标任务考核目标", "ZGB", (("GOV", 2),)),
    AnnualTask("CULTURE", "2026年现代质量文化培育目标", "XCB", (("GOV", 1),)),
    AnnualTask("INTL", "2026年国际交流与合作目标", "GJC", (("INTL", 1),)),
    AnnualTask("CAMPUS", "2026年办学条件建设目标", "ZCC", (("CAMPUS", 2),)),
    AnnualTask("SAFETY", "2026年平安校园与后勤服务目标", "HQ", (("CAMPUS", 1),)),
    AnnualTask("FUNDING", "2026年经费保障与预算绩效目标", "CWC", (("CAMPUS", 1),)),
]
ANNUAL_TASK: dict[str, AnnualTask] = {t.key: t for t in ANNUAL_TASKS}

# ---------------------------------------------------------------------------------------------
# Metric templates (监测预警: 学校 MONTHLY, surveys ANNUAL; 专业 SEMESTER; 课程建设 QUARTERLY,
# 课程教学 HALF_MONTHLY; 教师 SEMESTER; 学生 MONTHLY)
# ---------------------------------------------------------------------------------------------

HIGHER, LOWER = "HIGHER", "LOWER"
MONTHLY, HALF_MONTHLY, QUARTERLY, SEMESTER, ANNUAL = (
    "MONTHLY", "HALF_MONTHLY", "QUARTERLY", "SEMESTER", "ANNUAL")

# data sources (一中心四平台 and the systems and surveys that feed them): a metric's ``source``
ACADEMIC = "教务管理系统"
STUDENT_AFFAIRS = "学工管理系统"
PERSONNEL = "人事管理系统"
RESEARCH_SYSTEM = "科研管理系统"
FINANCE_SYSTEM = "财务管理系统"
ASSET_SYSTEM = "资产管理系统"
TRAINING_SYSTEM = "继续教育管理系统"
ADMISSIONS_SYSTEM = "招生管理系统"
SAFETY_SYSTEM = "平安校园管理系统"
QUALITY_SYSTEM = "质量管理系统"
TASK_SYSTEM = "目标任务管理系统"
DATA_CENTRE = "校本数据中心"
SERVICE_HALL = "网上事务服务大厅"
CLOUD_CLASSROOM = "智能云课堂"
FACULTY_PLATFORM = "教师发展服务平台"
GROWTH_PLATFORM = "学生成长服务平台"
SURVEY = "麦可思"  # graduate and employer surveys
PROVINCE_DATA_CENTRE = "省教育数据中心"
PROVINCE_EVALUATION = "省教育评估院"


@dataclass(frozen=True)
class MetricTemplate:
    """A metric as the tables define it. ``name`` holds ``{}`` for the subject's name; ``owner``
    None means the subject's 二级学院; ``dec`` decimals of its readings; ``weight`` of its
    MEASURES link. ``shape`` of its readings: trend (a noisy rise to the latest), count (a
    cumulative whole number that never falls), ytd (年度累计, resets in January) or level (noisy
    around its value)."""

    code: str
    name: str
    unit: str
    direction: str
    baseline: float | None
    target: float
    floor: float | None
    frequency: str
    source: str
    owner: str | None
    dec: int = 1
    shape: str = "trend"
    weight: float = 1


_M = MetricTemplate

# 年度任务 key → its metrics (学校层面)
SCHOOL_METRICS: dict[str, list[MetricTemplate]] = {
    "EMP": [
        _M("EMP-RATE", "毕业生去向落实率", "%", HIGHER, 92, 97, 90, MONTHLY, STUDENT_AFFAIRS, "XGC", weight=3),
        _M("EMP-MATCH", "毕业生专业对口率", "%", HIGHER, 70, 80, 65, MONTHLY, SURVEY, "XGC", weight=2),
        _M("EMPLOYER-SAT", "用人单位满意度", "%", HIGHER, 90, 96, 85, ANNUAL, SURVEY, "XGC"),
        _M("STARTUP", "毕业生自主创业率", "%", HIGHER, None, 3, None, MONTHLY, STUDENT_AFFAIRS, "XGC", dec=2),
    ],
    "SKILL": [
        _M("CERT-RATE", "职业技能等级证书获取率", "%", HIGHER, 60, 80, 50, MONTHLY, ACADEMIC, "JWC"),
        _M("SKILL-AWARD", "省级以上职业院校技能大赛获奖数（年度累计）", "项", HIGHER, None, 30, None, MONTHLY,
           ACADEMIC, "JWC", dec=0, shape="ytd"),
    ],
    "MAJOR": [
        _M("HQ-MAJOR", "省级以上高水平专业群立项数", "个", HIGHER, 2, 4, None, MONTHLY, ACADEMIC, "JWC", dec=0,
           shape="count", weight=2),
        _M("MAJ-REPORT", "专业诊改报告按期完成率", "%", HIGHER, None, 100, 90, MONTHLY, QUALITY_SYSTEM, "ZGB",
           dec=0),
    ],
    "INDUSTRY": [
        _M("APPRENTICE", "订单班与现代学徒制学生占比", "%", HIGHER, 15, 25, None, MONTHLY, ACADEMIC, "JWC"),
        _M("BASE", "校企共建生产性实训基地数", "个", HIGHER, 20, 30, None, MONTHLY, ACADEMIC, "JWC", dec=0,
           shape="count"),
    ],
    "COURSE": [
        _M("ONLINE-COURSE", "省级以上在线开放课程数", "门", HIGHER, 20, 30, None, MONTHLY, CLOUD_CLASSROOM, "JWC",
           dec=0, shape="count", weight=2),
        _M("IDEO-COURSE", "课程思政示范课程数", "门", HIGHER, 20, 40, None, MONTHLY, ACADEMIC, "JWC", dec=0,
           shape="count"),
        _M("TEXTBOOK", "新形态教材出版数（年度累计）", "部", HIGHER, None, 12, None, MONTHLY, ACADEMIC, "JWC",
           dec=0, shape="ytd"),
    ],
    "CLASS": [
        _M("COURSE-PASS", "课程合格率", "%", HIGHER, 90, 96, 88, MONTHLY, ACADEMIC, "JWC", weight=2),
        _M("ATTEND", "学生到课率", "%", HIGHER, None, 98, 92, MONTHLY, CLOUD_CLASSROOM, "JWC"),
        _M("CLASS-SIZE", "平均教学班额", "人", LOWER, None, 40, None, MONTHLY, ACADEMIC, "JWC"),
    ],
    "FACBASE": [
        _M("DUAL-RATIO", "“双师型”教师占专业课教师比例", "%", HIGHER, 70, 85, 65, MONTHLY, PERSONNEL, "RSC"),
        _M("SSR", "生师比", "生/师", LOWER, 19.5, 16, 18, MONTHLY, PERSONNEL, "RSC"),
        _M("SENIOR", "高级职称专任教师比例", "%", HIGHER, 25, 35, 20, MONTHLY, PERSONNEL, "RSC"),
    ],
    "TEAM": [
        _M("TRAIN-HOURS", "专任教师人均年度培训学时", "学时", HIGHER, None, 72, None, MONTHLY, FACULTY_PLATFORM,
           "JSFZ", dec=0, shape="ytd", weight=2),
        _M("TEAM", "省级以上教师教学创新团队数", "个", HIGHER, 3, 6, None, MONTHLY, PERSONNEL, "RSC", dec=0,
           shape="count"),
    ],
    "RESEARCH": [
        _M("RESEARCH-PROJ", "市厅级以上科研项目立项数（年度累计）", "项", HIGHER, None, 60, None, MONTHLY,
           RESEARCH_SYSTEM, "KJC", dec=0, shape="ytd", weight=2),
        _M("PATENT", "授权发明专利数（年度累计）", "件", HIGHER, None, 20, None, MONTHLY, RESEARCH_SYSTEM, "KJC",
           dec=0, shape="ytd"),
    ],
    "SERVICE": [
        _M("SERVICE-INCOME", "横向技术服务到账经费（年度累计）", "万元", HIGHER, None, 1500, None, MONTHLY,
           RESEARCH_SYSTEM, "KJC", dec=0, shape="ytd", weight=2),
        _M("CONT-EDU", "社会培训规模（年度累计）", "万人日", HIGHER, None, 5, None, MONTHLY, TRAINING_SYSTEM,
           "JJY", dec=2, shape="ytd"),
    ],
    "DATA": [
        _M("DATA-SYS", "校本数据中心已对接业务系统数", "个", HIGHER, 12, 24, None, MONTHLY, DATA_CENTRE, "XXZX",
           dec=0, shape="count", weight=2),
        _M("DATA-FIX", "数据质量问题整改率", "%", HIGHER, None, 100, 80, MONTHLY, DATA_CENTRE, "XXZX"),
    ],
    "PLATFORM": [
        _M("PLATFORM-USE", "四平台师生月活跃率", "%", HIGHER, None, 90, 60, MONTHLY, SERVICE_HALL, "XXZX"),
        _M("SYS-RECOVERY", "业务系统故障平均恢复时长", "小时", LOWER, 12, 4, None, MONTHLY, SERVICE_HALL, "XXZX"),
    ],
    "STUDENT": [
        _M("STU-SAT", "学生满意度", "%", HIGHER, 85, 93, 80, MONTHLY, GROWTH_PLATFORM, "XGC", weight=2),
        _M("DROPOUT", "学生流失率", "%", LOWER, 3, 1.5, 3.5, MONTHLY, STUDENT_AFFAIRS, "XGC", dec=2),
    ],
    "HEALTH": [
        _M("FITNESS", "学生体质健康测试合格率", "%", HIGHER, 88, 95, 85, ANNUAL, STUDENT_AFFAIRS, "XGC"),
        _M("MENTAL", "心理健康普查覆盖率", "%", HIGHER, None, 100, 95, MONTHLY, STUDENT_AFFAIRS, "XGC"),
    ],
    "ZG": [
        _M("ZG-REPORT", "各层面诊改报告按期提交率", "%", HIGHER, None, 100, 90, MONTHLY, QUALITY_SYSTEM, "ZGB",
           dec=0),
        _M("TASK-DONE", "年度目标任务按期完成率", "%", HIGHER, None, 95, 80, MONTHLY, TASK_SYSTEM, "ZZB",
           weight=2),
        _M("BUDGET-EXEC", "预算执行率（序时进度达成）", "%", HIGHER, None, 95, 80, MONTHLY, FINANCE_SYSTEM, "CWC"),
    ],
    "CULTURE": [
        _M("QC-AWARE", "师生质量文化知晓率（问卷）", "%", HIGHER, 70, 95, None, ANNUAL, QUALITY_SYSTEM, "XCB"),
        _M("QC-CASE", "质量改进典型案例数（年度累计）", "个", HIGHER, None, 12, None, MONTHLY, QUALITY_SYSTEM,
           "ZGB", dec=0, shape="ytd"),
    ],
    "INTL": [
        _M("ABROAD", "境外研修访学教师数（年度累计）", "人", HIGHER, None, 40, None, MONTHLY, PERSONNEL, "GJC",
           dec=0, shape="ytd"),
        _M("INTL-STU", "来华留学生在校生规模", "人", HIGHER, 50, 120, None, MONTHLY, STUDENT_AFFAIRS, "GJC",
           dec=0),
        _M("INTL-STD", "被境外采用的专业教学标准数", "个", HIGHER, None, 6, None, MONTHLY, ACADEMIC, "GJC", dec=0,
           shape="count"),
    ],
    "CAMPUS": [
        _M("EQUIP", "生均教学科研仪器设备值", "万元", HIGHER, 1.2, 1.6, 1, MONTHLY, ASSET_SYSTEM, "ZCC", dec=2),
        _M("LAB-AREA", "生均教学实践场所面积", "平方米", HIGHER, 8, 10, None, MONTHLY, ASSET_SYSTEM, "ZCC"),
    ],
    "SAFETY": [
        _M("SERVICE-SAT", "后勤服务满意度", "%", HIGHER, 80, 92, 75, MONTHLY, SERVICE_HALL, "HQ"),
        _M("ACCIDENT", "校园安全责任事故数", "起", LOWER, 1, 0, None, MONTHLY, SAFETY_SYSTEM, "HQ", dec=0,
           shape="level"),
    ],
    "FUNDING": [
        _M("FUNDING", "生均财政拨款水平", "万元", HIGHER, 1.2, 1.5, 1.2, MONTHLY, FINANCE_SYSTEM, "CWC", dec=2),
        _M("INCOME", "社会服务与捐赠收入（年度累计）", "万元", HIGHER, None, 800, None, MONTHLY, FINANCE_SYSTEM,
           "CWC", dec=0, shape="ytd"),
    ],
}
SCHOOL_METRIC: dict[str, MetricTemplate] = {m.code: m for ms in SCHOOL_METRICS.values() for m in ms}

# 专业 (SEMESTER); 专业就业率 takes its baseline and target from the 专业's tier (TIER_TARGET)
MAJOR_METRICS = [
    _M("EMP", "{}专业就业率", "%", HIGHER, 90, 97, 88, SEMESTER, STUDENT_AFFAIRS, None, weight=2),
    _M("MATCH", "{}专业对口率", "%", HIGHER, 65, 80, 60, SEMESTER, SURVEY, None),
    _M("CERT", "{}专业职业技能等级证书获取率", "%", HIGHER, 50, 80, 40, SEMESTER, ACADEMIC, None),
    _M("SAT", "{}专业毕业生满意度", "%", HIGHER, 85, 95, 80, SEMESTER, SURVEY, None),
    _M("DUAL", "{}专业教学团队“双师型”教师比例", "%", HIGHER, 60, 85, 50, SEMESTER, PERSONNEL, None),
    _M("ENROLL", "{}专业新生报到率", "%", HIGHER, 85, 95, 80, SEMESTER, ADMISSIONS_SYSTEM, None),
]
# 课程: 课程建设 QUARTERLY, 课程教学 HALF_MONTHLY
COURSE_METRICS = [
    _M("BUILD", "《{}》课程建设任务完成度", "%", HIGHER, None, 100, None, QUARTERLY, TASK_SYSTEM, None, dec=0,
       shape="count"),
    _M("RES", "《{}》数字化教学资源更新率", "%", HIGHER, 40, 80, None, QUARTERLY, CLOUD_CLASSROOM, None),
    _M("GOAL", "《{}》课程目标达成度", "%", HIGHER, 70, 90, 65, HALF_MONTHLY, CLOUD_CLASSROOM, None, weight=2),
    _M("PASS", "《{}》课程合格率", "%", HIGHER, 85, 96, 80, HALF_MONTHLY, ACADEMIC, None),
    _M("ATT", "《{}》学生到课率", "%", HIGHER, None, 98, 90, HALF_MONTHLY, CLOUD_CLASSROOM, None),
]
# 教师 (SEMESTER)
TEACHER_METRICS = [
    _M("TRAIN", "{}年度培训学时", "学时", HIGHER, None, 72, None, SEMESTER, FACULTY_PLATFORM, "JSFZ", dec=0,
       shape="ytd"),
    _M("EVAL", "{}学生评教得分", "分", HIGHER, 80, 95, 75, SEMESTER, ACADEMIC, None, weight=2),
    _M("PRAC", "{}企业实践天数（年度累计）", "天", HIGHER, None, 30, None, SEMESTER, PERSONNEL, "RSC", dec=0,
       shape="ytd"),
    _M("PROJ", "{}主持科研与教改项目数（聘期累计）", "项", HIGHER, None, 3, None, SEMESTER, RESEARCH_SYSTEM, "KJC",
       dec=0, shape="count"),
    _M("ERR", "{}教学事故与差错次数", "次", LOWER, 2, 0, None, SEMESTER, ACADEMIC, None, dec=0, shape="level"),
]
# 学生三年成长目标 and 年度成长目标 (MONTHLY)
STUDENT_3Y_METRICS = [
    _M("CERT", "{}已获职业技能等级证书数", "本", HIGHER, None, 2, None, MONTHLY, GROWTH_PLATFORM, None, dec=0,
       shape="count"),
    _M("CREDIT", "{}累计学分获取进度", "%", HIGHER, None, 100, 60, MONTHLY, ACADEMIC, None, weight=2),
    _M("PRACT", "{}实践教学学时完成率", "%", HIGHER, None, 100, None, MONTHLY, ACADEMIC, None),
    _M("QUAL", "{}综合素质测评得分", "分", HIGHER, 60, 90, 60, MONTHLY, GROWTH_PLATFORM, None),
    _M("AWARD", "{}技能竞赛与创新创业获奖数", "项", HIGHER, None, 1, None, MONTHLY, GROWTH_PLATFORM, None, dec=0,
       shape="count"),
]
STUDENT_YEAR_METRICS = [
    _M("PTS", "{}年度成长积分", "分", HIGHER, None, 100, None, MONTHLY, GROWTH_PLATFORM, None, dec=0, shape="ytd",
       weight=2),
    _M("ATT", "{}个人到课率", "%", HIGHER, None, 98, 85, MONTHLY, CLOUD_CLASSROOM, None),
    _M("GPA", "{}课程平均学分绩点", "分", HIGHER, 2, 3.5, 1.5, MONTHLY, ACADEMIC, None, dec=2),
    _M("ABS", "{}旷课学时（年度累计）", "学时", LOWER, 20, 0, 30, MONTHLY, STUDENT_AFFAIRS, None, dec=0,
       shape="level"),
    _M("SPORT", "{}阳光体育锻炼达标率", "%", HIGHER, None, 100, 60, MONTHLY, GROWTH_PLATFORM, None),
]


_TEMPLATES_BY_LEVEL: dict[str, dict[str, MetricTemplate]] = {
    level: {t.code: t for t in templates}
    for level, templates in (("SCHOOL", list(SCHOOL_METRIC.values())), ("MAJOR", MAJOR_METRICS),
                             ("COURSE", COURSE_METRICS), ("TEACHER", TEACHER_METRICS),
                             ("STUDENT", STUDENT_3Y_METRICS + STUDENT_YEAR_METRICS))
}


def template(level: str, code: str) -> MetricTemplate:
    """The template of metric ``code`` of a subject at ``level`` (SCHOOL, MAJOR, COURSE, TEACHER, STUDENT)."""
    return _TEMPLATES_BY_LEVEL[level][code]


# ---------------------------------------------------------------------------------------------
# 标准链
# ---------------------------------------------------------------------------------------------

STANDARDS: dict[str, tuple[str, str]] = {  # id → name, level
    "STD-SCH": ("学校发展目标年度考核标准", "SCHOOL"),
    "STD-BASE": ("办学基本条件合格标准（底线）", "SCHOOL"),
    "STD-DEPT": ("部门岗位工作标准", "SCHOOL"),
    "STD-MAJ-BUILD": ("专业建设标准", "MAJOR"),
    "STD-MAJ-TEACH": ("专业教学标准", "MAJOR"),
    "STD-CRS-BUILD": ("课程建设标准", "COURSE"),
    "STD-CRS-TEACH": ("课程教学标准", "COURSE"),
    "STD-IDEO": ("课程思政建设标准", "COURSE"),
    "STD-TCH": ("教师发展标准", "TEACHER"),
    "STD-STU": ("学生发展标准", "STUDENT"),
}

# ---------------------------------------------------------------------------------------------
# 省级层面 (the synthetic province scale)
# ---------------------------------------------------------------------------------------------

PROVINCE_UNITS: list[tuple[str, str, str, str | None]] = [  # id, name, system, parent
    ("PRV-JYT", f"{PROVINCE_NAME}教育厅", "DECISION", None),
    ("PRV-ZJC", f"{PROVINCE_NAME}教育厅职业教育与继续教育处", "DECISION", "PRV-JYT"),
    ("PRV-KCZX", f"{PROVINCE_NAME}职业教育专业与课程建设指导中心", "GENERATION", "PRV-JYT"),
    ("PRV-SZPX", f"{PROVINCE_NAME}职业院校“双师型”教师培训中心", "RESOURCE", "PRV-JYT"),
    ("PRV-SJZX", f"{PROVINCE_NAME}教育数据中心", "SUPPORT", "PRV-JYT"),
    ("PRV-ZGW", f"{PROVINCE_NAME}职业院校诊断与改进专家委员会", "SUPERVISION", "PRV-JYT"),
    ("PRV-PGY", f"{PROVINCE_NAME}教育评估院", "SUPERVISION", "PRV-JYT"),
]
PROVINCE_PLANS = [  # id, name, parent
    ("PRV-PL-EDU", f"{PROVINCE_NAME}教育事业发展五年规划", None),
    ("PRV-PL-VOC", f"{PROVINCE_NAME}职业教育高质量发展行动计划", "PRV-PL-EDU"),
    ("PRV-PL-ZG", f"{PROVINCE_NAME}高职院校内部质量保证体系诊断与改进工作方案", "PRV-PL-VOC"),
]
PROVINCE_GOALS = [  # id, name, owner, derived_from
    ("PRV-G-EMP", "全省高职毕业生就业质量稳步提升", "PRV-ZJC", ["PRV-PL-VOC"]),
    ("PRV-G-MAJOR", "建成一批国家级、省级高水平专业群和优质课程", "PRV-KCZX", ["PRV-PL-VOC"]),
    ("PRV-G-FACULTY", "“双师型”教师队伍建设水平走在全国前列", "PRV-SZPX", ["PRV-PL-VOC"]),
    ("PRV-G-SERVICE", "职业院校服务产业发展与对外开放能力显著增强", "PRV-ZJC", ["PRV-PL-VOC"]),
    ("PRV-G-DIGITAL", "职业教育数字化转型与数据治理全面推进", "PRV-SJZX", ["PRV-PL-EDU"]),
    ("PRV-G-QA", "高职院校内部质量保证体系全面建成并有效运行", "PRV-ZGW", ["PRV-PL-ZG"]),
]
PROVINCE_METRICS: dict[str, list[MetricTemplate]] = {
    "PRV-G-EMP": [
        _M("EMP", "全省高职毕业生去向落实率", "%", HIGHER, 90, 96, 88, MONTHLY, PROVINCE_DATA_CENTRE, "PRV-ZJC"),
        _M("CERT", "全省高职学生职业技能等级证书获取率", "%", HIGHER, 55, 75, None, MONTHLY, PROVINCE_DATA_CENTRE,
           "PRV-ZJC"),
    ],
    "PRV-G-MAJOR": [
        _M("HQ", "省级以上高水平专业群数", "个", HIGHER, 40, 60, None, MONTHLY, PROVINCE_DATA_CENTRE, "PRV-KCZX",
           dec=0, shape="count"),
    ],
    "PRV-G-FACULTY": [
        _M("DUAL", "全省高职“双师型”教师比例", "%", HIGHER, 60, 75, 55, MONTHLY, PROVINCE_DATA_CENTRE, "PRV-SZPX"),
    ],
    "PRV-G-SERVICE": [
        _M("INCOME", "全省高职横向技术服务到账经费（年度累计）", "亿元", HIGHER, None, 12, None, MONTHLY,
           PROVINCE_DATA_CENTRE, "PRV-ZJC", dec=2, shape="ytd"),
    ],
    "PRV-G-DIGITAL": [
        _M("DATA", "数据按期上报院校占比", "%", HIGHER, None, 100, 90, MONTHLY, PROVINCE_DATA_CENTRE, "PRV-SJZX",
           dec=0),
    ],
    "PRV-G-QA": [
        _M("REVIEW", "诊改复核“有效”院校占比", "%", HIGHER, 60, 90, None, ANNUAL, PROVINCE_EVALUATION, "PRV-PGY",
           dec=0),
        _M("REPORT", "高职院校质量年报按期发布率", "%", HIGHER, None, 100, 95, MONTHLY, PROVINCE_EVALUATION,
           "PRV-PGY", dec=0),
    ],
}
PROVINCE_STANDARD = "高职院校内部质量保证体系诊断与改进指导方案（复核标准）"  # specifies PRV-M-REVIEW, PRV-M-REPORT
PROVINCE_TASKS: list[dict[str, Any]] = [
    dict(tid="PRV-T-01", name="全省高职院校诊改复核", advances=["PRV-G-QA"], lead_unit="PRV-ZJC",
         units=["PRV-ZGW", "PRV-PGY"], leader="分管厅领导", start=date(2026, 3, 1), due=date(2026, 12, 31),
         budget=60.0, spent=38.5, deliverable="复核结论与改进建议", progress=0.6),
    dict(tid="PRV-T-02", name="职业教育数据中心与院校数据对接", advances=["PRV-G-DIGITAL"], lead_unit="PRV-SJZX",
         units=["PRV-ZJC"], leader="分管厅领导", start=date(2026, 1, 1), due=date(2026, 9, 30), budget=300.0,
         spent=276.0, deliverable="省级职业教育数据平台", progress=0.85),
]
