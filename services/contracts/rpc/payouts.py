"""The ``payouts`` service's RPC surface: Stripe Connect onboarding, pool split runs, the producer's finances,
transactions and pool statements, and the Stripe events (platform and Connect) the gateway routes here
(docs/payouts.md). Money is always ``{amount_cents, currency}``: integer minor units with an ISO currency."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import RpcSurface, method, page_of

UUID = {"format": "uuid"}
DATE_TIME = {"format": "date-time"}

RUN_STATUSES = ("queued", "running", "completed", "completed_with_failures")
SPLIT_STATUSES = ("queued", "sending", "paid", "failed", "excluded")
CONNECT_STATUSES = ("not_connected", "onboarding", "restricted", "payout_ready")
TRANSACTION_KINDS = ("pool_share", "exclusive_sale", "transfer", "transfer_reversal", "sale_refund")


class Money(Schema):
    amount_cents = fields.Integer()
    currency = fields.String(metadata={"example": "CAD"})


class ConnectLink(Schema):
    url = fields.String(metadata={"description": "Stripe's hosted onboarding page (an Account Link)."})
    expires_at = fields.String(metadata=DATE_TIME)
    created = fields.Boolean(metadata={"description": "True when this call created the Express account (201)."})


class Split(Schema):
    id = fields.String(metadata=UUID)
    user_id = fields.String(allow_none=True, metadata={**UUID, "description": "null: an unclaimed artist page."})
    artist_ids = fields.List(fields.String())
    share = fields.Float(metadata={"description": "Of the platform total, before exclusions."})
    amount_cents = fields.Integer(metadata={"description": "This run's pool share (0 when excluded)."})
    transfer_cents = fields.Integer(metadata={"description": "What the transfer carries: the producer's balance in "
                                                             "the currency, shares and sales minus debits."})
    currency = fields.String()
    status = fields.String(metadata={"enum": list(SPLIT_STATUSES)})
    reason = fields.String(allow_none=True, metadata={"description": "Why excluded (`not_payout_ready`, "
                                                                     "`unclaimed`) or Stripe's failure code."})
    stripe_transfer_id = fields.String(allow_none=True)


class Run(Schema):
    id = fields.String(metadata=UUID)
    period = fields.String(metadata={"example": "2026-11"})
    status = fields.String(metadata={"enum": list(RUN_STATUSES)})
    pool = fields.Nested(Money)
    platform_total = fields.Float(allow_none=True)
    started_at = fields.String(metadata=DATE_TIME)
    finished_at = fields.String(allow_none=True, metadata=DATE_TIME)
    counts = fields.Dict(metadata={"description": "Splits by status."})
    splits = fields.List(fields.Nested(Split), metadata={"description": "Only from `get_run`."})


class RunSummary(Run):
    """A run in the admins' list: no `splits` (GET one run for them), its `counts` by split status."""

    class Meta:
        exclude = ("splits",)


class StripeStatus(Schema):
    status = fields.String(metadata={"enum": list(CONNECT_STATUSES)})
    connected = fields.Boolean()
    charges_enabled = fields.Boolean()
    payouts_enabled = fields.Boolean()
    currently_due = fields.List(fields.String())
    country = fields.String(allow_none=True)


class Cards(Schema):
    balance = fields.List(fields.Nested(Money))
    upcoming = fields.List(fields.Nested(Money))
    in_transit = fields.List(fields.Nested(Money))
    lifetime = fields.List(fields.Nested(Money))


