"""Reconciliation of a period's run with Stripe (docs/payouts.md "Reconciliation"): Stripe's transfers created
since the run started (``created[gte]``, every page) that belong to the run (its ``transfer_group``) or to no
run at all, against the ledger's transfer entries of the run. Three kinds of difference: ``missing`` (in the
ledger, not at Stripe), ``extra`` (at Stripe, not in the ledger), ``amount_mismatch``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from services.common.clock import as_utc
from services.common.db import UnitOfWork
from services.payouts.models import TRANSFER, LedgerEntry
from services.payouts.periods import Period
from services.payouts.runs import find_by_period
from services.payouts.stripe_connect import StripeConnect

#: Stripe's clock and ours may differ a little: the listing starts this much before the run
CLOCK_SLACK = timedelta(minutes=5)
MISSING, EXTRA, AMOUNT_MISMATCH = "missing", "extra", "amount_mismatch"


@dataclass(frozen=True)
class Difference:
    kind: str
    transfer_id: str
    ledger_cents: int | None
    stripe_cents: int | None
    currency: str

    def line(self) -> str:
        return (f"{self.kind:<16} {self.transfer_id:<32} ledger={_cents(self.ledger_cents)} "
                f"stripe={_cents(self.stripe_cents)} {self.currency}")


def _cents(value: int | None) -> str:
    return "-" if value is None else str(value)


def reconcile(uow: UnitOfWork, connect: StripeConnect, period: Period, now: datetime) -> tuple[str | None,
                                                                                                list[Difference]]:
    """(the run's id or None, the differences); no run: every transfer of the window without a run is extra."""
    run = find_by_period(uow, period)
    since = as_utc(run.started_at) - CLOCK_SLACK if run is not None else period.start
    ours = {}
    if run is not None:
        ours = {entry.stripe_id: entry for entry in uow.session.scalars(
            select(LedgerEntry).where(LedgerEntry.run_id == run.id, LedgerEntry.kind == TRANSFER))}
    differences: list[Difference] = []
    seen: set[str] = set()
    for transfer in connect.transfers_between(since, now + CLOCK_SLACK):
        group = transfer.get("transfer_group") or transfer["metadata"].get("run_id")
        if group and (run is None or group != run.id):
            continue  # another run's transfer
        seen.add(transfer["id"])
        entry = ours.get(transfer["id"])
        if entry is None:
            differences.append(Difference(EXTRA, transfer["id"], None, transfer["amount"], transfer["currency"]))
        elif -entry.amount_cents != transfer["amount"] or entry.currency != transfer["currency"]:
            differences.append(Difference(AMOUNT_MISMATCH, transfer["id"], -entry.amount_cents, transfer["amount"],
                                          transfer["currency"]))
    for transfer_id, entry in sorted(ours.items()):
        if transfer_id not in seen:
            differences.append(Difference(MISSING, transfer_id, -entry.amount_cents, None, entry.currency))
    return (run.id if run is not None else None), differences
