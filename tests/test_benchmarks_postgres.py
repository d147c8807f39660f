"""The benchmark suite's small scale on PostgreSQL (the smoke test of tests/test_benchmarks.py)."""

from __future__ import annotations

import pytest

from tests.test_benchmarks import run_small_scale


@pytest.mark.postgres
def test_small_scale_runs_every_figure_with_its_comparator_on_postgresql(pg_url, tmp_path, capsys):  # noqa: ARG001
    # pg_url: fails (never skips) when the server named by CASEREVIEW_TEST_PG_URL is unreachable
    run_small_scale("postgresql", tmp_path, capsys)
