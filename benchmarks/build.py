"""The benchmark world, built through the project's own bulk paths.

1. Units: `scoring.register.add_unit`; 2. the register: a CSV written row by row (title row, mixed date
and amount forms) and imported by `scoring.register.import_register` (the same path as `casereview
import-register`); 3. accounts: `scoring.accounts.create_user` (a lead, reviewers with home units, so
recusal bites); 4. the campaign: `scoring.workflow.campaigns.create_campaign` with the shipped standards;
5. the draw: `scoring.workflow.sampling.draw_sample` (percent quota, stratified, three forced flags);
6. assignment: `scoring.workflow.assignments.plan_auto_assignment` + `apply_plan`.
7. Reviews: every file whose (standard, attributes, marks pair) is new is scored through the core
workflow (`open_review`, `save_draft`, `submit_review`, `record_recheck` when a re-check rule fires);
that is the "data entry through the core" figure. Every other file with the same key gets copies of
those rows (reviews, marks, re-check, final result, focus scores, standing defects) in bulk inserts,
so a province-sized campaign can be built in minutes; the copies are exactly what the core wrote for
an identical file, only the ids differ (no audit entries are written for them).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from scoring.accounts import create_user
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileDeduction,
    FileFocusScore,
    FileResult,
    Recheck,
    Review,
    ReviewMark,
    SampleItem,
    SampleRecord,
    User,
)
from scoring.db.session import session_factory, transaction
from scoring.domain import CASE_TYPES, UnitKind
from scoring.marks import Marks
from scoring.register import add_unit, import_register
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary
from scoring.workflow.assignments import apply_plan, plan_auto_assignment
from scoring.workflow.campaigns import create_campaign, spec_from_options, standard_for
from scoring.workflow.recheck import outcome, record_recheck
from scoring.workflow.reviews import attributes_of, open_review, save_draft, submit_review
from scoring.workflow.sampling import draw_sample


@dataclass(frozen=True)
class Scale:
    name: str
    units: int
    register: int
    percent: float
    reviewers: int
    repeat: int


SCALES = {
    "small": Scale("small", 12, 3_000, 5, 8, 1),
    "district": Scale("district", 60, 100_000, 5, 30, 3),
    "province": Scale("province", 500, 1_000_000, 5, 60, 3),
}
PASSWORD = "bench-password-1"
CAMPAIGN = "基准评查"
SEED = 20250301
RULES = {"quota": {"percent": 5}, "stratify_by_case_type": True,
         "forced": [{"flag": "major_decision", "min": 1}, {"flag": "waiver", "min": 1},
                    {"flag": "hearing_held", "min": 1}]}
HEADER = ["序号", "执法单位", "案号", "案件类型", "程序", "决定日期", "罚款金额（元）", "是否重大执法决定",
          "是否不予处罚", "是否听证", "是否采取行政强制措施", "案由"]
POOL = 4  # mark sets per (standard, attributes): from careful to careless


@dataclass
class World:
    url: str
    scale: Scale
    campaign_id: int = 0
    lead_id: int = 0
    reviewer_ids: list[int] = field(default_factory=list)
    register_csv: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def unit_names(n: int) -> list[tuple[str, UnitKind]]:
    return [(f"第{i:03d}执法局" if i % 3 else f"第{i:03d}镇", UnitKind.DEPARTMENT if i % 3 else UnitKind.TOWN)
            for i in range(1, n + 1)]


def _date(rng: random.Random) -> str:
    d = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
    form = rng.randrange(4)
    if form == 0:
        return f"{d.year}年{d.month}月{d.day}日"
    if form == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if form == 2:
        return d.isoformat()
    return str((d - dt.date(1899, 12, 30)).days)  # an Excel serial number


def _amount(rng: random.Random, case_type: str) -> str:
    if case_type != "行政处罚" or rng.random() < 0.2:
        return ""
    yuan = rng.choice([200, 500, 1000, 2000, 5000, 10000, 15000, 50000, 200000])
    form = rng.randrange(3)
    return f"{yuan:,}元" if form == 0 else (f"{yuan / 10000:g}万元" if form == 1 else str(yuan))


def write_register(path: Path, rows: int, units: list[str], seed: int = 20240305) -> None:
    """A register like the ones panels receive (title row, mixed forms), written row by row."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["2024年度行政执法案卷登记表"] + [""] * (len(HEADER) - 1))
        out.writerow(HEADER)
        for i in range(1, rows + 1):
            case_type = rng.choices(CASE_TYPES, weights=[15, 50, 20, 5, 4, 3, 3])[0]
            procedure = rng.choice(["一般程序", "简易程序", "一般"]) if case_type == "行政处罚" else ""
            flags = ["是" if rng.random() < p else rng.choice(["否", ""]) for p in (0.05, 0.03, 0.02, 0.04)]
            out.writerow([i, rng.choice(units), f"某执法〔2024〕{i}号", case_type, procedure, _date(rng),
                          _amount(rng, case_type), *flags, f"案件{i}简要案情"])


