"""Invented review content for the demo campaigns: what is wrong in each sampled file, and what each
reviewer (and the lead, when re-checking) records about it.

Pure functions, no database: the campaign loader (`scoring.demo.campaign`) feeds the result through the
real review workflow. Everything comes from `random.Random` instances seeded from a hash of
(content seed, year, case number[, reviewer]), so a file's content does not depend on the order in which
files are scored, and two loads give identical marks. Only `rng.random()` is used (through the
generator's helpers), as in `scoring.demo.generate`.

The model
    Each unit has a latent quality per year: a general level (multiplies every defect probability) and
    focus areas where it is clearly weaker or better (`YEAR_PROFILES`). A file's *truth* is drawn from
    it: items that are not applicable (N/A), defects (item, listed reason, occurrences, where in the file)
    and, rarely, vetoes. Each reviewer sees the truth through their own traits (`REVIEWER_TRAITS`):
    a diligence (chance to find each defect), a severity (strict reviewers count more occurrences and add
    minor deductions of their own, lenient ones fewer). The lead re-checks with near-perfect diligence.

Year over year (2023 -> 2024)
    Recurring: 陈家镇 weak in full_process_recording, 区城管执法局 weak in legal_review, 长兴镇 in
    archiving (less so in 2024). Improved: 区交通委 (discretion_benchmark), 堡镇 (documents). New in
    2024: 区市场监管局 weak in discretion_benchmark. The district as a whole is a little better in 2024.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.demo.generate import _chance, _pick, _weighted
from scoring.marks import Marks
from scoring.rubric.model import CItem, Standard
from scoring.rubric.schema import Deduction, FileAttributes

# ------------------------------------------------------------------------------------------ units

FPR, LR, DB, MW = "full_process_recording", "legal_review", "discretion_benchmark", "minor_violation_waiver"

# General level per unit (1.0 = average; higher = more defects). Units not listed: by kind.
UNIT_LEVEL: dict[str, float] = {
    "区司法局": 0.6, "区公安分局": 0.85, "区卫生健康委": 0.8, "区生态环境局": 0.9, "区发展改革委": 0.7,
    "区财政局": 0.7, "区政务服务办": 0.75, "区大数据中心": 0.8, "区委编办": 0.7, "区人力资源社会保障局": 0.9,
    "区文化旅游局": 1.05, "区农业农村委": 1.1, "区规划资源局": 1.05,
    "城桥镇": 1.0, "港西镇": 1.35, "绿华镇": 1.3, "横沙乡": 1.3, "新村乡": 1.25, "庙镇": 1.2,
}
KIND_LEVEL = {"department": 0.95, "town": 1.15}

# Focus areas where a unit is clearly weaker (> 1) or better (< 1), per campaign year.
YEAR_PROFILES: dict[int, dict[str, dict[str, float]]] = {
    2023: {
        "陈家镇": {FPR: 3.0},
        "区城管执法局": {LR: 3.0},
        "区交通委": {DB: 3.0},
        "堡镇": {"documents": 3.0},
        "长兴镇": {"archiving": 3.0},
    },
    2024: {
        "陈家镇": {FPR: 3.0},  # recurs
        "区城管执法局": {LR: 3.0},  # recurs
        "区市场监管局": {DB: 3.0},  # new
        "区交通委": {DB: 0.7},  # fixed
        "堡镇": {"documents": 0.8},  # fixed
        "长兴镇": {"archiving": 1.8},  # better, not yet fixed
    },
}
YEAR_FACTOR = {2023: 1.2, 2024: 1.0}
WEAK = 2.0  # a focus multiplier from which a unit counts as weak there (bigger defects, its own vetoes)

# How often an applicable item has a defect in an average unit, per standard (calibrated so that the
# grades spread like a published notice: a quarter 优秀, most 良好/合格, a few 不合格).
BASE_RATE = {
    "penalty-general": 0.27, "penalty-simple": 0.2, "inspection": 0.2, "licensing": 0.19,
    "coercion": 0.2, "other-acts": 0.2,
}
DEFAULT_BASE_RATE = 0.2
MAX_ITEM_RATE = 0.9


@dataclass(frozen=True)
class UnitQuality:
    level: float
    weak: dict[str, float] = field(default_factory=dict)

    def multiplier(self, focus: str) -> float:
        return self.level * self.weak.get(focus, 1.0)


def unit_quality(year: int, unit: str, kind: str) -> UnitQuality:
    level = UNIT_LEVEL.get(unit, KIND_LEVEL.get(kind, 1.0)) * YEAR_FACTOR.get(year, 1.0)
    return UnitQuality(level, dict(YEAR_PROFILES.get(year, {}).get(unit, {})))


# ------------------------------------------------------------------------------------------ reviewers


@dataclass(frozen=True)
class Traits:
    diligence: float  # chance to find each defect in the file
    severity: float  # 1 = neutral; > 1 counts more occurrences and adds minor deductions


REVIEWER_TRAITS: dict[str, Traits] = {
    "demo-reviewer-01": Traits(0.95, 1.0),
    "demo-reviewer-02": Traits(0.94, 1.5),  # strict
    "demo-reviewer-03": Traits(0.88, 0.7),  # lenient
    "demo-reviewer-04": Traits(0.95, 1.1),
    "demo-reviewer-05": Traits(0.94, 0.95),
    "demo-reviewer-06": Traits(0.97, 1.6),  # strictest
    "demo-reviewer-07": Traits(0.90, 0.8),
    "demo-reviewer-08": Traits(0.94, 1.0),
    "demo-reviewer-09": Traits(0.95, 1.2),
    "demo-reviewer-10": Traits(0.86, 0.65),  # most lenient
    "demo-reviewer-11": Traits(0.94, 1.05),
    "demo-reviewer-12": Traits(0.92, 0.9),
}
DEFAULT_TRAITS = Traits(0.9, 1.0)
LEAD_TRAITS = Traits(0.97, 1.0)


# ------------------------------------------------------------------------------------------ randomness


def rng_for(*parts: object) -> random.Random:
    """A generator seeded from a hash of the parts (stable across runs and Python versions)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


