"""Reading rubric files: YAML with line numbers, strict validation, composition, and clear errors.

Every problem names the file, the path inside it (`sections[1].items[0].max`) and the line, so a panel
lead editing a standard by hand can find the mistake. Reading is hardened in `yaml_input` (parse once,
duplicate keys refused, bounded depth, aliases and size). Names (case types, focus areas, attributes in
`applies_when`) are checked against the vocabulary: the shipped `rubrics/vocabulary.yaml` plus any
`vocabulary.yaml` among the files loaded. A standard's `include` finds its modules among the files
loaded, then beside the standard (its folder and `modules/`), then in `CASEREVIEW_RUBRICS`, then in the
shipped `rubrics/modules`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scoring.errors import Problem, ProblemReport, problems_from_validation
from scoring.messages import Msg
from scoring.rubric.model import CItem, CSection, CVeto, Standard
from scoring.rubric.schema import Condition, FileAttributes, ModuleFile, StandardFile
from scoring.rubric.vocabulary import (
    ENV_RUBRICS,
    SHIPPED,
    Vocabulary,
    VocabularyFile,
    compose_vocabulary,
    read_vocabulary_file,
    shipped_vocabulary,
)
from scoring.rubric.workbook import read_workbook
from scoring.rubric.yaml_input import PathKey, format_path, load_yaml_file, parse_yaml
from scoring.shipped import rubrics_dir

__all__ = ["format_path", "parse_yaml", "RubricLibrary", "load_standard", "load_rubric_file", "compose"]

RUBRIC_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIX = ".xlsx"  # a standard written in the Excel template (scoring.rubric.workbook)
DEFAULT_RUBRIC_DIR = rubrics_dir()
NOT_RUBRICS = "precheck"  # rubrics/precheck/ holds the pre-check rules, read by scoring.precheck


def _line_for(loc: PathKey, lines: dict[PathKey, int]) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _pydantic_problems(exc: ValidationError, fname: str, lines: dict[PathKey, int]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        path, line = format_path(loc) or None, _line_for(loc, lines)
        if kind == "extra_forbidden":
            out.append(Problem(code="rubric.unknown_key", params={"key": loc[-1]}, file=fname, path=path, line=line))
        elif kind == "missing":
            out.append(Problem(code="rubric.missing_key", params={"key": loc[-1]}, file=fname, path=path, line=line))
        else:  # a validator's message code (InvalidValue), or pydantic's own words
            out.append(dataclasses.replace(problems_from_validation([err])[0], column=None, file=fname, path=path,
                                           line=line))
    return out


@dataclass
class LoadedFile:
    path: Path
    model: StandardFile | ModuleFile
    lines: dict[PathKey, int]

    @property
    def name(self) -> str:
        return str(self.path)

    def line(self, *loc: str | int) -> int | None:
        return _line_for(tuple(loc), self.lines)


def _read(path: Path) -> tuple[Any, dict[PathKey, int]]:
    fname = str(path)
    data, lines = load_yaml_file(path)
    if not isinstance(data, dict):
        raise ProblemReport([Problem(code="rubric.not_mapping", file=fname, line=1)],
                            title_code="rubric.not_rubric", title_params={"file": fname})
    return data, lines


def _validate(path: Path, data: dict[str, Any], lines: dict[PathKey, int], vocab: Vocabulary) -> LoadedFile:
    fname = str(path)
    kind = data.get("kind")
    model_cls: type[StandardFile] | type[ModuleFile] | None = (
        StandardFile if kind == "standard" else ModuleFile if kind == "module" else None)
    if model_cls is None:
        raise ProblemReport(
            [Problem(code="rubric.bad_kind", params={"kind": str(kind)[:40]}, file=fname,
                     path="kind", line=lines.get(("kind",), 1))],
            title_code="rubric.not_rubric", title_params={"file": fname},
        )
    try:
        model = model_cls.model_validate(data, context={"vocabulary": vocab})
    except ValidationError as exc:
        raise ProblemReport(_pydantic_problems(exc, fname, lines), title_code="rubric.not_valid",
                            title_params={"file": fname, "kind": Msg(f"rubric.kind.{kind}")}) from None
    return LoadedFile(path=path, model=model, lines=lines)


def load_rubric_file(path: Path, vocabulary: Vocabulary | None = None) -> LoadedFile:
    """Load and validate one rubric file (standard or module). Raises ProblemReport."""
    data, lines = _read(path)
    return _validate(path, data, lines, vocabulary or shipped_vocabulary())


def _conds(*conds: Condition | None) -> list[Condition]:
    return [c for c in conds if c is not None]


def compose(std: LoadedFile, modules: dict[str, LoadedFile]) -> Standard:
    """Pull the included modules into a standard and check the whole form. Raises ProblemReport."""
    s = std.model
    assert isinstance(s, StandardFile)
    problems: list[Problem] = []

    def problem(msg: Msg, src: LoadedFile, *loc: str | int) -> None:
        problems.append(Problem(code=msg.code, params=msg.params, file=src.name, path=format_path(loc) or None,
                                line=src.line(*loc)))

    sources: list[tuple[LoadedFile, str | None, Condition | None, str | None]] = [(std, None, None, None)]
    std_other = s.allow_other.max if s.allow_other else None
    for i, mod_id in enumerate(s.include):
        mod = modules.get(mod_id)
        if mod is None:
            known = sorted(modules) or Msg("rubric.none_found")
            problem(Msg("rubric.unknown_module", {"module": mod_id, "known": known}), std, "include", i)
            continue
        m = mod.model
        assert isinstance(m, ModuleFile)
        sources.append((mod, m.id, m.applies_when, m.focus))

    sections: list[CSection] = []
    vetoes: list[CVeto] = []
    seen: dict[str, str] = {}  # id -> where first defined

    def claim(ident: str, what: str, src: LoadedFile, *loc: str | int) -> None:
        where = f"{src.name} {format_path(loc)}"
        if ident in seen:
            problem(Msg("rubric.duplicate_id", {"what": Msg(f"rubric.what.{what.replace(' ', '_')}"), "id": ident,
                                             "where": seen[ident]}), src, *loc, "id")
        else:
            seen[ident] = where

    for src, module_id, module_cond, module_focus in sources:
        m = src.model
        src_other = m.allow_other.max if m.allow_other else std_other
        for si, sec in enumerate(m.sections):
            claim(sec.id, "section", src, "sections", si)
            items = []
            for ii, item in enumerate(sec.items):
                claim(item.id, "item", src, "sections", si, "items", ii)
                focus = item.focus or module_focus
                if focus is None:
                    problem(Msg("rubric.item_focus"), src, "sections", si, "items", ii)
                    focus = "procedure"
                other = item.allow_other.max if item.allow_other else src_other
                if not item.deductions and other is None:
                    problem(Msg("rubric.item_nothing"), src, "sections", si, "items", ii)
                items.append(
                    CItem(id=item.id, title=item.title, focus=focus, max=item.max, allow_na=item.allow_na,
                          allow_other=other, conditions=_conds(item.applies_when),
                          recommendation=item.recommendation, guidance=item.guidance, deductions=item.deductions)
                )
            sections.append(
                CSection(id=sec.id, title=sec.title, max=sec.max, module=module_id,
                         conditions=_conds(module_cond, sec.applies_when), items=items)
            )
        for vi, veto in enumerate(m.vetoes):
            claim(veto.id, "veto", src, "vetoes", vi)
            effect = veto.effect or s.veto_effect
            focus = veto.focus or module_focus
            if focus is None:
                problem(Msg("rubric.veto_focus"), src, "vetoes", vi)
                focus = "procedure"
            band_names = [b.name for b in s.grade_bands]
            if effect.kind == "cap":
                if effect.band not in band_names:
                    problem(Msg("rubric.veto_band", {"band": effect.band, "bands": band_names}), src, "vetoes", vi)
                elif effect.band == band_names[0]:
                    problem(Msg("rubric.veto_top_band", {"band": effect.band}), src, "vetoes", vi)
            vetoes.append(
                CVeto(id=veto.id, title=veto.title, focus=focus, effect=effect, module=module_id,
                      conditions=_conds(module_cond, veto.applies_when), recommendation=veto.recommendation,
                      guidance=veto.guidance)
            )

    bonus: list[CItem] = []
    for bi, b in enumerate(s.bonus):
        claim(b.id, "bonus item", std, "bonus", bi)
        bonus.append(CItem(id=b.id, title=b.title, focus=b.focus or "documents", max=b.max, bonus=True,
                           guidance=b.guidance, deductions=b.awards))
    if s.veto_effect.kind == "cap" and s.veto_effect.band not in [b.name for b in s.grade_bands]:
        problem(Msg("rubric.default_veto_band", {"band": s.veto_effect.band}), std, "veto_effect")
    total = sum((sec.max for sec in sections), Decimal(0))
    if sections and total != s.total:
        parts = " + ".join(f"{sec.id} {sec.max}" for sec in sections)
        problem(Msg("rubric.total_mismatch", {"sum": total, "parts": parts, "total": s.total}), std, "total")
    if not sections:
        problem(Msg("rubric.no_sections"), std, "sections")
    if problems:
        raise ProblemReport(problems, title_code="rubric.does_not_compose", title_params={"file": std.name})
    return Standard(
        id=s.id, title=s.title, version_label=s.version_label, description=s.description, applies_to=s.applies_to,
        total=s.total, pass_line=s.pass_line, grade_bands=s.grade_bands, modules=list(s.include),
        sections=sections, vetoes=vetoes, bonus=bonus,
    )


def _rubric_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.suffix in RUBRIC_SUFFIXES and f.is_file()
                                and NOT_RUBRICS not in f.relative_to(p).parts[:-1]))
        else:
            found.append(p)
            vocab = p.parent / "vocabulary.yaml"
            if vocab.is_file():
                found.append(vocab)
    out: list[Path] = []
    seen: set[Path] = set()
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def module_search_path(standard_path: Path) -> list[Path]:
    """Where a standard's `include` looks for modules it did not find among the files loaded."""
    dirs = [standard_path.parent, standard_path.parent / "modules"]
    env = os.environ.get(ENV_RUBRICS)
    if env:
        dirs += [Path(env), Path(env) / "modules"]
    dirs += [DEFAULT_RUBRIC_DIR / "modules"]
    return dirs


