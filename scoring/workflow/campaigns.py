"""Review campaigns (评查活动): window, standards per case type, grade bands, re-check rules.

A campaign fixes the exact standard versions it scores with when it is created (stored by hash), so
editing a rubric file later never changes what an ongoing or finished campaign scores against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Campaign, CampaignStandard, CaseFile, User
from scoring.errors import (
    InvalidValue,
    NotFound,
    Problem,
    ProblemReport,
    ValidationFailed,
    problems_from_validation,
)
from scoring.messages import Join, Msg
from scoring.policy import Action, check
from scoring.rubric.loader import RubricLibrary
from scoring.rubric.model import Standard
from scoring.rubric.schema import GradeBand, check_bands
from scoring.rubric.vocabulary import active_vocabulary
from scoring.standards import load_version, store_standard

DEFAULT_BANDS = [
    GradeBand(name="优秀", min=Decimal(90)),
    GradeBand(name="良好", min=Decimal(80)),
    GradeBand(name="合格", min=Decimal(60)),
    GradeBand(name="不合格", min=Decimal(0)),
]


class RecheckRules(BaseModel):
    """When the lead must re-check (复核) a double-scored file."""

    model_config = ConfigDict(extra="forbid")
    grade_differs: bool = True  # reviewers' grades fall in different bands
    veto_one_side: bool = True  # a veto on one side only
    gap: Decimal | None = Field(default=Decimal(10), ge=0)  # scores this many points apart or more
    below_pass_line: bool = True  # any review below the pass line


TIE_BREAKS = ("none", "sum_of_totals", "files", "excellent")  # see scoring.ranking


class BandSetting(BaseModel):
    """Grade bands and pass line, as a campaign overrides a standard's (or sets its unit grades)."""

    model_config = ConfigDict(extra="forbid")
    grade_bands: list[GradeBand]
    pass_line: Decimal

    @model_validator(mode="after")
    def _check(self) -> BandSetting:
        check_bands(self.grade_bands, self.pass_line)
        return self


class CampaignSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=2000, le=2100)
    window_start: dt.date
    window_end: dt.date
    # "行政处罚/一般", "行政处罚" (any procedure) or "行政检查" -> standard id; empty = every shipped standard
    standards: dict[str, str] = Field(default_factory=dict)
    grade_bands: list[GradeBand] = Field(default_factory=lambda: list(DEFAULT_BANDS))
    pass_line: Decimal = Decimal(60)
    reviewers_per_file: int = Field(default=2, ge=1, le=5)
    recheck: RecheckRules = Field(default_factory=RecheckRules)
    anonymise: bool = True
    # Each file is graded with its own standard's bands unless overridden here (standard id -> setting).
    standard_bands: dict[str, BandSetting] = Field(default_factory=dict)
    unit_bands: list[GradeBand] | None = None  # unit grades; default: `grade_bands`
    tie_break: str = "none"  # how units with equal means are ordered (scoring.ranking)

    @field_validator("tie_break")
    @classmethod
    def _tie(cls, v: str) -> str:
        if v not in TIE_BREAKS:
            raise InvalidValue("campaign.unknown_tie_break", tie_break=v, known=list(TIE_BREAKS))
        return v

    @field_validator("unit_bands")
    @classmethod
    def _unit_bands(cls, v: list[GradeBand] | None) -> list[GradeBand] | None:
        if v is not None:  # no pass line of their own: the band above the last one is the pass line
            check_bands(v, v[-2].min if len(v) > 1 else Decimal(0))
        return v

    @field_validator("name")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    @model_validator(mode="after")
    def _check(self) -> CampaignSpec:
        if self.window_end < self.window_start:
            raise InvalidValue("campaign.window_order", start=self.window_start, end=self.window_end)
        check_bands(self.grade_bands, self.pass_line)
        return self


def parse_scope(key: str) -> tuple[str, str | None]:
    """'行政处罚/一般' -> ('行政处罚', '一般'); '行政检查' -> ('行政检查', None)."""
    case_type, _, proc = key.partition("/")
    case_type, procedure = case_type.strip(), proc.strip().removesuffix("程序") or None
    vocab = active_vocabulary()
    if case_type not in vocab.case_types:
        raise ValidationFailed(code="campaign.unknown_case_type", case_type=case_type, known=list(vocab.case_types))
    if procedure is not None and procedure not in vocab.procedures:
        raise ValidationFailed(code="campaign.unknown_procedure", procedure=procedure, known=list(vocab.procedures))
    return case_type, procedure


