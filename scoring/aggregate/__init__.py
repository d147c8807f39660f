"""Comparing units: SQL-side aggregation over final results, uncertainty, reviewer agreement, trends.

Every function takes a session (runs in the caller's transaction) or an engine, the acting account
(or its id; the figures of a campaign are read only as `scoring.policy` allows: `Action.READ_RESULTS`,
the lead always, others once published), a campaign id and optional filters (`unit_kind`: department/town or 区级部门/乡镇; `case_type`), and returns plain
dataclasses with `to_dict()` (nested, JSON-ready) and `to_record()` (one flat row); `records()` and
`to_frame()` turn a list of them into rows or a pandas DataFrame.
"""

from scoring.aggregate.agreement import (
    Agreement,
    ItemAgreement,
    ReviewerSeverity,
    agreement,
    alpha_bootstrap,
    alpha_bootstraps,
    alpha_closed_form,
    alpha_interval,
    reviewer_severity,
    severity_from_scores,
)
from scoring.aggregate.campaign import (
    BandGroup,
    CampaignFigures,
    DefectCount,
    ProblemFile,
    UnitCount,
    UnitMean,
    campaign_figures,
    problem_files,
    top_problems,
)
from scoring.aggregate.common import records, to_frame
from scoring.aggregate.comparison import Comparison, comparison
from scoring.aggregate.trends import (
    FocusChange,
    RecurringProblem,
    UnitChange,
    UnitRecurrence,
    YearOverYear,
    year_over_year,
)
from scoring.aggregate.uncertainty import (
    DEFAULT_B,
    DEFAULT_MIN_FILES,
    DEFAULT_SEED,
    UnitRow,
    UnitUncertainty,
    bootstrap_intervals,
    bootstrap_means,
    bootstrap_units,
    min_ranks,
    unit_table,
)
from scoring.aggregate.units import (
    FileRow,
    FocusRate,
    ReasonCount,
    UnitFigures,
    file_list,
    focus_rates,
    reason_counts,
    unit_summary,
)

__all__ = [
    "DEFAULT_B", "DEFAULT_MIN_FILES", "DEFAULT_SEED",
    "Agreement", "BandGroup", "CampaignFigures", "Comparison", "FileRow", "FocusChange", "FocusRate", "ItemAgreement", "DefectCount",
    "ProblemFile", "ReasonCount", "RecurringProblem", "ReviewerSeverity", "UnitChange", "UnitCount", "UnitFigures",
    "UnitMean", "UnitRecurrence", "UnitRow", "UnitUncertainty", "YearOverYear",
    "agreement", "alpha_bootstrap", "alpha_bootstraps", "alpha_closed_form", "alpha_interval", "bootstrap_intervals",
    "bootstrap_means", "bootstrap_units", "campaign_figures", "comparison", "file_list", "focus_rates", "min_ranks", "problem_files", "reason_counts",
    "records", "reviewer_severity", "severity_from_scores", "to_frame", "top_problems", "unit_summary", "unit_table",
    "year_over_year",
]
