"""What payouts' RPCs reply (the shapes of services/contracts/rpc/payouts.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.common.clock import iso, iso_or_none
from services.common.db import UnitOfWork
from services.payouts.models import LedgerEntry, Run, Split

View = dict[str, Any]


def run_view(uow: UnitOfWork, run: Run, with_splits: bool) -> View:
    counts = dict(uow.session.execute(select(Split.status, func.count()).where(Split.run_id == run.id)
                                      .group_by(Split.status)).all())
    view = {"id": run.id, "period": run.period, "status": run.status,
            "pool": {"amount_cents": run.pool_cents, "currency": run.currency},
            "platform_total": run.platform_total, "started_at": iso(run.started_at),
            "finished_at": iso_or_none(run.finished_at), "counts": {k: int(v) for k, v in counts.items()}}
    if with_splits:
        splits = uow.session.scalars(select(Split).where(Split.run_id == run.id)
                                     .order_by(Split.amount_cents.desc(), Split.id)).all()
        view["splits"] = [split_view(split) for split in splits]
    return view


def split_view(split: Split) -> View:
    return {"id": split.id, "user_id": split.user_id, "artist_ids": list(split.artist_ids), "share": split.share,
            "amount_cents": split.amount_cents, "transfer_cents": split.transfer_cents, "currency": split.currency,
            "status": split.status, "reason": split.reason, "stripe_transfer_id": split.stripe_transfer_id}


def transaction_view(entry: LedgerEntry) -> View:
    return {"id": entry.id, "kind": entry.kind, "amount_cents": entry.amount_cents, "currency": entry.currency,
            "run_id": entry.run_id, "period": entry.period, "license_id": entry.license_id,
            "stripe_id": entry.stripe_id, "created_at": iso(entry.created_at)}
