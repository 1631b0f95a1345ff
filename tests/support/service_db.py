"""Reach into one service's database from an end-to-end test, for what no API can do: move a row in
time (an expiry a month ago, a token balance last reset in an earlier month). Statements go through
the models' tables, so SQLite and PostgreSQL store the values exactly as the services do."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import Connection

from services.common.db import make_engine


def database_url(platform, service: str) -> str:
    """The URL the platform's ``service`` process uses (its own env, else make run's SQLite default)."""
    url = platform.env.get(f"{service.upper()}_DATABASE_URL")
    return url or f"sqlite:///{Path(platform.env['BEATPASS_VAR_DIR']) / (service + '.db')}"


@contextmanager
def connection(platform, service: str) -> Iterator[Connection]:
    """One committed transaction on that database."""
    engine = make_engine(database_url(platform, service))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()
