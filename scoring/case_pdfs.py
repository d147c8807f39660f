"""Electronic case files (电子案卷): scanned PDFs attached to registered case files.

Kept in the database (`pdf_blobs`, keyed by SHA-256, and `case_file_pdfs`, one per case file), so a
SQLite file or a PostgreSQL dump is a complete backup; the same PDF attached twice is stored once.
Every PDF is checked before anything is stored: real PDF magic bytes, readable with a page count, within
the size and page limits (`scoring.settings.pdf_limits`).

Attaching is the panel lead's job: one file at a time, or in bulk from a ZIP or a folder whose file
names contain the case numbers (案号) — `plan_bulk` previews what matches, what does not and what is
ambiguous, and `apply_bulk` stores only the matched files. Reading follows the same rules as the rest
of a file: the lead may open any; a reviewer only a file assigned to them (which recusal already keeps
out of their own unit); an observer none. A refused id looks exactly like a missing one.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Assignment, CaseFile, CaseFilePdf, PdfBlob, User
from scoring.errors import NotFound, ValidationFailed
from scoring.policy import Action, Situation, allowed, check
from scoring.settings import PdfLimits, pdf_limits

MAGIC = b"%PDF-"


@dataclass(frozen=True)
class CheckedPdf:
    filename: str
    data: bytes
    sha256: str
    pages: int


@dataclass(frozen=True)
class PdfInfo:
    case_file_id: int
    case_number: str
    filename: str
    sha256: str
    pages: int
    size: int


def check_pdf(filename: str, data: bytes, limits: PdfLimits | None = None) -> CheckedPdf:
    """Refuse anything that is not a readable PDF within the limits, saying which file and why."""
    limits = limits or pdf_limits()
    if not data:
        raise ValidationFailed(code="pdf.empty", name=filename)
    if len(data) > limits.max_bytes:
        raise ValidationFailed(code="pdf.too_large", name=filename, mb=f"{limits.max_bytes / 1048576:g}")
    if not data.startswith(MAGIC):
        raise ValidationFailed(code="pdf.not_pdf", name=filename)
    try:
        document = pdfium.PdfDocument(data)
        try:
            pages = len(document)
        finally:
            document.close()
    except pdfium.PdfiumError as exc:
        raise ValidationFailed(code="pdf.unreadable", name=filename, why=str(exc)) from None
    if pages < 1:
        raise ValidationFailed(code="pdf.no_pages", name=filename)
    if pages > limits.max_pages:
        raise ValidationFailed(code="pdf.too_many_pages", name=filename, pages=pages, max=limits.max_pages)
    return CheckedPdf(filename, data, hashlib.sha256(data).hexdigest(), pages)


def _store(session: Session, actor: User, case_file: CaseFile, pdf: CheckedPdf) -> str:
    """Attach a checked PDF; returns what happened: attached / replaced / unchanged."""
    if session.get(PdfBlob, pdf.sha256) is None:
        session.add(PdfBlob(sha256=pdf.sha256, size=len(pdf.data), pages=pdf.pages, data=pdf.data))
        session.flush()
    current = session.scalar(select(CaseFilePdf).where(CaseFilePdf.case_file_id == case_file.id))
    if current is not None and current.sha256 == pdf.sha256:
        return "unchanged"
    old = {"sha256": current.sha256, "filename": current.filename} if current else None
    if current is None:
        current = CaseFilePdf(case_file_id=case_file.id, sha256=pdf.sha256, filename=pdf.filename,
                              uploaded_by_id=actor.id)
        session.add(current)
    else:
        current.sha256, current.filename, current.uploaded_by_id = pdf.sha256, pdf.filename, actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="attach_pdf", entity="case_file", entity_id=case_file.id,
                 old=old, new={"sha256": pdf.sha256, "filename": pdf.filename, "pages": pdf.pages})
    return "replaced" if old else "attached"


def _case_file(session: Session, case_number: str) -> CaseFile:
    cf = session.scalar(select(CaseFile).where(CaseFile.case_number == case_number.strip()))
    if cf is None:
        raise NotFound(code="pdf.no_case", number=case_number)
    return cf


def attach(session: Session, actor: User | None, case_number: str, filename: str, data: bytes) -> str:
    """Attach one PDF to the case file `case_number` (lead only); returns attached / replaced / unchanged."""
    lead = check(actor, Action.CASE_PDFS)
    case_file = _case_file(session, case_number)
    return _store(session, lead, case_file, check_pdf(filename, data))


# ------------------------------------------------------------------------------------------ bulk

_BRACKETS = str.maketrans({c: "(" for c in "〔［【[（{"} | {c: ")" for c in "〕］】]）}"})


def match_key(text: str) -> str:
    """A case number or file name reduced for matching: full-width to half-width, every kind of bracket
    alike (〔2024〕 in the register is often [2024] or (2024) in a file name), no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return re.sub(r"\s+", "", text).lower()


