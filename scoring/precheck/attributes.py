"""The file attributes pre-check rules may read: the declared attributes of the vocabulary
(`rubrics/vocabulary.yaml`, issue 11's mechanism: key, type, register column synonyms), typed for
column-wise evaluation. Rules are checked against this catalogue, so a typo in a rule file is an error,
not a rule that never fires."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scoring.rubric.vocabulary import active_vocabulary

AttrType = Literal["date", "number", "bool", "text"]
_TYPES: dict[str, AttrType] = {"yes_no": "bool", "one_of": "text", "number": "number", "date": "date"}
# Built-in attributes that are columns of the register table itself (the rest live in CaseFile.attributes).
COLUMN_KEYS = ("case_type", "procedure", "major_decision", "waiver", "hearing_held", "coercive_measure",
               "penalty_amount", "decision_date")


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    type: AttrType
    synonyms: tuple[str, ...] = ()


def _catalogue() -> dict[str, Attribute]:
    vocab = active_vocabulary()
    return {a.key: Attribute(a.key, a.zh, _TYPES[a.type], tuple(a.synonyms)) for a in vocab.attributes.values()}


ATTRIBUTES: dict[str, Attribute] = _catalogue()
# The declared attributes stored per file beside the register columns (process dates, tier, ...).
EXTRA_KEYS: tuple[str, ...] = tuple(k for k in ATTRIBUTES if k not in COLUMN_KEYS)