def _cpu() -> float:
    return time.process_time()


def build(engine: Engine, world: World, tmp: Path, *, log: Any = print) -> World:
    scale = world.scale
    rng = random.Random(1)
    units = unit_names(scale.units)
    t = _cpu()
    with transaction(engine) as s:
        lead = create_user(s, username="lead", display_name="组长", role="lead", password=PASSWORD, bootstrap=True)
        world.lead_id = lead.id
        for name, kind in units:
            add_unit(s, name, kind, actor_id=lead.id)
        for i in range(scale.reviewers):
            r = create_user(s, username=f"r{i:03d}", display_name=f"评查员{i:03d}", role="reviewer",
                            unit_name=units[i % len(units)][0], password=PASSWORD, actor=lead)
            world.reviewer_ids.append(r.id)
    world.timings["units and accounts"] = _cpu() - t

    world.register_csv = tmp / "register.csv"
    t = _cpu()
    write_register(world.register_csv, scale.register, [n for n, _ in units])
    world.timings["write register CSV"] = _cpu() - t
    t = _cpu()
    report = import_register(engine, world.register_csv, actor_id=world.lead_id)
    if not report.ok:
        raise SystemExit(f"register import failed: {report.problems[:5]}")
    world.timings["import register"] = _cpu() - t
    log(f"  register: {report.rows_imported:,} rows")

    library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
    with transaction(engine) as s:
        lead = s.get(User, world.lead_id)
        spec = spec_from_options(name=CAMPAIGN, year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31))
        world.campaign_id = create_campaign(s, spec, library, lead).id
    t = _cpu()
    record = draw_sample(engine, world.campaign_id, RULES, SEED, actor_id=world.lead_id)
    world.timings["draw"] = _cpu() - t
    world.counts["sampled"] = len(record.items)
    log(f"  sample: {len(record.items):,} files")
    t = _cpu()
    with transaction(engine) as s:
        lead = s.get(User, world.lead_id)
        campaign = _campaign(s, world)
        plan = plan_auto_assignment(s, campaign)
        world.counts["assignments"] = apply_plan(s, lead, campaign, plan, how="auto")
    world.timings["assign"] = _cpu() - t
    score_all(engine, world, rng, log=log)
    return world


def _campaign(s: Any, world: World) -> Any:
    return s.get(Campaign, world.campaign_id)


def _marks(standard: Any, attrs: Any, weakness: float, rng: random.Random) -> Marks:
    """Deductions on a share `weakness` of the applicable items, each with a page; rarely a veto."""
    items: dict = {}
    for item_id, (_, item) in standard.items_by_id.items():
        if not standard.item_applies(item_id, attrs) or rng.random() > weakness or not item.deductions:
            continue
        d = rng.choice(item.deductions)
        occ = 1 if d.points is not None else rng.randint(1, 3)
        items[item_id] = {"deductions": [{"reason": d.id, "occurrences": occ, "page": str(rng.randint(1, 40)),
                                          "comment": f"{item.title}：{d.reason}"}]}
    vetoes = {}
    applicable = [v.id for v in standard.vetoes if standard.veto_applies(v.id, attrs)]
    if applicable and weakness > 0.2 and rng.random() < 0.3:
        vetoes[rng.choice(applicable)] = {"page": "1", "comment": "否决项"}
    return Marks.model_validate({"items": items, "vetoes": vetoes})


