"""Operator commands for the catalog, on its own database (CATALOG_DATABASE_URL):

- ``python -m services.catalog.cli create-artist --name NAME`` creates an unclaimed artist page (for
  importing an existing catalogue: producers then apply to claim it) and prints it as JSON;
- ``python -m services.catalog.cli publish-artist-pages`` announces every artist page again
  (``artist_page_changed``), filling the copy accounts checks claims against on an installation that
  had pages before that copy existed. Safe to run again: the copy keeps the newest state of each page;
- ``python -m services.catalog.cli analytics-reports [--month YYYY-MM] [--artist ID …]`` makes the monthly
  "Analytics report" notifications of the verified producers for a month that has ended (default: the last
  finished one), with a progress bar, as the service's hourly timer does: each (page, month) once, so it is safe
  to run again or beside the service (docs/operations.md). ``--artist`` limits it to those pages.

Events go to the catalog's outbox; the running catalog service publishes them.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Callable, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy.orm import sessionmaker

from services.catalog.audience import reports, rules
from services.catalog.tracks import artists
from services.common import config
from services.common.db import UnitOfWork, make_engine
from services.contracts.errors import ServiceError

T = TypeVar("T")


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


def analytics_reports(month_text: str | None, artist_ids: list[str] | None, console: Console) -> int:
    """The month's missing reports, a batch per transaction; 0 when done, 2 when the month is not valid or has
    not ended."""
    now = rules.reports_now()
    month = rules.last_finished_month(now) if month_text is None else rules.parse_month(month_text, "--month")
    if not month.has_ended(now):
        console.print(f"[red]{month} has not ended yet[/red]: its reports can be made from {month.end.isoformat()}")
        return 2
    engine = make_engine(config.database_url("catalog"))
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)

        def transaction(work: Callable[[UnitOfWork], T]) -> T:
            return UnitOfWork(sessions).run(work)

        due = transaction(lambda uow: reports.due_count(uow, month, artist_ids))
        with Progress(TextColumn(f"analytics reports {month}"), BarColumn(), MofNCompleteColumn(),
                      console=console) as bar:
            task = bar.add_task("reports", total=due)
            made = reports.make_reports(transaction, month, now, artist_ids,
                                        progress=lambda done: bar.update(task, completed=done))
    finally:
        engine.dispose()
    console.print(f"analytics reports {month}: {made} made, {due - made} made meanwhile by another run"
                  if made < due else f"analytics reports {month}: {made} made", highlight=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-artist", help="create an unclaimed artist page")
    create.add_argument("--name", required=True)
    sub.add_parser("publish-artist-pages", help="announce every artist page again (backfills accounts' copy)")
    report = sub.add_parser("analytics-reports", help="make a finished month's analytics report notifications")
    report.add_argument("--month", help="YYYY-MM (a UTC month that has ended; default: the last finished one)")
    report.add_argument("--artist", action="append", dest="artists", metavar="ARTIST_ID",
                        help="only this artist page (repeatable)")
    args = parser.parse_args(argv)
    if args.command == "publish-artist-pages":
        return _publish_artist_pages()
    if args.command == "analytics-reports":
        return _analytics_reports(args.month, args.artists)
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


def _analytics_reports(month: str | None, artist_ids: list[str] | None) -> int:
    try:
        return analytics_reports(month, artist_ids, Console())
    except ServiceError as exc:  # a month that is not "YYYY-MM"
        print(f"error: {exc} {getattr(exc, 'details', '')}", file=sys.stderr)
        return 2
    except Exception as exc:  # the operator needs the cause and the next step, not a traceback
        print(f"error: could not make the analytics reports: {exc}\nCheck CATALOG_DATABASE_URL and run "
              "`make migrate` first; running the command again is safe.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
