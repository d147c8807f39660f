"""Drafting the findings from the final results, and regenerating them without losing people's edits.

What is drafted, for the campaign and for each unit with reviewed files (`draft_findings`):

- **problem** — per focus area (the four focus areas first, then the general categories), its
  `PROBLEMS_PER_FOCUS` most frequent problems, a problem being an (item, reason) pair standing in files'
  final results (a veto counts as one, its id twice). Counts are the aggregation core's: campaign level
  `top_problems` (files, units, share of reviewed files), unit level `reason_counts` (files of the unit).
  gen_key "problem:<focus>:<item>:<reason>".
- **typical** — per focus area with problems, one example file: of that area's listed problems, the first
  with a file carrying a reviewer's comment (else the top problem), the file with a comment, then the
  most points deducted, then the lowest score, then by case number. It quotes the case number and the
  comment with its location, anonymised as `scoring.findings.text` describes.
  gen_key "typical:<focus>:<item>:<reason>".
- **recommendation** — for each item (or veto) behind the listed problems whose standard version carries
  a `recommendation` text, that text (distinct texts of several standard versions are joined).
  gen_key "recommendation:<focus>:<item>".

Every problem and typical draft carries links to the files and standing defects (item, reason) behind
it. A recommendation stores none: the files behind it are its problems' (the listed problems of its
scope, focus area and item, `facts["reasons"]`), which `link_sources` resolves when its traces or their
count are read. Stored, they were every listed problem's links a second time (half the links of a
province campaign).

Regeneration (`generate_findings`) matches stored findings by (unit, gen_key):
- new gen_key: added at the end of its group, included when `significant` (four focus areas, vetoes,
  problems in a tenth of the files or more), else drafted but excluded;
- not edited by a person: title, body and links follow the new draft in place ("updated"), or stay as
  they are when nothing changed ("unchanged");
- edited: the person's title and body are kept ("kept"); the new draft is stored beside them
  (`draft_title`/`draft_body`) and, when it differs from the previous draft, reported in
  `draft_changed` with old and new text; the draft replaces the person's text only for the ids passed
  in `replace_edited` ("replaced");
- basis gone: a finding nobody edited or excluded is deleted ("removed"); one a person edited or
  excluded is kept and marked `stale` ("stale"); manual findings (gen_key "manual:...") are never
  touched. Every change is in the audit log with old and new values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from scoring import audit, audit_state
from scoring.aggregate import ReasonCount, reason_counts
from scoring.aggregate.campaign import listed_problems
from scoring.aggregate.common import focus_label, focus_order, ratio, raw, scoped
from scoring.db.bulk import BulkInsert, plain_rows
from scoring.db.models import (
    Campaign,
    CaseFile,
    FileDeduction,
    FileResult,
    Finding,
    FindingLink,
    SampleItem,
    SampleRecord,
    Unit,
    User,
    utcnow,
)
from scoring.domain import FOCUS_AREAS
from scoring.errors import NotFound, ValidationFailed
from scoring.findings.text import (
    case_reference,
    problem_body,
    problem_phrase,
    tidy,
    typical_body,
)
from scoring.gc_pause import bulk_step
from scoring.policy import Action, check
from scoring.standards import load_version

SECTIONS: tuple[str, ...] = ("problem", "typical", "recommendation")
PROBLEMS_PER_FOCUS = 3
TYPICAL_PER_FOCUS = 1
MANUAL_PREFIX = "manual:"
RECOMMENDATION_PREFIX = "recommendation:"

Link = tuple[int, str, str]  # case file id, item id, reason id
P = TypeVar("P", "_Problem", ReasonCount)  # a problem as drafted, or as the aggregation core counts it
_FINDINGS = Finding.metadata.tables["findings"]  # typed as Table, for Core statements
_LINKS = FindingLink.metadata.tables["finding_links"]


@dataclass
class Draft:
    """One generated finding, before it is stored."""

    unit_id: int | None
    section: str
    focus: str | None
    gen_key: str
    title: str
    body: str
    facts: dict[str, Any]
    links: list[Link]
    included: bool = True  # whether a new finding starts included in the notice


def problem_key(focus: str | None, item_id: str, reason_id: str) -> str:
    """A problem finding's gen_key (a recommendation's files are those of its problems' keys)."""
    return f"problem:{focus}:{item_id}:{reason_id}"


