"""Every event on the bus: its name, who publishes it, who consumes it, and its payload schema.

This module is the single source of the messaging topology: each service declares, at start,
the exchange and the durable queues (with retry and dead-letter queues) of every event it
publishes or consumes, from ``REGISTRY``. A consumer listed here therefore has its queue before
the first event is ever published, so no event is dispatched into nothing.

Every payload carries the envelope fields ``event_id`` (uuid4), ``occurred_at`` (UTC ISO-8601)
and ``version`` (the schema version of that event type).
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from marshmallow import Schema, ValidationError, fields, validate

from services.contracts.vocabularies import LIKE_KINDS

EXCHANGE = "beatpass.events"


class Envelope(Schema):
    """Fields every event carries. Unknown fields are refused: a payload says exactly its schema."""

    event_id = fields.UUID(required=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    version = fields.Integer(required=True, validate=validate.Range(min=1))


@dataclass(frozen=True)
class EventType:
    name: str
    producer: str
    schema: type[Schema]
    consumers: tuple[str, ...] = ()
    version: int = 1

    def queue_name(self, consumer: str) -> str:
        return f"beatpass.{consumer}.{self.name}"


@dataclass
class Registry:
    events: dict[str, EventType] = field(default_factory=dict)

    def add(self, event_type: EventType) -> EventType:
        if event_type.name in self.events:
            raise ValueError(f"event {event_type.name!r} registered twice")
        self.events[event_type.name] = event_type
        return event_type

    def __getitem__(self, name: str) -> EventType:
        return self.events[name]

    def published_by(self, service: str) -> list[EventType]:
        return [e for e in self.events.values() if e.producer == service]

    def consumed_by(self, service: str) -> list[EventType]:
        return [e for e in self.events.values() if service in e.consumers]

    def relevant_to(self, service: str) -> list[EventType]:
        return [e for e in self.events.values() if e.producer == service or service in e.consumers]


def new_envelope(event_type: EventType) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "version": event_type.version,
    }


def build_event(event_type: EventType, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the full event body (envelope + payload), validated against the event's schema.

    Raises ``ValidationError`` naming the offending fields: a service never emits a malformed event.
    """
    body = {**new_envelope(event_type), **payload}
    validate_event(event_type, body)
    return body


@functools.cache
def _schema(schema: type[Schema]) -> Schema:
    """One instance per event schema, not one per event: marshmallow keeps no per-call state on it."""
    return schema()


def validate_event(event_type: EventType, body: dict[str, Any]) -> None:
    errors = _schema(event_type.schema).validate(body)
    if errors:
        raise ValidationError(errors, field_name=event_type.name)


REGISTRY = Registry()

# Services that arrive with later issues. Their events are listed with them already: the publisher declares
# their durable queues at start, so every XP-earning fact (uploads, counted plays, metadata-complete,
# collaborations: docs/business-rules.md "XP, levels, achievements, leaderboards") and every pool input (paid
# invoices, refunds, counted plays) waits in its queue until the consumer first runs — none is dispatched into
# nothing in the meantime.
GAMIFICATION = "gamification"
PAYOUTS = "payouts"
LICENSING = "licensing"


# --- accounts ---------------------------------------------------------------------------------

class UserRegistered(Envelope):
    user_id = fields.UUID(required=True)
    username = fields.String(required=True)


class ProducerApproved(Envelope):
    user_id = fields.UUID(required=True)
    application_id = fields.UUID(required=True)
    producer_name = fields.String(required=True)
    beats_link = fields.String(required=True)
    #: set when the application claimed an existing artist page instead of creating one
    artist_id = fields.UUID(load_default=None, allow_none=True)


class ProducerVerified(Envelope):
    user_id = fields.UUID(required=True)
    application_id = fields.UUID(required=True)


USER_REGISTERED = REGISTRY.add(EventType("user_registered", "accounts", UserRegistered))
PRODUCER_APPROVED = REGISTRY.add(EventType("producer_approved", "accounts", ProducerApproved,
                                           consumers=("catalog",)))
PRODUCER_VERIFIED = REGISTRY.add(EventType("producer_verified", "accounts", ProducerVerified,
                                           consumers=("catalog", GAMIFICATION)))


