"""The root command group and the options every command shares."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import Engine

from scoring.db.session import ENV_DB_URL, default_url, open_db
from scoring.messages import cli_language

_chosen_lang: list[str | None] = [None]


def language() -> str:
    """The language errors and problems are printed in: `--lang`, else $CASEREVIEW_LANG, else the
    locale's (Chinese when it is Chinese, else English)."""
    return cli_language(_chosen_lang[0])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar=ENV_DB_URL, default=None, metavar="URL",
              help="Database URL for every command (each command also takes --db).")
@click.option("--lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of error messages and problem lists (default: $CASEREVIEW_LANG, else Chinese "
                   "when the locale is Chinese, else English).")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, lang: str | None) -> None:
    """案卷评查 casereview: scoring standards, register, sampling and reviews."""
    ctx.meta["casereview.db_url"] = db_url
    _chosen_lang[0] = lang


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `--db URL` (default: $CASEREVIEW_DB_URL, else ./casereview.db) and passes `engine`."""

    @click.option("--db", "db_url", envvar=ENV_DB_URL, default=None, metavar="URL",
                  help="Database URL (default: $CASEREVIEW_DB_URL or sqlite:///casereview.db).")
    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str | None, **kwargs: Any) -> Any:
        url = db_url or click.get_current_context().meta.get("casereview.db_url")
        return func(*args, engine=lazy_engine(url), **kwargs)

    return wrapper


class lazy_engine:  # noqa: N801 - reads like a function at call sites
    """Opens (and migrates) the database only when a command first needs it."""

    def __init__(self, url: str | None):
        self.url = url or default_url()
        self._engine: Engine | None = None

    def __call__(self) -> Engine:
        if self._engine is None:
            self._engine = open_db(self.url)
        return self._engine


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