def recommendation_key(focus: str | None, item_id: str) -> str:
    """A recommendation's gen_key (`store.link_sources` finds its problems from it and its facts)."""
    return f"{RECOMMENDATION_PREFIX}{focus}:{item_id}"


def significant(p: _Problem, scope_files: int) -> bool:
    """Findings start included when they concern one of the four focus areas of the source document, a
    veto, or a problem standing in at least a tenth of the files reviewed; the rest are drafted but start
    excluded, so the notice stays readable and the lead includes what matters."""
    return p.focus in FOCUS_AREAS or p.is_veto or (scope_files > 0 and p.files * 10 >= scope_files)


class _Defect(NamedTuple):
    """A standing defect of a reviewed file, with what a typical example is ranked by and quotes. A
    tuple, not a dataclass: a province campaign has hundreds of thousands. Points and score are the
    stored hundredths (they only order the candidates)."""

    case_file_id: int  # the defect's columns as read ...
    unit_id: int
    item_id: str
    reason_id: str
    points: int
    comment: str
    location: str
    case_number: str  # ... then its file's, read once per file
    score: int


@dataclass
class _Problem:
    focus: str
    item_id: str
    item_title: str
    reason_id: str
    reason: str
    is_veto: bool
    files: int
    units: int | None  # campaign level only
    share: Decimal | None  # campaign level only


def _defects(session: Session, campaign_id: int) -> list[_Defect]:
    """The campaign's standing defects, in no particular order: a typical example is the least of its
    candidates by `_rank`, whose last key (the case number) is unique among a problem's files.

    Each reviewed file's case number and score are read once (50,000 files at province, from a register
    of a million) rather than joined to each of its defects (176,000); a defect counts when its file has
    a final result."""
    fd, fr, cf = FileDeduction.__table__.c, FileResult.__table__.c, CaseFile.__table__.c
    stmt = (select(fd.case_file_id, fd.unit_id, fd.item_id, fd.reason_id, raw(fd.points), fd.comment, fd.location)
            .where(fd.campaign_id == campaign_id))
    files_stmt = (select(cf.id, cf.case_number, raw(fr.score)).select_from(FileResult.__table__)
                  .join(CaseFile.__table__, cf.id == fr.case_file_id).where(fr.campaign_id == campaign_id))
    session.flush()  # read below the session (the driver's tuples)
    conn = session.connection()
    files = {case_file_id: (number, score) for case_file_id, number, score in plain_rows(conn, files_stmt)}
    make = _Defect._make
    return [make(row + reviewed) for row in plain_rows(conn, stmt) if (reviewed := files.get(row[0])) is not None]


def _standard_hashes(session: Session, campaign_id: int) -> dict[str, set[str]]:
    """item or veto id -> the standard versions its defects were found under (asked of the database:
    a handful of versions, not one per defect)."""
    fd, fr = FileDeduction.__table__.c, FileResult.__table__.c
    stmt = (select(fd.item_id, fd.standard_hash).distinct()
            .select_from(FileDeduction.__table__)
            .join(FileResult.__table__, and_(fr.campaign_id == fd.campaign_id, fr.case_file_id == fd.case_file_id))
            .where(fd.campaign_id == campaign_id))
    out: dict[str, set[str]] = defaultdict(set)
    for item_id, h in session.execute(stmt):
        out[item_id].add(h)
    return dict(out)


def _recommendations(session: Session, hashes: dict[str, set[str]]) -> dict[str, str]:
    """item or veto id -> its recommendation text over the standard versions the defects were found under."""
    out: dict[str, str] = {}
    for item_id, hs in hashes.items():
        texts: list[str] = []
        for h in sorted(hs):
            std = load_version(session, h)
            found = std.items_by_id.get(item_id)
            text = found[1].recommendation if found else getattr(std.vetoes_by_id.get(item_id), "recommendation",
                                                                   None)
            text = tidy(text)
            if text and text not in texts:
                texts.append(text)
        if texts:
            out[item_id] = "".join(t if t.endswith("。") else t + "。" for t in texts) if len(texts) > 1 else texts[0]
    return out