class UserDeleted(Envelope):
    """A person deleted their account: every service erases or anonymises what it holds about them.

    Accounts has already erased the account itself; consumers must not call accounts back about this
    user (they are gone). Licences and earnings that others rely on are anonymised, not deleted.
    """

    user_id = fields.UUID(required=True)


USER_DELETED = REGISTRY.add(EventType("user_deleted", "accounts", UserDeleted,
                                      consumers=("catalog", "audio", LICENSING, PAYOUTS, GAMIFICATION)))


# --- catalog: artist pages (services/catalog/artists.py) ---------------------------------------

class ArtistPageChanged(Envelope):
    """An artist page was created, claimed by a producer, or released (its owner deleted their account).

    It carries the page's whole claim state, not the change, so a consumer keeps a copy by keeping the
    newest event per page (by ``occurred_at``): a redelivery or a late retry never rolls the copy back.
    ``python -m services.catalog.cli publish-artist-pages`` publishes it for every page (a backfill).
    """

    artist_id = fields.UUID(required=True)
    #: the owning account; null while the page is unclaimed
    user_id = fields.UUID(required=True, allow_none=True)


# accounts keeps a copy to check "Claim Existing Artist" applications without calling catalog
# (docs/architecture.md: accounts calls no service)
ARTIST_PAGE_CHANGED = REGISTRY.add(EventType("artist_page_changed", "catalog", ArtistPageChanged,
                                             consumers=("accounts", GAMIFICATION)))


# --- catalog and audio: the upload pipeline ---------------------------------------------------

REJECTION_CODES = ("unsupported_format", "lossy_format", "corrupt", "truncated", "too_short", "too_long",
                   "bad_sample_rate", "bad_channels", "bad_bit_depth", "duplicate", "too_large", "processing_failed")


class TrackUploaded(Envelope):
    """A producer's file is in the media store, waiting for the audio service's verdict."""

    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    audio_key = fields.String(required=True)
    size_bytes = fields.Integer(required=True, validate=validate.Range(min=0))


class AudioValidated(Envelope):
    track_id = fields.UUID(required=True)
    format = fields.String(required=True, validate=validate.OneOf(["wav", "flac"]))
    duration_s = fields.Float(required=True)
    sample_rate = fields.Integer(required=True)
    bit_depth = fields.Integer(required=True, allow_none=True)
    channels = fields.Integer(required=True)
    loudness_lufs = fields.Float(required=True, allow_none=True)
    true_peak_dbtp = fields.Float(required=True, allow_none=True)
    waveform_key = fields.String(required=True)
    stream_key = fields.String(required=True)
    stream_content_type = fields.String(required=True)
    download_key = fields.String(required=True)
    fingerprint_hash = fields.String(required=True)
    suspected_lossy_source = fields.Boolean(required=True)


class AudioRejected(Envelope):
    track_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.OneOf(REJECTION_CODES))
    message = fields.String(required=True)
    details = fields.Dict(load_default=dict)


class TrackPublished(Envelope):
    track_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    collaborator_artist_ids = fields.List(fields.UUID(), required=True)
    licensing_model = fields.String(required=True)
    genres = fields.List(fields.String(), required=True)
    published_at = fields.AwareDateTime(required=True)


class TrackRejected(Envelope):
    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)


class TrackMetadataCompleted(Envelope):
    """A track's metadata reached 80 % complete for the first time (earns XP once)."""

    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    completeness = fields.Float(required=True)


class CollaborationCredited(Envelope):
    track_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    credited_by_artist_id = fields.UUID(required=True)


class TrackDeleted(Envelope):
    """The track is gone (deleted by its owner or with their account), or catalog will never publish it (a
    verdict that came after the sweeper rejected it): catalog has deleted its upload and cover; audio forgets
    its fingerprint and deletes its renditions, which only audio deletes (docs/media-store.md)."""

    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)


TRACK_UPLOADED = REGISTRY.add(EventType("track_uploaded", "catalog", TrackUploaded, consumers=("audio",)))
AUDIO_VALIDATED = REGISTRY.add(EventType("audio_validated", "audio", AudioValidated, consumers=("catalog",)))
AUDIO_REJECTED = REGISTRY.add(EventType("audio_rejected", "audio", AudioRejected, consumers=("catalog",)))
TRACK_PUBLISHED = REGISTRY.add(EventType("track_published", "catalog", TrackPublished,
                                          consumers=(GAMIFICATION, PAYOUTS)))
