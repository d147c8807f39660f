"""Builders for rubric files and standards in tests (written as YAML text or composed directly)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

from scoring.rubric.loader import LoadedFile, compose
from scoring.rubric.model import Standard
from scoring.rubric.schema import StandardFile

BANDS = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60}, {"name": "不合格", "min": 0}]


def standard_dict(**overrides: Any) -> dict[str, Any]:
    """A small valid standard: section A (60) + B (40) = 100."""
    data: dict[str, Any] = {
        "kind": "standard",
        "id": "mini",
        "title": "测试标准",
        "applies_to": {"case_types": ["行政处罚"]},
        "total": 100,
        "pass_line": 60,
        "grade_bands": BANDS,
        "sections": [
            {"id": "A", "title": "执法主体", "max": 60, "items": [
                {"id": "A1", "title": "执法人员资格", "focus": "subject", "max": 40,
                 "deductions": [{"id": "a", "reason": "未记载执法证号", "points": 5},
                                {"id": "b", "reason": "每缺一处签名", "per_occurrence": 2, "cap": 10}]},
                {"id": "A2", "title": "听证", "focus": "procedure", "max": 20, "allow_na": True,
                 "applies_when": {"hearing_held": True},
                 "deductions": [{"id": "a", "reason": "未制作听证笔录", "points": 20}]},
            ]},
            {"id": "B", "title": "文书", "max": 40, "items": [
                {"id": "B1", "title": "文书制作", "focus": "documents", "max": 40, "allow_na": True,
                 "deductions": [{"id": "a", "reason": "文书错别字", "per_occurrence": 1}]},
            ]},
        ],
        "vetoes": [{"id": "V1", "title": "执法主体不合法", "focus": "subject"}],
    }
    data.update(overrides)
    return data


def write_yaml(path: Path, data: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(data) if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def build_standard(data: dict[str, Any] | None = None) -> Standard:
    """Compose a standard straight from a dict (no modules)."""
    model = StandardFile.model_validate(data or standard_dict())
    return compose(LoadedFile(path=Path("<test>"), model=model, lines={}), {})
