"""Pool split runs (docs/payouts.md "Runs"). A run goes through steps, each its own committed transaction, so
a run killed at any point and started again continues where it stopped and pays nobody twice:

1. *prepare* (run ``queued`` → ``running``): refresh the catalog copy, compute the pool and the values, exclude
   unclaimed pages and accounts not payout-ready, write the splits and the pool-share credits — all at once.
2. per split, *claim* (``queued`` → ``sending``): fix the transfer amount (the payee's balance in the currency);
   then *send* (a Stripe Transfer keyed ``payout-<run>-<user>-<currency>``) and *record* (``paid`` with the
   ledger debit, or ``failed`` with Stripe's code). A split found ``sending`` repeats the same request: Stripe
   answers the transfer it made the first time.
3. *finish*: ``completed`` or ``completed_with_failures``.

A failed split is not retried within its run: its money stays in the payee's balance, and the next period's run
transfers that balance (docs/payouts.md "Failures")."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.payouts import clock
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, Position, envelope
from services.common.pagination import split as split_page
from services.common.persistence import parse_id
from services.common.sql import keyset_page
from services.contracts.errors import Conflict, NotFound
from services.contracts.events import EARNINGS_CREDITED, PAYOUT_FAILED, PAYOUT_PAID
from services.payouts import formula, ledger, schemas, tracks
from services.payouts.models import (EXCLUDED, FAILED, NOT_PAYOUT_READY, PAID, POOL_SHARE, QUEUED, RUN_COMPLETED,
                                     RUN_QUEUED, RUN_RUNNING, RUN_WITH_FAILURES, SENDING, TRANSFER, UNCLAIMED,
                                     ConnectAccount, LedgerEntry, Run, Split)
from services.payouts.neighbours import ADMIN, Neighbours
from services.payouts.periods import Period, parse_period
from services.payouts.pool import pool_of, values_of
from services.payouts.rules import POOL_CURRENCY
from services.payouts.stripe_connect import (StripeConnect, StripeUnreachable, TransferResult, require,
                                             transfer_key)
from services.payouts.views import run_summary, run_view, split_counts

log = logging.getLogger(__name__)

RUN_NOT_FOUND = "payout run not found"
UNFINISHED = (RUN_QUEUED, RUN_RUNNING)

UnitFactory = Callable[[], UnitOfWork]
Progress = Callable[[int, int], None]


def start_run(uow: UnitOfWork, neighbours: Neighbours, connect: StripeConnect | None, actor_id: str,
              period_text: object, now: datetime) -> tuple[dict, str]:
    """(the run's view, its id): the period's run, created queued or the existing one (the runner resumes it)."""
    neighbours.verify_role(actor_id, ADMIN)
    period = parse_period(period_text)
    if not period.has_ended(now):
        raise Conflict(f"the period {period} has not ended yet: a run can start from {period.end.isoformat()}",
                       {"period": str(period), "ends_at": period.end.isoformat()})
    require(connect)  # a run nobody can pay would wait for ever
    run = find_by_period(uow, period)
    if run is None:
        run = create_run(uow, period, now)
    return run_view(uow, run, with_splits=False), run.id


def find_by_period(uow: UnitOfWork, period: Period) -> Run | None:
    return uow.session.scalars(select(Run).where(Run.period == str(period))).first()


def create_run(uow: UnitOfWork, period: Period, now: datetime) -> Run:
    """A queued run with its pool; a twin created concurrently wins and is answered instead."""
    run = Run(period=str(period), pool_cents=pool_of(uow, period), currency=POOL_CURRENCY, started_at=now)
    try:
        with uow.session.begin_nested():
            uow.session.add(run)
            uow.session.flush()
    except IntegrityError:
        run = find_by_period(uow, period)
    return run


def get_run(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, run_id: str) -> dict:
    neighbours.verify_role(actor_id, ADMIN)
    run = uow.session.get(Run, parse_id(run_id) or "")
    if run is None:
        raise NotFound(RUN_NOT_FOUND)
    return run_view(uow, run, with_splits=True)


def list_runs(uow: UnitOfWork, neighbours: Neighbours, actor_id: str, cursor: object, limit: object) -> Envelope:
    """Every run without its splits (each with its split counts), newest period first, then newest started; the
    role is checked before the page is read."""
    neighbours.verify_role(actor_id, ADMIN)
    page = schemas.load_runs_page(cursor, limit)
    keys = (Run.period, Run.started_at, Run.id)
    rows = uow.session.scalars(keyset_page(select(Run), keys, page)).all()
    kept, next_position = split_page(rows, page, lambda row: Position((row.period, row.started_at, row.id)))
    counts = split_counts(uow, [row.id for row in kept])
    total = uow.session.scalar(select(func.count()).select_from(Run)) or 0
    return envelope(schemas.RUNS, [run_summary(row, counts.get(row.id, {})) for row in kept], total, next_position)


def unfinished_runs(uow: UnitOfWork) -> list[str]:
    return list(uow.session.scalars(select(Run.id).where(Run.status.in_(UNFINISHED)).order_by(Run.started_at)))


# --- execution ---------------------------------------------------------------------------------------------

def execute(units: UnitFactory, neighbours: Neighbours, connect: StripeConnect, run_id: str,
            progress: Progress | None = None) -> str:
    """Take the run as far as it goes; its final status (``running`` if Stripe could not be reached: the run is
    resumed by the next start, or when the service starts again)."""
    catalog = list(neighbours.payout_tracks()) if _status(units, run_id) == RUN_QUEUED else None
    if catalog is not None:
        units().run(lambda uow: prepare(uow, run_id, catalog, clock.now()))
    pending = units().run(lambda uow: _pending(uow, run_id))
    total = units().run(lambda uow: _split_count(uow, run_id))
    done = total - len(pending)
    for split_id in pending:
        try:
            pay_split(units, connect, split_id)
        except StripeUnreachable as exc:
            log.warning("payout run %s paused: Stripe unreachable (%s); starting the run again resumes it",
                        run_id, exc)
            return RUN_RUNNING
        done += 1
        if progress is not None:
            progress(done, total)
    return units().run(lambda uow: finish(uow, run_id, clock.now()))


def _status(units: UnitFactory, run_id: str) -> str:
    return units().run(lambda uow: uow.session.get(Run, run_id).status)


def _pending(uow: UnitOfWork, run_id: str) -> list[str]:
    return list(uow.session.scalars(select(Split.id).where(Split.run_id == run_id,
                                                           Split.status.in_((QUEUED, SENDING)))
                                    .order_by(Split.id)))


def _split_count(uow: UnitOfWork, run_id: str) -> int:
    return uow.session.scalar(select(func.count()).select_from(Split).where(Split.run_id == run_id)) or 0


def prepare(uow: UnitOfWork, run_id: str, catalog: list[dict], now: datetime) -> None:
    """Step 1, one transaction: the splits and the pool-share credits, or nothing if a twin prepared it."""
    run = uow.session.get(Run, run_id, with_for_update=True)
    if run.status != RUN_QUEUED:
        return
    tracks.refresh(uow, catalog)
    uow.session.flush()
    period = parse_period(run.period)
    values = values_of(uow, period)
    by_artist, owners = values.by_artist(), values.owners()
    accounts = _accounts(uow, {owner for owner in owners.values() if owner})
    excluded = {artist for artist, owner in owners.items()
                if owner is None or owner not in accounts or not accounts[owner].payout_ready}
    cents = formula.split_pool(run.pool_cents, by_artist, excluded)
    total = values.platform_total
    run.platform_total = total
    payees = _credit_shares(uow, run, by_artist, owners, excluded, cents, total, now)
    _unclaimed_splits(uow, run, by_artist, owners, total)
    _balance_splits(uow, run, payees, accounts)
    run.status = RUN_RUNNING


class AccountFlags(NamedTuple):
    """What a run reads of an account: its three flags (not the entity, thousands of them per run)."""

    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool

    @property
    def payout_ready(self) -> bool:
        return self.details_submitted and self.charges_enabled and self.payouts_enabled


def _accounts(uow: UnitOfWork, user_ids: set[str]) -> dict[str, AccountFlags]:
    if not user_ids:
        return {}
    rows = uow.session.execute(select(ConnectAccount.user_id, ConnectAccount.details_submitted,
                                      ConnectAccount.charges_enabled, ConnectAccount.payouts_enabled)
                               .where(ConnectAccount.user_id.in_(user_ids)))
    return {user_id: AccountFlags(details, charges, payouts) for user_id, details, charges, payouts in rows}


def _credit_shares(uow: UnitOfWork, run: Run, by_artist: dict[str, float], owners: dict[str, str | None],
                   excluded: set[str], cents: dict[str, int], total: float, now: datetime) -> dict[str, Split]:
    """Pool-share credits per page and one split per claimed account (excluded ones say why)."""
    splits: dict[str, Split] = {}
    for artist in sorted(by_artist):
        owner = owners.get(artist)
        if owner is None:
            continue
        split = splits.get(owner)
        if split is None:
            split = splits[owner] = Split(run_id=run.id, user_id=owner, currency=run.currency, artist_ids=[],
                                          share=0.0, amount_cents=0, transfer_cents=0, updated_at=now)
        split.artist_ids = [*split.artist_ids, artist]
        split.share += by_artist[artist] / total if total else 0.0
        if artist in excluded:
            split.status, split.reason = EXCLUDED, NOT_PAYOUT_READY
            continue
        split.status = QUEUED
        split.amount_cents += cents[artist]
        if cents[artist]:
            credit = ledger.append(uow, ledger.entry(POOL_SHARE, owner, cents[artist], run.currency, now,
                                                     artist_id=artist, run_id=run.id, period=run.period))
            if credit is not None:
                _announce_credit(uow, credit, now)
    uow.session.add_all(splits.values())
    return splits


def _announce_credit(uow: UnitOfWork, credit: LedgerEntry, now: datetime) -> None:
    uow.emit(EARNINGS_CREDITED, {
        "entry_id": credit.id, "user_id": credit.user_id, "artist_id": credit.artist_id, "source": POOL_SHARE,
        "amount_cents": credit.amount_cents, "currency": credit.currency, "run_id": credit.run_id,
        "period": credit.period, "license_id": None, "credited_at": now.isoformat()})


def _unclaimed_splits(uow: UnitOfWork, run: Run, by_artist: dict[str, float], owners: dict[str, str | None],
                      total: float) -> None:
    for artist in sorted(a for a, owner in owners.items() if owner is None and a in by_artist):
        uow.session.add(Split(run_id=run.id, user_id=None, unclaimed_artist_id=artist, artist_ids=[artist],
                              share=by_artist[artist] / total if total else 0.0, amount_cents=0, transfer_cents=0,
                              currency=run.currency, status=EXCLUDED, reason=UNCLAIMED))


def _balance_splits(uow: UnitOfWork, run: Run, payees: dict[str, Split],
                    accounts: dict[str, AccountFlags]) -> None:
    """Payout-ready accounts with money owed in any currency (exclusive sales, an earlier failed transfer) get a
    split too, so every balance is transferred by the next run."""
    uow.session.flush()
    owed = uow.session.execute(select(LedgerEntry.user_id, LedgerEntry.currency)
                               .where(LedgerEntry.user_id.is_not(None))
                               .group_by(LedgerEntry.user_id, LedgerEntry.currency)
                               .having(func.sum(LedgerEntry.amount_cents) > 0)).all()
    ready = _ready_accounts(uow, {user for user, _ in owed})
    for user_id, currency in owed:
        if user_id not in ready or (user_id in payees and currency == run.currency):
            continue
        uow.session.add(Split(run_id=run.id, user_id=user_id, currency=currency, artist_ids=[], share=0.0,
                              amount_cents=0, transfer_cents=0, status=QUEUED))


def _ready_accounts(uow: UnitOfWork, user_ids: set[str]) -> set[str]:
    return {user for user, account in _accounts(uow, user_ids).items() if account.payout_ready}


def pay_split(units: UnitFactory, connect: StripeConnect, split_id: str) -> None:
    """Claim, send and record one split; ``StripeUnreachable`` leaves it ``sending`` for the next attempt."""
    claim = units().run(lambda uow: _claim(uow, split_id, clock.now()))
    if claim is None:
        return
    key, destination, amount, currency, metadata = claim
    result = connect.transfer(amount_cents=amount, currency=currency, destination=destination, key=key,
                              metadata=metadata)
    units().run(lambda uow: record(uow, split_id, result, clock.now()))


def _claim(uow: UnitOfWork, split_id: str, now: datetime):
    """``queued`` → ``sending`` with the amount fixed; what to send, or None when nothing is to be sent."""
    split = uow.session.get(Split, split_id, with_for_update=True)
    if split.status not in (QUEUED, SENDING) or split.user_id is None:
        return None
    run = uow.session.get(Run, split.run_id)
    account = uow.session.scalars(select(ConnectAccount).where(ConnectAccount.user_id == split.user_id)).first()
    if split.status == QUEUED:
        amount = ledger.balance(uow, split.user_id, split.currency)
        if amount <= 0 or account is None:
            # nothing owed (or a debit carried forward): nothing to transfer, the balance stays in the ledger
            split.status, split.transfer_cents, split.updated_at = PAID, 0, now
            return None
        split.status, split.transfer_cents, split.updated_at = SENDING, amount, now
        split.stripe_account_id = account.stripe_account_id
    metadata = {"run_id": run.id, "split_id": split.id, "user_id": split.user_id, "period": run.period}
    return (transfer_key(run.id, split.user_id, split.currency), split.stripe_account_id, split.transfer_cents,
            split.currency, metadata)


def record(uow: UnitOfWork, split_id: str, result: TransferResult, now: datetime) -> None:
    split = uow.session.get(Split, split_id, with_for_update=True)
    if split.status != SENDING:
        return  # recorded already (the transfer.created webhook, or a twin)
    run = uow.session.get(Run, split.run_id)
    if result.transfer_id is None:
        split.status, split.reason, split.updated_at = FAILED, result.failure_code, now
        uow.emit(PAYOUT_FAILED, {"run_id": run.id, "split_id": split.id, "user_id": split.user_id,
                                 "period": run.period, "amount_cents": split.transfer_cents,
                                 "currency": split.currency, "reason": result.failure_code,
                                 "failed_at": now.isoformat()})
        return
    complete(uow, run, split, result.transfer_id, now)


def complete(uow: UnitOfWork, run: Run, split: Split, transfer_id: str, now: datetime) -> None:
    """A transfer Stripe made: the split is Paid and the ledger debits what left the balance (once)."""
    ledger.append(uow, ledger.entry(TRANSFER, split.user_id, -split.transfer_cents, split.currency, now,
                                    run_id=run.id, period=run.period, stripe_id=transfer_id))
    split.status, split.stripe_transfer_id, split.reason, split.updated_at = PAID, transfer_id, None, now
    _announce_paid(uow, run, split, now)


def _announce_paid(uow: UnitOfWork, run: Run, split: Split, now: datetime) -> None:
    uow.emit(PAYOUT_PAID, {"run_id": run.id, "split_id": split.id, "user_id": split.user_id, "period": run.period,
                           "amount_cents": split.transfer_cents, "currency": split.currency,
                           "stripe_transfer_id": split.stripe_transfer_id, "paid_at": now.isoformat()})


def finish(uow: UnitOfWork, run_id: str, now: datetime) -> str:
    run = uow.session.get(Run, run_id, with_for_update=True)
    if run.status not in UNFINISHED:
        return run.status
    failed = uow.session.scalar(select(func.count()).select_from(Split)
                                .where(Split.run_id == run_id, Split.status == FAILED)) or 0
    run.status = RUN_WITH_FAILURES if failed else RUN_COMPLETED
    run.finished_at = now
    return run.status
