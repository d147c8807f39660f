"""Findings of a review campaign: drafted from the final results, edited by the panel lead, traceable.

- `generate_findings` drafts (and later regenerates) the main problems per focus area, typical examples
  and recommendations for the campaign and each unit, never overwriting text a person edited unasked
  (see `scoring.findings.generate` for what is drafted and the regeneration rules);
- `list_findings`, `update_finding`, `move_finding`, `add_finding`, `delete_finding`: reading and editing
  (`scoring.findings.store`), every change audited, optimistic locking on the text;
- `finding_traces`: the files and standing defects behind a finding, `findings_traces` several at once
  (`scoring.findings.traces`);
- rectification (整改) requirements per unit (`scoring.findings.rectify`).

The anonymisation rule for typical examples and traces is in `scoring.findings.text`.
"""

from scoring.anonymise import mask_case_number
from scoring.findings.batch import FindingEdit, HistoryEntry, finding_history, save_findings
from scoring.findings.generate import (
    MANUAL_PREFIX,
    PROBLEMS_PER_FOCUS,
    SECTIONS,
    TYPICAL_PER_FOCUS,
    Draft,
    DraftChange,
    RegenerationReport,
    draft_findings,
    generate_findings,
)
from scoring.findings.rectify import (
    STATUS_LABELS,
    STATUSES,
    RectificationView,
    add_rectification,
    delete_rectification,
    list_rectifications,
    propose_rectifications,
    update_rectification,
)
from scoring.findings.store import (
    FindingView,
    add_finding,
    delete_finding,
    get_finding,
    list_findings,
    move_finding,
    update_finding,
)
from scoring.findings.text import case_reference
from scoring.findings.traces import Trace, finding_traces, findings_traces

__all__ = [
    "FindingEdit", "HistoryEntry", "finding_history", "save_findings",
    "MANUAL_PREFIX", "PROBLEMS_PER_FOCUS", "SECTIONS", "STATUSES", "STATUS_LABELS", "TYPICAL_PER_FOCUS",
    "Draft", "DraftChange", "FindingView", "RectificationView", "RegenerationReport", "Trace",
    "add_finding", "add_rectification", "case_reference", "delete_finding", "delete_rectification", "draft_findings",
    "finding_traces", "findings_traces", "generate_findings", "get_finding", "list_findings", "list_rectifications", "mask_case_number",
    "move_finding", "propose_rectifications", "update_finding", "update_rectification",
]