TRACK_REJECTED = REGISTRY.add(EventType("track_rejected", "catalog", TrackRejected))
TRACK_METADATA_COMPLETED = REGISTRY.add(EventType("track_metadata_completed", "catalog", TrackMetadataCompleted,
                                                   consumers=(GAMIFICATION,)))
COLLABORATION_CREDITED = REGISTRY.add(EventType("collaboration_credited", "catalog", CollaborationCredited,
                                                 consumers=(GAMIFICATION,)))
TRACK_DELETED = REGISTRY.add(EventType("track_deleted", "catalog", TrackDeleted,
                                        consumers=("audio", PAYOUTS, GAMIFICATION)))


# --- accounts: paid plans with Stripe Billing (services/accounts/billing/) -------------------

SUBSCRIPTION_STATUSES = ("active", "past_due", "canceled")


class SubscriptionChanged(Envelope):
    """A user's plan or subscription state changed (plan is the plan in force: a downgrade shows in
    ``pending_plan`` until the renewal)."""

    user_id = fields.UUID(required=True)
    plan = fields.String(required=True)
    pending_plan = fields.String(load_default=None, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(SUBSCRIPTION_STATUSES))
    cancel_at_period_end = fields.Boolean(required=True)
    current_period_start = fields.AwareDateTime(required=True, allow_none=True)
    current_period_end = fields.AwareDateTime(required=True, allow_none=True)
    stripe_subscription_id = fields.String(required=True)


class SubscriptionPaid(Envelope):
    """A paid invoice, renewals included; ``amount_cents`` is the plan's base price (the pool's unit),
    not what Stripe charged after prorations or tax."""

    user_id = fields.UUID(required=True)
    invoice_id = fields.String(required=True)
    stripe_subscription_id = fields.String(load_default=None, allow_none=True)
    plan = fields.String(required=True)
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    period_start = fields.AwareDateTime(required=True)
    period_end = fields.AwareDateTime(required=True)
    #: when Stripe says the invoice was paid (``status_transitions.paid_at``): the pool's period is chosen by it.
    #: Events published before this field existed carry none; payouts then uses ``occurred_at``
    paid_at = fields.AwareDateTime(load_default=None, allow_none=True)


class SubscriptionRefunded(Envelope):
    """Money given back on a subscription charge (``amount_cents`` is this refund, not the total)."""

    user_id = fields.UUID(required=True)
    invoice_id = fields.String(load_default=None, allow_none=True)
    charge_id = fields.String(required=True)
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=1))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    #: when Stripe made the refund (the refund's ``created``); older events carry none: payouts uses ``occurred_at``
    refunded_at = fields.AwareDateTime(load_default=None, allow_none=True)


SUBSCRIPTION_CHANGED = REGISTRY.add(EventType("subscription_changed", "accounts", SubscriptionChanged))
SUBSCRIPTION_PAID = REGISTRY.add(EventType("subscription_paid", "accounts", SubscriptionPaid, consumers=(PAYOUTS,)))
SUBSCRIPTION_REFUNDED = REGISTRY.add(EventType("subscription_refunded", "accounts", SubscriptionRefunded,
                                                consumers=(PAYOUTS,)))


# --- catalog: plays (services/catalog/plays/) ---------------------------------------------------

class PlayRecorded(Envelope):
    """A play counted (docs/business-rules.md "Streaming and plays"); gamification and payouts will consume it."""

    play_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    listener_user_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    collaborator_artist_ids = fields.List(fields.UUID(), required=True)
    duration_s = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    position_s = fields.Float(required=True, validate=validate.Range(min=0))
    played_at = fields.AwareDateTime(required=True)


PLAY_RECORDED = REGISTRY.add(EventType("play_recorded", "catalog", PlayRecorded, consumers=(GAMIFICATION, PAYOUTS)))


# --- catalog: beat requests (services/catalog/beat_requests/) -----------------------------------

class BeatRequestCreated(Envelope):
    """A listener opened a beat request (its tokens are spent with accounts)."""

    beat_request_id = fields.UUID(required=True)
    requester_user_id = fields.UUID(required=True)
    genre = fields.String(required=True)
    bpm_min = fields.Integer(required=True)
    bpm_max = fields.Integer(required=True)
    budget_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    lifetime_hours = fields.Integer(required=True)
    cost_tokens = fields.Integer(required=True)
    expires_at = fields.AwareDateTime(required=True)