# ------------------------------------------------------------------------------------------ the truth


@dataclass(frozen=True)
class Defect:
    item_id: str
    reason_id: str
    occurrences: int
    page: str | None
    media_file: str | None
    media_time: str | None
    facts: tuple[tuple[str, str], ...]  # template values (minutes, days ...) both reviewers see alike


@dataclass(frozen=True)
class VetoFinding:
    veto_id: str
    page: str
    facts: tuple[tuple[str, str], ...]


@dataclass
class FileTruth:
    case_number: str
    pages: int
    na: dict[str, str]  # item id -> comment (may be "")
    defects: list[Defect]
    vetoes: list[VetoFinding]


# Items that may be N/A, with the chance they are for a file, and what a reviewer then writes.
NA_CHANCE: dict[str, float] = {
    "FPR5": 0.3, "FPR8": 0.25, "DB4": 0.65, "DB5": 0.8, "DB6": 0.85, "LR7": 0.55, "LR8": 0.4, "MW3": 0.5,
    "INS8": 0.35, "INS12": 0.4, "LIC5": 0.4, "LIC8": 0.25, "LIC9": 0.6, "SP11": 0.5,
    # coercion: most files are a measure only (the whole 强制执行 section N/A); some were executed by
    # applying to the court (CO17 and the agency's own execution steps N/A, CO23 applies)
    "CO14": 0.65, "CO17": 0.25, "CO19": 0.15, "CO20": 0.7, "CO21": 0.6, "CO22": 0.5,
    "OA10": 0.35, "OA17": 0.15, "OA18": 0.25, "OA19": 0.5,
}
NA_COMMENTS: dict[str, str] = {
    "FPR1": "简易程序当场处罚，无立案环节",
    "FPR5": "本案不涉及音像记录事项清单所列环节",
    "FPR8": "案卷无音像记录，依清单不需要",
    "DB4": "案卷未显示、当事人也未主张从轻或减轻情节",
    "DB5": "未从重处罚",
    "DB6": "按基准阶次和幅度处罚，未偏离基准",
    "LR7": "审核意见为无异议通过",
    "LR8": "不属于应当集体讨论的情形",
    "MW3": "依据第三十三条第一款第一句不予处罚，不以初次违法为条件",
    "INS8": "检查未发现问题",
    "INS10": "检查未发现问题",
    "INS12": "非随机抽查，依规定无需公示",
    "LIC5": "依法不需要核查实质内容",
    "LIC8": "依法不需颁发许可证件",
    "LIC12": "依法不需颁发许可证件",
    "LIC9": "许可事项不直接涉及他人重大利益",
    "SP11": "当事人通过电子支付缴纳罚款，未当场收缴",
    "CO14": "仅采取行政强制措施，未进入强制执行",
    "CO15": "", "CO16": "", "CO18": "", "CO20": "", "CO21": "", "CO22": "", "CO23": "",
    "CO17": "本机关无强制执行权，依法申请人民法院强制执行",
    "CO19": "无现场执行环节",
    "OA10": "依法只需形式审查，无须实地查看",
    "OA17": "依规定该给付事项无须公示",
    "OA18": "应急征用，依法无须公告征求意见",
    "OA19": "依法无须公告的确认事项",
}
# N/A decisions that go together (the first item's decision also decides the others).
NA_LINKED: dict[str, tuple[str, ...]] = {
    "INS8": ("INS10",), "LIC8": ("LIC12",),
    "CO14": ("CO15", "CO16", "CO17", "CO18", "CO19", "CO20", "CO21", "CO22", "CO23"),
    "CO17": ("CO18", "CO19", "CO20", "CO21"),
}
# Items that are N/A unless another item is: applying to the court (CO23) only when the agency did not
# execute the decision itself (CO17 N/A).
NA_UNLESS: dict[str, str] = {"CO23": "CO17"}

