"""Pool split runs on PostgreSQL against the fake Stripe: shares to the cent, exclusions, transfers made exactly
once across a crash, Stripe's refusals and their retry by the next run, exclusive sales netted, reconciliation."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rich.console import Console
from sqlalchemy import func, select

from services.common.pagination import Position, encode_cursor
from services.contracts.errors import BillingUnavailable, Conflict, Forbidden, InvalidField
from services.payouts import consumers, ledger, runs, schemas, stripe_events
from services.payouts.finances import TRANSACTIONS
from services.payouts.cli import reconcile_period, run_period
from services.payouts.models import LedgerEntry, Split
from services.payouts.tests.integration.conftest import (connect_events, deliver, new_id, onboard, outbox, paid,
                                                         played, utc, wire)
from services.payouts.stripe_connect import transfer_key

pytestmark = pytest.mark.integration
NOW = datetime.now(timezone.utc)
SEPT, OCT = "2026-09", "2026-10"


def start(units, neighbours, connect, admin: str, period: str) -> dict:
    view, _ = units().run(lambda uow: runs.start_run(uow, neighbours, connect, admin, period, NOW))
    return view


def run_to_end(units, neighbours, connect, admin: str, period: str) -> dict:
    view = start(units, neighbours, connect, admin, period)
    runs.execute(units, neighbours, connect, view["id"])
    return units().run(lambda uow: runs.get_run(uow, neighbours, admin, view["id"]))


def splits_by_user(run: dict) -> dict[str, dict]:
    return {split["user_id"]: split for split in run["splits"] if split["user_id"]}


@pytest.fixture
def world(units, neighbours, fake_stripe, connect):
    """Two payout-ready producers with a track each (one shared with an unclaimed page), plays and revenue
    in September 2026."""
    fake_stripe.set_platform_balance("cad", 1_000_000_000)
    admin = neighbours.admin()
    ana, ana_page = neighbours.producer("Ana")
    bo, bo_page = neighbours.producer("Bo")
    unclaimed = new_id()
    ana_track = neighbours.add_track(ana_page, ana, utc(2026, 8, 1))
    bo_track = neighbours.add_track(bo_page, bo, utc(2026, 6, 1), collaborators={unclaimed: None})
    listener = new_id()
    played(units, ana_track["track_id"], listener, utc(2026, 9, 10), times=9)
    played(units, bo_track["track_id"], listener, utc(2026, 9, 11), times=3)
    played(units, ana_track["track_id"], listener, utc(2026, 10, 2), times=5)  # another period
    paid(units, listener, 1_000, utc(2026, 9, 3))
    paid(units, new_id(), 2_001, utc(2026, 9, 30, 23, 59))
    paid(units, new_id(), 5_000, utc(2026, 10, 1))  # October's pool
    accounts = {user: onboard(units, fake_stripe, connect, neighbours, user) for user in (ana, bo)}
    return {"admin": admin, "ana": ana, "bo": bo, "ana_page": ana_page, "bo_page": bo_page, "unclaimed": unclaimed,
            "accounts": accounts}


def test_a_run_splits_the_pool_to_the_cent_and_pays_each_producer_once(units, neighbours, connect, fake_stripe,
                                                                         world, uow):
    run = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    assert run["status"] == "completed" and run["pool"] == {"amount_cents": 3_001, "currency": "CAD"}
    splits = splits_by_user(run)
    ana, bo = splits[world["ana"]], splits[world["bo"]]
    assert ana["amount_cents"] + bo["amount_cents"] == 3_001  # the unclaimed page's share is redistributed
    assert ana["amount_cents"] > bo["amount_cents"] > 0
    unclaimed = [s for s in run["splits"] if s["user_id"] is None]
    assert [(s["status"], s["reason"], s["artist_ids"]) for s in unclaimed] == [
        ("excluded", "unclaimed", [world["unclaimed"]])]
    assert {ana["status"], bo["status"]} == {"paid"} and ana["transfer_cents"] == ana["amount_cents"]
    for user in ("ana", "bo"):
        assert fake_stripe.transfer_count(destination=world["accounts"][world[user]]) == 1
        assert units().run(lambda w: ledger.balances(w, world[user])) == {"CAD": 0}
    assert len(outbox(uow, "earnings_credited")) == 2 and len(outbox(uow, "payout_paid")) == 2
    assert fake_stripe.transfer_count(idempotency_key=transfer_key(run["id"], world["ana"], "CAD")) == 1


def test_starting_a_period_again_answers_the_same_run_and_pays_nobody_twice(units, neighbours, connect, fake_stripe,
                                                                          world):
    first = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    again = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    assert again["id"] == first["id"] and again["splits"] == first["splits"]
    assert fake_stripe.transfer_count(destination=world["accounts"][world["ana"]]) == 1


def test_a_run_killed_after_some_transfers_and_started_again_transfers_to_each_producer_once(
        units, neighbours, connect, fake_stripe, world, monkeypatch):
    real_record, recorded = runs.record, []

    def crash_after_the_first(uow, split_id, result, now):
        if recorded:  # the second transfer was made at Stripe, then the process died before recording it
            raise KeyboardInterrupt("killed")
        recorded.append(split_id)
        return real_record(uow, split_id, result, now)

    monkeypatch.setattr(runs, "record", crash_after_the_first)
    view = start(units, neighbours, connect, world["admin"], SEPT)
    with pytest.raises(KeyboardInterrupt):
        runs.execute(units, neighbours, connect, view["id"])
    statuses = units().run(lambda uow: sorted(uow.session.scalars(
        select(Split.status).where(Split.run_id == view["id"], Split.user_id.is_not(None)))))
    assert statuses == ["paid", "sending"]
    monkeypatch.setattr(runs, "record", real_record)
    assert start(units, neighbours, connect, world["admin"], SEPT)["id"] == view["id"]
    assert runs.execute(units, neighbours, connect, view["id"]) == "completed"
    for user in ("ana", "bo"):
        account = world["accounts"][world[user]]
        assert fake_stripe.transfer_count(destination=account) == 1
        assert units().run(lambda w: ledger.balances(w, world[user])) == {"CAD": 0}


def test_a_transfer_stripe_refuses_fails_with_its_code_and_the_next_run_pays_the_balance(
        units, neighbours, connect, fake_stripe, world, uow):
    fake_stripe.set_platform_balance("cad", 0)
    september = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    assert september["status"] == "completed_with_failures"
    failed = splits_by_user(september)[world["ana"]]
    assert (failed["status"], failed["reason"]) == ("failed", "balance_insufficient")
    assert [e["reason"] for e in outbox(uow, "payout_failed")] == ["balance_insufficient"] * 2
    owed = units().run(lambda w: ledger.balance(w, world["ana"], "CAD"))
    assert owed == failed["amount_cents"] > 0
    fake_stripe.set_platform_balance("cad", 1_000_000_000)
    october = run_to_end(units, neighbours, connect, world["admin"], OCT)
    retried = splits_by_user(october)[world["ana"]]
    assert retried["status"] == "paid" and retried["transfer_cents"] == owed + retried["amount_cents"]
    assert units().run(lambda w: ledger.balance(w, world["ana"], "CAD")) == 0
    assert fake_stripe.transfer_count(destination=world["accounts"][world["ana"]]) == 1


def test_a_producer_whose_flags_turned_red_before_the_run_is_excluded(units, neighbours, connect, fake_stripe, world):
    fake_stripe.advance_clock(5)
    fake_stripe.requirements_due(world["accounts"][world["bo"]])
    for event in connect_events(fake_stripe, "account.updated"):
        units().run(lambda w: stripe_events.handle_connect(w, event, NOW))
    run = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    splits = splits_by_user(run)
    assert (splits[world["bo"]]["status"], splits[world["bo"]]["reason"]) == ("excluded", "not_payout_ready")
    assert splits[world["bo"]]["amount_cents"] == 0 and splits[world["bo"]]["share"] > 0
    assert splits[world["ana"]]["amount_cents"] == 3_001
    assert fake_stripe.transfer_count(destination=world["accounts"][world["bo"]]) == 0


def test_only_admins_start_runs_for_ended_periods_and_only_with_stripe(units, neighbours, connect, world):
    with pytest.raises(Forbidden):
        start(units, neighbours, connect, world["ana"], SEPT)
    with pytest.raises(Conflict):
        start(units, neighbours, connect, world["admin"], f"{NOW.year:04d}-{NOW.month:02d}")
    with pytest.raises(BillingUnavailable):
        start(units, neighbours, None, world["admin"], SEPT)


def sale(units, producer: str, artist: str, price: int, license_id: str | None = None) -> str:
    license_id = license_id or new_id()
    deliver(units, consumers.exclusive_sold, wire(
        "exclusive_sold", license_id=license_id, track_id=new_id(), artist_id=artist, producer_user_id=producer,
        buyer_user_id=new_id(), price_cents=price, fee_cents=100, currency="USD",
        stripe_payment_intent_id=f"pi_{license_id[:12]}", sold_at=utc(2026, 9, 5).isoformat()))
    return license_id


def test_an_exclusive_refunded_after_its_transfer_is_netted_from_the_next_transfer(
        units, neighbours, connect, fake_stripe, world):
    fake_stripe.set_platform_balance("usd", 1_000_000_000)
    ana, page = world["ana"], world["ana_page"]
    licence = sale(units, ana, page, 50_000)
    september = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    usd = [s for s in september["splits"] if s["user_id"] == ana and s["currency"] == "USD"]
    assert [(s["status"], s["transfer_cents"]) for s in usd] == [("paid", 50_000)]
    refund = wire("exclusive_refunded", license_id=licence, track_id=new_id(), artist_id=page, price_cents=50_000,
                  currency="USD", refunded_at=utc(2026, 10, 2).isoformat())
    deliver(units, consumers.exclusive_refunded, refund)
    deliver(units, consumers.exclusive_refunded, refund)  # replayed: debited once
    assert units().run(lambda w: ledger.balance(w, ana, "USD")) == -50_000
    sale(units, ana, page, 80_000)
    october = run_to_end(units, neighbours, connect, world["admin"], OCT)
    usd = [s for s in october["splits"] if s["user_id"] == ana and s["currency"] == "USD"]
    assert [(s["status"], s["transfer_cents"]) for s in usd] == [("paid", 30_000)]
    assert units().run(lambda w: ledger.balance(w, ana, "USD")) == 0


def test_a_sale_credits_the_uploader_once(units, world):
    licence = new_id()
    sale(units, world["ana"], world["ana_page"], 12_345, licence)
    sale(units, world["ana"], world["ana_page"], 12_345, licence)
    entries = units().run(lambda w: w.session.scalar(select(func.count()).select_from(LedgerEntry)
                                                     .where(LedgerEntry.license_id == licence)))
    assert entries == 1 and units().run(lambda w: ledger.balance(w, world["ana"], "USD")) == 12_345


def test_a_transfer_webhook_records_a_transfer_the_run_did_not_and_a_reversal_is_owed_again(
        units, neighbours, connect, fake_stripe, world):
    run = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    ana = splits_by_user(run)[world["ana"]]
    transfer = connect.client.v1.transfers.retrieve(ana["stripe_transfer_id"])
    created = {"id": "evt_tc", "type": "transfer.created", "created": 1, "data": {"object": transfer.to_dict()}}
    assert units().run(lambda w: stripe_events.handle_platform(w, created, NOW))["status"] == "ignored"
    assert units().run(lambda w: stripe_events.handle_platform(w, created, NOW))["status"] == "duplicate"
    reversal = connect.client.v1.transfers.reversals.create(ana["stripe_transfer_id"], params={"amount": 100})
    reversed_object = connect.client.v1.transfers.retrieve(ana["stripe_transfer_id"]).to_dict()
    event = {"id": "evt_tr", "type": "transfer.reversed", "created": 2, "data": {"object": reversed_object}}
    assert units().run(lambda w: stripe_events.handle_platform(w, event, NOW))["status"] == "processed"
    assert units().run(lambda w: ledger.balance(w, world["ana"], "CAD")) == 100
    entry = units().run(lambda w: w.session.scalars(select(LedgerEntry).where(LedgerEntry.stripe_id == reversal.id))
                        .one())
    assert entry.kind == "transfer_reversal"


def test_reconciliation_finds_no_difference_on_a_healthy_run_and_reports_one_otherwise(
        units, neighbours, connect, fake_stripe, world, capsys):
    run = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    console = Console(force_terminal=False, width=200)
    assert reconcile_period(units, connect, SEPT, console) == 0
    connect.client.v1.transfers.create(params={"amount": 42, "currency": "cad", "transfer_group": run["id"],
                                               "destination": world["accounts"][world["bo"]]})
    assert reconcile_period(units, connect, SEPT, console) == 1
    assert "extra" in capsys.readouterr().out


def test_the_cli_runs_a_period_with_its_progress(units, neighbours, connect, fake_stripe, world):
    assert run_period(units, neighbours, connect, SEPT, Console(force_terminal=False)) == 0
    assert fake_stripe.transfer_count(destination=world["accounts"][world["bo"]]) == 1


def test_a_transfer_made_before_a_crash_is_recorded_by_its_webhook_and_never_repeated(
        units, neighbours, connect, fake_stripe, world):
    view = start(units, neighbours, connect, world["admin"], SEPT)
    units().run(lambda uow: runs.prepare(uow, view["id"], list(neighbours.payout_tracks()), NOW))
    split_id = units().run(lambda uow: uow.session.scalars(select(Split.id).where(
        Split.run_id == view["id"], Split.user_id == world["ana"])).one())
    key, destination, amount, currency, metadata = units().run(lambda uow: runs._claim(uow, split_id, NOW))
    made = connect.transfer(amount_cents=amount, currency=currency, destination=destination, key=key,
                            metadata=metadata)  # ...and the process died here
    transfer = connect.client.v1.transfers.retrieve(made.transfer_id).to_dict()
    event = {"id": "evt_created_first", "type": "transfer.created", "created": 1, "data": {"object": transfer}}
    assert units().run(lambda uow: stripe_events.handle_platform(uow, event, NOW))["status"] == "processed"
    assert runs.execute(units, neighbours, connect, view["id"]) == "completed"
    assert fake_stripe.transfer_count(destination=destination) == 1
    assert units().run(lambda uow: ledger.balances(uow, world["ana"])) == {"CAD": 0}


def test_reconciliation_reports_a_transfer_missing_at_stripe_and_an_amount_mismatch(
        units, neighbours, connect, fake_stripe, world, capsys):
    run = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    bo = splits_by_user(run)[world["bo"]]

    def tamper(uow):
        uow.session.add(LedgerEntry(user_id=world["ana"], kind="transfer", amount_cents=-5, currency="CAD",
                                    run_id=run["id"], period=SEPT, stripe_id="tr_never_made"))
        entry = uow.session.scalars(select(LedgerEntry).where(LedgerEntry.stripe_id == bo["stripe_transfer_id"])).one()
        entry.amount_cents -= 1  # the books say one cent more left than Stripe sent

    units().run(tamper)
    assert reconcile_period(units, connect, SEPT, Console(force_terminal=False, width=200)) == 1
    out = capsys.readouterr().out
    assert "missing" in out and "tr_never_made" in out and "amount_mismatch" in out


def test_connected_account_payouts_are_tracked_and_refresh_the_finances(units, neighbours, connect, fake_stripe,
                                                                        world):
    from services.payouts.models import ConnectAccount, ConnectPayout

    account = world["accounts"][world["ana"]]
    units().run(lambda uow: uow.session.query(ConnectAccount).filter_by(stripe_account_id=account)
                .update({"fetched_at": NOW}))
    run_to_end(units, neighbours, connect, world["admin"], SEPT)
    fake_stripe.pending.clear()
    fake_stripe.payout(account, amount=100, outcome="failed")
    [failed] = connect_events(fake_stripe, "payout.failed")
    assert failed["account"] == account
    for _ in range(2):
        units().run(lambda uow: stripe_events.handle_connect(uow, failed, NOW))
    row = units().run(lambda uow: uow.session.scalars(select(ConnectPayout)).one())
    assert (row.status, row.amount_cents, row.stripe_account_id) == ("failed", 100, account)
    assert units().run(lambda uow: uow.session.scalars(select(ConnectAccount.fetched_at)
                                                       .where(ConnectAccount.stripe_account_id == account)).one()) \
        is None


# --- the admins' list of runs ----------------------------------------------------------------------------------

def list_runs(units, neighbours, actor: str, cursor: str | None = None, limit: int | None = 20) -> dict:
    return units().run(lambda uow: runs.list_runs(uow, neighbours, actor, cursor, limit))


def test_admins_list_runs_newest_period_first_with_their_split_counts_and_no_splits(units, neighbours, connect,
                                                                                     fake_stripe, world):
    september = run_to_end(units, neighbours, connect, world["admin"], SEPT)
    for period in ("2026-07", "2026-08"):  # started after September's, of older periods
        start(units, neighbours, connect, world["admin"], period)
    page = list_runs(units, neighbours, world["admin"])
    assert [item["period"] for item in page["items"]] == [SEPT, "2026-08", "2026-07"]
    assert page["total"] == 3 and page["next"] is None
    first = page["items"][0]
    assert first["id"] == september["id"] and first["status"] == "completed"
    assert first["pool"] == {"amount_cents": 3_001, "currency": "CAD"}
    assert first["counts"] == {"paid": 2, "excluded": 1} == september["counts"]
    assert "splits" not in first
    assert [item["counts"] for item in page["items"][1:]] == [{}, {}]  # queued: no splits yet
    assert [item["status"] for item in page["items"][1:]] == ["queued", "queued"]


def test_the_runs_list_pages_with_a_cursor_of_its_own(units, neighbours, connect, world):
    for period in ("2026-05", "2026-03", "2026-04", "2026-06"):
        start(units, neighbours, connect, world["admin"], period)
    seen, cursor = [], None
    while True:
        page = list_runs(units, neighbours, world["admin"], cursor, limit=3)
        assert page["total"] == 4 and len(page["items"]) <= 3
        seen += [item["period"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ["2026-06", "2026-05", "2026-04", "2026-03"]
    of_the_ledger = encode_cursor(TRANSACTIONS, Position((NOW, new_id())))
    of_another_shape = encode_cursor(schemas.RUNS, Position((NOW, new_id())))
    for bad in (of_the_ledger, of_another_shape, "garbage"):
        with pytest.raises(InvalidField) as caught:
            list_runs(units, neighbours, world["admin"], bad)
        assert list(caught.value.details) == ["cursor"]
    with pytest.raises(InvalidField) as caught:
        list_runs(units, neighbours, world["admin"], None, limit=101)
    assert list(caught.value.details) == ["limit"]


def test_only_admins_list_runs_and_the_role_is_checked_before_the_page(units, neighbours, connect, world):
    start(units, neighbours, connect, world["admin"], SEPT)
    for actor in (world["ana"], new_id()):
        with pytest.raises(Forbidden):
            list_runs(units, neighbours, actor)
        with pytest.raises(Forbidden):
            list_runs(units, neighbours, actor, "garbage", limit=0)
