"""Migrate service databases to their latest schema: ``python -m services.common.migrate [service …]``.

Each service keeps its own Alembic history in ``services/<name>/migrations``.
"""
from __future__ import annotations

import argparse
import sys

from alembic import command
from alembic.config import Config

from services.common import config


def alembic_config(service: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(config.ROOT / "services" / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or config.database_url(service)).replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, url: str | None = None) -> None:
    from services.common.db import _ensure_sqlite_dir

    target = url or config.database_url(service)
    if target.startswith("sqlite"):
        _ensure_sqlite_dir(target)
    command.upgrade(alembic_config(service, target), "head")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("services", nargs="*", default=list(config.SERVICES))
    args = parser.parse_args(argv)
    for service in args.services:
        if service not in config.SERVICES:
            print(f"unknown service {service!r}; known: {', '.join(config.SERVICES)}", file=sys.stderr)
            return 2
        url = config.database_url(service)
        try:
            upgrade(service, url)
        except Exception as exc:
            print(f"{service}: migration failed on {url.split('@')[-1]}: {exc}\n"
                  f"Check {service.upper()}_DATABASE_URL and that the database server is running.", file=sys.stderr)
            return 1
        print(f"{service}: database at head ({url.split('@')[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