# Reasons located by a media file and time rather than a page.
MEDIA_REASONS = {("FPR5", "b"), ("FPR6", "a"), ("FPR6", "b"), ("FPR7", "c"), ("FPR8", "a"), ("FPR8", "b")}
MEDIA_PREFIX = {"FPR6": "查封扣押现场录像", "FPR7": "听证录像"}

# Where in the file (share of its pages) an item's defects usually are.
ITEM_SPOT: dict[str, tuple[float, float]] = {
    "FPR1": (0.0, 0.05), "FPR2": (0.1, 0.4), "FPR3": (0.55, 0.75), "FPR4": (0.88, 1.0), "FPR5": (0.1, 0.4),
    "FPR7": (0.6, 0.75), "FPR9": (0.0, 0.03), "G-P1": (0.0, 0.05), "G-P8": (0.88, 1.0), "G-A1": (0.0, 0.02),
    "G-A2": (0.95, 1.0), "G-A3": (0.97, 1.0), "G-S1": (0.8, 0.95), "G-D2": (0.8, 0.95),
}
FOCUS_SPOT: dict[str, tuple[float, float]] = {
    "subject": (0.05, 0.4), "facts_evidence": (0.1, 0.55), "legal_basis": (0.7, 0.9), "procedure": (0.2, 0.95),
    "documents": (0.5, 1.0), "archiving": (0.9, 1.0), LR: (0.65, 0.8), DB: (0.7, 0.9), MW: (0.6, 0.95),
    FPR: (0.1, 0.9),
}


def page_count(attrs: FileAttributes, rng: random.Random) -> int:
    if attrs.case_type == "行政处罚" and attrs.procedure == "简易":
        return _between(rng, 4, 10)
    if attrs.case_type == "行政处罚":
        lo, hi = (90, 200) if attrs.major_decision or attrs.hearing_held else (35, 120)
        return _between(rng, lo, hi)
    if attrs.case_type == "行政检查":
        return _between(rng, 8, 40)
    if attrs.case_type == "行政许可":
        return _between(rng, 15, 70)
    return _between(rng, 12, 50)


def _page(rng: random.Random, pages: int, spot: tuple[float, float]) -> str:
    lo = max(1, math.ceil(spot[0] * pages))
    hi = max(lo, math.floor(spot[1] * pages))
    first = _between(rng, lo, hi)
    if pages > 20 and _chance(rng, 0.25):
        return f"{first}-{min(pages, first + _between(rng, 1, 3))}"
    return str(first)


def _clock(rng: random.Random, max_minutes: int = 45) -> str:
    seconds = _between(rng, 20, max_minutes * 60)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _media_file(rng: random.Random, item_id: str, decision: dt.date) -> str:
    day = decision - dt.timedelta(days=_between(rng, 7, 80))
    prefix = MEDIA_PREFIX.get(item_id, "执法记录仪")
    return f"{prefix}_{day:%Y%m%d}_{_between(rng, 8, 17):02d}{_between(rng, 0, 5)}0.mp4"