def default_mapping(library: RubricLibrary) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for std in library.standards.values():
        for ct in std.applies_to.case_types:
            procedures: list[str] | list[None] = std.applies_to.procedures or [None]
            for proc in procedures:
                mapping[f"{ct}/{proc}" if proc else ct] = std.id
    return mapping


def scopes() -> list[str]:
    """Every scope a campaign may map to a standard: 行政处罚 by procedure, other case types whole (the
    vocabulary's case types and procedures: a bureau's own included)."""
    vocab = active_vocabulary()
    out = []
    for ct in vocab.case_types:
        out.extend([f"{ct}/{p}" for p in vocab.procedures] if ct == "行政处罚" else [ct])
    return out


def standards_for_scope(library: RubricLibrary, scope: str) -> list[str]:
    """Ids of the standards that may score files of this scope (by case type and procedure)."""
    case_type, procedure = parse_scope(scope)
    return sorted(
        sid for sid, std in library.standards.items()
        if case_type in std.applies_to.case_types
        and (procedure is None or std.applies_to.procedures is None or procedure in std.applies_to.procedures)
    )


def _check_standard_fits(std: Standard, spec: CampaignSpec) -> list[Problem]:
    """An override of a standard's bands must keep every band its vetoes cap at."""
    setting = spec.standard_bands.get(std.id)
    if setting is None:
        return []
    names = [b.name for b in setting.grade_bands]
    return [
        Problem(code="campaign.veto_band", params={"standard": std.id, "veto": v.id, "band": v.effect.band,
                                                   "bands": names})
        for v in std.vetoes
        if v.effect.kind == "cap" and v.effect.band not in names
    ]


def create_campaign(session: Session, spec: CampaignSpec, library: RubricLibrary, actor: User) -> Campaign:
    check(actor, Action.MANAGE_CAMPAIGNS)
    if session.scalar(select(Campaign).where(Campaign.name == spec.name)):
        raise ValidationFailed(code="campaign.exists", name=spec.name)
    mapping = spec.standards or default_mapping(library)
    problems: list[Problem] = []
    scoped: list[tuple[str, str | None, Standard]] = []
    for key, std_id in mapping.items():
        case_type, procedure = parse_scope(key)
        std = library.get(std_id)
        if case_type not in std.applies_to.case_types:
            problems.append(Problem(code="campaign.standard_case_type", params={
                "standard": std_id, "types": Join(tuple(std.applies_to.case_types), "/", "/"), "case_type": case_type}))
        elif procedure and std.applies_to.procedures and procedure not in std.applies_to.procedures:
            problems.append(Problem(code="campaign.standard_procedure", params={
                "standard": std_id, "procedures": Join(tuple(std.applies_to.procedures), "/", "/"),
                "procedure": procedure}))
        problems.extend(_check_standard_fits(std, spec))
        scoped.append((case_type, procedure, std))
    unknown = sorted(set(spec.standard_bands) - {std.id for _, _, std in scoped})
    if unknown:
        problems.append(Problem(code="campaign.unused_band_overrides", params={"standards": unknown}))
    if problems:
        raise ProblemReport(problems, title_code="campaign.standards_misfit")
    campaign = Campaign(
        name=spec.name, year=spec.year, window_start=spec.window_start, window_end=spec.window_end,
        grade_bands=[b.model_dump(mode="json") for b in spec.grade_bands], pass_line=spec.pass_line,
        reviewers_per_file=spec.reviewers_per_file, recheck_rules=spec.recheck.model_dump(mode="json"),
        anonymise=spec.anonymise, created_by_id=actor.id, tie_break=spec.tie_break,
        unit_bands=[b.model_dump(mode="json") for b in spec.unit_bands] if spec.unit_bands else None,
    )
    session.add(campaign)
    session.flush()
    for case_type, procedure, std in scoped:
        version = store_standard(session, std)
        setting = spec.standard_bands.get(std.id)
        campaign.standards.append(CampaignStandard(  # through the collection: `_settings` reads it
            case_type=case_type, procedure=procedure, standard_hash=version.hash,
            grade_bands=[b.model_dump(mode="json") for b in setting.grade_bands] if setting else None,
            pass_line=setting.pass_line if setting else None))
    session.flush()
    audit.record(session, actor_id=actor.id, action="create_campaign", entity="campaign", entity_id=campaign.id,
                 new={**spec.model_dump(mode="json"), "standards": {k: v for k, v in mapping.items()}})
    return campaign


