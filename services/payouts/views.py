"""What payouts' RPCs reply (the shapes of services/contracts/rpc/payouts.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.common.clock import iso, iso_or_none
from services.common.db import UnitOfWork
from services.payouts.models import LedgerEntry, Run, Split

View = dict[str, Any]


def run_view(uow: UnitOfWork, run: Run, with_splits: bool) -> View:
    view = run_summary(run, split_counts(uow, [run.id]).get(run.id, {}))
    if with_splits:
        splits = uow.session.scalars(select(Split).where(Split.run_id == run.id)
                                     .order_by(Split.amount_cents.desc(), Split.id)).all()
        view["splits"] = [split_view(split) for split in splits]
    return view


def run_summary(run: Run, counts: dict[str, int]) -> View:
    """A run without its splits: what the admins' list shows (``counts``: its splits by status)."""
    return {"id": run.id, "period": run.period, "status": run.status,
            "pool": {"amount_cents": run.pool_cents, "currency": run.currency},
            "platform_total": run.platform_total, "started_at": iso(run.started_at),
            "finished_at": iso_or_none(run.finished_at), "counts": counts}


def split_counts(uow: UnitOfWork, run_ids: list[str]) -> dict[str, dict[str, int]]:
    """Each run's splits by status, for a page of runs in one grouped query (``ix_splits_run_id``)."""
    if not run_ids:
        return {}
    counts: dict[str, dict[str, int]] = {}
    for run_id, status, count in uow.session.execute(
            select(Split.run_id, Split.status, func.count()).where(Split.run_id.in_(run_ids))
            .group_by(Split.run_id, Split.status)):
        counts.setdefault(run_id, {})[status] = int(count)
    return counts


def split_view(split: Split) -> View:
    return {"id": split.id, "user_id": split.user_id, "artist_ids": list(split.artist_ids), "share": split.share,
            "amount_cents": split.amount_cents, "transfer_cents": split.transfer_cents, "currency": split.currency,
            "status": split.status, "reason": split.reason, "stripe_transfer_id": split.stripe_transfer_id}


def transaction_view(entry: LedgerEntry) -> View:
    return {"id": entry.id, "kind": entry.kind, "amount_cents": entry.amount_cents, "currency": entry.currency,
            "run_id": entry.run_id, "period": entry.period, "license_id": entry.license_id,
            "stripe_id": entry.stripe_id, "created_at": iso(entry.created_at)}