def _amount(d: Deduction) -> Decimal:
    amount = d.points if d.points is not None else d.per_occurrence
    if amount is None:
        raise ValueError(f"the demo marks fixed or per-occurrence deductions only; {d.id} is a range")  # internal
    return amount


def _occurrences(rng: random.Random, d: Deduction) -> int:
    if d.per_occurrence is None:
        return 1
    most = max(1, int(d.cap / d.per_occurrence)) if d.cap is not None else 4
    n = 1
    while n < most and _chance(rng, 0.35):
        n += 1
    return n


def _pick_reason(rng: random.Random, item: CItem, exclude: frozenset[str] = frozenset(), *,
                 weak: bool = False) -> Deduction | None:
    """A listed reason: minor ones more often, except where the unit is weak (serious ones more often)."""
    power = 0.5 if weak else -0.5
    weights = {d.id: float(_amount(d)) ** power for d in item.deductions if d.id not in exclude}
    if not weights:
        return None
    return item.deduction(_weighted(rng, weights))


def _facts(rng: random.Random) -> tuple[tuple[str, str], ...]:
    return (("m", str(_between(rng, 3, 25))), ("d", str(_between(rng, 15, 60))))


def _defect(rng: random.Random, item: CItem, d: Deduction, pages: int, decision: dt.date) -> Defect:
    spot = ITEM_SPOT.get(item.id) or FOCUS_SPOT.get(item.focus, (0.05, 0.95))
    if (item.id, d.id) in MEDIA_REASONS:
        return Defect(item.id, d.id, _occurrences(rng, d), None, _media_file(rng, item.id, decision), _clock(rng),
                      _facts(rng))
    return Defect(item.id, d.id, _occurrences(rng, d), _page(rng, pages, spot), None, None, _facts(rng))


# Vetoes of the focus areas: chance per file in an average unit, and in a unit weak in the area
# (multiplier >= WEAK), where they are part of what makes the weakness visible in the notice.
FOCUS_VETOES: dict[str, tuple[tuple[str, float, float], ...]] = {
    LR: (("V-LR1", 0.03, 0.5), ("V-LR2", 0.01, 0.0)),
    FPR: (("V-FPR1", 0.01, 0.2),),
    DB: (("V-DB1", 0.008, 0.2),),
    MW: (("V-MW1", 0.015, 0.3),),
}
# Other vetoes, by chance per file in an average unit.
GENERAL_VETOES: tuple[tuple[str, float], ...] = (
    ("V-G3", 0.005), ("V-G5", 0.003), ("V-G2", 0.002), ("V-INS6", 0.004), ("V-INS5", 0.008), ("V-INS4", 0.006),
    ("V-LIC5", 0.008), ("V-LIC2", 0.003), ("V-SP4", 0.005), ("V-SP3", 0.003),
    ("V-CO5", 0.005), ("V-CO7", 0.006), ("V-CO4", 0.003), ("V-OA3", 0.005), ("V-OA4", 0.004), ("V-OA8", 0.006),
)


