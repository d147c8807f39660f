"""Per-account preferences: the pages' language, kept with the account so it follows the person to any
browser (the default is Chinese)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scoring.db.models import User
from scoring.errors import ValidationFailed

LANGUAGES = ("zh", "en")


def set_language(session: Session, user: User | None, language: str) -> None:
    """Keep `language` as the person's own choice (anyone may set their own; no audit: not a review fact)."""
    if user is None or not user.active:
        raise ValidationFailed(code="auth.sign_in_first")
    if language not in LANGUAGES:
        raise ValidationFailed(code="prefs.unknown_language", language=language, known=list(LANGUAGES))
    user.language = language
    session.flush()
