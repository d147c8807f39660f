"""The vocabulary standards speak: case types, procedures, focus areas and declared file attributes.

It is data (`rubrics/vocabulary.yaml`, shipped), so a bureau adds its own case types, focus areas and
attributes without code: a `vocabulary.yaml` beside its standards (or in `CASEREVIEW_RUBRICS`) adds to the
shipped one. An attribute is declared with a key, Chinese and English labels, a type (`yes_no`, `one_of`
with `choices`, `number`, `date`), the register column headers that carry it (`synonyms`) and who may give
its value (`set_by`: the register import, the lead per file, or the reviewer on the scoring form). The six
attributes the engine always knew (case_type, procedure, major_decision, waiver, hearing_held,
coercive_measure) are built-in entries of the same list, stored in their own columns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.errors import InvalidValue, Problem, ProblemReport, problems_from_validation
from scoring.rubric.yaml_input import load_yaml_file
from scoring.shipped import rubrics_dir

VOCABULARY_FILE = "vocabulary.yaml"
SHIPPED = rubrics_dir() / VOCABULARY_FILE
ENV_RUBRICS = "CASEREVIEW_RUBRICS"
# Built-in attributes live in CaseFile columns and in FileAttributes fields.
BUILTIN_KEYS = ("case_type", "procedure", "major_decision", "waiver", "hearing_held", "coercive_measure")
SOURCES = ("register", "lead", "reviewer")
AttrValue = bool | str | Decimal | dt.date


Source = Literal["register", "lead", "reviewer"]


def _default_sources() -> list[Source]:
    return ["register", "lead"]


class AttributeDecl(BaseModel):
    """One file attribute a standard may condition on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    type: Literal["yes_no", "one_of", "number", "date"]
    choices: list[str] | None = None
    synonyms: list[str] = Field(default_factory=list)
    set_by: list[Source] = Field(default_factory=_default_sources)
    builtin: bool = False

    @model_validator(mode="after")
    def _choices(self) -> AttributeDecl:
        if self.type == "one_of" and not self.choices and self.key not in ("case_type", "procedure"):
            raise InvalidValue("vocab.one_of_needs_choices", key=self.key)
        if self.type != "one_of" and self.choices:
            raise InvalidValue("vocab.choices_only_one_of", key=self.key)
        return self

    def parse(self, value: Any) -> AttrValue:
        """A value of this attribute from JSON, YAML or a form; raises ValueError saying why not."""
        if self.type == "yes_no":
            if isinstance(value, bool):
                return value
            raise InvalidValue("attr.yes_no", key=self.key)
        if self.type == "one_of":
            if isinstance(value, str) and value in (self.choices or []):
                return value
            raise InvalidValue("attr.one_of", key=self.key, choices=list(self.choices or []))
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
                raise InvalidValue("attr.number", key=self.key)
            try:
                d = Decimal(str(value))
            except InvalidOperation:
                raise InvalidValue("attr.number", key=self.key) from None
            if not d.is_finite():
                raise InvalidValue("attr.finite", key=self.key)
            return d
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidValue("attr.date", key=self.key) from None


class VocabularyFile(BaseModel):
    """`kind: vocabulary`: what this file adds to the vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["vocabulary"]
    case_types: list[str] = Field(default_factory=list)
    procedures: list[str] = Field(default_factory=list)
    focus_areas: dict[str, str] = Field(default_factory=dict)
    general_categories: dict[str, str] = Field(default_factory=dict)
    attributes: list[AttributeDecl] = Field(default_factory=list)


class Vocabulary(BaseModel):
    """The composed vocabulary (shipped + a bureau's additions)."""

    model_config = ConfigDict(frozen=True)

    case_types: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    focus_areas: dict[str, str] = Field(default_factory=dict)
    general_categories: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, AttributeDecl] = Field(default_factory=dict)

    @property
    def all_focus(self) -> dict[str, str]:
        return {**self.focus_areas, **self.general_categories}

    def attribute(self, key: str) -> AttributeDecl | None:
        return self.attributes.get(key)

    def extra_attributes(self) -> list[AttributeDecl]:
        """Declared attributes beyond the built-in columns."""
        return [a for a in self.attributes.values() if not a.builtin]

    def extend(self, f: VocabularyFile, fname: str) -> tuple[Vocabulary, list[Problem]]:
        problems: list[Problem] = []
        attrs = dict(self.attributes)
        for i, a in enumerate(f.attributes):
            if a.key in attrs:
                problems.append(Problem(code="vocab.attribute_twice", params={"key": a.key}, file=fname,
                                        path=f"attributes[{i}].key"))
            attrs[a.key] = a
        focus = dict(self.focus_areas)
        general = dict(self.general_categories)
        for key in [*f.focus_areas, *f.general_categories]:
            if key in focus or key in general:
                problems.append(Problem(code="vocab.focus_twice", params={"key": key}, file=fname, path="focus_areas"))
        focus.update(f.focus_areas)
        general.update(f.general_categories)
        vocab = Vocabulary(
            case_types=self.case_types + tuple(c for c in f.case_types if c not in self.case_types),
            procedures=self.procedures + tuple(p for p in f.procedures if p not in self.procedures),
            focus_areas=focus, general_categories=general, attributes=attrs,
        )
        return vocab, problems


def read_vocabulary_file(path: Path, data: Any) -> VocabularyFile:
    """Validate a parsed `kind: vocabulary` file. Raises ProblemReport naming file and path."""
    try:
        return VocabularyFile.model_validate(data)
    except ValidationError as exc:
        problems = [dataclasses.replace(p, file=str(path), path=".".join(map(str, e["loc"])) or None, column=None)
                    for e, p in zip(exc.errors(), problems_from_validation(exc.errors()), strict=True)]
        raise ProblemReport(problems, title_code="vocab.not_valid", title_params={"file": str(path)}) from None


def compose_vocabulary(files: list[tuple[Path, VocabularyFile]], base: Vocabulary | None = None) -> Vocabulary:
    vocab = base or Vocabulary()
    problems: list[Problem] = []
    for path, f in files:
        vocab, found = vocab.extend(f, str(path))
        problems.extend(found)
    if problems:
        raise ProblemReport(problems, title_code="vocab.conflict")
    return vocab


@cache
def shipped_vocabulary() -> Vocabulary:
    """The shipped vocabulary (the defaults: today's case types, procedures, focus areas, six attributes)."""
    data, _ = load_yaml_file(SHIPPED)
    return compose_vocabulary([(SHIPPED, read_vocabulary_file(SHIPPED, data))])


def env_vocabulary_path() -> Path | None:
    folder = os.environ.get(ENV_RUBRICS)
    if not folder:
        return None
    path = Path(folder) / VOCABULARY_FILE
    return path if path.is_file() else None


_active: dict[str, Vocabulary] = {}


def active_vocabulary() -> Vocabulary:
    """The shipped vocabulary plus the one in `CASEREVIEW_RUBRICS` (if any): what the app uses."""
    path = env_vocabulary_path()
    key = str(path)
    if key not in _active:
        base = shipped_vocabulary()
        if path is None:
            _active[key] = base
        else:
            data, _ = load_yaml_file(path)
            _active[key] = compose_vocabulary([(path, read_vocabulary_file(path, data))], base)
    return _active[key]