def file_truth(
    seed: int, year: int, case_number: str, unit: str, unit_kind: str, attrs: FileAttributes,
    decision_date: dt.date, standard: Standard,
) -> FileTruth:
    """What is really wrong in one sampled file (the same whoever reviews it)."""
    rng = rng_for(seed, year, case_number, "truth")
    quality = unit_quality(year, unit, unit_kind)
    base = BASE_RATE.get(standard.id, DEFAULT_BASE_RATE)
    pages = page_count(attrs, rng)
    na: dict[str, str] = {}
    defects: list[Defect] = []
    for section in standard.sections:
        for item in section.items:
            if not standard.item_applies(item.id, attrs) or item.id in na:
                continue
            if item.allow_na:
                forced_na = item.id == "FPR1" and attrs.procedure == "简易"
                chance = NA_CHANCE.get(item.id, 0.0)
                if item.id == "FPR8" and "FPR5" in na:
                    chance = 0.8  # nothing was recorded at all
                if item.id == "CO14" and not attrs.coercive_measure:
                    chance = 0.0  # no measure taken: the file is about execution
                if item.id in NA_UNLESS and NA_UNLESS[item.id] not in na:
                    forced_na = True
                if forced_na or _chance(rng, chance):
                    for linked in (item.id, *NA_LINKED.get(item.id, ())):
                        if linked in standard.items_by_id and standard.items_by_id[linked][1].allow_na:
                            na[linked] = NA_COMMENTS.get(linked, "")
                    continue
            rate = min(MAX_ITEM_RATE, base * quality.multiplier(item.focus))
            if not _chance(rng, rate):
                continue
            weak = quality.weak.get(item.focus, 1.0) >= WEAK
            first = _pick_reason(rng, item, weak=weak)
            if first is None:  # no listed reason (an item with only 其他问题): nothing the demo marks
                continue
            defects.append(_defect(rng, item, first, pages, decision_date))
            if len(item.deductions) > 1 and _chance(rng, 0.25 * min(2.0, quality.multiplier(item.focus))):
                second = _pick_reason(rng, item, frozenset({first.id}), weak=weak)
                if second is not None:
                    defects.append(_defect(rng, item, second, pages, decision_date))
    vetoes: list[VetoFinding] = []
    candidates = [(vid, weak if quality.weak.get(focus, 1.0) >= WEAK else p * quality.level)
                  for focus, vs in FOCUS_VETOES.items() for vid, p, weak in vs]
    candidates += [(vid, p * quality.level) for vid, p in GENERAL_VETOES]
    for veto_id, chance in candidates:
        if veto_id in standard.vetoes_by_id and standard.veto_applies(veto_id, attrs) and _chance(rng, chance):
            spot = FOCUS_SPOT.get(standard.vetoes_by_id[veto_id].focus, (0.5, 0.95))
            vetoes.append(VetoFinding(veto_id, _page(rng, pages, spot), _facts(rng)))
            break  # one veto is enough to sink a file
    return FileTruth(case_number, pages, na, defects, vetoes)


# ------------------------------------------------------------------------------------------ comments