@dataclass
class BulkPlan:
    """The preview of a bulk attachment: nothing is stored until `apply_bulk`."""

    matched: list[tuple[str, str, CheckedPdf]] = field(default_factory=list)  # (file name, case number, pdf)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)  # (file name, candidate case numbers)
    rejected: list[tuple[str, ValidationFailed]] = field(default_factory=list)  # (file name, why)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """ZIP files made on Chinese Windows store names in GBK without saying so (no UTF-8 flag)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def read_bundle(path_or_bytes: Path | bytes, limits: PdfLimits | None = None) -> list[tuple[str, bytes]]:
    """The PDF-named entries of a ZIP (bytes or path) or a folder, as (file name, bytes).

    No entry is read past the size limit, so a ZIP bomb never reaches memory."""
    limits = limits or pdf_limits()
    if isinstance(path_or_bytes, Path) and path_or_bytes.is_dir():
        return [(p.name, p.read_bytes()) for p in sorted(path_or_bytes.rglob("*"))
                if p.is_file() and p.suffix.lower() == ".pdf"]
    raw = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ValidationFailed(code="pdf.not_zip") from None
    out = []
    with archive:
        for info in archive.infolist():
            name = _zip_name(info)
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("._") or not base.lower().endswith(".pdf"):
                continue
            with archive.open(info) as entry:  # at most one byte past the limit: check_pdf refuses it
                out.append((base, entry.read(limits.max_bytes + 1)))
    return out


def plan_bulk(session: Session, actor: User | None, files: list[tuple[str, bytes]],
              limits: PdfLimits | None = None) -> BulkPlan:
    """Match each file to the case file whose number its name contains (lead only). A name containing
    several case numbers, or two files for one case file, is ambiguous; a bad PDF is rejected."""
    check(actor, Action.CASE_PDFS)
    numbers = {match_key(n): n for n in session.scalars(select(CaseFile.case_number))}
    plan = BulkPlan()
    candidates: list[tuple[str, bytes, list[str]]] = []
    for name, data in files:
        key = match_key(Path(name).stem)
        found = [k for k in numbers if k and k in key]
        found = [k for k in found if not any(k != other and k in other for other in found)]  # longest wins
        candidates.append((name, data, sorted(numbers[k] for k in found)))
    per_case: dict[str, int] = {}
    for _, _, found in candidates:
        if len(found) == 1:
            per_case[found[0]] = per_case.get(found[0], 0) + 1
    for name, data, found in candidates:
        if not found:
            plan.unmatched.append(name)
        elif len(found) > 1 or per_case[found[0]] > 1:
            plan.ambiguous.append((name, found))
        else:
            try:
                plan.matched.append((name, found[0], check_pdf(name, data, limits)))
            except ValidationFailed as exc:
                plan.rejected.append((name, exc))
    return plan


def apply_bulk(session: Session, actor: User | None, plan: BulkPlan) -> dict[str, int]:
    """Store the matched files of a previewed plan, all or nothing; counts by outcome."""
    lead = check(actor, Action.CASE_PDFS)
    counts = {"attached": 0, "replaced": 0, "unchanged": 0}
    for _, case_number, pdf in plan.matched:
        counts[_store(session, lead, _case_file(session, case_number), pdf)] += 1
    return counts


# ------------------------------------------------------------------------------------------ reading

def _may_read(session: Session, actor: User | None, case_file: CaseFile) -> bool:
    """`Action.READ_CASE_PDF`: the lead, or a reviewer the file is assigned to, not of its unit (回避)."""
    if actor is None:
        return False
    assigned = session.scalar(select(Assignment.id).where(Assignment.case_file_id == case_file.id,
                                                          Assignment.reviewer_id == actor.id).limit(1)) is not None
    own_unit = actor.unit_id is not None and actor.unit_id == case_file.unit_id
    return allowed(actor, Action.READ_CASE_PDF, Situation(assigned_to_actor=assigned, own_unit=own_unit))


def info(session: Session, actor: User | None, case_file_id: int) -> PdfInfo | None:
    """What is attached to a case file the actor may read (None when nothing is attached).
    Raises NotFound — the same for a file that does not exist and one the actor may not read."""
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None or not _may_read(session, actor, case_file):
        raise NotFound(code="pdf.not_readable_here", id=case_file_id)
    row = session.scalar(select(CaseFilePdf).where(CaseFilePdf.case_file_id == case_file_id))
    if row is None:
        return None
    blob = session.get(PdfBlob, row.sha256)
    assert blob is not None
    return PdfInfo(case_file_id, case_file.case_number, row.filename, row.sha256, blob.pages, blob.size)


def fetch(session: Session, actor: User | None, case_file_id: int) -> tuple[PdfInfo, bytes]:
    """The PDF of a case file the actor may read; NotFound when there is none or it is not theirs to read."""
    found = info(session, actor, case_file_id)
    if found is None:
        raise NotFound(code="pdf.none_attached", id=case_file_id)
    blob = session.get(PdfBlob, found.sha256)
    assert blob is not None
    return found, bytes(blob.data)


def attached_ids(session: Session, case_file_ids: list[int]) -> set[int]:
    """Which of these case files have a PDF (for lists; reading still goes through `fetch`)."""
    if not case_file_ids:
        return set()
    return set(session.scalars(select(CaseFilePdf.case_file_id).where(CaseFilePdf.case_file_id.in_(case_file_ids))))


def render_page(data: bytes, page: int, width: int = 900) -> bytes:
    """One page (1-based) as a PNG `width` pixels wide: the viewer shows pages as images, so it needs no
    browser PDF plug-in and nothing from the network."""
    document = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(document):
            raise ValidationFailed(code="pdf.page_outside", page=page, pages=len(document))
        pdf_page = document[page - 1]
        scale = width / pdf_page.get_width()
        image = pdf_page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    finally:
        document.close()