def _finding_phrases(session: Session, hashes: Iterable[str]) -> dict[tuple[str, str], str]:
    """(item, reason) -> the standard's explicit `finding` phrase, where a standard version gives one."""
    out: dict[tuple[str, str], str] = {}
    for h in sorted(set(hashes)):
        std = load_version(session, h)
        for item_id, (_, item) in std.items_by_id.items():
            for ded in item.deductions:
                if ded.finding:
                    out.setdefault((item_id, ded.id), ded.finding)
    return out


def _listed(problems: Sequence[P]) -> dict[str, list[P]]:
    """focus -> its most frequent problems (already sorted most files first), in focus-area order."""
    by_focus: dict[str, list[P]] = defaultdict(list)
    for p in problems:
        by_focus[p.focus].append(p)
    return {f: by_focus[f][:PROBLEMS_PER_FOCUS] for f in focus_order(by_focus)}


def _rank(d: _Defect) -> tuple:
    """A typical example's order: a reviewer's comment first, then most points, lowest score, case number."""
    return (not d.comment.strip(), -d.points, d.score, d.case_number)


def _example(problems: list[_Problem], by_reason: dict[tuple[str, str], list[_Defect]]
             ) -> tuple[_Problem, _Defect] | None:
    candidates = []
    for p in problems:
        files = by_reason.get((p.item_id, p.reason_id))
        if files:
            candidates.append((p, min(files, key=_rank)))  # the first of the lowest rank, as a stable sort's
    if not candidates:
        return None
    commented = [c for c in candidates if c[1].comment.strip()]
    return (commented or candidates)[0]


def _problem_links(by_reason: dict[tuple[str, str], list[_Defect]], item_id: str, reason_id: str) -> list[Link]:
    """A problem's links: the files standing with (item, reason) in its scope, sorted, each once."""
    files = sorted({d.case_file_id for d in by_reason.get((item_id, reason_id), ())})
    return [(c, item_id, reason_id) for c in files]


def _scope_drafts(unit_id: int | None, problems: list[_Problem], by_reason: dict[tuple[str, str], list[_Defect]],
                  scope_files: int, recommendations: dict[str, str], anonymise: bool, unit_names: dict[int, str],
                  phrases: dict[tuple[str, str], str] | None = None) -> list[Draft]:
    campaign_level = unit_id is None
    phrases = phrases or {}

    def phrase_of(p: _Problem) -> str:
        return problem_phrase(p.reason, p.item_title, phrases.get((p.item_id, p.reason_id)))
    listed = _listed(problems)
    out: list[Draft] = []
    for focus, ps in listed.items():
        label = focus_label(focus)
        for p in ps:
            phrase = phrase_of(p)
            out.append(Draft(
                unit_id, "problem", focus, problem_key(focus, p.item_id, p.reason_id), phrase,
                problem_body(label, phrase, files=p.files, units=p.units, scope_files=scope_files,
                             is_veto=p.is_veto, share=p.share),
                {"item_id": p.item_id, "item_title": p.item_title, "reason_id": p.reason_id, "reason": p.reason,
                 "is_veto": p.is_veto, "files": p.files, "units": p.units, "reviewed_files": scope_files,
                 "share": str(p.share) if p.share is not None else None},
                _problem_links(by_reason, p.item_id, p.reason_id), significant(p, scope_files)))
    for focus, ps in listed.items():
        label = focus_label(focus)
        for _ in range(TYPICAL_PER_FOCUS):
            chosen = _example(ps, by_reason)
            if chosen is None:
                break
            p, d = chosen
            ref = case_reference(d.case_number, unit_names[d.unit_id], campaign_level=campaign_level, anonymise=anonymise)
            out.append(Draft(
                unit_id, "typical", focus, f"typical:{focus}:{p.item_id}:{p.reason_id}", f"{label}典型问题",
                typical_body(ref, label, phrase_of(p), d.comment, d.location),
                {"item_id": p.item_id, "item_title": p.item_title, "reason_id": p.reason_id, "reason": p.reason,
                 "is_veto": p.is_veto, "case_file_id": d.case_file_id, "anonymised": anonymise},
                [(d.case_file_id, d.item_id, d.reason_id)], significant(p, scope_files)))
    seen: set[str] = set()
    for focus, ps in listed.items():
        label = focus_label(focus)
        for p in ps:
            if p.item_id in seen or p.item_id not in recommendations:
                continue
            seen.add(p.item_id)
            keys = {(q.item_id, q.reason_id) for q in ps if q.item_id == p.item_id}
            out.append(Draft(
                unit_id, "recommendation", focus, recommendation_key(focus, p.item_id), f"{label}：{p.item_title}",
                recommendations[p.item_id],
                {"item_id": p.item_id, "item_title": p.item_title, "is_veto": p.is_veto,
                 "reasons": sorted(r for _, r in keys)},
                [],  # no links of its own: its problems' (`store.link_sources`)
                any(significant(q, scope_files) for q in ps if q.item_id == p.item_id)))
    return out