# What reviewers write for the focus-area reasons (a few ways of saying it each); {n} occurrences,
# {t} media time, {m} minutes, {d} days.
COMMENTS: dict[str, tuple[str, ...]] = {
    "FPR1:a": ("卷内无立案审批表，无法确认案件来源和程序启动时间", "未见案源登记表或立案审批表，程序启动无书面记录"),
    "FPR1:b": ("立案审批表未填写案件来源和登记时间", "案源登记表审批意见栏空白"),
    "FPR2:a": ("未制作现场检查笔录，调查取证过程仅有照片", "现场检查笔录缺失，调查取证过程无文字记录"),
    "FPR2:b": ("{n}处笔录末页无当事人签名，也未注明拒签原因", "笔录未经当事人核对签名（{n}处），无见证人"),
    "FPR2:c": ("{n}处笔录未记载执法人员执法证号", "笔录未载明检查起止时间或地点，共{n}处"),
    "FPR3:a": ("处罚告知书无送达回证，无法证明告知时间", "告知书送达情况无任何记录"),
    "FPR3:b": ("当事人放弃陈述申辩，卷内无其书面确认", "陈述申辩未制作笔录，也未收取书面材料"),
    "FPR3:c": ("对当事人陈述申辩意见未见复核记录",),
    "FPR4:a": ("决定书无送达回证", "决定书送达凭证缺失，无法确认送达日期"),
    "FPR4:b": ("卷内无罚没款缴纳凭证或执行完毕记录", "无结案报告，执行情况无书面记录"),
    "FPR4:c": ("留置送达未记录见证人身份", "公告送达未附公告载体及张贴照片"),
    "FPR5:a": ("现场检查环节未使用执法记录仪，仅有文字笔录（{n}处）", "清单要求录像的调查取证环节无音像记录，共{n}处"),
    "FPR5:b": ("视频自{t}开始，未记录出示执法证件和告知权利过程", "音像记录从检查中途开始，缺少表明身份环节"),
    "FPR6:a": ("查封现场录像于{t}中断，后续清点过程未录制", "扣押物品过程仅部分录像，{t}后无画面"),
    "FPR6:b": ("录像未反映财物清单交付当事人的过程（{t}前后）",),
    "FPR7:a": ("听证笔录无当事人或其代理人签字",),
    "FPR7:b": ("听证未按规定录音录像",),
    "FPR7:c": ("听证笔录与录像{t}处当事人陈述内容不一致",),
    "FPR8:a": ("视频在{t}处中断约{m}分钟，卷内未说明原因（共{n}处）", "音像记录有{n}处无说明的中断，首处在{t}"),
    "FPR8:b": ("笔录记载的检查开始时间与视频时间相差约{m}分钟", "视频{t}处画面中的执法人员与笔录记载不一致"),
    "FPR9:a": ("音像资料未随卷归档，卷内仅注明“存执法记录仪”", "已制作的执法记录仪视频未归档，未注明存储位置"),
    "FPR9:b": ("未编制音像记录目录，视频与执法环节无法对应",),
    "FPR9:c": ("执法记录在结案{d}天后才归档，超过规定时限",),
    "LR1:a": ("送审单未写明属于审核目录哪一项或第五十八条哪种情形",),
    "LR1:b": ("卷内无法制审核送审单，审核机构未登记编号",),
    "LR2:a": ("法制审核意见书未注明审核日期，无法判断是否先审核后决定", "送审单和审核意见均无日期"),
    "LR2:b": ("审核后罚款数额作了调整，未重新送审",),
    "LR3:a": ("送审材料缺少裁量说明等{n}项", "送审时未附告知及陈述申辩材料，共缺{n}项"),
    "LR3:b": ("未附送审材料清单",),
    "LR4:a": ("审核意见未涉及裁量和程序等{n}个方面", "审核意见只对事实认定发表意见，遗漏{n}个审核方面"),
    "LR5:a": ("法制审核意见栏仅签“同意”及签名，未说明理由", "审核意见为“拟同意”，无任何审核说理"),
    "LR5:b": ("审核指出证据不足，但未提出补充调查等明确意见",),
    "LR6:a": ("审核人员为业务科室人员，非法制审核机构人员", "审核人员初次从事法制审核，卷内无法律职业资格证明"),
    "LR6:b": ("法制审核人员同时是本案承办人，属承办人自审", "审核人员参与了本案现场调查"),
    "LR6:c": ("审核意见未经法制审核机构负责人签署",),
    "LR7:a": ("审核意见提出的问题未整改，也无不采纳的书面说明",),
    "LR8:a": ("集体讨论记录未载明参加人员和各人意见", "集体讨论只有结论，无讨论过程记录"),
    "LR8:b": ("参加集体讨论的负责人不足规定人数",),
    "LR8:c": ("集体讨论日期早于法制审核日期",),
    "DB1:a": ("调查终结报告未写明罚则规定的处罚种类和幅度",),
    "DB1:b": ("违法所得计算未扣除已退还部分，计罚基数有误", "货值金额未查明即按上限计罚"),
    "DB1:c": ("罚款数额的计算过程未在案卷中体现",),
    "DB2:a": ("处罚决定书和审批表均未引用裁量基准", "未引用适用的裁量基准，裁量依据不明"),
    "DB2:b": ("引用的裁量基准为旧版，违法行为发生时已废止",),
    "DB2:c": ("仅写明裁量基准文件名称，未写明具体条目和裁量阶次", "裁量基准只引到文件，未引到条目"),
    "DB3:a": ("认定的从轻情节无相应证据（{n}处）", "从重情节“多次违法”无前次处罚记录佐证，共{n}处"),
    "DB3:b": ("认定一般阶次，与已查明的从轻情节相矛盾",),
    "DB4:a": ("当事人主动供述违法行为，属法定从轻情节，未予适用",),
    "DB4:b": ("当事人提出系初次违法并已改正，未见调查核实",),
    "DB5:a": ("按从重阶次处罚，未说明从重情节及依据",),
    "DB5:b": ("将违法行为的构成要件重复评价为从重情节",),
    "DB6:a": ("罚款低于基准对应阶次下限，未说明理由",),
    "DB6:b": ("偏离基准未经集体讨论或负责人批准",),
    "DB7:a": ("决定书未载明裁量理由",),
    "DB7:b": ("裁量说理为“综合考虑本案情节”等格式化表述，未结合案情", "决定书裁量理由套用模板"),
    "DB8:a": ("未见对是否符合不予处罚清单、首违不罚条件的审查记录",),
    "DB8:b": ("违法行为属清单所列可以不予处罚情形且已当场改正，仍予罚款，未说明理由",),
    "MW1:a": ("不予行政处罚决定书未写明所依据的清单名称及条目",),
    "MW1:b": ("所引不予处罚清单在违法行为发生时尚未施行",),
    "MW1:c": ("违法行为与清单条目描述不完全吻合，未说明理由",),
    "MW2:a": ("缺少及时改正等{n}项法定条件的证明材料", "没有造成危害后果无证据证明，共缺{n}项证明材料"),
    "MW3:a": ("未查询违法记录即认定初次违法", "卷内无违法记录查询结果"),
    "MW3:b": ("违法记录只查询了本年度，范围不符合清单规定",),
    "MW4:a": ("责令改正通知书未载明改正期限",),
    "MW4:b": ("改正期满后未复查，无复查笔录或照片", "复查只有文字记录，无照片等证据"),
    "MW4:c": ("改正期限为{d}日，超过清单规定",),
    "MW5:a": ("未见对当事人进行教育的记录",),
    "MW5:b": ("教育记录仅写“已对当事人进行教育”，未载明时间、方式和内容",),
    "MW6:a": ("以内部审批表代替不予行政处罚决定书",),
    "MW6:b": ("不予行政处罚决定书缺救济途径等{n}项内容",),
    "MW6:c": ("不予行政处罚决定书无送达回证",),
    "MW7:a": ("不予处罚未经机关负责人审批",),
}
VETO_COMMENTS: dict[str, tuple[str, ...]] = {
    "V-LR1": ("罚款数额达到本单位法制审核目录标准，属重大执法决定，卷内无法制审核意见，应审未审",
              "本案经听证且罚款数额较大，依法应当法制审核，未见任何审核材料"),
    "V-LR2": ("法制审核意见签署日期晚于处罚决定书落款日期{m}天，先决定后审核",),
    "V-FPR1": ("现场检查笔录记载的检查时间与执法记录仪视频时间明显矛盾，经核实笔录系事后补制",
               "同一执法人员同一时段在两处现场制作笔录，记录不真实"),
    "V-DB1": ("无法定减轻情节，罚款低于罚则规定的最低限额", "罚款数额超出罚则规定的最高限额"),
    "V-MW1": ("当事人一年内曾因同类违法受过处罚，不属初次违法，仍不予处罚",),
    "V-G2": ("现场检查笔录和询问笔录均只记载一名执法人员",),
    "V-G3": ("认定违法事实的主要证据仅为当事人陈述，违法事实不清",),
    "V-G5": ("作出处罚决定前未告知当事人陈述、申辩权利",),
    "V-INS4": ("属随机抽查事项，卷内无抽取记录，也未说明指定检查对象的理由",),
    "V-INS5": ("检查发现无证经营，未责令改正也未立案查处或移送",),
    "V-INS6": ("检查记录无检查人员签名，无法证明检查实施",),
    "V-LIC2": ("申请材料缺少法定条件要求的证明，仍准予许可",),
    "V-LIC5": ("自受理至作出决定超过法定期限，且无延期审批",),
    "V-SP3": ("对公民罚款超过二百元仍适用简易程序",),
    "V-SP4": ("当场处罚决定书作出前未告知当事人陈述申辩权利",),
    "V-CO4": ("扣押清单所列部分车辆与涉嫌违法行为无关，仍予扣押",),
    "V-CO5": ("实施强制措施时未通知当事人到场，也未邀请见证人", "未经书面催告即作出强制执行决定"),
    "V-CO7": ("扣押期限届满既未延长也未作出处理决定，扣押物品逾期{d}日仍未退还",),
    "V-OA3": ("认定符合法定条件的主要证据缺失，事实不清",),
    "V-OA4": ("拟给付名单未经公示即审批发放", "征收补偿方案未公布征求意见即作出征收决定"),
    "V-OA8": ("自受理至作出决定超过法定期限，且无延期审批",),
}

