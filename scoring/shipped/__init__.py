"""The shipped standards and demo data, as package resources.

The repository keeps them at its top level (`rubrics/`, `data/`); `scoring/shipped/rubrics` and
`scoring/shipped/data` point there, and the wheel carries the files themselves (package data), so
`importlib.resources` finds them the same way in a checkout, an editable install and a wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _resource(name: str) -> Path:
    return Path(str(files(__name__).joinpath(name)))


def rubrics_dir() -> Path:
    """The shipped scoring standards (YAML), with `modules/`, `precheck/` and `vocabulary.yaml`."""
    return _resource("rubrics")


def data_dir() -> Path:
    """The synthetic demo data (units and registers)."""
    return _resource("data")