def draft_findings(session: Session, actor: User | None, campaign: Campaign) -> list[Draft]:
    """The findings the current final results support, campaign level first, then each unit in order."""
    defects = _defects(session, campaign.id)
    hashes = _standard_hashes(session, campaign.id)
    recommendations = _recommendations(session, hashes)
    phrases = _finding_phrases(session, set().union(*hashes.values()))
    unit_names = dict(session.execute(select(Unit.id, Unit.name)).all())
    reviewed = dict(session.execute(
        select(FileResult.unit_id, func.count()).where(FileResult.campaign_id == campaign.id)
        .group_by(FileResult.unit_id)).all())
    per_unit = reason_counts(session, actor, campaign.id, by_unit=True)
    overall = _campaign_problems(session, actor, campaign.id, per_unit)
    everywhere, of_unit = _grouped(defects)
    drafts = _scope_drafts(None, overall, everywhere, sum(reviewed.values()), recommendations, campaign.anonymise,
                           unit_names, phrases)
    units = session.execute(select(Unit.id).where(Unit.id.in_(list(reviewed))).order_by(Unit.sort_order, Unit.id))
    for (unit_id,) in units:
        problems = [_Problem(r.focus, r.item_id, r.item_title, r.reason_id, r.reason, r.is_veto, r.files, None, None)
                    for listed in _listed(per_unit.get(unit_id, [])).values() for r in listed]  # only those drafted
        drafts.extend(_scope_drafts(unit_id, problems, of_unit.get(unit_id, {}), int(reviewed[unit_id]),
                                    recommendations, campaign.anonymise, unit_names, phrases))
    return drafts


def _campaign_problems(session: Session, actor: User | None, campaign_id: int,
                       per_unit: dict[int, list[ReasonCount]]) -> list[_Problem]:
    """Campaign-level problems exactly as `top_problems(per_focus=None)` gives them (all of each focus
    area's reasons, in focus-area order, with their units and share of the reviewed files), the units
    counted from the per-unit counts the unit drafts read anyway: top_problems would read them again
    (a third of drafting at province scale). A test holds the two equal."""
    overall = reason_counts(session, actor, campaign_id, by_unit=False).get(None, [])
    reviewed = session.scalar(scoped(select(func.count()).select_from(FileResult), campaign_id, None, None)) or 0
    units = Counter((r.item_id, r.reason_id) for reasons in per_unit.values() for r in reasons)
    return [_Problem(r.focus, r.item_id, r.item_title, r.reason_id, r.reason, r.is_veto, r.files,
                     units[(r.item_id, r.reason_id)], ratio(r.files, reviewed))
            for r in listed_problems(overall)]


def _grouped(defects: list[_Defect]
             ) -> tuple[dict[tuple[str, str], list[_Defect]], dict[int, dict[tuple[str, str], list[_Defect]]]]:
    """Defects by (item, reason) for the campaign and for each unit, in one pass (each problem then
    finds its files without scanning every defect), each list in the defects' order."""
    everywhere: dict[tuple[str, str], list[_Defect]] = defaultdict(list)
    of_unit: dict[int, dict[tuple[str, str], list[_Defect]]] = defaultdict(lambda: defaultdict(list))
    for d in defects:
        key = (d.item_id, d.reason_id)
        everywhere[key].append(d)
        of_unit[d.unit_id][key].append(d)
    return everywhere, of_unit


