"""The fixed vocabulary of the domain (DOMAIN.md): case types, procedures, focus areas, roles.

One place for these names so that rubrics, the register importer, sampling and the pages agree.
"""

from __future__ import annotations

from enum import StrEnum

CASE_TYPES: tuple[str, ...] = (
    "行政许可",
    "行政处罚",
    "行政检查",
    "行政强制",
    "行政确认",
    "行政给付",
    "行政征收征用",
)

# Procedures apply to 行政处罚 (一般程序 / 简易程序); other case types leave it empty.
PROCEDURES: tuple[str, ...] = ("一般", "简易")

# The four focus areas of the source document, then the general categories every standard checks.
FOCUS_AREAS: dict[str, str] = {
    "full_process_recording": "执法全过程记录",
    "legal_review": "重大执法决定法制审核",
    "discretion_benchmark": "裁量权基准适用",
    "minor_violation_waiver": "轻微违法行为不予处罚",
}
GENERAL_CATEGORIES: dict[str, str] = {
    "subject": "执法主体",
    "facts_evidence": "事实与证据",
    "legal_basis": "法律适用",
    "procedure": "执法程序",
    "documents": "文书制作",
    "archiving": "立卷归档",
}
ALL_FOCUS: dict[str, str] = {**FOCUS_AREAS, **GENERAL_CATEGORIES}

# File attributes (flags) that rubrics may condition on and sampling may force in.
FILE_FLAGS: dict[str, str] = {
    "major_decision": "重大执法决定（需法制审核）",
    "waiver": "轻微违法不予处罚",
    "hearing_held": "举行听证",
    "coercive_measure": "采取行政强制措施",
}


class Role(StrEnum):
    LEAD = "lead"
    REVIEWER = "reviewer"
    OBSERVER = "observer"
    LIAISON = "liaison"  # 被评查单位联络员: tied to one unit; sees its released results, may object


class UnitKind(StrEnum):
    DEPARTMENT = "department"  # 区级部门
    TOWN = "town"  # 乡镇


UNIT_KIND_LABELS = {UnitKind.DEPARTMENT: "区级部门", UnitKind.TOWN: "乡镇"}


class CampaignStatus(StrEnum):
    """Where a campaign stands: set up and running until the lead publishes its results (and back to
    reviewing when the lead withdraws them)."""

    SETUP = "setup"
    REVIEWING = "reviewing"
    PUBLISHED = "published"


class SampledFileState(StrEnum):
    """Where one sampled file of a campaign stands (`scoring.workflow.progress`), in workflow order."""

    UNASSIGNED = "unassigned"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_RECHECK = "awaiting_recheck"
    FINAL = "final"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class MarkStatus(StrEnum):
    """What a reviewer says about one item (or veto) of the standard."""

    OK = "ok"
    DEDUCT = "deduct"
    NA = "na"
    VETO = "veto"
    BONUS = "bonus"  # an award on a bonus item (加分项)


REVIEWER_ALIAS_PREFIX = "评查人员"


def reviewer_alias(index: int) -> str:
    """The one alias scheme for reviewers whose names are withheld: 0 -> A, 25 -> Z, 26 -> AA, ...

    Shown as `评查人员A` (`REVIEWER_ALIAS_PREFIX` + alias) in Chinese text, `Reviewer A` in English."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("A") + r) + out
    return out
