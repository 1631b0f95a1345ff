"""A producer's finances page, ledger history and pool statements (docs/payouts.md). ``artist`` picks one of
the artist pages the caller manages; payouts answers 404 for anyone else's, as for an unknown one."""
from __future__ import annotations

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import producer_required
from gateway.openapi import doc
from gateway.payout_schemas import (PERIOD_ERROR, PERIOD_PATTERN, ArtistQuery, Finances, Statement, TransactionPage,
                                    TransactionsQuery)
from gateway.rpc import remote
from gateway.validation import query_args
from services.contracts.errors import InvalidField

bp = Blueprint("finances", __name__, url_prefix="/api/v1/producer")

NO_ARTIST = ("404 with \"no artist profile\" for a producer without an artist page; 404 for an artist page the "
             "caller does not manage.")


@bp.get("/finances")
@doc("The producer's finances: Stripe status and the Balance, Upcoming, In Transit and Lifetime cards",
     ok=(200, Finances), query=ArtistQuery, errors=(403, 404),
     description="Each card is a list of `{amount_cents, currency}`, one per currency (`[{\"amount_cents\": 0, "
                 "\"currency\": \"CAD\"}]` before any money); a producer who never connected gets zero cards and "
                 "`stripe.status: not_connected`. `multi_currency_warning` when several currencies are involved; "
                 "`artists` lists the pages the caller manages (the switcher); `cached_at` / `stale` tell how fresh "
                 "Stripe's figures are. A non-producer → 403. " + NO_ARTIST)
@producer_required
def finances() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return Finances().dump(remote("payouts").finances(actor_id=g.user_id, artist_id=artist))


@bp.get("/finances/transactions")
@doc("The producer's ledger, newest first: pool shares, exclusive sales, transfers, reversals, sale refunds",
     ok=(200, TransactionPage), query=TransactionsQuery, errors=(403, 404),
     description="Signed amounts (credits positive). Pages of the list envelope; the newest 1,000 entries are "
                 "reachable. " + NO_ARTIST)
@producer_required
def transactions() -> ResponseReturnValue:
    query = query_args(TransactionsQuery())
    result = remote("payouts").list_transactions(actor_id=g.user_id, artist_id=query.get("artist"),
                                                 cursor=query.get("cursor"), limit=query["limit"])
    return TransactionPage().dump(result)


@bp.get("/statements/<period>")
@doc("The pool statement of a month: the pool, the platform total, the producer's contribution and share, "
     "each track's factors, and the same month split user-centrically", ok=(200, Statement), query=ArtistQuery,
     errors=(403, 404, 409),
     description="`period` is a UTC month, YYYY-MM (otherwise 422); 409 while it has not ended. `amount` is the "
                 "pro-rata share before exclusions; `user_centric` is what the producer would get if each "
                 "subscriber's fee were split by what that subscriber played. " + NO_ARTIST)
@producer_required
def statement(period: str) -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    if not PERIOD_PATTERN.match(period):
        raise InvalidField("invalid fields: period", {"period": [PERIOD_ERROR]})
    return Statement().dump(remote("payouts").statement(actor_id=g.user_id, period=period, artist_id=artist))
