"""The reliability suite: marked `reliability` (run by `.ci/run` with everything else); sizes are
reduced here, `benchmarks/reliability.py` runs the same code at full size."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.reliability)