@dataclass
class RubricLibrary:
    """All standards and modules found under some paths, composed and checked together."""

    standards: dict[str, Standard] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    modules: dict[str, LoadedFile] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=shipped_vocabulary)

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> RubricLibrary:
        """Load every rubric file under `paths` (default: the shipped `rubrics/`). Raises ProblemReport
        listing the problems of every file, not only the first bad one."""
        paths = list(paths) if paths is not None else [DEFAULT_RUBRIC_DIR]
        problems: list[Problem] = []
        files = _rubric_files(paths)
        if not files:
            raise ProblemReport([Problem(code="rubric.no_files", file=", ".join(map(str, paths)))],
                                title_code="rubric.no_rubrics")
        parsed: list[tuple[Path, dict[str, Any], dict[PathKey, int]]] = []
        vocab_files: list[tuple[Path, VocabularyFile]] = []
        workbooks = [f for f in files if f.suffix == WORKBOOK_SUFFIX]
        for f in files:
            if f.suffix == WORKBOOK_SUFFIX:
                continue
            try:
                data, lines = _read(f)
                if data.get("kind") == "vocabulary":
                    if f.resolve() != SHIPPED.resolve():
                        vocab_files.append((f, read_vocabulary_file(f, data)))
                else:
                    parsed.append((f, data, lines))
            except ProblemReport as exc:
                problems.extend(exc.problems)
        lib = cls()
        try:
            lib.vocabulary = compose_vocabulary(vocab_files, shipped_vocabulary())
        except ProblemReport as exc:
            problems.extend(exc.problems)
        loaded: list[LoadedFile] = []
        for f in workbooks:
            try:
                loaded.append(LoadedFile(path=f, model=read_workbook(f, vocabulary=lib.vocabulary), lines={}))
            except ProblemReport as exc:
                problems.extend(exc.problems)
        for f, data, lines in parsed:
            try:
                loaded.append(_validate(f, data, lines, lib.vocabulary))
            except ProblemReport as exc:
                problems.extend(exc.problems)
        std_files: list[LoadedFile] = []
        for lf in loaded:
            ident = lf.model.id
            if isinstance(lf.model, ModuleFile):
                other = lib.modules.get(ident)
            else:
                other = next((s for s in std_files if s.model.id == ident), None)
            if other is not None:
                problems.append(Problem(code="rubric.id_used", params={"id": ident, "other": other.name}, file=lf.name,
                                        path="id", line=lf.line("id")))
                continue
            if isinstance(lf.model, ModuleFile):
                lib.modules[ident] = lf
            else:
                std_files.append(lf)
        for sf in std_files:
            try:
                modules = lib._modules_for(sf, problems)
                lib.standards[sf.model.id] = compose(sf, modules)
                lib.sources[sf.model.id] = sf.path
            except ProblemReport as exc:
                problems.extend(exc.problems)
        if problems:
            raise ProblemReport(problems, title_code="rubric.check_failed")
        return lib

    def _modules_for(self, sf: LoadedFile, problems: list[Problem]) -> dict[str, LoadedFile]:
        """The modules a standard includes: loaded ones first, then along its search path."""
        assert isinstance(sf.model, StandardFile)
        wanted = [m for m in sf.model.include if m not in self.modules]
        found = dict(self.modules)
        for folder in module_search_path(sf.path):
            if not wanted or not folder.is_dir():
                continue
            for f in sorted(folder.glob("*.y*ml")):
                if f.stem not in wanted and f.stem.replace("-", "_") not in wanted:
                    continue
                try:
                    lf = load_rubric_file(f, self.vocabulary)
                except ProblemReport as exc:
                    problems.extend(exc.problems)
                    continue
                if isinstance(lf.model, ModuleFile) and lf.model.id in wanted:
                    found[lf.model.id] = lf
                    wanted.remove(lf.model.id)
        return found

    def get(self, standard_id: str) -> Standard:
        try:
            return self.standards[standard_id]
        except KeyError:
            raise ProblemReport([Problem(code="rubric.unknown_standard", params={"id": standard_id,
                                                                                 "known": sorted(self.standards)})],
                                title_code="rubric.unknown_standard_title") from None

    def for_file(self, case_type: str, procedure: str | None) -> list[Standard]:
        attrs = FileAttributes(case_type=case_type, procedure=procedure)
        return [s for s in self.standards.values() if s.covers(attrs)]


def load_standard(path: Path) -> Standard:
    """Load one standard file, resolving its modules beside it, in `CASEREVIEW_RUBRICS`, or shipped."""
    lib = RubricLibrary.load([path])
    std = next((s for sid, s in lib.standards.items() if lib.sources[sid].resolve() == Path(path).resolve()), None)
    if std is None:
        raise ProblemReport([Problem(code="rubric.module_not_standard", file=str(path))],
                            title_code="rubric.not_standard")
    return std
