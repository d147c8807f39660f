"""Read-only views for the pages: overview counts, the campaign list, and a paged register search.

Every view takes the acting user and checks the role itself; queries are limited and paged in SQL, so
a register of a million rows is never loaded whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from scoring.db.models import Campaign, CampaignStandard, CaseFile, Unit, User
from scoring.domain import FILE_FLAGS
from scoring.errors import ValidationFailed
from scoring.policy import Action, check
from scoring.rubric.vocabulary import active_vocabulary

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class OverviewCounts:
    units: int
    case_files: int
    campaigns: int
    active_users: int


def overview_counts(session: Session, actor: User | None) -> OverviewCounts:
    check(actor, Action.OVERVIEW)

    def count(stmt: Select) -> int:
        return int(session.scalar(stmt) or 0)

    return OverviewCounts(
        units=count(select(func.count()).select_from(Unit)),
        case_files=count(select(func.count()).select_from(CaseFile)),
        campaigns=count(select(func.count()).select_from(Campaign)),
        active_users=count(select(func.count()).select_from(User).where(User.active.is_(True))),
    )


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    year: int
    window_start: dt.date
    window_end: dt.date
    status: str
    pass_line: Decimal
    reviewers_per_file: int
    bands: str
    standards: int


def list_campaigns(session: Session, actor: User | None) -> list[CampaignRow]:
    check(actor, Action.MANAGE_CAMPAIGNS)
    n_std = (
        select(func.count()).select_from(CampaignStandard)
        .where(CampaignStandard.campaign_id == Campaign.id).scalar_subquery()
    )
    rows = session.execute(select(Campaign, n_std).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return [
        CampaignRow(
            id=c.id, name=c.name, year=c.year, window_start=c.window_start, window_end=c.window_end,
            status=c.status, pass_line=c.pass_line, reviewers_per_file=c.reviewers_per_file,
            bands=" / ".join(f"{b['name']}≥{Decimal(str(b['min'])).normalize():f}" for b in c.grade_bands),
            standards=int(n),
        )
        for c, n in rows
    ]


def unit_names(session: Session) -> list[str]:
    """Unit names in display order (for choosing a home unit or filtering the register)."""
    return list(session.scalars(select(Unit.name).order_by(Unit.sort_order, Unit.id)))


@dataclass(frozen=True)
class RegisterEntry:
    id: int
    case_number: str
    unit: str
    case_type: str
    procedure: str | None
    decision_date: dt.date
    flags: list[str]  # keys of domain.FILE_FLAGS that are set
    penalty_amount: Decimal | None
    description: str


@dataclass(frozen=True)
class RegisterPage:
    entries: list[RegisterEntry]
    total: int  # rows matching the filters, over all pages
    offset: int
    limit: int


def search_register(
    session: Session, actor: User | None, *, text: str = "", unit: str | None = None,
    case_type: str | None = None, flag: str | None = None, limit: int = 50, offset: int = 0,
) -> RegisterPage:
    """One page of the register, newest decisions first, filtered in SQL (lead only)."""
    check(actor, Action.READ_REGISTER)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(code="views.page_size", max=MAX_PAGE_SIZE)
    if offset < 0:
        raise ValidationFailed(code="views.offset")
    known_types = active_vocabulary().case_types
    if case_type and case_type not in known_types:
        raise ValidationFailed(code="results.unknown_case_type", case_type=case_type, known=list(known_types))
    if flag and flag not in FILE_FLAGS:
        raise ValidationFailed(code="views.unknown_flag", flag=flag, known=list(FILE_FLAGS))
    conds = []
    if text.strip():
        needle = text.strip()
        conds.append(or_(CaseFile.case_number.contains(needle, autoescape=True),
                         CaseFile.description.contains(needle, autoescape=True)))
    if unit:
        conds.append(Unit.name == unit)
    if case_type:
        conds.append(CaseFile.case_type == case_type)
    if flag:
        conds.append(getattr(CaseFile, flag).is_(True))
    base = select(CaseFile, Unit.name).join(Unit, Unit.id == CaseFile.unit_id).where(*conds)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = session.execute(
        base.order_by(CaseFile.decision_date.desc(), CaseFile.id.desc()).limit(limit).offset(offset)
    ).all()
    entries = [
        RegisterEntry(
            id=cf.id, case_number=cf.case_number, unit=unit_name, case_type=cf.case_type, procedure=cf.procedure,
            decision_date=cf.decision_date, flags=[f for f in FILE_FLAGS if getattr(cf, f)],
            penalty_amount=cf.penalty_amount, description=cf.description,
        )
        for cf, unit_name in rows
    ]
    return RegisterPage(entries=entries, total=total, offset=offset, limit=limit)