# ------------------------------------------------------------------------------------------ regeneration

@dataclass
class DraftChange:
    """An edited finding whose generated draft changed: the person's text was kept."""

    finding_id: int
    unit_id: int | None
    unit_name: str | None
    section: str
    title: str  # the person's (kept)
    body: str
    old_draft_title: str
    old_draft_body: str
    new_title: str
    new_body: str


@dataclass
class RegenerationReport:
    campaign_id: int
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # edited by a person: their text kept
    draft_changed: list[DraftChange] = field(default_factory=list)  # kept ones whose draft changed now
    replaced: list[int] = field(default_factory=list)  # edited, replaced by the draft as asked
    stale: list[int] = field(default_factory=list)  # basis gone, kept (edited or excluded) and marked
    removed: list[int] = field(default_factory=list)  # basis gone, nobody had touched them: deleted
    pending_files: int = 0  # sampled files without a final result yet (not in any finding)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "kept": len(self.kept), "draft_changed": len(self.draft_changed), "replaced": len(self.replaced),
                "stale": len(self.stale), "removed": len(self.removed)}

    def lines(self) -> list[str]:
        c = self.counts()
        out = [", ".join(f"{k.replace('_', ' ')} {v}" for k, v in c.items())]
        for ch in self.draft_changed:
            out.append(f"finding {ch.finding_id} ({ch.unit_name or 'campaign'}, {ch.section}): draft changed; "
                       "your edited text kept (pass --replace-edited to take the new draft)")
        if self.pending_files:
            out.append(f"note: {self.pending_files} sampled files have no final result yet and are not counted")
        return out


def _assign(f: Finding, **values: Any) -> None:
    """Set the attributes whose value differs (setting an equal value would still mark the row dirty)."""
    for name, value in values.items():
        if getattr(f, name) != value:
            setattr(f, name, value)


def _group_key(f: Finding | Draft) -> tuple[int | None, str]:
    return (f.unit_id, f.section)


def _text(f: Finding) -> dict[str, Any]:
    return {"title": f.title, "body": f.body}


def _current_links(session: Session, campaign_id: int) -> dict[int, dict[Link, int]]:
    """finding id -> its links (link -> link id), for the whole campaign in one query rather than a
    lazy load per finding."""
    fl, fi = _LINKS.c, _FINDINGS.c
    stmt = (select(fl.id, fl.finding_id, fl.case_file_id, fl.item_id, fl.reason_id)
            .join(_FINDINGS, fi.id == fl.finding_id).where(fi.campaign_id == campaign_id))
    out: dict[int, dict[Link, int]] = defaultdict(dict)
    for link_id, finding_id, case_file_id, item_id, reason_id in plain_rows(session.connection(), stmt):
        out[finding_id][(case_file_id, item_id, reason_id)] = link_id
    return out


@dataclass
class _LinkChanges:
    """Links to add and drop for findings kept from an earlier generation, written as sets at the end."""

    add: list[tuple[int, int, str, str]] = field(default_factory=list)
    drop: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def diff(self, finding: Finding, current: dict[Link, int], links: list[Link]) -> bool:
        """Note what makes the finding's links exactly `links`; returns whether they change."""
        wanted = set(links)
        if current.keys() == wanted:
            return False
        self.add.extend((finding.id, *link) for link in sorted(wanted - current.keys()))
        self.drop.extend(link_id for key, link_id in current.items() if key not in wanted)
        self.findings.append(finding)
        return True

    def write(self, session: Session) -> None:
        """New links first (their ids follow the drafts' order), then the dropped ones; the audit state
        notes both (the delete through the session's bulk-statement hook)."""
        _insert_links(session, self.add)
        for i in range(0, len(self.drop), 500):
            session.execute(delete(_LINKS).where(_LINKS.c.id.in_(self.drop[i:i + 500])))
        for f in self.findings:
            session.expire(f, ["links"])


_LINK_COLUMNS = ("finding_id", "case_file_id", "item_id", "reason_id")
_FINDING_COLUMNS = ("campaign_id", "unit_id", "section", "focus", "gen_key", "title", "body", "draft_title",
                    "draft_body", "facts", "edited", "included", "stale", "position", "version", "created_at",
                    "updated_at", "updated_by_id")