class BeatRequestResponded(Envelope):
    """A producer answered a beat request with one of their published tracks."""

    beat_request_id = fields.UUID(required=True)
    response_id = fields.UUID(required=True)
    requester_user_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)


class BeatRequestRenewed(Envelope):
    beat_request_id = fields.UUID(required=True)
    requester_user_id = fields.UUID(required=True)
    renewal = fields.Integer(required=True, validate=validate.Range(min=1))
    expires_at = fields.AwareDateTime(required=True)


class BeatRequestDeleted(Envelope):
    beat_request_id = fields.UUID(required=True)
    requester_user_id = fields.UUID(required=True)
    refunded_tokens = fields.Integer(required=True, validate=validate.Range(min=0))


BEAT_REQUEST_CREATED = REGISTRY.add(EventType("beat_request_created", "catalog", BeatRequestCreated))
BEAT_REQUEST_RESPONDED = REGISTRY.add(EventType("beat_request_responded", "catalog", BeatRequestResponded))
BEAT_REQUEST_RENEWED = REGISTRY.add(EventType("beat_request_renewed", "catalog", BeatRequestRenewed))
BEAT_REQUEST_DELETED = REGISTRY.add(EventType("beat_request_deleted", "catalog", BeatRequestDeleted))


# --- catalog: community (likes, reposts, comments) --------------------------------------------
# Emitted only when something changed (an idempotent repeat emits nothing). No consumer yet:
# gamification and notifications may subscribe.


class ItemLiked(Envelope):
    """``user_id`` liked (or, for ``item_unliked``, stopped liking) an item; ``owner_user_id`` is the
    account owning it (null for an artist page nobody has claimed)."""

    user_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(LIKE_KINDS))
    item_id = fields.UUID(required=True)
    owner_user_id = fields.UUID(required=True, allow_none=True)
    like_count = fields.Integer(required=True, validate=validate.Range(min=0))


class TrackReposted(Envelope):
    user_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    repost_count = fields.Integer(required=True, validate=validate.Range(min=0))


class CommentPosted(Envelope):
    comment_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    author_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)


class CommentDeleted(Envelope):
    comment_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    deleted_by = fields.UUID(required=True)


ITEM_LIKED = REGISTRY.add(EventType("item_liked", "catalog", ItemLiked))
ITEM_UNLIKED = REGISTRY.add(EventType("item_unliked", "catalog", ItemLiked))
TRACK_REPOSTED = REGISTRY.add(EventType("track_reposted", "catalog", TrackReposted))
TRACK_UNREPOSTED = REGISTRY.add(EventType("track_unreposted", "catalog", TrackReposted))
COMMENT_POSTED = REGISTRY.add(EventType("comment_posted", "catalog", CommentPosted))
COMMENT_DELETED = REGISTRY.add(EventType("comment_deleted", "catalog", CommentDeleted))


def all_event_types() -> Iterable[EventType]:
    return REGISTRY.events.values()


# --- licensing: downloads, licences and exclusive sales (services/licensing/) ---------------------

LICENSE_TYPES = ("standard", "exclusive")


class LicenseIssued(Envelope):
    """A licence was granted: a standard one on a download, an exclusive one on a completed sale."""

    license_id = fields.UUID(required=True)
    license_type = fields.String(required=True, validate=validate.OneOf(LICENSE_TYPES))
    track_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    licensee_user_id = fields.UUID(required=True)
    issued_at = fields.AwareDateTime(required=True)


class ExclusiveSold(Envelope):
    """An exclusive was paid for and granted: catalog marks the track Sold, payouts credits ``price_cents`` to
    the uploader (``producer_user_id``), gamification may award XP. ``fee_cents`` is the buyer's fee."""

    license_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)
    buyer_user_id = fields.UUID(required=True)
    price_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    fee_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    stripe_payment_intent_id = fields.String(required=True)
    sold_at = fields.AwareDateTime(required=True)


class ExclusiveRefunded(Envelope):
    """A completed exclusive sale was refunded: its licence is revoked and the track is Available again;
    payouts debits what it credited for the sale."""

    license_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True)
    price_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    refunded_at = fields.AwareDateTime(required=True)


