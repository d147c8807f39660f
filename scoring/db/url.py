"""Where the database is: `CASEREVIEW_DB_URL`, else a SQLite file in the working directory.

A module of its own (no SQLAlchemy) so that the command line can read it without loading the database stack.
"""

from __future__ import annotations

import os

ENV_DB_URL = "CASEREVIEW_DB_URL"
DEFAULT_DB_FILE = "casereview.db"


def default_url() -> str:
    """The URL from `CASEREVIEW_DB_URL`, else a SQLite file in the working directory."""
    return os.environ.get(ENV_DB_URL) or f"sqlite:///{DEFAULT_DB_FILE}"
