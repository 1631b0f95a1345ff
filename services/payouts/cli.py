"""Operator commands for payouts, on its own database (PAYOUTS_DATABASE_URL) and Stripe (STRIPE_API_KEY,
STRIPE_API_BASE):

- ``python -m services.payouts.cli run --period YYYY-MM`` starts (or resumes) the period's pool split run in
  this process, with a progress bar: the same steps as the service's background runner, so the two can even
  overlap safely (docs/payouts.md "Runs"). It asks catalog for the tracks over the broker (AMQP_URI).
- ``python -m services.payouts.cli reconcile --period YYYY-MM`` lists Stripe's transfers of the period's run
  against the ledger and prints every difference; exit 0 when there is none, 1 otherwise.

Events go to payouts' outbox; the running payouts service publishes them."""
from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy.orm import sessionmaker

from services.common import config
from services.common.clock import utcnow
from services.common.db import UnitOfWork, make_engine
from services.contracts.errors import ServiceError
from services.payouts import runs
from services.payouts.models import Run
from services.payouts.neighbours import TRACK_PAGE
from services.payouts.periods import parse_period
from services.payouts.reconcile import reconcile
from services.payouts.stripe_connect import StripeConnect, from_environment
from services.payouts.views import run_view

RPC_TIMEOUT_S = 30


class CatalogOverBroker:
    """The one neighbour a run needs: catalog's ``payout_tracks``, through a standalone RPC proxy."""

    def payout_tracks(self) -> Iterator[dict[str, Any]]:
        from nameko.standalone.rpc import ServiceRpcProxy

        with ServiceRpcProxy("catalog", {"AMQP_URI": config.amqp_uri()}, timeout=RPC_TIMEOUT_S) as catalog:
            cursor = None
            while True:
                page = catalog.payout_tracks(cursor=cursor, limit=TRACK_PAGE)
                yield from page["items"]
                cursor = page.get("next")
                if not cursor:
                    return


def run_period(units: Callable[[], UnitOfWork], neighbours, connect: StripeConnect, period_text: str,
               console: Console) -> int:
    """Start or resume the run; 0 when it completed, 1 with failures or paused."""
    period = parse_period(period_text)
    if not period.has_ended(utcnow()):
        console.print(f"[red]the period {period} has not ended yet[/red]")
        return 2
    run_id = units().run(lambda uow: (runs.find_by_period(uow, period) or runs.create_run(uow, period, utcnow())).id)
    with Progress(TextColumn(f"run {period}"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
        task = bar.add_task("splits", total=None)
        status = runs.execute(units, neighbours, connect, run_id,
                              progress=lambda done, total: bar.update(task, completed=done, total=total))
    view = units().run(lambda uow: run_view(uow, uow.session.get(Run, run_id), with_splits=False))
    console.print(f"run {run_id} {view['period']}: {status}; pool {view['pool']['amount_cents']} "
                  f"{view['pool']['currency']}; splits {view['counts']}")
    return 0 if status == runs.RUN_COMPLETED else 1


def reconcile_period(units: Callable[[], UnitOfWork], connect: StripeConnect, period_text: str,
                     console: Console) -> int:
    period = parse_period(period_text)
    run_id, differences = units().run(lambda uow: reconcile(uow, connect, period, utcnow()))
    console.print(f"period {period}, run {run_id or 'none'}: {len(differences)} difference(s)")
    for difference in differences:
        console.print(difference.line(), markup=False, highlight=False)
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="payouts", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("run", "start or resume the period's pool split run"),
                       ("reconcile", "compare Stripe's transfers of the period's run with the ledger")):
        sub.add_parser(name, help=text).add_argument("--period", required=True, help="YYYY-MM (UTC month)")
    args = parser.parse_args(argv)
    connect = from_environment()
    if connect is None:
        print("error: set STRIPE_API_KEY (and STRIPE_API_BASE for a local fake Stripe)", file=sys.stderr)
        return 2
    engine = make_engine(config.database_url("payouts"))
    units = lambda: UnitOfWork(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    console = Console()
    try:
        if args.command == "run":
            return run_period(units, CatalogOverBroker(), connect, args.period, console)
        return reconcile_period(units, connect, args.period, console)
    except ServiceError as exc:
        print(f"error: {exc} {getattr(exc, 'details', '')}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
