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

Every draft carries links to the files and standing defects (item, reason) behind it.

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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from scoring import audit, audit_state
from scoring.aggregate import reason_counts, top_problems
from scoring.aggregate.common import focus_label, focus_order
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
from scoring.policy import Action, check
from scoring.standards import load_version

SECTIONS: tuple[str, ...] = ("problem", "typical", "recommendation")
PROBLEMS_PER_FOCUS = 3
TYPICAL_PER_FOCUS = 1
MANUAL_PREFIX = "manual:"

Link = tuple[int, str, str]  # case file id, item id, reason id


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


def significant(p: _Problem, scope_files: int) -> bool:
    """Findings start included when they concern one of the four focus areas of the source document, a
    veto, or a problem standing in at least a tenth of the files reviewed; the rest are drafted but start
    excluded, so the notice stays readable and the lead includes what matters."""
    return p.focus in FOCUS_AREAS or p.is_veto or (scope_files > 0 and p.files * 10 >= scope_files)


@dataclass
class _Defect:
    """A standing defect of a reviewed file, with what a typical example quotes."""

    case_file_id: int
    case_number: str
    unit_id: int
    unit_name: str
    item_id: str
    reason_id: str
    points: Decimal
    comment: str
    location: str
    score: Decimal
    standard_hash: str


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
    stmt = (select(FileDeduction.case_file_id, CaseFile.case_number, FileDeduction.unit_id, Unit.name,
                   FileDeduction.item_id, FileDeduction.reason_id, FileDeduction.points, FileDeduction.comment,
                   FileDeduction.location, FileResult.score, FileDeduction.standard_hash)
            .select_from(FileDeduction)
            .join(FileResult, and_(FileResult.campaign_id == FileDeduction.campaign_id,
                                   FileResult.case_file_id == FileDeduction.case_file_id))
            .join(CaseFile, CaseFile.id == FileDeduction.case_file_id)
            .join(Unit, Unit.id == FileDeduction.unit_id)
            .where(FileDeduction.campaign_id == campaign_id)
            .order_by(CaseFile.case_number, FileDeduction.item_id, FileDeduction.reason_id))
    return [_Defect(*row) for row in session.execute(stmt)]


def _recommendations(session: Session, defects: list[_Defect]) -> dict[str, str]:
    """item or veto id -> its recommendation text over the standard versions the defects were found under."""
    hashes: dict[str, set[str]] = defaultdict(set)
    for d in defects:
        hashes[d.item_id].add(d.standard_hash)
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


def _finding_phrases(session: Session, defects: list[_Defect]) -> dict[tuple[str, str], str]:
    """(item, reason) -> the standard's explicit `finding` phrase, where a standard version gives one."""
    out: dict[tuple[str, str], str] = {}
    for h in sorted({d.standard_hash for d in defects}):
        std = load_version(session, h)
        for item_id, (_, item) in std.items_by_id.items():
            for ded in item.deductions:
                if ded.finding:
                    out.setdefault((item_id, ded.id), ded.finding)
    return out


def _listed(problems: list[_Problem]) -> dict[str, list[_Problem]]:
    """focus -> its most frequent problems (already sorted most files first), in focus-area order."""
    by_focus: dict[str, list[_Problem]] = defaultdict(list)
    for p in problems:
        by_focus[p.focus].append(p)
    return {f: by_focus[f][:PROBLEMS_PER_FOCUS] for f in focus_order(by_focus)}


def _by_reason(defects: list[_Defect]) -> dict[tuple[str, str], list[_Defect]]:
    """Defects by (item, reason): each problem finds its files without scanning every defect."""
    out: dict[tuple[str, str], list[_Defect]] = defaultdict(list)
    for d in defects:
        out[(d.item_id, d.reason_id)].append(d)
    return out


def _example(problems: list[_Problem], by_reason: dict[tuple[str, str], list[_Defect]]
             ) -> tuple[_Problem, _Defect] | None:
    def rank(d: _Defect) -> tuple:
        return (not d.comment.strip(), -d.points, d.score, d.case_number)

    candidates = []
    for p in problems:
        files = sorted(by_reason.get((p.item_id, p.reason_id), ()), key=rank)
        if files:
            candidates.append((p, files[0]))
    if not candidates:
        return None
    commented = [c for c in candidates if c[1].comment.strip()]
    return (commented or candidates)[0]