def score_all(engine: Engine, world: World, rng: random.Random, *, log: Any = print) -> None:
    """Score every sampled file: new keys through the core workflow, the rest as copies of those rows."""
    Session = session_factory(engine)
    with Session() as s:
        rows = s.execute(
            sa.select(CaseFile.id, CaseFile.unit_id, CaseFile.case_type, CaseFile.procedure, CaseFile.major_decision,
                      CaseFile.waiver, CaseFile.hearing_held, CaseFile.coercive_measure)
            .join(SampleItem, SampleItem.case_file_id == CaseFile.id)
            .join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
            .where(SampleRecord.campaign_id == world.campaign_id, SampleRecord.is_current.is_(True))
            .order_by(SampleItem.draw_order)).all()
        assignments: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for aid, fid, rid in s.execute(sa.select(Assignment.id, Assignment.case_file_id, Assignment.reviewer_id)
                                       .where(Assignment.campaign_id == world.campaign_id)
                                       .order_by(Assignment.id)):
            assignments[fid].append((aid, rid))
    quality = {uid: random.Random(uid).choice([0, 0, 1, 1, 2, 3]) for uid in {r[1] for r in rows}}
    templates: dict[tuple, int] = {}
    copies: dict[int, list[int]] = defaultdict(list)
    keys: dict[int, tuple] = {}
    for row in rows:
        i = quality[row[1]]
        if rng.random() < 0.3:
            i = min(POOL - 1, i + rng.choice([0, 1]))
        j = i if rng.random() < 0.7 else min(POOL - 1, i + 1)
        key = (*row[2:], i, j)
        keys[row[0]] = key
        if key in templates:
            copies[templates[key]].append(row[0])
        else:
            templates[key] = row[0]
    pools: dict[tuple, list[Marks]] = {}
    t = _cpu()
    for key, fid in templates.items():
        with transaction(engine) as s:
            campaign = _campaign(s, world)
            cf = s.get(CaseFile, fid)
            standard, attrs = standard_for(s, campaign, cf), attributes_of(cf)
            pool_key = key[:-2]
            if pool_key not in pools:
                prng = random.Random(repr(pool_key))
                pools[pool_key] = [_marks(standard, attrs, w, prng) for w in (0.03, 0.08, 0.15, 0.3)]
            pool = pools[pool_key]
            for (aid, rid), p in zip(assignments[fid], key[-2:], strict=False):
                reviewer = s.get(User, rid)
                rv = open_review(s, reviewer, aid)
                rv = save_draft(s, reviewer, rv.id, pool[p], expected_version=rv.version)
                submit_review(s, reviewer, rv.id, expected_version=rv.version)
            if outcome(s, campaign, cf).status == "awaiting_recheck":
                record_recheck(s, s.get(User, world.lead_id), campaign, cf, reason="复核：两名评查人员意见不一",
                               marks=pool[key[-2]])
    world.timings["data entry through the core"] = _cpu() - t
    world.counts["files scored through the core"] = len(templates)
    log(f"  scored {len(templates):,} files through the core; copying to {sum(map(len, copies.values())):,} more")
    t = _cpu()
    _copy_rows(engine, world, copies, assignments)
    world.timings["bulk copies"] = _cpu() - t


def _copy_rows(engine: Engine, world: World, copies: dict[int, list[int]],
               assignments: dict[int, list[tuple[int, int]]]) -> None:
    cid = world.campaign_id
    tables = {m: m.__table__ for m in (Review, ReviewMark, Recheck, FileResult, FileFocusScore, FileDeduction)}
    with transaction(engine) as s:
        unit_of = dict(s.execute(sa.select(CaseFile.id, CaseFile.unit_id)
                                 .join(Assignment, Assignment.case_file_id == CaseFile.id)
                                 .where(Assignment.campaign_id == cid)).all())
        next_id = {m: (s.scalar(sa.select(sa.func.max(t.c.id))) or 0) + 1 for m, t in tables.items()}
        pending: dict[Any, list[dict]] = defaultdict(list)

        def add(model: Any, row: dict) -> int:
            row["id"] = next_id[model]
            next_id[model] += 1
            pending[model].append(row)
            if len(pending[model]) >= 20_000:
                flush()
            return row["id"]

        def flush() -> None:
            for model in (Review, ReviewMark, Recheck, FileResult, FileFocusScore, FileDeduction):
                if pending[model]:
                    s.execute(tables[model].insert(), pending[model])
                    pending[model] = []

        for template, targets in copies.items():
            t_assign = [aid for aid, _ in assignments[template]]
            reviews = {r["assignment_id"]: r for r in s.execute(
                sa.select(tables[Review]).where(tables[Review].c.assignment_id.in_(t_assign))).mappings()}
            marks: dict[int, list[dict]] = defaultdict(list)
            for m in s.execute(sa.select(tables[ReviewMark]).where(
                    tables[ReviewMark].c.review_id.in_([r["id"] for r in reviews.values()]))).mappings():
                marks[m["review_id"]].append(dict(m))
            per_file = {}
            for model in (Recheck, FileResult, FileFocusScore, FileDeduction):
                tb = tables[model]
                per_file[model] = [dict(r) for r in s.execute(sa.select(tb).where(
                    tb.c.campaign_id == cid, tb.c.case_file_id == template)).mappings()]
            for fid in targets:
                review_map = {}
                for (t_aid, _), (aid, _) in zip(assignments[template], assignments[fid], strict=True):
                    src = reviews[t_aid]
                    new_id = add(Review, {**src, "assignment_id": aid})
                    review_map[src["id"]] = new_id
                    for m in marks[src["id"]]:
                        add(ReviewMark, {**m, "review_id": new_id})
                for row in per_file[Recheck]:
                    adopted = row["adopted_review_id"]
                    add(Recheck, {**row, "case_file_id": fid,
                                  "adopted_review_id": review_map.get(adopted) if adopted else None})
                for model in (FileResult, FileFocusScore, FileDeduction):
                    for row in per_file[model]:
                        new = {**row, "case_file_id": fid}
                        if "unit_id" in new:
                            new["unit_id"] = unit_of[fid]
                        add(model, new)
        flush()
        if s.get_bind().dialect.name == "postgresql":
            for tb in tables.values():
                s.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{tb.name}', 'id'), "
                                  f"(SELECT max(id) FROM {tb.name}))"))
