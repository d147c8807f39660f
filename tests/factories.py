"""Fixture factories: build units, users and case files with sensible defaults in one call."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from scoring.db.models import CaseFile, Unit, User
from scoring.db.session import session_factory

_seq = itertools.count(1)


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def unit(self, name: str | None = None, kind: str = "department", **kw: Any) -> Unit:
        n = next(_seq)
        unit = Unit(name=name or f"测试单位{n}", kind=kind, sort_order=kw.pop("sort_order", n), **kw)
        self.session.add(unit)
        self.session.flush()
        return unit

    def user(self, username: str | None = None, role: str = "reviewer", unit: Unit | None = None, **kw: Any) -> User:
        n = next(_seq)
        user = User(
            username=username or f"user{n}",
            display_name=kw.pop("display_name", f"评查员{n}"),
            role=role,
            unit_id=unit.id if unit else None,
            **kw,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def case_file(self, unit: Unit, **kw: Any) -> CaseFile:
        n = next(_seq)
        values: dict[str, Any] = dict(
            case_number=f"测罚〔2024〕{n}号",
            case_type="行政处罚",
            procedure="一般",
            decision_date=dt.date(2024, 5, 1),
            penalty_amount=Decimal("1000"),
            description="测试案件",
        )
        values.update(kw)
        cf = CaseFile(unit_id=unit.id, **values)
        self.session.add(cf)
        self.session.flush()
        return cf

    def sample(self, campaign, files, seed: int = 1):  # noqa: ANN001
        """Record `files` as the campaign's current sample (bypassing the draw, for workflow tests)."""
        from scoring.db.models import SampleItem, SampleRecord

        record = SampleRecord(campaign_id=campaign.id, seed=seed, rules={}, register_fingerprint="0" * 64,
                              candidate_count=len(files), algorithm_version="test", record_hash="0" * 64)
        self.session.add(record)
        self.session.flush()
        for n, cf in enumerate(files, start=1):
            self.session.add(SampleItem(sample_id=record.id, case_file_id=cf.id, draw_order=n, reason="random"))
        self.session.flush()
        return record


def lead_id(engine: Engine) -> int:
    """The id of the database's panel lead, made on first use: core operations act as an account."""
    with session_factory(engine)() as session, session.begin():
        found = session.scalar(select(User.id).where(User.role == "lead", User.active.is_(True)).order_by(User.id))
        if found is not None:
            return found
        return Factory(session).user("test-lead", role="lead", display_name="测试组长").id


def session_lead_id(session: Session) -> int:
    """`lead_id` inside an open session (flushed, not committed)."""
    found = session.scalar(select(User.id).where(User.role == "lead", User.active.is_(True)).order_by(User.id))
    return found if found is not None else Factory(session).user("test-lead", role="lead", display_name="测试组长").id


@contextmanager
def tampering(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back afterwards: edit the database past the application
    in it (as a tamperer would) and verify through it."""
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            yield conn
        finally:
            trans.rollback()
