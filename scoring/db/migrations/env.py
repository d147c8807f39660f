"""Alembic environment: uses the engine handed over by `scoring.db.migrate`, batch mode on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from scoring.db.models import Base, in_schema

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # plain `alembic` command line use
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: set sqlalchemy.url (or run the migrations through `scoring init`)")
        engine = create_engine(url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=in_schema(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