EXCLUSIVE_PURCHASE_REFUND_REASONS = ("already_sold", "not_available")


class ExclusivePurchaseRefunded(Envelope):
    """A buyer paid for an exclusive that could not be granted (someone else's payment completed first, or the
    exclusive stopped being available meanwhile): the whole payment went back through Stripe's Refunds API.
    Catalog turns it into a notification for the buyer. No licence existed, so nothing is revoked."""

    buyer_user_id = fields.UUID(required=True)
    track_id = fields.UUID(required=True)
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    reason = fields.String(required=True, validate=validate.OneOf(EXCLUSIVE_PURCHASE_REFUND_REASONS))


LICENSE_ISSUED = REGISTRY.add(EventType("license_issued", LICENSING, LicenseIssued,
                                        consumers=(PAYOUTS, GAMIFICATION)))
EXCLUSIVE_SOLD = REGISTRY.add(EventType("exclusive_sold", LICENSING, ExclusiveSold,
                                        consumers=("catalog", PAYOUTS, GAMIFICATION)))
EXCLUSIVE_REFUNDED = REGISTRY.add(EventType("exclusive_refunded", LICENSING, ExclusiveRefunded,
                                            consumers=("catalog", PAYOUTS, GAMIFICATION)))
EXCLUSIVE_PURCHASE_REFUNDED = REGISTRY.add(EventType("exclusive_purchase_refunded", LICENSING,
                                                     ExclusivePurchaseRefunded, consumers=("catalog",)))


# --- payouts: Connect accounts, earnings, transfers (services/payouts/) ---------------------------

EARNING_SOURCES = ("pool_share", "exclusive_sale")


class PayoutAccountUpdated(Envelope):
    """A producer's Stripe Connect (Express) account changed, as Stripe's ``account.updated`` says: payout-ready
    only when connected, charges enabled and payouts enabled are all true."""

    user_id = fields.UUID(required=True)
    stripe_account_id = fields.String(required=True)
    country = fields.String(required=True, validate=validate.Length(equal=2))
    connected = fields.Boolean(required=True)
    charges_enabled = fields.Boolean(required=True)
    payouts_enabled = fields.Boolean(required=True)
    currently_due = fields.List(fields.String(), required=True)
    payout_ready = fields.Boolean(required=True)


class EarningsCredited(Envelope):
    """Money credited to a producer's ledger: a pool share of a run, or an exclusive sale's price."""

    entry_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    artist_id = fields.UUID(required=True, allow_none=True)
    source = fields.String(required=True, validate=validate.OneOf(EARNING_SOURCES))
    amount_cents = fields.Integer(required=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    run_id = fields.UUID(load_default=None, allow_none=True)
    period = fields.String(load_default=None, allow_none=True)
    license_id = fields.UUID(load_default=None, allow_none=True)
    credited_at = fields.AwareDateTime(required=True)


class PayoutOutcome(Envelope):
    """What Stripe did with one split's transfer of a run (the fields both outcomes carry)."""

    run_id = fields.UUID(required=True)
    split_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    period = fields.String(required=True)
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))


class PayoutPaid(PayoutOutcome):
    """A run's transfer to a producer was accepted by Stripe (split status Paid)."""

    stripe_transfer_id = fields.String(required=True, allow_none=True)
    paid_at = fields.AwareDateTime(required=True)


class PayoutFailed(PayoutOutcome):
    """Stripe refused a run's transfer (split status Failed); ``reason`` is Stripe's code; a later run retries."""

    reason = fields.String(required=True)
    failed_at = fields.AwareDateTime(required=True)


PAYOUT_ACCOUNT_UPDATED = REGISTRY.add(EventType("payout_account_updated", PAYOUTS, PayoutAccountUpdated))
EARNINGS_CREDITED = REGISTRY.add(EventType("earnings_credited", PAYOUTS, EarningsCredited, consumers=(GAMIFICATION,)))
PAYOUT_PAID = REGISTRY.add(EventType("payout_paid", PAYOUTS, PayoutPaid, consumers=("catalog",)))
PAYOUT_FAILED = REGISTRY.add(EventType("payout_failed", PAYOUTS, PayoutFailed, consumers=("catalog",)))