def _insert_links(session: Session, links: list[tuple[int, int, str, str]]) -> None:
    """Insert links, each (finding id, case file id, item id, reason id), in one driver executemany
    (`BulkInsert`: ~0.5 M links at province), and note their findings for the audit state: at commit
    the chain vouches for each finding's links by one digest of them (`audit_chain.DIGESTED`)."""
    if not links:
        return
    BulkInsert(session.connection(), _LINKS, _LINK_COLUMNS).run(links)
    audit_state.note_groups(session, _LINKS.name, {lk[0] for lk in links})


def _add_new(session: Session, actor: User, campaign_id: int, fresh: list[tuple[Draft, int]],
             now: Any) -> list[int]:
    """Insert first drafts (with their places in their groups) as a set: the findings in one driver
    executemany (`BulkInsert`; their ids read back by (unit, gen_key), which no stored finding of the
    campaign shares), their links in another, one chained audit entry each in one more (a province
    campaign drafts tens of thousands of findings with hundreds of thousands of links). Returns their
    ids, in the order given."""
    if not fresh:
        return []
    t = _FINDINGS
    session.flush()
    conn = session.connection()
    BulkInsert(conn, t, _FINDING_COLUMNS).run([
        (campaign_id, d.unit_id, d.section, d.focus, d.gen_key, d.title, d.body, d.title, d.body, d.facts, False,
         d.included, False, position, 1, now, now, actor.id) for d, position in fresh])
    id_of = {(unit_id, gen_key): finding_id for finding_id, unit_id, gen_key in plain_rows(
        conn, select(t.c.id, t.c.unit_id, t.c.gen_key).where(t.c.campaign_id == campaign_id))}
    ids = [id_of[(d.unit_id, d.gen_key)] for d, _position in fresh]
    audit_state.note_inserted(session, t.name, ids)
    _insert_links(session, [(finding_id, *link) for finding_id, (d, _position) in zip(ids, fresh, strict=True)
                            for link in d.links])
    audit.record_many(session, [
        {"actor_id": actor.id, "action": "generate_finding", "entity": "finding", "entity_id": finding_id,
         "new": {"title": d.title, "body": d.body, "included": d.included, "gen_key": d.gen_key}}
        for finding_id, (d, _position) in zip(ids, fresh, strict=True)])
    return ids


def _pending(session: Session, campaign_id: int) -> int:
    sampled = session.scalar(select(func.count()).select_from(SampleItem).join(
        SampleRecord, SampleRecord.id == SampleItem.sample_id).where(
        SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))) or 0
    reviewed = session.scalar(select(func.count()).select_from(FileResult).where(
        FileResult.campaign_id == campaign_id)) or 0
    return max(int(sampled) - int(reviewed), 0)


