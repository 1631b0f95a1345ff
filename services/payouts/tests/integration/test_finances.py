"""The finances page, the transaction history and the pool statement, on PostgreSQL and the fake Stripe."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.common.pagination import PageRequest, decode_cursor
from services.contracts.errors import Conflict, Forbidden, NotFound
from services.payouts import runs
from services.payouts.finances import TRANSACTIONS, finances, list_transactions
from services.payouts.formula import popularity_factor
from services.payouts.models import LedgerEntry
from services.payouts.statement import statement
from services.payouts.tests.integration.conftest import new_id, onboard, paid, played, utc

pytestmark = pytest.mark.integration
NOW = datetime.now(timezone.utc)
ZERO = [{"amount_cents": 0, "currency": "CAD"}]


def page(units, neighbours, user, artist=None, cursor=None, limit=20):
    after = decode_cursor(TRANSACTIONS, cursor) if cursor else None
    return units().run(lambda w: list_transactions(w, neighbours, user, artist, PageRequest(after, limit)))


def test_a_producer_who_never_connected_sees_zero_cards(units, neighbours, connect):
    user, page_id = neighbours.producer()
    view = units().run(lambda w: finances(w, neighbours, connect, user, None, NOW))
    assert view["stripe"]["status"] == "not_connected" and view["stripe"]["connected"] is False
    assert view["cards"] == {"balance": ZERO, "upcoming": ZERO, "in_transit": ZERO, "lifetime": ZERO}
    assert view["artist_id"] == page_id and view["multi_currency_warning"] is False
    assert (view["cached_at"], view["stale"]) == (None, False)


def test_who_may_see_which_finances(units, neighbours, connect):
    user, _ = neighbours.producer()
    other, other_page = neighbours.producer()
    with pytest.raises(NotFound):
        units().run(lambda w: finances(w, neighbours, connect, user, other_page, NOW))
    listener = neighbours.admin()
    with pytest.raises(Forbidden):
        units().run(lambda w: finances(w, neighbours, connect, listener, None, NOW))
    neighbours.artists.pop(other)
    with pytest.raises(NotFound, match="no artist profile"):
        units().run(lambda w: finances(w, neighbours, connect, other, None, NOW))


def test_an_account_with_several_pages_switches_between_them_the_oldest_by_default(units, neighbours, connect):
    user, first = neighbours.producer("First Alias")
    second = neighbours.another_page(user, "Second Alias")
    _, other_page = neighbours.producer()
    view = units().run(lambda w: finances(w, neighbours, connect, user, None, NOW))
    assert view["artist_id"] == first
    assert view["artists"] == [{"id": first, "name": "First Alias"}, {"id": second, "name": "Second Alias"}]
    chosen = units().run(lambda w: finances(w, neighbours, connect, user, second, NOW))
    assert (chosen["artist_id"], chosen["artists"]) == (second, view["artists"])

    def fill(w):
        w.session.add_all(LedgerEntry(user_id=user, artist_id=page_id, kind="exclusive_sale", amount_cents=cents,
                                      currency="USD", license_id=new_id(), created_at=NOW)
                          for page_id, cents in ((first, 100), (second, 200)))

    units().run(fill)
    assert [item["amount_cents"] for item in page(units, neighbours, user, artist=second)["items"]] == [200]
    assert sorted(item["amount_cents"] for item in page(units, neighbours, user)["items"]) == [100, 200]
    for not_mine in (other_page, new_id()):
        with pytest.raises(NotFound, match="artist not found"):
            units().run(lambda w: finances(w, neighbours, connect, user, not_mine, NOW))
        with pytest.raises(NotFound, match="artist not found"):
            page(units, neighbours, user, artist=not_mine)


def test_after_a_run_the_cards_show_stripe_and_the_ledger(units, neighbours, connect, fake_stripe):
    fake_stripe.set_platform_balance("cad", 1_000_000_000)
    admin = neighbours.admin()
    user, page_id = neighbours.producer()
    track = neighbours.add_track(page_id, user, utc(2026, 8, 1))
    played(units, track["track_id"], new_id(), utc(2026, 9, 2), times=2)
    paid(units, new_id(), 1_500, utc(2026, 9, 2))
    account = onboard(units, fake_stripe, connect, neighbours, user)
    view, run_id = units().run(lambda w: runs.start_run(w, neighbours, connect, admin, "2026-09", NOW))
    runs.execute(units, neighbours, connect, run_id)
    fake_stripe.payout(account, amount=500, outcome=None)  # on its way to the bank
    cards = units().run(lambda w: finances(w, neighbours, connect, user, None, NOW))
    assert cards["stripe"]["status"] == "payout_ready" and cards["stale"] is False and cards["cached_at"]
    assert cards["cards"]["upcoming"] == ZERO  # everything owed was transferred
    assert cards["cards"]["lifetime"] == [{"amount_cents": 1_500, "currency": "CAD"}]
    assert cards["cards"]["in_transit"] == [{"amount_cents": 500, "currency": "CAD"}]
    assert cards["cards"]["balance"] == [{"amount_cents": 1_000, "currency": "CAD"}]
    history = page(units, neighbours, user)
    assert [item["kind"] for item in history["items"]] == ["transfer", "pool_share"]
    assert [item["amount_cents"] for item in history["items"]] == [-1_500, 1_500]


def test_the_history_pages_newest_first_and_reaches_the_newest_thousand(units, neighbours):
    user, page_id = neighbours.producer()
    start = utc(2026, 1, 1)

    def fill(w):
        w.session.add_all(LedgerEntry(user_id=user, artist_id=page_id, kind="exclusive_sale", amount_cents=1,
                                      currency="USD", license_id=new_id(), created_at=start + timedelta(minutes=i))
                          for i in range(1_005))

    units().run(fill)
    first = page(units, neighbours, user, limit=100)
    assert first["total"] == 1_000 and first["items"][0]["created_at"] > first["items"][1]["created_at"]
    seen, cursor = len(first["items"]), first["next"]
    while cursor:
        more = page(units, neighbours, user, cursor=cursor, limit=100)
        seen, cursor = seen + len(more["items"]), more["next"]
    assert seen == 1_000


def test_the_statement_shows_the_pool_shares_per_track_and_the_user_centric_side(units, neighbours):
    user, page_id = neighbours.producer()
    other, other_page = neighbours.producer()
    mine = neighbours.add_track(page_id, user, utc(2026, 9, 1))
    theirs = neighbours.add_track(other_page, other, utc(2026, 9, 1))
    fan, casual = new_id(), new_id()
    paid(units, fan, 1_000, utc(2026, 9, 1))
    paid(units, casual, 1_000, utc(2026, 9, 1))
    played(units, mine["track_id"], fan, utc(2026, 9, 5), times=9)  # the fan plays only me
    played(units, theirs["track_id"], casual, utc(2026, 9, 5))
    units().run(lambda w: _copy_tracks(w, neighbours))
    view = units().run(lambda w: statement(w, neighbours, user, "2026-09", None, NOW))
    assert view["pool"] == {"amount_cents": 2_000, "currency": "CAD"}
    [track] = view["tracks"]
    assert track["plays"] == 9 and track["popularity_factor"] == pytest.approx(2.0)
    assert track["age_factor"] == pytest.approx(0.5 ** (1 / 6))
    assert view["share"] == pytest.approx(2 / (2 + popularity_factor(1)))  # same age: only popularity differs
    assert abs(view["amount"]["amount_cents"] - 2_000 * view["share"]) < 1
    assert view["user_centric"] == {"amount": {"amount_cents": 1_000, "currency": "CAD"}, "subscribers": 1}
    with pytest.raises(Conflict):
        units().run(lambda w: statement(w, neighbours, user, f"{NOW.year:04d}-{NOW.month:02d}", None, NOW))


def _copy_tracks(uow, neighbours):
    from services.payouts import tracks

    tracks.refresh(uow, neighbours.payout_tracks())
