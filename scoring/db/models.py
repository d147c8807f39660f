"""SQLAlchemy 2 typed models: the persistent state of a review campaign.

Schema changes go through Alembic migrations in `scoring/db/migrations/versions/`; these models are
what the migrations build, and a test checks the two never drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Centi(TypeDecorator):
    """A Decimal with two places stored as an integer number of hundredths.

    Exact on every backend (SQLite has no decimal type) and still summable in SQL:
    `AVG(total) / 100` is the mean score.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return int(d * 100)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


ONLY_ON = "only_on"  # an index's info key: the one database kind it exists on (see `in_schema`)


def in_schema(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` for a database of this kind: an index declared for another kind only
    (`info={ONLY_ON: ...}`) is not part of its schema (migrations create it on that kind alone)."""
    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return reflected or type_ != "index" or obj.info.get(ONLY_ON, dialect) == dialect
    return include


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """An enforcement unit: a district department (区级部门) or a town (乡镇)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # domain.UnitKind
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # domain.Role
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    language: Mapped[str | None] = mapped_column(String(5))  # the pages' language, kept per account

    unit: Mapped[Unit | None] = relationship()


class ImportBatch(Base):
    """One committed register import: which file, its hash, how many rows."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaseFile(Base):
    """A closed case file in the register (案卷登记)."""

    __tablename__ = "case_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(120), unique=True)
    case_type: Mapped[str] = mapped_column(String(20))
    procedure: Mapped[str | None] = mapped_column(String(10))
    decision_date: Mapped[dt.date] = mapped_column(Date, index=True)
    major_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    waiver: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_held: Mapped[bool] = mapped_column(Boolean, default=False)
    coercive_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    penalty_amount: Mapped[Decimal | None] = mapped_column(Centi)
    # Declared attributes beyond the built-in columns (rubrics/attributes.yaml): key -> value, and where
    # each value came from ("register" import or set by the "lead").
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attribute_sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    unit: Mapped[Unit] = relationship()


class StandardVersion(Base):
    """An exact, immutable version of a composed scoring standard, keyed by its content hash."""

    __tablename__ = "standard_versions"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    standard_id: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Campaign(Base):
    """A review campaign (评查活动)."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.date] = mapped_column(Date)
    window_end: Mapped[dt.date] = mapped_column(Date)
    grade_bands: Mapped[list[Any]] = mapped_column(JSON)
    pass_line: Mapped[Decimal] = mapped_column(Centi)
    reviewers_per_file: Mapped[int] = mapped_column(Integer, default=2)
    recheck_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit_bands: Mapped[list[Any] | None] = mapped_column(JSON)  # unit grades; None: the campaign's bands
    tie_break: Mapped[str] = mapped_column(String(20), default="none", server_default="none")  # scoring.ranking.TIE_BREAKS
    anonymise: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="setup")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    standards: Mapped[list[CampaignStandard]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )


class CampaignStandard(Base):
    """Which standard version scores which case type (and procedure) in a campaign."""

    __tablename__ = "campaign_standards"
    __table_args__ = (UniqueConstraint("campaign_id", "case_type", "procedure"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    case_type: Mapped[str] = mapped_column(String(20))
    procedure: Mapped[str | None] = mapped_column(String(10))
    standard_hash: Mapped[str] = mapped_column(ForeignKey("standard_versions.hash"))
    grade_bands: Mapped[list[Any] | None] = mapped_column(JSON)  # override of this standard's bands
    pass_line: Mapped[Decimal | None] = mapped_column(Centi)  # ...and pass line

    campaign: Mapped[Campaign] = relationship(back_populates="standards")
    standard: Mapped[StandardVersion] = relationship()


class SampleRecord(Base):
    """A stored draw: everything needed to re-derive and verify it."""

    __tablename__ = "sample_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    register_fingerprint: Mapped[str] = mapped_column(String(64))
    candidate_count: Mapped[int] = mapped_column(Integer)
    algorithm_version: Mapped[str] = mapped_column(String(40))
    record_hash: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sample_records.id"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    items: Mapped[list[SampleItem]] = relationship(
        back_populates="sample", order_by="SampleItem.draw_order", cascade="all, delete-orphan"
    )


class SampleItem(Base):
    __tablename__ = "sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "case_file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("sample_records.id", ondelete="CASCADE"))
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    draw_order: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(100))

    sample: Mapped[SampleRecord] = relationship(back_populates="items")
    case_file: Mapped[CaseFile] = relationship()


class Assignment(Base):
    """A reviewer is asked to score one sampled file of a campaign."""

    __tablename__ = "assignments"
    # Per reviewer within a campaign (progress per reviewer, a reviewer's queue): read in this index's
    # order whatever statistics the planner has (with ANALYZE's, SQLite otherwise scanned every
    # campaign's assignments by reviewer).
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id", "reviewer_id"),
                      Index("ix_assignments_campaign_reviewer", "campaign_id", "reviewer_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    case_file: Mapped[CaseFile] = relationship()
    reviewer: Mapped[User] = relationship()
    review: Mapped[Review | None] = relationship(back_populates="assignment")


class Review(Base):
    """One reviewer's scoring of one file, under one exact standard version."""

    __tablename__ = "reviews"
    # Progress counts reviews by status per file: from this index alone, never the wide rows (result JSON).
    # On SQLite, agreement reads its columns from ix_reviews_values: SQLite keeps a row's columns in
    # order, and item_values (added later, so last) comes after the result document, several KB on
    # overflow pages that a read of item_values walks (PostgreSQL keeps such a document out of line).
    __table_args__ = (Index("ix_reviews_assignment_status", "assignment_id", "status"),
                      Index("ix_reviews_values", "assignment_id", "status", "total", "standard_hash", "item_values",
                            info={ONLY_ON: "sqlite"}).ddl_if(dialect="sqlite"))
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    standard_hash: Mapped[str] = mapped_column(ForeignKey("standard_versions.hash"))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # domain.ReviewStatus
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    total: Mapped[Decimal | None] = mapped_column(Centi)
    grade: Mapped[str | None] = mapped_column(String(20))
    veto: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # the result's per-item deductions packed (scoring.item_values): derived, re-checked by audit verify
    item_values: Mapped[bytes | None] = mapped_column(LargeBinary)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # attributes the reviewer answered on the form
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    marks: Mapped[list[ReviewMark]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewMark.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ReviewMark(Base):
    """One mark on one item: a deduction (reason, points, occurrences), N/A, or a veto."""

    __tablename__ = "review_marks"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))  # domain.MarkStatus
    reason_id: Mapped[str | None] = mapped_column(String(60))
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    points: Mapped[Decimal] = mapped_column(Centi, default=Decimal("0"))
    chosen_points: Mapped[Decimal | None] = mapped_column(Centi)  # a range's or an `other` deduction's choice
    comment: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[str | None] = mapped_column(String(60))
    media_file: Mapped[str | None] = mapped_column(String(300))
    media_time: Mapped[str | None] = mapped_column(String(30))

    review: Mapped[Review] = relationship(back_populates="marks")


class Recheck(Base):
    """The panel lead's re-check (复核) of a file whose reviews disagree: the final marks and why."""

    __tablename__ = "rechecks"
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    standard_hash: Mapped[str] = mapped_column(ForeignKey("standard_versions.hash"))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    adopted_review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    total: Mapped[Decimal] = mapped_column(Centi)
    grade: Mapped[str] = mapped_column(String(20))
    veto: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case_file: Mapped[CaseFile] = relationship()

    __mapper_args__ = {"version_id_col": version}


class FileResult(Base):
    """The final result of a sampled file (see scoring.workflow.recheck for the definition), kept up to date on
    every submit, reopen, re-check and assignment change so units can be compared in SQL."""

    __tablename__ = "file_results"
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    case_type: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))  # mean / recheck
    score: Mapped[Decimal] = mapped_column(Centi)
    grade: Mapped[str] = mapped_column(String(20))
    passed: Mapped[bool] = mapped_column(Boolean)
    veto: Mapped[bool] = mapped_column(Boolean, default=False)
    reviews: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FileFocusScore(Base):
    """Per focus area of a file's final result: applicable maximum and points earned."""

    __tablename__ = "file_focus_scores"
    # Focus rates are summed per unit and focus area by reading this index in order: no join to the
    # final results, no sort, no table row (scoring.aggregate.units.focus_rates).
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id", "focus"),
                      Index("ix_file_focus_scores_units", "campaign_id", "unit_id", "focus", "applicable_max", "earned"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the file's, as in its final result
    focus: Mapped[str] = mapped_column(String(40))
    applicable_max: Mapped[Decimal] = mapped_column(Centi)
    earned: Mapped[Decimal] = mapped_column(Centi)


class FileDeduction(Base):
    """A defect standing in a file's final result: an (item, reason) the re-check recorded or, for a
    mean result, that at least one submitted review recorded. One row per file and reason, so counts
    of rows are counts of files."""

    __tablename__ = "file_deductions"
    # Problems are counted per reason (and unit) by reading this index in order: grouped without a sort,
    # labels included, never the wide rows (comments, locations). See scoring.aggregate.units.reason_counts.
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id", "item_id", "reason_id"),
                      Index("ix_file_deductions_problems", "campaign_id", "item_id", "reason_id", "is_veto", "unit_id",
                            "focus", "reason", "standard_hash", "case_file_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    standard_hash: Mapped[str] = mapped_column(ForeignKey("standard_versions.hash"))
    item_id: Mapped[str] = mapped_column(String(60))
    reason_id: Mapped[str] = mapped_column(String(60))  # veto id for vetoes
    is_veto: Mapped[bool] = mapped_column(Boolean, default=False)
    focus: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    points: Mapped[Decimal] = mapped_column(Centi)  # mean over the reviews that recorded it
    reviews: Mapped[int] = mapped_column(Integer)  # how many reviews recorded it (re-check: 1)
    comment: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")


class AuditEntry(Base):
    """Append-only log of every change: who, when, what, old and new value.

    Database triggers (see the migrations) refuse UPDATE, DELETE, REPLACE and (PostgreSQL) TRUNCATE.
    `seq`, `prev_hash` and `entry_hash` chain the entries (scoring.audit_chain), so what a database
    owner does past the triggers shows in `casereview audit verify`.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"), Index("ix_audit_log_seq", "seq", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The audit chain's last entry (one row): appending locks it, so entries are chained in order."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Finding(Base):
    """One paragraph of the review's findings (scoring.findings): a main problem, a typical example or a
    recommendation, for the whole campaign (`unit_id` null) or one unit.

    `gen_key` names what generated it (e.g. "problem:legal_review:LR3:a"; "manual:..." for text a lead
    wrote); `draft_title`/`draft_body` are the last generated text and `edited` says a person changed
    the title or body, which regeneration then never overwrites unasked. `version` is the optimistic
    lock of the text and the include flag (moving does not change it)."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "gen_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    section: Mapped[str] = mapped_column(String(20))  # problem / typical / recommendation
    focus: Mapped[str | None] = mapped_column(String(40))
    gen_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    draft_title: Mapped[str] = mapped_column(String(300), default="")
    draft_body: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    links: Mapped[list[FindingLink]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", passive_deletes=True, order_by="FindingLink.id"
    )


class FindingLink(Base):
    """A file and the standing defect (item, reason; veto id twice for a veto) behind a finding."""

    __tablename__ = "finding_links"
    __table_args__ = (UniqueConstraint("finding_id", "case_file_id", "item_id", "reason_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: the unique constraint's index starts with it (a second one only slowed inserts)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    item_id: Mapped[str] = mapped_column(String(60))
    reason_id: Mapped[str] = mapped_column(String(60))

    finding: Mapped[Finding] = relationship(back_populates="links")


class Rectification(Base):
    """A rectification (整改) requirement for a unit: what, who is responsible, by when, and its status."""

    __tablename__ = "rectifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    requirement: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / in_progress / done
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SignInSession(Base):
    """A signed-in browser (scoring.sign_in_sessions): only the SHA-256 of its random token is stored."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    via: Mapped[str] = mapped_column(String(20), default="password")  # password / sso
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))


class PdfBlob(Base):
    """The bytes of one PDF, keyed by their SHA-256: the same PDF attached twice is stored once."""

    __tablename__ = "pdf_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CaseFilePdf(Base):
    """The electronic case file (电子案卷) attached to a registered case file: one per file."""

    __tablename__ = "case_file_pdfs"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"), unique=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("pdf_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ObjectionWindow(Base):
    """The lead's release of a campaign's preliminary results to the reviewed units (反馈), and the
    deadline for objections (异议) that the lead may extend."""

    __tablename__ = "objection_windows"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), unique=True)
    released_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    released_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deadline: Mapped[dt.datetime] = mapped_column(DateTime)
    extensions: Mapped[int] = mapped_column(Integer, default=0)


class Objection(Base):
    """A unit liaison's objection to one standing deduction or veto of one of their unit's files, and the
    panel's decision on it (upheld / accepted / partly accepted)."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[str] = mapped_column(String(60))
    reason_id: Mapped[str] = mapped_column(String(60))  # the veto id again for a veto
    is_veto: Mapped[bool] = mapped_column(Boolean, default=False)
    deduction_text: Mapped[str] = mapped_column(Text, default="")  # what was objected to, as shown
    grounds: Mapped[str] = mapped_column(Text)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / assigned / decided
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(20))  # upheld / accepted / partly
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    score_before: Mapped[Decimal | None] = mapped_column(Centi)
    score_after: Mapped[Decimal | None] = mapped_column(Centi)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case_file: Mapped[CaseFile] = relationship()
    attachments: Mapped[list[ObjectionAttachment]] = relationship(
        back_populates="objection", cascade="all, delete-orphan", order_by="ObjectionAttachment.id")

    __mapper_args__ = {"version_id_col": version}


class ObjectionAttachment(Base):
    """A PDF the liaison attached to an objection (bytes stored once in pdf_blobs)."""

    __tablename__ = "objection_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("pdf_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(300))

    objection: Mapped[Objection] = relationship(back_populates="attachments")


class CalibrationRound(Base):
    """A campaign's calibration round (试评): whether reviewers must score the calibration files before
    their live queue opens, and whether the notice states that it was held."""

    __tablename__ = "calibration_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), unique=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    in_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CalibrationFile(Base):
    """One register file the panel scores together; never part of the sample."""

    __tablename__ = "calibration_files"
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    case_file: Mapped[CaseFile] = relationship()


class CalibrationScore(Base):
    """A reviewer's calibration marks for one calibration file, or the lead's reference marks."""

    __tablename__ = "calibration_scores"
    __table_args__ = (UniqueConstraint("campaign_id", "case_file_id", "user_id", "is_reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    standard_hash: Mapped[str] = mapped_column(ForeignKey("standard_versions.hash"))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Centi)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class GuidanceNote(Base):
    """The lead's guidance on how to read one standard item in a campaign, agreed at calibration."""

    __tablename__ = "guidance_notes"
    __table_args__ = (UniqueConstraint("campaign_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