_PER = re.compile(r"每(缺|遗漏)?一?([处份名项个])")


def _generic(reason: str, n: int) -> str:
    """A comment made from the listed reason itself: 每处X -> X，共n处; 每缺一项X -> 缺n项X."""
    m = _PER.search(reason)
    if not m:
        return reason
    verb, unit = m.group(1), m.group(2)
    if verb:
        return reason[:m.start()] + f"{verb}{n}{unit}" + reason[m.end():]
    text = (reason[:m.start()] + reason[m.end():]).strip("，")
    return text if n == 1 else f"{text}，共{n}{unit}"


_OPENERS = ("", "经查，", "卷内", "经查阅，")


def _comment(rng: random.Random, standard: Standard, defect: Defect, occurrences: int) -> str:
    key = f"{defect.item_id}:{defect.reason_id}"
    values = dict(defect.facts, n=str(occurrences), t=defect.media_time or "")
    templates = COMMENTS.get(key)
    if templates:
        return _pick(rng, templates).format(**values)
    _, item = standard.items_by_id[defect.item_id]
    deduction = item.deduction(defect.reason_id)
    assert deduction is not None  # the defect was drawn from the item's listed reasons
    reason = deduction.reason
    opener = _pick(rng, _OPENERS)
    text = _generic(reason, occurrences)
    if opener == "卷内" and not text.startswith(("未", "无")):
        opener = "经查，"
    return f"{opener}{text}"


