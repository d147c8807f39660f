"""A case file's attributes as the engine sees them, and setting the declared ones.

The built-in six come from their columns (register import). Declared attributes (rubrics/vocabulary.yaml)
are kept per file in `CaseFile.attributes` with where each value came from (`attribute_sources`:
"register" or "lead"); a reviewer's answers on the scoring form are kept on the review and marked
"reviewer". Only the sources an attribute's declaration allows (`set_by`) may give it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from scoring import audit, policy
from scoring.db.models import CaseFile, User
from scoring.errors import InvalidValue, NotFound, ValidationFailed
from scoring.messages import Msg
from scoring.rubric.model import Standard
from scoring.rubric.schema import FileAttributes
from scoring.rubric.vocabulary import (
    AttributeDecl,
    AttrValue,
    Vocabulary,
    active_vocabulary,
)


def to_json(value: AttrValue) -> Any:
    """How a value is stored: dates as YYYY-MM-DD, numbers as strings of their decimal."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(decl: AttributeDecl | None, value: Any) -> Any:
    if decl is None or value is None:
        return value
    try:
        return decl.parse(value)
    except ValueError:
        return None  # a value stored under an older declaration: unknown now


def declared(key: str, vocab: Vocabulary | None = None) -> AttributeDecl:
    vocab = vocab or active_vocabulary()
    decl = vocab.attribute(key)
    if decl is None or decl.builtin:
        known = [a.key for a in vocab.extra_attributes()]
        raise ValidationFailed(code="attr.unknown", key=key, known=known)
    return decl


def with_answers(base: FileAttributes, answers: dict[str, Any] | None,
                 vocab: Vocabulary | None = None) -> FileAttributes:
    """The file's attributes with the reviewer's answers (stored form) added for attributes the file does
    not already know; each added value is marked "reviewer"."""
    if not answers:
        return base
    vocab = vocab or active_vocabulary()
    attrs, sources = dict(base.attrs), dict(base.sources)
    for key, raw in answers.items():
        value = from_json(vocab.attribute(key), raw)
        if value is not None and key not in attrs:
            attrs[key], sources[key] = value, "reviewer"
    return base.model_copy(update={"attrs": attrs, "sources": sources})


def reviewer_questions(standard: Standard, base: FileAttributes,
                       vocab: Vocabulary | None = None) -> list[AttributeDecl]:
    """What the reviewer is asked on the scoring form: the declared attributes the standard's conditions
    read, that the reviewer may answer (`set_by` lists "reviewer"), and that the file does not already
    know from the register or the lead (`base`: the file's attributes without answers)."""
    vocab = vocab or active_vocabulary()
    out = []
    for key in standard.attribute_keys:
        decl = vocab.attribute(key)
        if decl is None or decl.builtin or "reviewer" not in decl.set_by:
            continue
        if base.value(key) is None:
            out.append(decl)
    return out


def attributes_of(case_file: CaseFile, answers: dict[str, Any] | None = None,
                  vocab: Vocabulary | None = None) -> FileAttributes:
    """The file's attributes: columns, then declared values kept on the file, then the reviewer's answers
    (for attributes the file does not already know)."""
    vocab = vocab or active_vocabulary()
    attrs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if case_file.penalty_amount is not None:
        attrs["penalty_amount"], sources["penalty_amount"] = case_file.penalty_amount, "register"
    if case_file.decision_date is not None:
        attrs["decision_date"], sources["decision_date"] = case_file.decision_date, "register"
    stored_sources = case_file.attribute_sources or {}
    for key, raw in (case_file.attributes or {}).items():
        value = from_json(vocab.attribute(key), raw)
        if value is not None:
            attrs[key], sources[key] = value, stored_sources.get(key, "register")
    base = FileAttributes(
        case_type=case_file.case_type, procedure=case_file.procedure, major_decision=case_file.major_decision,
        waiver=case_file.waiver, hearing_held=case_file.hearing_held, coercive_measure=case_file.coercive_measure,
        attrs=attrs, sources=sources,
    )
    return with_answers(base, answers, vocab)


def set_file_attribute(session: Session, actor: User, case_file_id: int, key: str, value: Any) -> CaseFile:
    """The lead sets (or, with value None, clears) a declared attribute of one file. Audited."""
    policy.check(actor, policy.Action.FILE_ATTRIBUTES)
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None:
        raise NotFound(code="attr.no_case_file", id=case_file_id)
    decl = declared(key)
    if "lead" not in decl.set_by:
        raise ValidationFailed(code="attr.not_set_by_lead", key=key, label=decl.zh, set_by=list(decl.set_by))
    old = (case_file.attributes or {}).get(key)
    attributes = dict(case_file.attributes or {})
    sources = dict(case_file.attribute_sources or {})
    if value is None or value == "":
        attributes.pop(key, None)
        sources.pop(key, None)
    else:
        try:
            attributes[key] = to_json(decl.parse(value))
        except ValueError as exc:
            raise ValidationFailed(code="attr.file_value", case_number=case_file.case_number, why=_why(exc)) from None
        sources[key] = "lead"
    case_file.attributes, case_file.attribute_sources = attributes, sources
    session.flush()
    audit.record(session, actor_id=actor.id, action="set_file_attribute", entity="case_file",
                 entity_id=case_file.id, old={key: old}, new={key: attributes.get(key)})
    return case_file


@dataclass(frozen=True)
class LeadAttribute:
    """A declared attribute the lead may set on a file, with its value now (None: not known) and source."""

    decl: AttributeDecl
    value: Any
    source: str | None


def lead_attributes(session: Session, actor: User, case_file_id: int) -> list[LeadAttribute]:
    """The declared attributes the lead may set on this file (`set_by` lists "lead"), as known now."""
    policy.check(actor, policy.Action.FILE_ATTRIBUTES)
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None:
        raise NotFound(code="attr.no_case_file", id=case_file_id)
    attrs = attributes_of(case_file)
    return [LeadAttribute(d, attrs.value(d.key), attrs.sources.get(d.key))
            for d in active_vocabulary().extra_attributes() if "lead" in d.set_by]


def set_file_attributes(session: Session, actor: User, case_file_id: int, values: dict[str, Any]) -> list[str]:
    """The lead sets several attributes of one file at once (all or none): only the ones whose value
    changes are written, each audited (`set_file_attribute`). Returns the keys changed."""
    policy.check(actor, policy.Action.FILE_ATTRIBUTES)
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None:
        raise NotFound(code="attr.no_case_file", id=case_file_id)
    changed = []
    for key, value in values.items():
        stored = (case_file.attributes or {}).get(key)
        try:
            new = None if value is None or value == "" else to_json(declared(key).parse(value))
        except ValueError:
            new = _UNPARSED  # set_file_attribute says why
        if new != stored:
            set_file_attribute(session, actor, case_file_id, key, value)
            changed.append(key)
    return changed


_UNPARSED = object()


def parse_answer(key: str, value: Any) -> Any:
    """A reviewer's answer, checked against the declaration; returns the stored (JSON) form."""
    decl = declared(key)
    if "reviewer" not in decl.set_by:
        raise ValidationFailed(code="attr.not_answered_by_reviewer", key=key, label=decl.zh)
    if value is None or value == "":
        return None
    try:
        return to_json(decl.parse(value))
    except ValueError as exc:
        why = _why(exc)
        raise ValidationFailed(code=why.code, **why.params) from None


def _why(exc: ValueError) -> Msg:
    """A declaration's refusal (`AttributeDecl.parse`) as a message."""
    if isinstance(exc, InvalidValue):
        return Msg(exc.code, exc.params)
    return Msg("generic.error", {"detail": str(exc)})
