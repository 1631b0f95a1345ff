"""Operator commands for the catalog: ``python -m services.catalog.cli create-artist --name NAME``.

Creates an unclaimed artist page (for importing an existing catalogue: producers then apply to claim
it) and prints it as JSON. Works on the catalog's own database (CATALOG_DATABASE_URL).
"""
from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.orm import sessionmaker

from services.catalog.tracks import artists
from services.common import config
from services.common.db import UnitOfWork, make_engine


def create_artist(name: str) -> dict:
    engine = make_engine(config.database_url("catalog"))
    try:
        return dict(UnitOfWork(sessionmaker(engine, expire_on_commit=False)).run(
            lambda uow: artists.create_unclaimed(uow, name)))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-artist", help="create an unclaimed artist page")
    create.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name:
        print("error: --name must not be blank", file=sys.stderr)
        return 2
    try:
        page = create_artist(name)
    except Exception as exc:  # the operator needs the cause and the next step, not a traceback
        print(f"error: could not create the artist page: {exc}\nCheck CATALOG_DATABASE_URL and run "
              "`make migrate` first.", file=sys.stderr)
        return 1
    print(json.dumps(page, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