def _veto_comment(rng: random.Random, standard: Standard, finding: VetoFinding) -> str:
    templates = VETO_COMMENTS.get(finding.veto_id)
    if templates:
        return _pick(rng, templates).format(**dict(finding.facts))
    return f"经查，{standard.vetoes_by_id[finding.veto_id].title}"


# ------------------------------------------------------------------------------------------ marks


def _marks(rng: random.Random, truth: FileTruth, standard: Standard, attrs: FileAttributes, traits: Traits,
           *, extras: bool) -> Marks:
    items: dict[str, dict] = {item_id: {"na": True, "comment": comment} for item_id, comment in truth.na.items()}
    seen: dict[str, set[str]] = {}
    for defect in truth.defects:
        if not _chance(rng, traits.diligence):
            continue
        _, item = standard.items_by_id[defect.item_id]
        d = item.deduction(defect.reason_id)
        n = defect.occurrences
        if d is not None and d.per_occurrence is not None:
            if _chance(rng, 0.12 * traits.severity):
                n += 1
            elif n > 1 and _chance(rng, 0.12 / traits.severity):
                n -= 1
        location = {"page": defect.page, "media_file": defect.media_file, "media_time": defect.media_time}
        if defect.page and "-" not in defect.page and _chance(rng, 0.15):  # cites the next page instead
            location["page"] = str(int(defect.page) + 1)
        items.setdefault(defect.item_id, {"deductions": []})["deductions"].append(
            {"reason": defect.reason_id, "occurrences": n, "comment": _comment(rng, standard, defect, n),
             **{k: v for k, v in location.items() if v}})
        seen.setdefault(defect.item_id, set()).add(defect.reason_id)
    if extras:  # strict reviewers find minor defects of their own
        chance = 0.012 * traits.severity ** 3
        for section in standard.sections:
            for item in section.items:
                if item.id in truth.na or item.id in seen or not standard.item_applies(item.id, attrs):
                    continue
                if _chance(rng, chance):
                    d = min(item.deductions, key=_amount)
                    spot = ITEM_SPOT.get(item.id) or FOCUS_SPOT.get(item.focus, (0.05, 0.95))
                    defect = Defect(item.id, d.id, 1, _page(rng, truth.pages, spot), None, None, _facts(rng))
                    items.setdefault(item.id, {"deductions": []})["deductions"].append(
                        {"reason": d.id, "occurrences": 1, "comment": _comment(rng, standard, defect, 1),
                         "page": defect.page})
    vetoes: dict[str, dict] = {}
    for finding in truth.vetoes:
        if _chance(rng, min(0.98, traits.diligence - 0.05)):
            vetoes[finding.veto_id] = {"comment": _veto_comment(rng, standard, finding), "page": finding.page}
    return Marks.model_validate({"items": items, "vetoes": vetoes})


def reviewer_marks(seed: int, year: int, truth: FileTruth, standard: Standard, attrs: FileAttributes,
                   username: str) -> Marks:
    """What one reviewer records on the file, through their diligence and severity."""
    rng = rng_for(seed, year, truth.case_number, "review", username)
    return _marks(rng, truth, standard, attrs, REVIEWER_TRAITS.get(username, DEFAULT_TRAITS), extras=True)


def lead_marks(seed: int, year: int, truth: FileTruth, standard: Standard, attrs: FileAttributes) -> Marks:
    """The lead's own marks when re-checking: near-perfect diligence, no extras."""
    rng = rng_for(seed, year, truth.case_number, "recheck")
    return _marks(rng, truth, standard, attrs, LEAD_TRAITS, extras=False)
