"""Operator commands for the catalog, on its own database (CATALOG_DATABASE_URL):

- ``python -m services.catalog.cli create-artist --name NAME`` creates an unclaimed artist page (for
  importing an existing catalogue: producers then apply to claim it) and prints it as JSON;
- ``python -m services.catalog.cli publish-artist-pages`` announces every artist page again
  (``artist_page_changed``), filling the copy accounts checks claims against on an installation that
  had pages before that copy existed. Safe to run again: the copy keeps the newest state of each page.

Events go to the catalog's outbox; the running catalog service publishes them.
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


def publish_artist_pages(batch: int = 500) -> dict:
    """Every page, in batches of one short transaction each (pages stay claimable meanwhile)."""
    engine = make_engine(config.database_url("catalog"))
    try:
        unit_of_work = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
        published, after = 0, ""
        while after is not None:
            count, after = unit_of_work.run(lambda uow, start=after: artists.announce_all(uow, start, batch))
            published += count
        return {"published": published}
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-artist", help="create an unclaimed artist page")
    create.add_argument("--name", required=True)
    sub.add_parser("publish-artist-pages", help="announce every artist page again (backfills accounts' copy)")
    args = parser.parse_args(argv)
    if args.command == "publish-artist-pages":
        return _publish_artist_pages()
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


def _publish_artist_pages() -> int:
    try:
        result = publish_artist_pages()
    except Exception as exc:  # the operator needs the cause and the next step, not a traceback
        print(f"error: could not publish the artist pages: {exc}\nCheck CATALOG_DATABASE_URL and run "
              "`make migrate` first; running the command again is safe.", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
