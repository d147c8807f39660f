"""Synthetic demo data for one district: units, 2024 and 2023 registers of closed case files, messy variants.

Everything here is invented. The units are the district departments and towns named in DOMAIN.md,
but every case number carries the made-up district prefix 「东」 (东城管罚〔2024〕123号), parties are
only ever "当事人王某" or "某餐饮店", and the descriptions (案由) come from generic templates.

Files written to `out_dir` (default: `data/` at the top of the repository), all from one
`random.Random(seed)` and nothing else (no global random state, no clock), so that running the
generator again gives byte-identical files:

- `units.csv` - UTF-8 with BOM; 单位名称,类型,编码: the 19 区级部门 (D01..D19) and 18 乡镇 (T01..T18).
- `register_2024.csv` - UTF-8 with BOM, clean: ~3,000 closed case files decided in 2024, columns
  执法单位,案号,案件类型,程序,决定日期,重大执法决定,不予处罚,听证,行政强制措施,罚款金额,案由.
  Big enforcers (城管, 市场监管, 公安 ...) have hundreds of files, towns dozens, some offices (委编办,
  政务服务办, 大数据中心, 财政局, 发展改革委, 司法局) a handful of 行政检查 / 行政许可 only. About half
  are 行政处罚, then 行政检查, 行政许可, 行政强制, and a few 行政确认/给付/征收征用. Rules the data
  keeps (and tests check): 程序 (一般/简易) only on 行政处罚; 简易 fines are at most 200元 for a person
  and 3,000元 for an organisation; 不予处罚 files have no fine; 听证 only with fines of at least
  `HEARING_MIN_AMOUNT`; 重大执法决定 only on 一般程序 penalties; every 行政强制 file has 行政强制措施.
  Flags are 是/否, dates 2024-03-05 (working days of 2024), amounts plain numbers.
- `register_2023.csv` - the previous year in the same form and under the same rules: ~1,500 files decided
  in 2023 (the busy units about half their 2024 volume, the small offices as many as in 2024), case
  numbers 东城管罚〔2023〕123号. It is drawn from a stream of its own (`random.Random(seed + YEAR_2023_OFFSET)`),
  so the 2024 files do not depend on it. The demo's 2023 campaign samples from it (year over year).
- `messy/register_gbk.csv` - 80 further files (case numbers not in the clean register) as a Chinese
  Windows export would have them: GBK, a title row and a blank row above the header, other header
  names (案件编号, 实施单位, 执法类别, 处罚决定日期, 罚款金额（元）...), dates as 2024年3月5日 and
  2024/3/5, amounts as 5,000元, full-width ５０００元 or plain, case types without 行政, 是/否 flags.
- `messy/register_title_row.xlsx` - 80 further files as a hand-made workbook: a title row merged across
  the columns, the unit column merged vertically over runs of the same unit, decision dates as Excel
  date cells and some as bare Excel serial numbers, amounts as numbers or text such as 1.2万元, flags
  as √ or blank. Workbook properties and zip timestamps are fixed, so the bytes are stable too (but
  compare workbooks by cell values).
- `messy/register_with_errors.csv` - UTF-8, 20 rows of which the ones in `ERROR_ROWS` carry one
  deliberate problem each (unknown unit, missing case number, 2024年13月5日, a duplicate case number,
  an unknown case type, an amount that is not a number), to show the import validation report.

The messy files use case numbers that continue each unit's serials after the clean register, so they
can be imported after it (and after each other) without clashing.

Run: `python -m scoring.demo.generate [--out DIR] [--seed N]` or `casereview demo generate`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from scoring.demo.process_dates import PROCESS_COLUMNS, process_row
from scoring.shipped import data_dir

DEFAULT_SEED = 20241231
YEAR = 2024
PREVIOUS_YEAR = 2023
YEAR_2023_OFFSET = 2023  # the 2023 register's stream: random.Random(seed + YEAR_2023_OFFSET)
PREVIOUS_YEAR_SCALE = 0.5  # busy units closed about half as many files in 2023
DATA_DIR = data_dir()

# File names inside the output directory.
UNITS_FILE = "units.csv"
REGISTER_FILE = "register_2024.csv"
REGISTER_2023_FILE = "register_2023.csv"
MESSY_GBK_FILE = "messy/register_gbk.csv"
MESSY_XLSX_FILE = "messy/register_title_row.xlsx"
MESSY_ERRORS_FILE = "messy/register_with_errors.csv"

REGISTER_COLUMNS = (
    "执法单位", "案号", "案件类型", "程序", "决定日期",
    "重大执法决定", "不予处罚", "听证", "行政强制措施", "罚款金额", "案由",
)
UNIT_COLUMNS = ("单位名称", "类型", "编码")
TITLE = f"{YEAR}年度行政执法案卷登记表"

# Rules the generated data keeps.
HEARING_MIN_AMOUNT = 20_000  # 听证 only with fines of at least this (yuan)
SIMPLE_MAX_PERSON = 200  # 简易程序: at most this fine for a person...
SIMPLE_MAX_ORG = 3_000  # ...and this for an organisation

MESSY_ROWS = 80  # rows in each of the GBK and the XLSX file
ERROR_FILE_ROWS = 20
# Rows of the with-errors file (numbered as a spreadsheet shows them: the header is row 1) that carry a
# deliberate problem, with the column it is in (canonical header name) and what is wrong. All other
# rows are valid.
ERROR_ROWS: tuple[tuple[int, str, str], ...] = (
    (4, "执法单位", "unknown unit 区环保局"),
    (7, "案号", "missing case number"),
    (10, "决定日期", "no such day 2024年13月5日"),
    (13, "案号", "row 3 pasted again: same case number"),
    (16, "案件类型", "unknown case type 行政奖励"),
    (19, "罚款金额", "amount 五千元 is not a number"),
)
_DUPLICATED_ROW = 3

T = TypeVar("T")

# ------------------------------------------------------------------------------------------ units


@dataclass(frozen=True)
class UnitSpec:
    name: str
    kind: str  # 区级部门 / 乡镇
    code: str
    abbr: str  # case-number prefix, always starting with the invented 「东」
    volume: int  # about how many closed files in the year
    profile: str


_DEPARTMENTS: tuple[tuple[str, str, int, str], ...] = (
    # name, case-number abbreviation, files per year, profile (DOMAIN.md order)
    ("区司法局", "东司法", 4, "justice"),
    ("区公安分局", "东公", 420, "police"),
    ("区城管执法局", "东城管", 630, "chengguan"),
    ("区市场监管局", "东市监", 470, "market"),
    ("区生态环境局", "东环", 150, "environment"),
    ("区文化旅游局", "东文旅", 70, "culture"),
    ("区交通委", "东交", 180, "transport"),
    ("区应急局", "东应急", 90, "emergency"),
    ("区农业农村委", "东农", 75, "agriculture"),
    ("区规划资源局", "东规资", 60, "planning"),
    ("区建设管理委", "东建", 85, "construction"),
    ("区水务局", "东水", 60, "water"),
    ("区卫生健康委", "东卫", 100, "health"),
    ("区发展改革委", "东发改", 5, "development"),
    ("区财政局", "东财", 4, "finance"),
    ("区人力资源社会保障局", "东人社", 45, "labour"),
    ("区政务服务办", "东政服", 6, "services"),
    ("区大数据中心", "东数据", 3, "bigdata"),
    ("区委编办", "东编", 2, "staffing"),
)
_TOWNS: tuple[tuple[str, int], ...] = (
    ("城桥镇", 60), ("堡镇", 45), ("新河镇", 35), ("庙镇", 30), ("竖新镇", 30), ("向化镇", 25),
    ("三星镇", 25), ("港沿镇", 25), ("中兴镇", 30), ("陈家镇", 50), ("绿华镇", 15), ("港西镇", 25),
    ("建设镇", 25), ("新海镇", 20), ("东平镇", 25), ("长兴镇", 50), ("新村乡", 20), ("横沙乡", 20),
)

UNITS: tuple[UnitSpec, ...] = tuple(
    [UnitSpec(n, "区级部门", f"D{i:02d}", a, v, p) for i, (n, a, v, p) in enumerate(_DEPARTMENTS, 1)]
    + [UnitSpec(n, "乡镇", f"T{i:02d}", f"东{n}", v, "town") for i, (n, v) in enumerate(_TOWNS, 1)]
)

# ------------------------------------------------------------------------------------------ profiles

TYPE_CODES = {
    "行政处罚": "罚", "行政检查": "检", "行政许可": "许", "行政强制": "强",
    "行政确认": "确", "行政给付": "给", "行政征收征用": "征",
}
WAIVER_CODE = "不罚"  # 不予行政处罚决定书 have their own number series


@dataclass(frozen=True)
class Profile:
    """How one kind of unit enforces: case-type mix, fines, and description templates.

    Templates hold `{x}` for the party; the letter before each says who the party can be:
    p = a person (当事人王某), o = an organisation (某餐饮店), b = either. A `+` after the letter marks
    conduct that may be fined on the spot (简易程序); when no penalty template of a profile has one,
    all may. An `@a/b` suffix names the kinds of organisation that fit (default: the profile's `orgs`).
    """

    types: dict[str, float]
    simple_share: float = 0.0  # share of the 简易-eligible penalties decided under 简易程序
    amount: tuple[int, int] = (200, 50_000)  # 一般程序 fine range
    coercive_share: float = 0.04  # share of 一般 penalties that also used a coercive measure
    orgs: tuple[str, ...] = ("有限公司",)
    templates: dict[str, tuple[Template, ...]] = field(kw_only=True)  # every profile has its own


@dataclass(frozen=True)
class Template:
    text: str
    party: str  # p / o / b
    simple: bool  # may be decided under 简易程序
    orgs: tuple[str, ...]  # organisation nouns that fit, or () for the profile's


def _t(*items: str) -> tuple[Template, ...]:
    """'o+:{x}...@宾馆/酒店' entries to `Template`s."""
    out = []
    for item in items:
        head, _, rest = item.partition(":")
        text, _, orgs = rest.partition("@")
        out.append(Template(text, head[0], "+" in head, tuple(orgs.split("/")) if orgs else ()))
    if not any(t.simple for t in out):
        out = [replace(t, simple=True) for t in out]
    return tuple(out)


PROFILES: dict[str, Profile] = {
    "chengguan": Profile(
        types={"行政处罚": 0.58, "行政检查": 0.27, "行政强制": 0.09, "行政许可": 0.06},
        simple_share=0.8, amount=(200, 50_000), coercive_share=0.06,
        orgs=("建材有限公司", "建筑工程有限公司", "餐饮店", "广告有限公司", "物流有限公司", "装饰工程有限公司"),
        templates={
            "行政处罚": _t(
                "b+:{x}未经许可擅自占用道路堆放物料案", "o:{x}擅自设置户外广告设施案@广告有限公司/餐饮店/商贸有限公司",
                "b+:{x}未按规定分类投放生活垃圾案", "p:{x}违法搭建建筑物案", "p+:{x}占道经营案",
                "o:{x}运输渣土车辆未密闭造成抛洒滴漏案@物流有限公司/运输有限公司", "o:{x}建筑工地夜间施工噪声扰民案@建筑工程有限公司",
                "b:{x}擅自倾倒建筑垃圾案", "o:{x}未按规定履行市容环境卫生责任区义务案",
            ),
            "行政检查": _t(
                "o:对{x}市容环境卫生责任区开展检查", "o:对{x}建筑工地文明施工情况开展检查@建筑工程有限公司/装饰工程有限公司",
                "o:对{x}生活垃圾分类投放情况开展检查",
            ),
            "行政许可": _t("b:{x}临时占用道路许可申请", "o:{x}设置大型户外广告许可申请@广告有限公司"),
            "行政强制": _t("p:扣押{x}占道经营物品", "p:强制拆除{x}违法建筑", "o:暂扣{x}违规运输车辆@物流有限公司/运输有限公司"),
        },
    ),
    "market": Profile(
        types={"行政处罚": 0.46, "行政检查": 0.34, "行政许可": 0.15, "行政强制": 0.05},
        simple_share=0.5, amount=(500, 500_000), coercive_share=0.06,
        orgs=("食品有限公司", "超市", "餐饮店", "商贸有限公司", "大药房", "电子科技有限公司", "便利店"),
        templates={
            "行政处罚": _t(
                "o:{x}销售过期食品案", "o:{x}经营标签不符合规定的预包装食品案", "o:{x}发布虚假广告案",
                "o+:{x}未按规定明码标价案", "o:{x}销售不合格产品案", "o:{x}使用未经检定的计量器具案@加油站/超市/农贸市场",
                "p:{x}未取得营业执照从事经营活动案", "o:{x}特种设备未按规定定期检验案@物业管理有限公司/商场/机械制造有限公司",
                "o:{x}销售侵犯注册商标专用权商品案@商贸有限公司/服装店/便利店", "o+:{x}未建立食品安全追溯制度案",
            ),
            "行政检查": _t(
                "o:对{x}开展食品安全日常监督检查", "o:对{x}开展“双随机、一公开”抽查",
                "o:对{x}特种设备使用情况开展检查@物业管理有限公司/商场/机械制造有限公司", "o:对{x}开展产品质量监督检查",
            ),
            "行政许可": _t("o:{x}食品经营许可申请@餐饮店/超市/便利店/食品有限公司", "o:{x}药品经营许可变更申请@大药房", "p:{x}食品小作坊登记申请"),
            "行政强制": _t("o:查封{x}涉嫌不合格产品", "o:扣押{x}涉嫌侵权商品"),
        },
    ),
    "police": Profile(
        types={"行政处罚": 0.66, "行政检查": 0.14, "行政许可": 0.10, "行政强制": 0.07, "行政确认": 0.03},
        simple_share=0.95, amount=(200, 20_000), coercive_share=0.05,
        orgs=("宾馆", "娱乐有限公司", "物流有限公司", "保安服务有限公司"),
        templates={
            "行政处罚": _t(
                "p:{x}殴打他人案", "p:{x}饮酒后驾驶机动车案", "p+:{x}违反规定停放机动车案", "p:{x}盗窃案",
                "p+:{x}驾驶机动车未按规定使用安全带案", "p+:{x}驾驶非机动车违反交通信号通行案",
                "p:{x}未取得机动车驾驶证驾驶机动车案", "p:{x}扰乱公共秩序案",
                "o:{x}未按规定登记住宿旅客信息案@宾馆/酒店/民宿", "p:{x}非法携带管制刀具案", "p:{x}故意损毁财物案",
            ),
            "行政检查": _t("o:对{x}开展旅馆业治安检查@宾馆/酒店/民宿", "o:对{x}开展寄递物流安全检查@物流有限公司/快递服务部"),
            "行政许可": _t("o:{x}大型群众性活动安全许可申请@文化传播有限公司/体育发展有限公司", "o:{x}烟花爆竹道路运输许可申请@烟花爆竹经营部/运输有限公司"),
            "行政强制": _t("p:扣押{x}涉案车辆", "p:对{x}采取保护性约束措施", "o:查封{x}违法经营场所@娱乐有限公司/棋牌室"),
            "行政确认": _t("p:{x}户籍登记事项变更确认"),
        },
    ),
    "environment": Profile(
        types={"行政处罚": 0.46, "行政检查": 0.39, "行政许可": 0.10, "行政强制": 0.05},
        simple_share=0.0, amount=(10_000, 1_000_000), coercive_share=0.06,
        orgs=("化工有限公司", "机械制造有限公司", "印染有限公司", "汽车维修有限公司", "混凝土有限公司"),
        templates={
            "行政处罚": _t(
                "o:{x}超标排放水污染物案", "o:{x}建设项目未批先建案", "o:{x}未按规定贮存危险废物案",
                "o:{x}大气污染防治设施不正常运行案", "o:{x}未依法取得排污许可证排放污染物案",
                "o:{x}工业噪声超标排放案", "o:{x}未按规定公开环境信息案",
            ),
            "行政检查": _t("o:对{x}开展污染源现场检查", "o:对{x}危险废物规范化管理情况开展检查"),
            "行政许可": _t("o:{x}排污许可申请", "o:{x}建设项目环境影响报告表审批"),
            "行政强制": _t("o:查封{x}污染物排放设施", "o:扣押{x}违法排污设备"),
        },
    ),
    "transport": Profile(
        types={"行政处罚": 0.60, "行政检查": 0.25, "行政许可": 0.10, "行政强制": 0.05},
        simple_share=0.6, amount=(200, 100_000), coercive_share=0.06,
        orgs=("运输有限公司", "客运有限公司", "物流有限公司", "汽车租赁有限公司"),
        templates={
            "行政处罚": _t(
                "b:{x}未取得道路运输经营许可擅自从事经营案", "p:{x}未取得网约车运输证从事经营案",
                "o+:{x}道路运输车辆未按规定进行年审案@运输有限公司/物流有限公司", "b:{x}车辆超限运输案@运输有限公司/物流有限公司", "o:{x}擅自占用挖掘公路案@建筑工程有限公司/燃气有限公司/通信工程有限公司",
                "o+:{x}客运车辆未按规定配备安全设施案@客运有限公司",
            ),
            "行政检查": _t("o:对{x}开展道路运输安全检查@运输有限公司/物流有限公司/客运有限公司", "o:对{x}开展客运站场安全检查@客运有限公司"),
            "行政许可": _t("o:{x}道路货物运输经营许可申请@运输有限公司/物流有限公司", "o:{x}超限运输车辆行驶公路许可申请"),
            "行政强制": _t("p:暂扣{x}非法营运车辆"),
        },
    ),
    "culture": Profile(
        types={"行政处罚": 0.40, "行政检查": 0.40, "行政许可": 0.20},
        simple_share=0.10, amount=(500, 100_000),
        orgs=("网吧", "文化传播有限公司", "旅行社有限公司", "娱乐有限公司", "书店"),
        templates={
            "行政处罚": _t(
                "o:{x}擅自从事营业性演出案@文化传播有限公司/酒吧", "o:{x}接纳未成年人进入营业场所案@网吧/歌舞厅",
                "o:{x}未与旅游者签订旅游合同案@旅行社有限公司", "o:{x}未按规定悬挂未成年人禁入标志案@歌舞厅/娱乐有限公司",
                "p:{x}未经批准擅自从事出版物零售案",
            ),
            "行政检查": _t("o:对{x}开展文化市场日常检查@网吧/书店/歌舞厅/娱乐有限公司", "o:对{x}开展旅游市场检查@旅行社有限公司"),
            "行政许可": _t("o:{x}营业性演出许可申请@文化传播有限公司", "o:{x}娱乐场所经营许可申请@娱乐有限公司/歌舞厅"),
        },
    ),
    "emergency": Profile(
        types={"行政处罚": 0.40, "行政检查": 0.50, "行政许可": 0.05, "行政强制": 0.05},
        simple_share=0.05, amount=(1_000, 300_000), coercive_share=0.06,
        orgs=("化工有限公司", "机械制造有限公司", "仓储有限公司", "金属制品有限公司", "加油站"),
        templates={
            "行政处罚": _t(
                "o:{x}未按规定设置安全警示标志案", "o:{x}未对从业人员进行安全生产教育培训案",
                "o:{x}未按规定开展事故隐患排查治理案", "o:{x}危险化学品储存不符合规定案",
                "o:{x}特种作业人员未持证上岗案",
            ),
            "行政检查": _t("o:对{x}开展安全生产执法检查", "o:对{x}开展危险化学品专项检查"),
            "行政许可": _t("o:{x}危险化学品经营许可申请"),
            "行政强制": _t("o:查封{x}存在重大事故隐患的场所"),
        },
    ),
    "agriculture": Profile(
        types={"行政处罚": 0.40, "行政检查": 0.33, "行政许可": 0.10, "行政确认": 0.05, "行政给付": 0.09,
               "行政强制": 0.03},
        simple_share=0.10, amount=(500, 100_000),
        orgs=("农资有限公司", "农业专业合作社", "养殖场", "家庭农场"),
        templates={
            "行政处罚": _t(
                "o:{x}经营假劣农药案@农资有限公司/农资经营部", "p:{x}使用禁用渔具捕捞案", "b:{x}未按规定处置病死动物案@养殖场",
                "b:{x}销售未经检疫的动物产品案@肉品经营部/养殖场", "o:{x}经营未取得登记证的肥料案@农资有限公司/农资经营部",
            ),
            "行政检查": _t("o:对{x}开展农资市场检查@农资有限公司/农资经营部", "o:对{x}开展动物防疫条件检查@养殖场"),
            "行政许可": _t("o:{x}农药经营许可申请@农资有限公司/农资经营部", "o:{x}动物防疫条件合格证申请@养殖场"),
            "行政确认": _t("o:{x}家庭农场认定@家庭农场"),
            "行政给付": _t("p:{x}耕地地力保护补贴发放", "o:{x}农机购置补贴发放@农业专业合作社/家庭农场"),
            "行政强制": _t("p:扣押{x}禁用渔具"),
        },
    ),
    "planning": Profile(
        types={"行政处罚": 0.35, "行政检查": 0.20, "行政许可": 0.20, "行政确认": 0.10, "行政征收征用": 0.10,
               "行政强制": 0.05},
        simple_share=0.0, amount=(1_000, 500_000),
        orgs=("置业有限公司", "房地产开发有限公司", "建材有限公司", "村经济合作社"),
        templates={
            "行政处罚": _t(
                "b:{x}未经批准占用耕地建设案", "o:{x}未按建设工程规划许可证建设案@房地产开发有限公司/置业有限公司", "b:{x}非法采矿案",
                "o:{x}违法转让土地使用权案",
            ),
            "行政检查": _t("o:对{x}建设项目开展规划核实检查", "o:对{x}土地利用情况开展检查"),
            "行政许可": _t("o:{x}建设工程规划许可申请@房地产开发有限公司/置业有限公司", "o:{x}建设用地规划许可申请@房地产开发有限公司/置业有限公司"),
            "行政确认": _t("b:{x}不动产登记", "p:{x}宅基地使用权确认"),
            "行政征收征用": _t("o:{x}集体土地征收@村经济合作社", "p:{x}国有土地上房屋征收补偿"),
            "行政强制": _t("b:强制拆除{x}非法占地建筑"),
        },
    ),
    "construction": Profile(
        types={"行政处罚": 0.45, "行政检查": 0.35, "行政许可": 0.15, "行政强制": 0.05},
        simple_share=0.05, amount=(1_000, 300_000), coercive_share=0.06,
        orgs=("建筑工程有限公司", "房地产开发有限公司", "物业管理有限公司", "燃气有限公司", "工程检测有限公司"),
        templates={
            "行政处罚": _t(
                "o:{x}未取得施工许可证擅自施工案@建筑工程有限公司/房地产开发有限公司", "o:{x}未按规定落实扬尘污染防治措施案@建筑工程有限公司", "o:{x}违法分包工程案@建筑工程有限公司",
                "o:{x}未按规定进行工程质量检测案@建筑工程有限公司/房地产开发有限公司", "o:{x}未按规定履行物业共用部位维修养护义务案@物业管理有限公司",
            ),
            "行政检查": _t("o:对{x}在建工程开展质量安全检查@建筑工程有限公司", "o:对{x}开展燃气经营安全检查@燃气有限公司"),
            "行政许可": _t("o:{x}建筑工程施工许可申请@房地产开发有限公司/建筑工程有限公司", "o:{x}燃气经营许可申请@燃气有限公司"),
            "行政强制": _t("o:查封{x}违规施工现场设备"),
        },
    ),
    "water": Profile(
        types={"行政处罚": 0.45, "行政检查": 0.35, "行政许可": 0.15, "行政强制": 0.05},
        simple_share=0.10, amount=(500, 100_000),
        orgs=("水产养殖场", "洗车店", "餐饮店", "建筑工程有限公司", "食品有限公司"),
        templates={
            "行政处罚": _t(
                "o:{x}未经许可擅自取水案@水产养殖场/混凝土有限公司/洗车店", "b:{x}向河道倾倒废弃物案", "o:{x}未取得排水许可向市政管网排水案",
                "b:{x}在河道管理范围内擅自搭建案",
            ),
            "行政检查": _t("o:对{x}排水许可执行情况开展检查", "o:对{x}河道管理范围内建设项目开展检查@建筑工程有限公司"),
            "行政许可": _t("o:{x}取水许可申请", "o:{x}污水排入排水管网许可申请"),
            "行政强制": _t("b:强制拆除{x}河道管理范围内违法搭建"),
        },
    ),
    "health": Profile(
        types={"行政处罚": 0.45, "行政检查": 0.40, "行政许可": 0.15},
        simple_share=0.5, amount=(500, 100_000),
        orgs=("诊所", "美容美发店", "游泳馆", "宾馆", "门诊部", "口腔诊所", "二次供水管理单位"),
        templates={
            "行政处罚": _t(
                "p:{x}未取得医疗机构执业许可证擅自执业案", "o+:{x}公共场所卫生不符合标准案@美容美发店/游泳馆/宾馆",
                "o:{x}供应的生活饮用水不符合卫生标准案@二次供水管理单位/物业管理有限公司", "o:{x}使用非卫生技术人员从事医疗卫生技术工作案@诊所/门诊部/口腔诊所",
                "o:{x}未按规定管理医疗废物案@诊所/门诊部/口腔诊所", "o:{x}未按规定进行职业病危害因素检测案@机械制造有限公司/化工有限公司/家具有限公司",
            ),
            "行政检查": _t("o:对{x}开展公共场所卫生监督检查@美容美发店/游泳馆/宾馆", "o:对{x}开展医疗机构依法执业检查@诊所/门诊部/口腔诊所"),
            "行政许可": _t("o:{x}公共场所卫生许可申请@美容美发店/游泳馆/宾馆", "o:{x}医疗机构执业登记@诊所/门诊部/口腔诊所"),
        },
    ),
    "labour": Profile(
        types={"行政处罚": 0.25, "行政检查": 0.35, "行政确认": 0.20, "行政给付": 0.20},
        simple_share=0.0, amount=(500, 50_000),
        orgs=("劳务派遣有限公司", "建筑工程有限公司", "餐饮管理有限公司", "服装有限公司"),
        templates={
            "行政处罚": _t(
                "o:{x}拖欠劳动者工资逾期未支付案", "o:{x}未按规定建立职工名册案", "o:{x}违法使用童工案",
                "o:{x}违反工作时间和休息休假规定案",
            ),
            "行政检查": _t("o:对{x}开展劳动保障监察", "o:对{x}开展根治欠薪专项检查"),
            "行政确认": _t("p:{x}工伤认定"),
            "行政给付": _t("p:{x}失业保险金发放", "p:{x}一次性就业补贴发放"),
        },
    ),
    "justice": Profile(
        types={"行政检查": 0.6, "行政许可": 0.4},
        orgs=("律师事务所", "司法鉴定所", "基层法律服务所"),
        templates={
            "行政检查": _t("o:对{x}执业活动开展检查"),
            "行政许可": _t("p:{x}基层法律服务工作者执业核准申请"),
        },
    ),
    "development": Profile(
        types={"行政检查": 0.6, "行政许可": 0.4},
        orgs=("能源有限公司", "投资有限公司", "物流园区有限公司"),
        templates={
            "行政检查": _t("o:对{x}固定资产投资项目节能审查意见落实情况开展检查"),
            "行政许可": _t("o:{x}企业投资项目核准申请"),
        },
    ),
    "finance": Profile(
        types={"行政检查": 1.0},
        orgs=("会计师事务所", "代理记账有限公司"),
        templates={"行政检查": _t("o:对{x}开展会计信息质量检查", "o:对{x}开展执业质量检查")},
    ),
    "services": Profile(
        types={"行政许可": 1.0},
        orgs=("餐饮店", "商贸有限公司", "物业管理有限公司"),
        templates={"行政许可": _t("o:{x}户外招牌设置许可申请", "o:{x}临时占用绿地许可申请")},
    ),
    "bigdata": Profile(
        types={"行政检查": 1.0},
        orgs=("信息技术有限公司", "数据服务有限公司"),
        templates={"行政检查": _t("o:对{x}公共数据使用情况开展检查")},
    ),
    "staffing": Profile(
        types={"行政检查": 1.0},
        orgs=("事业单位",),
        templates={"行政检查": _t("o:对{x}法人登记事项开展检查")},
    ),
    "town": Profile(
        types={"行政处罚": 0.50, "行政检查": 0.28, "行政强制": 0.09, "行政许可": 0.04, "行政确认": 0.04,
               "行政给付": 0.03, "行政征收征用": 0.02},
        simple_share=0.35, amount=(200, 50_000), coercive_share=0.06,
        orgs=("餐饮店", "建材经营部", "农业专业合作社", "物流有限公司", "废品回收站", "村民委员会"),
        templates={
            "行政处罚": _t(
                "p:{x}违法搭建建筑物案", "p+:{x}占道经营案", "p+:{x}露天焚烧秸秆案", "b+:{x}乱倒生活垃圾案",
                "b+:{x}擅自占用道路堆放物料案", "b:{x}损毁公共绿地案", "b+:{x}未按规定分类投放生活垃圾案",
            ),
            "行政检查": _t(
                "o:对{x}开展市容环境卫生检查", "p:对{x}开展违法建筑巡查", "o:对{x}开展燃气使用安全检查@餐饮店",
            ),
            "行政许可": _t("b:{x}临时占用道路许可申请"),
            "行政强制": _t("p:强制拆除{x}违法建筑", "p:扣押{x}占道经营物品"),
            "行政确认": _t("p:{x}农村宅基地使用资格确认"),
            "行政给付": _t("p:{x}临时救助金发放", "p:{x}高龄老人营养补贴发放"),
            "行政征收征用": _t("p:{x}集体土地征收补偿", "p:{x}房屋征收补偿"),
        },
    ),
}

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "施", "顾", "沈", "陆", "倪", "龚", "黄", "蔡", "钱", "宋", "唐", "陶",
)

# Fines are round numbers: a ladder of typical amounts, sometimes nudged by a tenth.
AMOUNT_LADDER = (
    200, 300, 500, 800, 1_000, 1_500, 2_000, 3_000, 5_000, 8_000, 10_000, 15_000, 20_000, 30_000,
    50_000, 80_000, 100_000, 150_000, 200_000, 300_000, 500_000, 800_000, 1_000_000,
)

# Working days (mainland China: weekends and public holidays off, make-up Saturdays/Sundays on), per year:
# (month, first day, last day) of each holiday, and the (month, day) make-up working days.
_HOLIDAYS = {
    2024: ((1, 1, 1), (2, 10, 17), (4, 4, 6), (5, 1, 5), (6, 10, 10), (9, 15, 17), (10, 1, 7)),
    2023: ((1, 1, 2), (1, 21, 27), (4, 5, 5), (4, 29, 30), (5, 1, 3), (6, 22, 24), (9, 29, 30), (10, 1, 6)),
}
_MAKEUP_DAYS = {
    2024: ((2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12)),
    2023: ((1, 28), (1, 29), (4, 23), (5, 6), (6, 25), (10, 7), (10, 8)),
}


def working_days(year: int = YEAR) -> list[dt.date]:
    days = []
    d = dt.date(year, 1, 1)
    while d.year == year:
        off = d.weekday() >= 5
        if any(d.month == m and a <= d.day <= b for m, a, b in _HOLIDAYS[year]):
            off = True
        if (d.month, d.day) in _MAKEUP_DAYS[year]:
            off = False
        if not off:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


# ------------------------------------------------------------------------------------------ drawing
# Only `rng.random()` is used (through these helpers), so the output does not depend on how a Python
# version implements choice/choices/randint.


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    total = sum(weights.values())
    x = rng.random() * total
    for key, w in weights.items():
        x -= w
        if x < 0:
            return key
    return key


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


@dataclass(frozen=True)
class Case:
    unit: UnitSpec
    case_type: str
    procedure: str  # "" unless 行政处罚
    date: dt.date
    major: bool
    waiver: bool
    hearing: bool
    coercive: bool
    amount: int | None
    description: str
    person: bool  # the party is a person, not an organisation
    case_number: str = ""

    @property
    def number_code(self) -> str:
        return WAIVER_CODE if self.waiver else TYPE_CODES[self.case_type]


def _party(rng: random.Random, orgs: tuple[str, ...], kind: str) -> tuple[str, bool]:
    person = kind == "p" or (kind == "b" and _chance(rng, 0.5))
    if person:
        return f"当事人{_pick(rng, SURNAMES)}某", True
    return f"某{_pick(rng, orgs)}", False


def _fine(rng: random.Random, lo: int, hi: int, *, major: bool) -> int:
    ladder = [a for a in AMOUNT_LADDER if lo <= a <= hi]
    if major:  # the top third of the unit's range
        ladder = ladder[len(ladder) * 2 // 3:]
        i = int(rng.random() * len(ladder))
    else:  # skewed towards the smaller amounts (min of two uniforms: plain arithmetic, same everywhere)
        i = int(min(rng.random(), rng.random()) * len(ladder))
    amount = ladder[i]
    if _chance(rng, 0.3):
        amount += amount // 10 * (1 + int(rng.random() * 4))
    return min(amount, hi)


def _draw_case(rng: random.Random, unit: UnitSpec, days: list[dt.date]) -> Case:
    profile = PROFILES[unit.profile]
    case_type = _weighted(rng, profile.types)
    template = _pick(rng, profile.templates[case_type])
    party, person = _party(rng, template.orgs or profile.orgs, template.party)
    date = _pick(rng, days)
    base = Case(
        unit=unit, case_type=case_type, procedure="", date=date, major=False, waiver=False, hearing=False,
        coercive=case_type == "行政强制", amount=None, description=template.text.format(x=party), person=person,
    )
    if case_type != "行政处罚":
        return base
    if template.simple and _chance(rng, profile.simple_share):
        ladder = (50, 100, 200) if person else (500, 1_000, 2_000, 3_000)
        return replace(base, procedure="简易", amount=_pick(rng, ladder))
    if _chance(rng, 0.08):
        return replace(base, procedure="一般", waiver=True)
    major = _chance(rng, 0.05)
    lo, hi = profile.amount
    amount = _fine(rng, lo, hi, major=major)
    hearing = amount >= HEARING_MIN_AMOUNT and _chance(rng, 0.6 if major else 0.05)
    coercive = _chance(rng, profile.coercive_share)
    return replace(base, procedure="一般", major=major, hearing=hearing, coercive=coercive, amount=amount)


class _Numberer:
    """Case numbers: 东城管罚〔2024〕123号, serials per unit and series, in decision-date order."""

    def __init__(self, rng: random.Random, year: int = YEAR) -> None:
        self.rng = rng
        self.year = year
        self.last: dict[tuple[str, str], int] = {}

    def next(self, case: Case) -> Case:
        key = (case.unit.abbr, case.number_code)
        serial = self.last.get(key, 0) + 1
        if _chance(self.rng, 0.04):  # a number withdrawn or used for another document
            serial += 1 + int(self.rng.random() * 3)
        self.last[key] = serial
        return replace(case, case_number=f"{case.unit.abbr}{case.number_code}〔{self.year}〕{serial}号")


@dataclass
class Demo:
    units: tuple[UnitSpec, ...]
    register: list[Case]
    messy_gbk: list[Case]
    messy_xlsx: list[Case]
    messy_errors: list[Case]
    register_2023: list[Case] = field(default_factory=list)


def build_previous_year(seed: int = DEFAULT_SEED) -> list[Case]:
    """The 2023 register: same units and profiles, about half the volume, its own random stream."""
    rng = random.Random(seed + YEAR_2023_OFFSET)
    days = working_days(PREVIOUS_YEAR)
    numberer = _Numberer(rng, PREVIOUS_YEAR)
    register: list[Case] = []
    for unit in UNITS:
        if unit.volume < 20:
            n = unit.volume
        else:
            n = round(unit.volume * PREVIOUS_YEAR_SCALE * (0.85 + 0.3 * rng.random()))
        drawn = [_draw_case(rng, unit, days) for _ in range(n)]
        drawn.sort(key=lambda c: c.date)
        register.extend(numberer.next(c) for c in drawn)
    return register


def build(seed: int = DEFAULT_SEED) -> Demo:
    """All synthetic case files, in memory (what `generate` writes)."""
    rng = random.Random(seed)
    days = working_days()
    numberer = _Numberer(rng)
    register: list[Case] = []
    for unit in UNITS:
        n = unit.volume if unit.volume < 20 else round(unit.volume * (0.9 + 0.2 * rng.random()))
        drawn = [_draw_case(rng, unit, days) for _ in range(n)]
        drawn.sort(key=lambda c: c.date)  # stable: ties keep drawing order
        register.extend(numberer.next(c) for c in drawn)

    # Later submissions: more files from the busier units, numbered after the clean register.
    weights = {u.name: float(u.volume) for u in UNITS if u.volume >= 20}
    by_name = {u.name: u for u in UNITS}

    def extra(count: int) -> list[Case]:
        cases = [_draw_case(rng, by_name[_weighted(rng, weights)], days) for _ in range(count)]
        cases.sort(key=lambda c: (c.unit.code, c.date))
        return [numberer.next(c) for c in cases]

    messy_gbk = extra(MESSY_ROWS)
    messy_xlsx = extra(MESSY_ROWS)
    messy_errors = extra(ERROR_FILE_ROWS)
    # The row whose amount is spoilt should be a fined 一般程序 penalty, so that is its only problem.
    i = next(r for r, column, _ in ERROR_ROWS if column == "罚款金额") - 2
    if not (messy_errors[i].procedure == "一般" and messy_errors[i].amount):
        case = messy_errors[i]
        while not (case.procedure == "一般" and case.amount):
            case = _draw_case(rng, by_name["区市场监管局"], days)
        messy_errors[i] = numberer.next(case)
    return Demo(units=UNITS, register=register, messy_gbk=messy_gbk, messy_xlsx=messy_xlsx,
                messy_errors=messy_errors, register_2023=build_previous_year(seed))


# ------------------------------------------------------------------------------------------ writing


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def _register_row(c: Case) -> list[str]:
    return [
        c.unit.name, c.case_number, c.case_type, c.procedure, c.date.isoformat(),
        _yes(c.major), _yes(c.waiver), _yes(c.hearing), _yes(c.coercive),
        "" if c.amount is None else str(c.amount), c.description,
    ]


def units_csv(demo: Demo) -> bytes:
    rows = [list(UNIT_COLUMNS)] + [[u.name, u.kind, u.code] for u in demo.units]
    return _csv_bytes(rows, "utf-8-sig")


def register_csv(demo: Demo, seed: int = DEFAULT_SEED) -> bytes:
    """The 2024 register, with the optional process columns the machine pre-check reads."""
    return _csv_bytes([[*REGISTER_COLUMNS, *PROCESS_COLUMNS]]
                      + [_register_row(c) + process_row(c, seed) for c in demo.register], "utf-8-sig")


def register_2023_csv(demo: Demo) -> bytes:
    return _csv_bytes([list(REGISTER_COLUMNS)] + [_register_row(c) for c in demo.register_2023], "utf-8-sig")


MESSY_GBK_HEADER = (
    "序号", "实施单位", "案件编号", "执法类别", "适用程序", "处罚决定日期", "罚款金额（元）",
    "是否重大执法决定", "是否不予处罚", "是否听证", "是否采取行政强制措施", "案由",
)
_FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _messy_amount(rng: random.Random, amount: int | None) -> str:
    if amount is None:
        return _pick(rng, ("", "", "", "/"))
    style = int(rng.random() * 4)
    if style == 0:
        return f"{amount:,}元"
    if style == 1:
        return f"{amount}元".translate(_FULLWIDTH)
    if style == 2:
        return f"{amount}.00"
    return str(amount)


def _messy_date(i: int, d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if i % 2 == 0 else f"{d.year}/{d.month}/{d.day}"


def messy_gbk_csv(demo: Demo, rng: random.Random) -> bytes:
    width = len(MESSY_GBK_HEADER)
    rows = [[TITLE] + [""] * (width - 1), [""] * width, list(MESSY_GBK_HEADER)]
    for i, c in enumerate(demo.messy_gbk):
        unit = c.unit.name + (" " if _chance(rng, 0.1) else "")  # stray trailing blanks
        case_type = c.case_type.removeprefix("行政") if _chance(rng, 0.3) else c.case_type
        rows.append([
            str(i + 1), unit, c.case_number, case_type, f"{c.procedure}程序" if c.procedure else "",
            _messy_date(i, c.date), _messy_amount(rng, c.amount),
            _yes(c.major), _yes(c.waiver), _yes(c.hearing), _yes(c.coercive), c.description,
        ])
    return _csv_bytes(rows, "gbk")


def errors_csv(demo: Demo) -> bytes:
    rows = [_register_row(c) for c in demo.messy_errors]
    col = {name: i for i, name in enumerate(REGISTER_COLUMNS)}
    for row_no, column, what in ERROR_ROWS:
        row = rows[row_no - 2]
        if column == "执法单位":
            row[col[column]] = "区环保局"
        elif column == "案号" and what.startswith("missing"):
            row[col[column]] = ""
        elif column == "案号":  # the row pasted twice
            row[:] = rows[_DUPLICATED_ROW - 2]
        elif column == "决定日期":
            row[col[column]] = "2024年13月5日"
        elif column == "案件类型":
            row[col[column]] = "行政奖励"
            row[col["程序"]] = ""
        elif column == "罚款金额":  # the case there is a fined 一般程序 penalty (see `build`)
            row[col[column]] = "五千元"
    return _csv_bytes([list(REGISTER_COLUMNS)] + rows, "utf-8")


XLSX_HEADER = (
    "执法主体", "案件文号", "案件类型", "程序类型", "决定日期", "罚款金额",
    "重大执法决定", "不予处罚", "听证", "强制措施", "案由",
)
_XLSX_FIXED_TIME = dt.datetime(2025, 1, 10, 9, 0, 0)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _wan(amount: int) -> str | int:
    """Some amounts as text: 1.2万元 / 3,500元; the rest as numbers."""
    if amount >= 10_000 and amount % 1_000 == 0:
        return f"{amount / 10_000:g}万元"
    return amount


def messy_xlsx(demo: Demo, rng: random.Random) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "登记表"
    width = len(XLSX_HEADER)
    ws.cell(row=1, column=1, value=TITLE + "（补报）").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for j, name in enumerate(XLSX_HEADER, 1):
        ws.cell(row=2, column=j, value=name).font = Font(bold=True)

    row = 3
    run_start = row
    cases = demo.messy_xlsx
    for i, c in enumerate(cases):
        first_of_run = i == 0 or cases[i - 1].unit.name != c.unit.name
        if first_of_run:
            ws.cell(row=row, column=1, value=c.unit.name).alignment = Alignment(vertical="center")
            run_start = row
        ws.cell(row=row, column=2, value=c.case_number)
        ws.cell(row=row, column=3, value=c.case_type)
        ws.cell(row=row, column=4, value=c.procedure or None)
        if i % 4 == 3:  # a bare serial number, as left by a column formatted as General
            ws.cell(row=row, column=5, value=(c.date - EXCEL_EPOCH).days)
        else:
            cell = ws.cell(row=row, column=5, value=dt.datetime.combine(c.date, dt.time()))
            cell.number_format = "yyyy-mm-dd" if i % 2 == 0 else 'yyyy"年"m"月"d"日"'
        if c.amount is not None:
            value = _wan(c.amount)
            if isinstance(value, int) and _chance(rng, 0.3):
                value = f"{value:,}元"
            ws.cell(row=row, column=6, value=value)
        for j, flag in enumerate((c.major, c.waiver, c.hearing, c.coercive), 7):
            ws.cell(row=row, column=j, value="√" if flag else None)
        ws.cell(row=row, column=11, value=c.description)
        last_of_run = i == len(cases) - 1 or cases[i + 1].unit.name != c.unit.name
        if last_of_run and row > run_start:
            ws.merge_cells(start_row=run_start, start_column=1, end_row=row, end_column=1)
        row += 1

    for letter, w in zip("ABCDEFGHIJK", (16, 26, 12, 10, 14, 12, 8, 8, 6, 8, 44), strict=True):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A3"
    wb.properties.creator = "casereview demo generator"
    wb.properties.lastModifiedBy = "casereview demo generator"
    wb.properties.created = _XLSX_FIXED_TIME
    wb.properties.modified = _XLSX_FIXED_TIME
    wb.properties.title = TITLE
    buf = io.BytesIO()
    wb.save(buf)
    # Saving stamps the current time as "modified": put the fixed one back.
    from openpyxl.xml.functions import tostring

    wb.properties.modified = _XLSX_FIXED_TIME
    return _stable_zip(buf.getvalue(), {"docProps/core.xml": tostring(wb.properties.to_tree())})


def _stable_zip(data: bytes, replace_members: dict[str, bytes]) -> bytes:
    """The same archive with some members replaced and fixed timestamps: same content, same bytes."""
    out = io.BytesIO()
    stamp = _XLSX_FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, replace_members.get(info.filename) or src.read(info.filename))
    return out.getvalue()


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write all demo files under `out_dir`; returns their paths by key."""
    out_dir = Path(out_dir)
    demo = build(seed)
    # A second stream for the cosmetic mess, so the case files do not depend on it.
    mess = random.Random(seed + 1)
    contents: dict[str, tuple[str, bytes]] = {
        "units": (UNITS_FILE, units_csv(demo)),
        "register": (REGISTER_FILE, register_csv(demo, seed)),
        "register_2023": (REGISTER_2023_FILE, register_2023_csv(demo)),
        "messy_gbk": (MESSY_GBK_FILE, messy_gbk_csv(demo, mess)),
        "messy_xlsx": (MESSY_XLSX_FILE, messy_xlsx(demo, mess)),
        "messy_errors": (MESSY_ERRORS_FILE, errors_csv(demo)),
    }
    paths: dict[str, Path] = {}
    for key, (name, data) in contents.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths[key] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scoring.demo.generate",
        description="Write the synthetic demo data (units, 2024 and 2023 registers, messy import examples).",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help=f"output directory (default: {DATA_DIR})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.seed).values():
        print(f"{path}  ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
