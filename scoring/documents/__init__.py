"""Documents made from a campaign's results: the review notice (评查情况通报), supervision
recommendations (行政执法监督建议书) as Word files, and the Excel exports.

Each maker takes a session, the acting user and a campaign (id or name), checks who may have it
(leads: everything; observers: the notice of a published campaign) and returns a `Document`:
file name, bytes, media type and the warnings to show (a missing CJK font, blank form fields…).
"""

from scoring.documents.common import DOCX, XLSX, ZIP, Document, DocWarning
from scoring.documents.excel import (
    EXPORTS,
    export,
    export_deductions,
    export_sample,
    export_scores,
    export_units,
)
from scoring.documents.fonts import CjkFont, DocFonts, find_cjk_font
from scoring.documents.notice import build_notice
from scoring.documents.supervision import (
    SupervisionTarget,
    build_supervision,
    build_supervisions,
    supervision_targets,
    supervision_zip,
    zip_documents,
)
from scoring.documents.text_safety import clean_text, looks_like_formula

__all__ = [
    "DOCX", "EXPORTS", "XLSX", "ZIP", "CjkFont", "DocFonts", "DocWarning", "Document", "SupervisionTarget",
    "build_notice", "build_supervision", "build_supervisions", "clean_text", "supervision_targets", "supervision_zip",
    "zip_documents",
    "export", "export_deductions", "export_sample", "export_scores", "export_units", "find_cjk_font",
    "looks_like_formula",
]
