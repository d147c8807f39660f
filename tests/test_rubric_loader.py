"""Rubric files: a lead can write one by hand, and every mistake is named with file, path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import ProblemReport
from scoring.rubric.loader import RubricLibrary, load_rubric_file, load_standard
from scoring.rubric.schema import DEFECT_TEXT_MAX
from tests.rubric_builders import standard_dict, write_yaml


def problems_of(path: Path) -> list:
    with pytest.raises(ProblemReport) as info:
        RubricLibrary.load([path])
    return info.value.problems


def only_problem(path: Path):
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_standard_loads(tmp_path):
    std = load_standard(write_yaml(tmp_path / "s.yaml", standard_dict()))
    assert [s.id for s in std.sections] == ["A", "B"]
    assert std.total == 100
    assert len(std.hash) == 64


def test_duplicate_item_id_named_with_both_places(tmp_path):
    data = standard_dict()
    data["sections"][1]["items"][0]["id"] = "A1"
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert "duplicate item id 'A1'" in p.message and "sections[0].items[0]" in p.message
    assert p.path == "sections[1].items[0].id" and p.file.endswith("s.yaml")
    assert p.line is not None


def test_deduction_larger_than_item(tmp_path):
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][0]["points"] = 45
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert "larger than the item maximum 40" in p.message
    assert p.path == "sections[0].items[0]"


def test_section_maxima_must_add_up_to_total(tmp_path):
    data = standard_dict(total=90)
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert "add up to 100.00" in p.message and "not the total 90.00" in p.message
    assert p.path == "total"


def test_items_below_section_max(tmp_path):
    data = standard_dict()
    data["sections"][1]["max"] = 50
    data["total"] = 110
    p = problems_of(write_yaml(tmp_path / "s.yaml", data))[0]
    assert "less than the section maximum 50" in p.message


def test_unknown_focus_area(tmp_path):
    data = standard_dict()
    data["sections"][0]["items"][0]["focus"] = "recording"
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert "unknown focus area 'recording'" in p.message


@pytest.mark.parametrize(
    "effect, message",
    [
        ({"kind": "explode"}, "Input should be 'zero', 'fail' or 'cap'"),
        ({"kind": "cap"}, "needs `band`"),
        ({"kind": "cap", "band": "金牌"}, "'金牌' is not one of the grade bands"),
        ({"kind": "cap", "band": "优秀"}, "top band"),
        ({"kind": "zero", "band": "合格"}, "`band` only goes with kind `cap`"),
    ],
)
def test_bad_veto_effect(tmp_path, effect, message):
    data = standard_dict()
    data["vetoes"][0]["effect"] = effect
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert message in p.message
    assert p.path.startswith("vetoes[0]")


def test_unknown_key_rejected_with_line(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", standard_dict())
    text = path.read_text(encoding="utf-8").replace("  - id: A1\n", "  - id: A1\n    weight: 3\n", 1)
    path.write_text(text, encoding="utf-8")
    p = only_problem(path)
    assert p.message == "unknown key 'weight'"
    assert p.path == "sections[0].items[0].weight"
    assert text.splitlines()[p.line - 1].strip() == "weight: 3"


def test_duplicate_yaml_key(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", """\
        kind: standard
        id: x
        id: y
        """)
    p = only_problem(path)
    assert "duplicate key 'id' (first at line 2)" in p.message and p.line == 3


def test_yaml_syntax_error_has_line(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", "kind: standard\nid: [unclosed\n")
    p = only_problem(path)
    assert p.message.startswith("YAML syntax error") and p.line is not None


def test_missing_and_bad_kind(tmp_path):
    p = only_problem(write_yaml(tmp_path / "s.yaml", {"id": "x"}))
    assert "`kind` must be 'standard', 'module' or 'vocabulary'" in p.message


def test_unknown_module_and_composition(tmp_path):
    write_yaml(tmp_path / "modules" / "lr.yaml", {
        "kind": "module", "id": "lr", "title": "法制审核", "focus": "legal_review",
        "applies_when": {"major_decision": True},
        "sections": [{"id": "L", "title": "法制审核", "max": 20, "items": [
            {"id": "L1", "title": "审核意见", "max": 20, "deductions": [{"id": "a", "reason": "仅签署同意", "points": 10}]}]}],
        "vetoes": [{"id": "VL", "title": "应审未审"}],
    })
    data = standard_dict(include=["lr", "nope"], total=120)
    p = only_problem(write_yaml(tmp_path / "s.yaml", data))
    assert "unknown module 'nope'" in p.message and p.path == "include[1]"

    data["include"] = ["lr"]
    std = load_standard(write_yaml(tmp_path / "s.yaml", data))
    lr = std.sections[-1]
    assert lr.module == "lr" and lr.items[0].focus == "legal_review"  # inherited from the module
    assert lr.conditions[0].major_decision is True
    assert std.vetoes_by_id["VL"].effect.kind == "zero"  # the standard's default
    assert std.modules == ["lr"]


def test_every_problem_reported_not_only_the_first(tmp_path):
    data = standard_dict(total=99)
    data["sections"][0]["items"][0]["focus"] = "bogus"
    write_yaml(tmp_path / "a.yaml", data)
    other = standard_dict(id="other")
    other["grade_bands"] = [{"name": "合格", "min": 60}, {"name": "优秀", "min": 90}]
    write_yaml(tmp_path / "b.yaml", other)
    problems = problems_of(tmp_path)
    files = {Path(p.file).name for p in problems}
    assert files == {"a.yaml", "b.yaml"}


def test_hash_ignores_formatting_but_not_content(tmp_path):
    a = load_standard(write_yaml(tmp_path / "a.yaml", standard_dict()))
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][0]["points"] = "5.00"
    b = load_standard(write_yaml(tmp_path / "b.yaml", data))
    assert a.hash == b.hash
    data["sections"][0]["items"][0]["deductions"][0]["points"] = 4
    c = load_standard(write_yaml(tmp_path / "c.yaml", data))
    assert c.hash != a.hash


def test_load_single_module_file(tmp_path):
    path = write_yaml(tmp_path / "m.yaml", {
        "kind": "module", "id": "m", "title": "x", "focus": "legal_review",
        "sections": [{"id": "S", "title": "s", "max": 5, "items": [
            {"id": "I", "title": "i", "max": 5, "deductions": [{"id": "a", "reason": "r", "points": 1}]}]}]})
    assert load_rubric_file(path).model.id == "m"


def test_a_defect_is_named_in_at_most_300_characters(tmp_path):
    """A deduction's reason and a veto's title are stored in the problems index (PostgreSQL holds ~2.7 KB an
    entry): a longer one is refused when the standard is read, with its place, not when a review is submitted."""
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][0]["reason"] = "长" * (DEFECT_TEXT_MAX + 1)
    data["vetoes"][0]["title"] = "否" * (DEFECT_TEXT_MAX + 1)
    problems = problems_of(write_yaml(tmp_path / "s.yaml", data))
    assert sorted(p.path for p in problems) == ["sections[0].items[0]", "vetoes[0].title"]
    messages = " | ".join(p.message for p in problems)
    assert "deductions[0] (a): the reason is 301 characters long; at most 300 are accepted" in messages
    assert "must be at most 300 characters" in messages
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][0]["reason"] = "长" * DEFECT_TEXT_MAX
    assert load_standard(write_yaml(tmp_path / "ok.yaml", data)).items_by_id["A1"][1].deductions[0].reason