def _scope_drafts(unit_id: int | None, problems: list[_Problem], defects: list[_Defect], scope_files: int,
                  recommendations: dict[str, str], anonymise: bool,
                  phrases: dict[tuple[str, str], str] | None = None) -> list[Draft]:
    campaign_level = unit_id is None
    phrases = phrases or {}

    def phrase_of(p: _Problem) -> str:
        return problem_phrase(p.reason, p.item_title, phrases.get((p.item_id, p.reason_id)))
    listed = _listed(problems)
    out: list[Draft] = []

    by_reason = _by_reason(defects)

    def links_of(keys: set[tuple[str, str]]) -> list[Link]:
        return sorted({(d.case_file_id, d.item_id, d.reason_id) for k in keys for d in by_reason.get(k, ())})

    for focus, ps in listed.items():
        label = focus_label(focus)
        for p in ps:
            phrase = phrase_of(p)
            out.append(Draft(
                unit_id, "problem", focus, f"problem:{focus}:{p.item_id}:{p.reason_id}", phrase,
                problem_body(label, phrase, files=p.files, units=p.units, scope_files=scope_files,
                             is_veto=p.is_veto, share=p.share),
                {"item_id": p.item_id, "item_title": p.item_title, "reason_id": p.reason_id, "reason": p.reason,
                 "is_veto": p.is_veto, "files": p.files, "units": p.units, "reviewed_files": scope_files,
                 "share": str(p.share) if p.share is not None else None},
                links_of({(p.item_id, p.reason_id)}), significant(p, scope_files)))
    for focus, ps in listed.items():
        label = focus_label(focus)
        for _ in range(TYPICAL_PER_FOCUS):
            chosen = _example(ps, by_reason)
            if chosen is None:
                break
            p, d = chosen
            ref = case_reference(d.case_number, d.unit_name, campaign_level=campaign_level, anonymise=anonymise)
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
                unit_id, "recommendation", focus, f"recommendation:{focus}:{p.item_id}", f"{label}：{p.item_title}",
                recommendations[p.item_id],
                {"item_id": p.item_id, "item_title": p.item_title, "is_veto": p.is_veto,
                 "reasons": sorted(r for _, r in keys)},
                links_of(keys), any(significant(q, scope_files) for q in ps if q.item_id == p.item_id)))
    return out


def draft_findings(session: Session, actor: User | None, campaign: Campaign) -> list[Draft]:
    """The findings the current final results support, campaign level first, then each unit in order."""
    defects = _defects(session, campaign.id)
    recommendations = _recommendations(session, defects)
    phrases = _finding_phrases(session, defects)
    reviewed = dict(session.execute(
        select(FileResult.unit_id, func.count()).where(FileResult.campaign_id == campaign.id)
        .group_by(FileResult.unit_id)).all())
    overall = [_Problem(p.focus, p.item_id, p.item_title, p.reason_id, p.reason, p.is_veto, p.files, len(p.units),
                        p.share)
               for p in top_problems(session, actor, campaign.id, per_focus=None)]
    drafts = _scope_drafts(None, overall, defects, sum(reviewed.values()), recommendations, campaign.anonymise,
                           phrases)
    per_unit = reason_counts(session, actor, campaign.id, by_unit=True)
    units = session.execute(select(Unit.id).where(Unit.id.in_(list(reviewed))).order_by(Unit.sort_order, Unit.id))
    defects_of_unit: dict[int, list[_Defect]] = defaultdict(list)
    for d in defects:
        defects_of_unit[d.unit_id].append(d)
    for (unit_id,) in units:
        problems = [_Problem(r.focus, r.item_id, r.item_title, r.reason_id, r.reason, r.is_veto, r.files, None, None)
                    for r in per_unit.get(unit_id, [])]
        mine = defects_of_unit.get(unit_id, [])
        drafts.extend(_scope_drafts(unit_id, problems, mine, int(reviewed[unit_id]), recommendations,
                                    campaign.anonymise, phrases))
    return drafts


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


