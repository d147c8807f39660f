"""Checking a standard uploaded on the Standards page exactly as `casereview rubric check` does.

The upload is written under its own name into a temporary folder and loaded with `RubricLibrary.load`
(so a `.yaml` includes the shipped modules along the search path, and an `.xlsx` is read as the Excel
template); problems name the uploaded file rather than the temporary path."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

from scoring import limits
from scoring.errors import Problem, ProblemReport
from scoring.messages import Msg
from scoring.rubric.loader import RubricLibrary

UPLOAD_SUFFIXES = (".yaml", ".yml", ".xlsx")


def check_uploaded(filename: str, data: bytes) -> RubricLibrary:
    """The standards the uploaded file composes into; raises ProblemReport (as `rubric check`)."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ProblemReport([Problem(code="rubric.upload_suffix", params={"suffix": suffix or Msg("rubric.no_suffix")},
                                     file=name)], title_code="rubric.not_standard_file")
    limits.check_size(len(data), limits.RUBRIC_FILE, name)
    safe = re.sub(r"[^\w.\-]", "_", Path(name).stem)[:80] or "standard"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{safe}{suffix}"
        path.write_bytes(data)
        try:
            return RubricLibrary.load([path])
        except ProblemReport as exc:
            def renamed(p: Problem) -> Problem:
                return dataclasses.replace(p, file=p.file.replace(str(path), name)) if p.file else p
            raise ProblemReport([renamed(p) for p in exc.problems], title=exc.title, omitted=exc.omitted,
                                title_code=exc.title_code, title_params=exc.title_params) from None