CAMPAIGN_LABELS = {name: Msg(f"label.campaign.{name}") for name in (
    "name", "year", "window_start", "window_end", "pass_line", "reviewers_per_file", "grade_bands", "standards",
    "unit_bands", "tie_break")}


def spec_from_options(**values: object) -> CampaignSpec:
    """Build a spec from loose values (CLI, forms), turning pydantic errors into one clear message."""
    try:
        return CampaignSpec.model_validate(values)
    except ValidationError as exc:
        problems = problems_from_validation(exc.errors(), CAMPAIGN_LABELS)
        raise ProblemReport(problems, title_code="campaign.invalid") from None


def get_campaign(session: Session, ref: str | int) -> Campaign:
    """A campaign by id or by name."""
    campaign = None
    if isinstance(ref, int) or str(ref).isdigit():
        campaign = session.get(Campaign, int(ref))
    if campaign is None:
        campaign = session.scalar(select(Campaign).where(Campaign.name == str(ref)))
    if campaign is None:
        raise NotFound(code="campaign.not_found", ref=ref)
    return campaign


def campaign_bands(campaign: Campaign) -> list[GradeBand]:
    """The campaign's own bands (its headline bands; unit grades use `unit_bands`)."""
    return [GradeBand.model_validate(b) for b in campaign.grade_bands]


def unit_bands(campaign: Campaign) -> list[GradeBand]:
    """The bands unit grades use: the campaign's unit-band setting, else its own bands."""
    return [GradeBand.model_validate(b) for b in (campaign.unit_bands or campaign.grade_bands)]


def _settings(session: Session, campaign: Campaign) -> list[CampaignStandard]:
    """The campaign's standards by case type (in the order they were made): the ORM's collection, read
    once per session and kept in step with changes made through the session (a save asks for it several
    times: the score's grading, the file's result, the re-check rules); read anew for a campaign object
    of another session."""
    if campaign in session:
        return sorted(campaign.standards, key=lambda r: r.id)
    return list(session.scalars(select(CampaignStandard).where(CampaignStandard.campaign_id == campaign.id)
                                .order_by(CampaignStandard.id)))


def file_grading(session: Session, campaign: Campaign, standard_hash: str) -> tuple[list[GradeBand], Decimal]:
    """Bands and pass line a file scored under this standard version is graded with: the campaign's
    override for that standard, else the standard's own."""
    rows = [r for r in _settings(session, campaign) if r.standard_hash == standard_hash]
    row = next((r for r in rows if r.grade_bands), None)
    if row is not None and row.grade_bands is not None and row.pass_line is not None:
        return [GradeBand.model_validate(b) for b in row.grade_bands], Decimal(row.pass_line)
    std = load_version(session, standard_hash)
    return list(std.grade_bands), std.pass_line


def recheck_rules(campaign: Campaign) -> RecheckRules:
    return RecheckRules.model_validate(campaign.recheck_rules or {})


class FileKind(Protocol):
    """What picks a file's standard: its case type and procedure (and its number, to name it)."""

    @property
    def case_type(self) -> str: ...
    @property
    def procedure(self) -> str | None: ...
    @property
    def case_number(self) -> str: ...


def standard_hash_for(session: Session, campaign: Campaign, case_file: FileKind) -> str:
    """The standard version that scores this file in this campaign (exact procedure first, then any)."""
    rows = [r for r in _settings(session, campaign) if r.case_type == case_file.case_type]
    exact = [r for r in rows if r.procedure == case_file.procedure]
    anyproc = [r for r in rows if r.procedure is None]
    chosen = exact[0] if exact else anyproc[0] if anyproc else None
    if chosen is None:
        proc = f"（{case_file.procedure}程序）" if case_file.procedure else ""
        raise NotFound(code="campaign.no_standard_for_file", name=campaign.name, case_type=case_file.case_type,
                       procedure=proc, case_number=case_file.case_number)
    return chosen.standard_hash


def standard_for(session: Session, campaign: Campaign, case_file: CaseFile) -> Standard:
    return load_version(session, standard_hash_for(session, campaign, case_file))