def _group_key(f: Finding | Draft) -> tuple[int | None, str]:
    return (f.unit_id, f.section)


def _text(f: Finding) -> dict[str, Any]:
    return {"title": f.title, "body": f.body}


def _set_links(session: Session, finding: Finding, links: list[Link]) -> bool:
    """Make the finding's links exactly `links`; returns whether they changed."""
    current = {(lk.case_file_id, lk.item_id, lk.reason_id): lk for lk in finding.links}
    wanted = set(links)
    if set(current) == wanted:
        return False
    for key, lk in current.items():
        if key not in wanted:
            finding.links.remove(lk)
    for key in sorted(wanted - set(current)):
        finding.links.append(FindingLink(case_file_id=key[0], item_id=key[1], reason_id=key[2]))
    return True


def _add_new(session: Session, actor: User, fresh: list[tuple[Finding, Draft]]) -> None:
    """Insert first drafts as a set: the findings in one flush, their links in one statement, one chained
    audit entry each in one more (a district campaign drafts thousands of findings with tens of thousands
    of links)."""
    if not fresh:
        return
    session.add_all([f for f, _d in fresh])
    session.flush()
    links = [{"finding_id": f.id, "case_file_id": c, "item_id": i, "reason_id": r}
             for f, d in fresh for c, i, r in sorted(set(d.links))]
    if links:
        ids = session.scalars(insert(FindingLink).returning(FindingLink.id), links).all()
        audit_state.note_inserted(session, FindingLink.__tablename__, ids)
    for f, _d in fresh:
        session.expire(f, ["links"])
    audit.record_many(session, [
        {"actor_id": actor.id, "action": "generate_finding", "entity": "finding", "entity_id": f.id,
         "new": {**_text(f), "included": f.included, "gen_key": f.gen_key}} for f, _d in fresh])


def _pending(session: Session, campaign_id: int) -> int:
    sampled = session.scalar(select(func.count()).select_from(SampleItem).join(
        SampleRecord, SampleRecord.id == SampleItem.sample_id).where(
        SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))) or 0
    reviewed = session.scalar(select(func.count()).select_from(FileResult).where(
        FileResult.campaign_id == campaign_id)) or 0
    return max(int(sampled) - int(reviewed), 0)


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

    def log(action: str, f: Finding, old: Any = None, new: Any = None, note: str = "") -> None:
        audit.record(session, actor_id=actor.id, action=action, entity="finding", entity_id=f.id, old=old, new=new,
                     note=note)

    fresh: list[tuple[Finding, Draft]] = []
    for d in drafts:
        f = by_key.get((d.unit_id, d.gen_key))
        if f is None:
            f = Finding(campaign_id=campaign_id, unit_id=d.unit_id, section=d.section, focus=d.focus,
                        gen_key=d.gen_key, title=d.title, body=d.body, draft_title=d.title, draft_body=d.body,
                        facts=d.facts, edited=False, included=d.included, stale=False,
                        position=next_pos[_group_key(d)], version=1, created_at=now, updated_at=now,
                        updated_by_id=actor.id)
            next_pos[_group_key(d)] += 1
            fresh.append((f, d))
            continue
        links_changed = _set_links(session, f, d.links)
        was_stale = f.stale
        f.stale = False
        f.facts = d.facts
        f.focus = d.focus
        if not f.edited:
            if (f.title, f.body) != (d.title, d.body) or was_stale:
                old = _text(f)
                f.title, f.body, f.draft_title, f.draft_body = d.title, d.body, d.title, d.body
                f.version += 1
                f.updated_at, f.updated_by_id = now, actor.id
                log("regenerate_finding", f, old=old, new=_text(f))
                report.updated.append(f.id)
            else:
                f.draft_title, f.draft_body = d.title, d.body
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

    _add_new(session, actor, fresh)
    report.added.extend(f.id for f, _d in fresh)
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
    session.flush()
    audit.record(session, actor_id=actor.id, action="generate_findings", entity="campaign", entity_id=campaign_id,
                 new=report.counts())
    return report