@bulk_step
def generate_findings(session: Session, actor: User, campaign_id: int, *,
                      replace_edited: Iterable[int] = ()) -> RegenerationReport:
    """Draft (first time) or regenerate (later) the campaign's findings; see the module docstring."""
    check(actor, Action.EDIT_FINDINGS)
    campaign = session.scalar(select(Campaign).where(Campaign.id == campaign_id).with_for_update())
    if campaign is None:
        raise NotFound(code="findings.campaign_not_found", id=campaign_id)
    if not session.scalar(select(func.count()).select_from(FileResult).where(FileResult.campaign_id == campaign_id)):
        raise ValidationFailed(code="findings.no_results", name=campaign.name)
    existing = list(session.scalars(select(Finding).where(Finding.campaign_id == campaign_id)
                                    .order_by(Finding.id).with_for_update()))
    by_key = {(f.unit_id, f.gen_key): f for f in existing}
    replace = {int(i) for i in replace_edited}
    unknown = replace - {f.id for f in existing}
    if unknown:
        raise ValidationFailed(code="findings.not_in_campaign", ids=[str(i) for i in sorted(unknown)], name=campaign.name)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    report = RegenerationReport(campaign_id, pending_files=_pending(session, campaign_id))
    next_pos: dict[tuple[int | None, str], int] = defaultdict(int)
    for known in existing:
        next_pos[_group_key(known)] = max(next_pos[_group_key(known)], known.position + 1)
    now = utcnow()
    drafts = draft_findings(session, actor, campaign)
    wanted = {(d.unit_id, d.gen_key) for d in drafts}
    gone = sorted(f.id for f in existing if f.id in replace and (f.unit_id, f.gen_key) not in wanted)
    if gone:
        raise ValidationFailed(code="findings.no_current_draft", ids=[str(i) for i in gone])

    entries: list[dict[str, Any]] = []  # chained in this order, written as sets (one claim of the chain's head)

    def log(action: str, f: Finding, old: Any = None, new: Any = None, note: str = "") -> None:
        entries.append({"actor_id": actor.id, "action": action, "entity": "finding", "entity_id": f.id, "old": old,
                        "new": new, "note": note})

    current = _current_links(session, campaign_id) if existing else {}
    links = _LinkChanges()
    fresh: list[tuple[Draft, int]] = []
    for d in drafts:
        f = by_key.get((d.unit_id, d.gen_key))
        if f is None:
            fresh.append((d, next_pos[_group_key(d)]))
            next_pos[_group_key(d)] += 1
            continue
        links_changed = links.diff(f, current.get(f.id, {}), d.links)
        was_stale = f.stale
        # set only what differs: a finding left as it was stays clean, so the flush and the audit state
        # pass over it (a province regeneration keeps tens of thousands unchanged)
        _assign(f, stale=False, facts=d.facts, focus=d.focus)
        if not f.edited:
            if (f.title, f.body) != (d.title, d.body) or was_stale:
                old = _text(f)
                f.title, f.body, f.draft_title, f.draft_body = d.title, d.body, d.title, d.body
                f.version += 1
                f.updated_at, f.updated_by_id = now, actor.id
                log("regenerate_finding", f, old=old, new=_text(f))
                report.updated.append(f.id)
            else:
                _assign(f, draft_title=d.title, draft_body=d.body)
                (report.updated if links_changed else report.unchanged).append(f.id)
            continue
        old_draft = (f.draft_title, f.draft_body)
        if f.id in replace:
            old = _text(f)
            f.title, f.body, f.draft_title, f.draft_body = d.title, d.body, d.title, d.body
            f.edited = False
            f.version += 1
            f.updated_at, f.updated_by_id = now, actor.id
            log("replace_edited_finding", f, old=old, new=_text(f), note="edited text replaced by the new draft")
            report.replaced.append(f.id)
            continue
        if old_draft != (d.title, d.body):
            f.draft_title, f.draft_body = d.title, d.body
            log("finding_draft_changed", f, old={"draft_title": old_draft[0], "draft_body": old_draft[1]},
                new={"draft_title": d.title, "draft_body": d.body}, note="draft changed; edited text kept")
            report.draft_changed.append(DraftChange(
                f.id, f.unit_id, names.get(f.unit_id) if f.unit_id else None, f.section, f.title, f.body,
                old_draft[0], old_draft[1], d.title, d.body))
        if was_stale:
            log("finding_basis_back", f, old={"stale": True}, new={"stale": False})
        report.kept.append(f.id)

    links.write(session)
    audit.record_many(session, entries)
    entries.clear()
    report.added.extend(_add_new(session, actor, campaign_id, fresh, now))
    for f in existing:
        if (f.unit_id, f.gen_key) in wanted or f.gen_key.startswith(MANUAL_PREFIX):
            continue
        if not f.edited and f.included:
            log("remove_finding", f, old={**_text(f), "gen_key": f.gen_key}, note="what it was drafted from is gone")
            session.delete(f)
            report.removed.append(f.id)
        elif not f.stale:
            f.stale = True
            f.version += 1
            f.updated_at, f.updated_by_id = now, actor.id
            log("finding_stale", f, old={"stale": False}, new={"stale": True},
                note="what it was drafted from is gone; kept because a person edited or excluded it")
            report.stale.append(f.id)
        else:
            report.stale.append(f.id)
    audit.record_many(session, entries)
    session.flush()
    audit.record(session, actor_id=actor.id, action="generate_findings", entity="campaign", entity_id=campaign_id,
                 new=report.counts())
    return report
