"""Migrate services' databases, one replica at a time: ``python -m deploy.migrate [service …]``.

The same as ``python -m services.common.migrate`` (Alembic to head, idempotent), made safe for replicas that
start together — ``docker compose up --scale accounts=3``, or a Deployment whose pods each run the migrate
initContainer. On a fresh PostgreSQL database concurrent ``alembic upgrade`` runs race to create the same
tables and all but one fail; here each run first takes a session-level advisory lock on the service's
database, so the first migrates and the others wait, then find the database at head and do nothing.
SQLite databases (``make run``) are migrated without a lock: one process owns them.
"""
from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from typing import Iterator

# pg_advisory_lock key, the same for every service: each service has its own database, and the lock is
# only ever held while one service's migrations run on it
LOCK_KEY = 0x42656174  # "Beat"


def _engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold the migration advisory lock on ``url``'s PostgreSQL database (nothing to do for other databases)."""
    if not url.startswith("postgresql"):
        yield
        return
    from sqlalchemy import text

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                # also released when the connection closes; explicit so a pooled connection never keeps it
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    from services.common import config
    from services.common import migrate

    names = list(sys.argv[1:] if argv is None else argv) or list(config.SERVICES)
    for name in names:
        if name not in config.SERVICES:
            return migrate.main([name])  # prints the list of known services and returns 2
        url = config.database_url(name)
        with ExitStack() as held:
            try:
                held.enter_context(migration_lock(url))
            except Exception as exc:  # no connection for the lock: the same advice as a failed migration
                print(f"{name}: could not lock the database at {url.split('@')[-1]} for migration: {exc}\n"
                      f"Check {name.upper()}_DATABASE_URL and that the database server is running.", file=sys.stderr)
                return 1
            code = migrate.main([name])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