class ArtistRef(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()


class Finances(Schema):
    stripe = fields.Nested(StripeStatus)
    cards = fields.Nested(Cards)
    multi_currency_warning = fields.Boolean()
    artists = fields.List(fields.Nested(ArtistRef))
    artist_id = fields.String(metadata={**UUID, "description": "The artist page shown."})
    cached_at = fields.String(allow_none=True, metadata=DATE_TIME)
    stale = fields.Boolean()


class Transaction(Schema):
    id = fields.String(metadata=UUID)
    kind = fields.String(metadata={"enum": list(TRANSACTION_KINDS)})
    amount_cents = fields.Integer(metadata={"description": "Signed: credits positive, debits negative."})
    currency = fields.String()
    run_id = fields.String(allow_none=True)
    period = fields.String(allow_none=True)
    license_id = fields.String(allow_none=True)
    stripe_id = fields.String(allow_none=True)
    created_at = fields.String(metadata=DATE_TIME)


class StatementTrack(Schema):
    track_id = fields.String(metadata=UUID)
    title = fields.String(allow_none=True)
    plays = fields.Integer()
    months_since_upload = fields.Float()
    age_factor = fields.Float()
    popularity_factor = fields.Float()
    producer_count = fields.Integer()
    value = fields.Float(metadata={"description": "This producer's part of the track's value."})


class UserCentric(Schema):
    amount = fields.Nested(Money)
    subscribers = fields.Integer(metadata={"description": "Paying subscribers who played this producer."})


class Statement(Schema):
    period = fields.String()
    artist_id = fields.String(metadata=UUID)
    pool = fields.Nested(Money)
    platform_total = fields.Float()
    contribution = fields.Float(metadata={"description": "The sum of this producer's track values."})
    share = fields.Float(metadata={"description": "contribution / platform_total"})
    amount = fields.Nested(Money, metadata={"description": "Pro rata (the platform's model), before exclusions."})
    tracks = fields.List(fields.Nested(StatementTrack))
    user_centric = fields.Nested(UserCentric, metadata={
        "description": "The same period if each subscriber's fee were split by what that subscriber played."})


class StripeEventHandled(Schema):
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
    event_id = fields.String()
    type = fields.String()


TransactionPage = page_of(Transaction)
RunPage = page_of(RunSummary)

PAYOUTS = RpcSurface("payouts", (
    method("ping",
           summary='`"pong"`'),
    method("start_connect", "actor_id country", reply=ConnectLink,
           summary="creates the producer's Express account (`created: true`) or, for the same country, a fresh "
                   "onboarding link",
           errors="`Forbidden` (not a producer), `InvalidField` (`country`), `Conflict` (another country was "
                  "chosen before), `BillingUnavailable`"),
    method("refresh_connect_link", "actor_id", reply=ConnectLink,
           summary="a fresh onboarding link for the existing account",
           errors="`Forbidden`, `NotFound` (no account yet), `BillingUnavailable`"),
    method("handle_stripe_event", "event", reply=StripeEventHandled,
           summary="platform events routed here: `transfer.created`, `transfer.reversed`; deduplicated by id",
           errors="`BadRequest`"),
    method("handle_connect_event", "event", reply=StripeEventHandled,
           summary="Connect events: `account.updated`, `payout.paid`, `payout.failed`; deduplicated by id; an "
                   "older `account.updated` never overwrites a newer one",
           errors="`BadRequest`"),
    method("start_run", "actor_id period", reply=Run,
           summary="the period's run (a new one, or the existing one, resumed); it proceeds in the background",
           errors="`Forbidden` (not an admin), `InvalidField` (`period`), `Conflict` (the period has not ended)"),
    method("get_run", "actor_id run_id", reply=Run,
           summary="the run with every split",
           errors="`Forbidden` (not an admin), `NotFound`"),
    method("list_runs", "actor_id", "cursor limit", reply=RunPage,
           summary="envelope of `RunSummary` (a run without its splits, with `counts` by split status): every run, "
                   "newest period first (then newest started); `limit` 1–100, default 20",
           errors="`Forbidden` (not an admin; checked before the page), `InvalidField` (`cursor`, `limit`)"),
    method("finances", "actor_id", "artist_id", reply=Finances,
           summary="the finances page of the actor's artist page (default: their own)",
           errors="`Forbidden` (not a producer), `NotFound` (no artist profile; someone else's artist)"),
    method("list_transactions", "actor_id", "artist_id cursor limit", reply=TransactionPage,
           summary="the ledger, newest first (the newest 1,000 reachable)",
           errors="`Forbidden`, `NotFound`, `InvalidField`"),
    method("statement", "actor_id period", "artist_id", reply=Statement,
           summary="the pool statement of a period: pro rata and user-centric side by side",
           errors="`Forbidden`, `NotFound`, `InvalidField` (`period`), `Conflict` (the period has not ended)"),
), sections=(
    ("Stripe Connect", None),
    ("Runs", "start_run"),
    ("Finances and statements", "finances"),
))
