"""Standard versions in the database: every score points at the exact content it was made under.

A standard is stored once per content hash. Loading a stored version re-checks the hash, so a stored
standard can never drift from the scores made under it, whatever happens to the YAML files later.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from scoring.db.models import StandardVersion
from scoring.errors import CaseReviewError, NotFound
from scoring.rubric.model import Standard


def store_standard(session: Session, standard: Standard) -> StandardVersion:
    """Store this exact version (a no-op when it is already stored)."""
    existing = session.get(StandardVersion, standard.hash)
    if existing is not None:
        return existing
    version = StandardVersion(
        hash=standard.hash, standard_id=standard.id, title=standard.title,
        content=standard.model_dump(mode="json"),
    )
    session.add(version)
    session.flush()
    return version


_verified: dict[str, Standard] = {}  # hash -> standard; content under a hash never changes


def load_version(session: Session, standard_hash: str) -> Standard:
    """The standard exactly as stored under `standard_hash` (checked once per process, then cached:
    the hash pins the content)."""
    cached = _verified.get(standard_hash)
    if cached is not None:
        return cached
    row = session.get(StandardVersion, standard_hash)
    if row is None:
        raise NotFound(code="standards.no_version", hash=standard_hash[:12])
    standard = Standard.model_validate(row.content)
    if standard.hash != standard_hash:
        raise CaseReviewError(code="standards.hash_mismatch", standard=row.standard_id, hash=standard_hash[:12])
    _verified[standard_hash] = standard
    return standard
