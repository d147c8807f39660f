"""Malformed rubric and marks input: one clear message and a non-zero exit, never a traceback, within
bounded time and memory (figures for large inputs: benchmarks/bench_rubric_input.py)."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.cli import main
from scoring.errors import ProblemReport
from scoring.rubric.loader import RubricLibrary
from scoring.rubric.yaml_input import MAX_DEPTH, parse_json, parse_yaml
from tests.rubric_builders import standard_dict, write_yaml


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def alias_bomb(levels: int = 10) -> str:
    text = 'a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]\n'
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def one_clear_error(code, err, expected):
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: ")
    assert expected in err, err


@pytest.mark.parametrize("content, expected", [
    ("kind: standard\ntitle: 执法".encode() + b"\xff\n", "not UTF-8 text"),
    ("kind: standard\ntitle: 执法".encode("gbk"), "not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not a text file"),
    (("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200))).encode(), "nested more than 64 levels"),
    (("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1500))).encode(), "nest"),
    (("[" * 1500 + "]" * 1500).encode(), "nest"),
    (alias_bomb().encode(), "alias bomb"),
    (b"a: &x [*x]\n", "YAML"),
    (b"kind: standard\nid: a\nid: b\n", "duplicate key 'id' (first at line 2)"),
    (b"- just\n- a list\n", "must be a YAML mapping"),
    (b"kind: [unclosed\n", "YAML syntax error"),
])
def test_rubric_check_refuses_malformed_files_with_one_clear_message(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, _, err = run(capsys, "rubric", "check", str(path))
    one_clear_error(code, err, expected)


def test_rubric_check_of_an_empty_folder_and_a_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "rubric", "check", str(tmp_path))
    one_clear_error(code, err, "no .yaml rubric files found")
    code, _, err = run(capsys, "rubric", "check", str(tmp_path / "nope.yaml"))
    one_clear_error(code, err, "file not found")


@pytest.fixture
def std_path(tmp_path):
    return write_yaml(tmp_path / "std" / "mini.yaml", standard_dict())


@pytest.mark.parametrize("content, expected", [
    ('{"file": {"case_type": "行政处罚"}, "items": {"A1": "'.encode() + b'\xff"}}', "not UTF-8 text"),
    (b"\x00\x01\x02binary", "binary data"),
    (("[" * 100_000 + "]" * 100_000).encode(), "nested more than 64 levels deep"),
    (b'{"file": ', "not valid JSON"),
    (b'{"file": {"case_type": "X"}}', "unknown case type 'X'"),
])
def test_rubric_score_refuses_malformed_marks(tmp_path, capsys, std_path, content, expected):
    marks = tmp_path / "marks.json"
    marks.write_bytes(content)
    code, _, err = run(capsys, "rubric", "score", str(std_path), str(marks))
    one_clear_error(code, err, expected)


def test_rubric_score_with_folders_instead_of_files(tmp_path, capsys, std_path):
    code, _, err = run(capsys, "rubric", "score", str(std_path), str(tmp_path))
    one_clear_error(code, err, "this is a folder, not a file")
    code, _, err = run(capsys, "rubric", "score", str(tmp_path), str(tmp_path))
    one_clear_error(code, err, "this is a folder; give a standard file")


def test_a_flood_of_problems_lists_the_first_50_and_the_count(tmp_path, capsys, std_path):
    marks = tmp_path / "marks.json"
    items = {f"Z{i}": {} for i in range(5000)}
    marks.write_text(json.dumps({"file": {"case_type": "行政处罚", "procedure": "一般"}, "items": items}))
    code, _, err = run(capsys, "rubric", "score", str(std_path), str(marks))
    one_clear_error(code, err, "... and 4950 more problems")
    assert err.count("no item 'Z") in (50, 51) and "5000 problems" in err  # 50 listed (the summary may repeat one)


def test_many_deductions_on_one_item_are_checked_in_one_pass(tmp_path, capsys, std_path):
    marks = tmp_path / "marks.json"
    deductions = [{"reason": "b", "occurrences": 1, "page": str(i)} for i in range(20_000)]
    marks.write_text(json.dumps({"file": {"case_type": "行政处罚", "procedure": "一般"},
                                 "items": {"A1": {"deductions": deductions}}}))
    code, _, err = run(capsys, "rubric", "score", str(std_path), str(marks))
    one_clear_error(code, err, "reason 'b' is listed 20000 times on item A1")


def test_a_huge_occurrence_count_scores_with_a_warning(tmp_path, capsys, std_path):
    marks = tmp_path / "marks.json"
    marks.write_text(json.dumps({"file": {"case_type": "行政处罚", "procedure": "一般"},
                                 "items": {"B1": {"deductions": [{"reason": "a", "occurrences": 2_000_000_000}]}}}))
    code, out, err = run(capsys, "rubric", "score", str(std_path), str(marks))
    assert code == 0 and "warning: item B1 reason a: 2000000000 occurrences" in err
    assert json.loads(out)["score"] == 50.0  # B1 (40) floors at 0: 40 / 80


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_a_rubric_give_a_problem_report_never_a_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.yaml"
    path.write_bytes(data)
    try:
        RubricLibrary.load([path])
    except ProblemReport as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("{}[]:,-&*!|>'\"#\n 　ab1执法")), max_size=300))
def test_arbitrary_yaml_like_text_parses_or_is_refused(text):
    try:
        parse_yaml(text, "t.yaml")
    except ProblemReport as exc:
        assert exc.problems[0].file == "t.yaml"


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list('{}[]:,"0123456789.eE-\\ntrufalsn ')), max_size=300))
def test_arbitrary_json_like_text_parses_or_is_refused(text):
    try:
        parse_json(text, "m.json")
    except ProblemReport as exc:
        assert exc.problems[0].file == "m.json"


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**12) | st.text(max_size=8) | st.floats(allow_nan=True),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
PATHS = [("total",), ("grade_bands",), ("sections", 0, "max"), ("sections", 0, "items", 0, "deductions"),
         ("sections", 0, "items", 0, "deductions", 1, "cap"), ("sections", 0, "items", 1, "applies_when"),
         ("sections", 1, "items", 0, "max"), ("vetoes", 0, "effect"), ("applies_to",), ("include",), ("bonus",),
         ("allow_other",), ("sections", 0, "items", 0, "deductions", 0, "range")]


@SETTINGS
@given(where=st.sampled_from(PATHS), value=JSONISH)
def test_a_valid_standard_with_any_value_replaced_composes_or_lists_problems(tmp_path_factory, where, value):
    data = standard_dict()
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    path = tmp_path_factory.mktemp("mut") / "s.yaml"
    try:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    except (ValueError, yaml.YAMLError):
        return  # a float NaN or the like that YAML cannot write: nothing to test
    try:
        RubricLibrary.load([path])
    except ProblemReport as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)


def test_depth_limit_is_far_above_any_real_rubric():
    assert MAX_DEPTH >= 32


def test_points_beyond_what_a_decimal_holds_are_refused_with_a_message():
    """Found by the property test above: 1e26 points broke quantize (decimal.InvalidOperation)."""
    from scoring.errors import InvalidValue
    from scoring.rubric.schema import points_value

    for huge in (1e26, "1e30", 10**40):
        with pytest.raises(InvalidValue):
            points_value(huge)
