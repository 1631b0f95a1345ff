"""The ``licensing`` service's RPC surface: download eligibility, standard licences issued on download, the
library, certificates, public verification and exclusive sales (docs/licensing.md).

Files travel as media-store keys (``FileRef``): the gateway turns them into signed, expiring URLs
(``DOWNLOAD_URL_SECRET``) and serves them with HTTP Range; no service ever builds a public URL."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.events import LICENSE_TYPES
from services.contracts.rpc import RpcSurface, method, page_of

UUID = {"format": "uuid"}
DATE_TIME = {"format": "date-time"}

#: why a download is refused (``details.reason`` of the 403), in the order they are checked
DOWNLOAD_REFUSALS = ("not_published", "exclusive_sold", "exclusive_only", "free_plan", "payment_overdue")
LICENSE_STATUSES = ("valid", "revoked")


class Eligibility(Schema):
    allowed = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={
        "enum": [*DOWNLOAD_REFUSALS, "own_track", "subscriber", None],
        "description": "Why not (one of the 403 reasons), or why yes: `own_track` (the producer's own track) or "
                       "`subscriber` (a paid plan that allows downloads)."})
    message = fields.String(metadata={"description": "What to do next, in words a person can act on."})


class Terms(Schema):
    """Machine-readable licence terms (docs/licensing.md "Terms"); ``text`` is what the certificate prints."""

    version = fields.String(metadata={"example": "standard-2026-12"})
    license_type = fields.String(metadata={"enum": list(LICENSE_TYPES)})
    new_works = fields.Integer(allow_none=True, metadata={"description": "New musical works allowed (null: unlimited)."})
    credit = fields.String(metadata={"example": "Produced by Ana Beats"})
    content_id_registration = fields.Boolean()
    live_performance_max_attendees = fields.Integer(allow_none=True)
    sync = fields.Boolean(metadata={"description": "Film, TV, broadcast and games."})
    transferable = fields.Boolean()
    ai_training = fields.Boolean()
    publishing_split = fields.Dict(allow_none=True, metadata={"description": 'Exclusive only: `{"producer": 20, '
                                                                          '"licensee": 80}` (percent).'})
    territory = fields.String(allow_none=True)
    governing_law = fields.String(allow_none=True)
    producer_royalty_percent = fields.Integer(allow_none=True)
    deliverables = fields.List(fields.String())
    text = fields.List(fields.String(), metadata={"description": "The clauses as the certificate prints them."})


class License(Schema):
    id = fields.String(metadata=UUID)
    type = fields.String(metadata={"enum": list(LICENSE_TYPES)})
    status = fields.String(metadata={"enum": list(LICENSE_STATUSES)})
    track_id = fields.String(metadata=UUID)
    track_title = fields.String()
    artist_id = fields.String(metadata=UUID)
    producer_name = fields.String()
    licensee_user_id = fields.String(allow_none=True, metadata={**UUID, "description": "null once the licensee "
                                                                                      "deleted their account."})
    licensee_email_masked = fields.String(metadata={"example": "j***@example.com"})
    fingerprint_hash = fields.String(allow_none=True)
    issued_at = fields.String(metadata=DATE_TIME)
    revoked_at = fields.String(allow_none=True, metadata=DATE_TIME)
    terms_version = fields.String()
    terms = fields.Nested(Terms)
    price = fields.Dict(allow_none=True, metadata={"description": 'Exclusive only: `{"price_cents", "fee_cents", '
                                                                 '"currency"}`.'})


class FileRef(Schema):
    """A file of the media store the gateway will sign a URL for."""

    key = fields.String()
    content_type = fields.String()
    filename = fields.String(metadata={"description": "The name the browser saves it under."})
    format = fields.String(metadata={"description": "`wav`, `flac`, `mp3` or `zip`."})


class Files(Schema):
    original = fields.Nested(FileRef)
    mp3_320 = fields.Nested(FileRef)
    stems = fields.Nested(FileRef, allow_none=True, metadata={"description": "Exclusive licences (and the "
                                                                              "producer) only, when the track has stems."})
    wav = fields.Nested(FileRef, metadata={"description": "Exclusive licences only (`license_files`): the original "
                                                          "when it is a WAV, else the FLAC decoded to WAV."})
    tagged_wav = fields.Nested(FileRef, metadata={"description": "Exclusive licences only (`license_files`): the "
                                                                 "WAV with RIFF INFO tags naming the track, producer "
                                                                 "and licence (docs/licensing.md)."})


class Download(Schema):
    license = fields.Nested(License, allow_none=True, metadata={
        "description": "null when the producer downloads their own track: nobody licenses their own work."})
    files = fields.Nested(Files)


class Verification(Schema):
    status = fields.String(metadata={"enum": list(LICENSE_STATUSES)})
    license_type = fields.String(metadata={"enum": list(LICENSE_TYPES)})
    track = fields.Dict(metadata={"description": '`{"id", "title"}`'})
    producer = fields.Dict(metadata={"description": '`{"artist_id", "name"}`'})
    issued_at = fields.String(metadata=DATE_TIME)
    revoked_at = fields.String(allow_none=True, metadata=DATE_TIME)
    licensee_email_masked = fields.String()
    fingerprint_hash = fields.String(allow_none=True)
    terms_version = fields.String()
    terms = fields.Nested(Terms)


class CertificateSource(Schema):
    key = fields.String()
    content_type = fields.String()
    filename = fields.String()


class ExclusiveCheckout(Schema):
    url = fields.String(metadata={"description": "Stripe's hosted checkout page."})
    session_id = fields.String()
    price_cents = fields.Integer()
    fee_cents = fields.Integer()
    total_cents = fields.Integer()
    currency = fields.String()


class StripeEventHandled(Schema):
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
    event_id = fields.String()
    type = fields.String()


LicensePage = page_of(License)

LICENSING = RpcSurface("licensing", (
    method("ping",
           summary='`"pong"`'),
    method("download_eligibility", "actor_id track_id", reply=Eligibility,
           summary="`{allowed, reason, message}`; no side effect",
           errors="`NotFound` (unknown track, or another producer's unpublished one)"),
    method("download", "actor_id track_id", reply=Download,
           summary="`{license, files}`: a new standard licence (emits `license_issued`) and the keys of the "
                   "original and the MP3 320; the producer's own track gives the files and `license: null`",
           errors='`Forbidden` with `details.reason` (one of `DOWNLOAD_REFUSALS`), `NotFound`'),
    method("license_files", "actor_id license_id", reply=Files,
           summary="`Files` again for a licence's holder (stems too for an exclusive); no new licence",
           errors="`NotFound` (unknown, or not the actor's), `Conflict` (revoked)"),
    method("list_my_licenses", "actor_id", "cursor limit", reply=LicensePage,
           summary="envelope of `License`, newest first",
           errors="`InvalidField` (cursor, limit)"),
    method("get_license", "actor_id license_id", reply=License,
           summary="`License` for its licensee or the track's producer",
           errors="`NotFound` (also anyone else)"),
    method("certificate_source", "actor_id license_id", reply=CertificateSource,
           summary='`{"key", "content_type": "application/pdf", "filename"}`: the certificate PDF in the media '
                   "store, made on first request and kept",
           errors="`NotFound` (same rule as `get_license`)"),
    method("verify_license", "license_id", reply=Verification,
           summary="public facts of a licence, nothing more personal than the masked email",
           errors='`NotFound` with `details.status: "unknown"`'),
    method("start_exclusive_checkout", "actor_id track_id", reply=ExclusiveCheckout,
           summary="a Stripe Checkout Session in `payment` mode for the price plus the buyer's fee (12 % rounded "
                   "half up, + 300)",
           errors="`NotFound`, `Conflict` (not available: standard-only, private, sold; or the actor's own track), "
                  "`BillingUnavailable`"),
    method("handle_stripe_event", "event", reply=StripeEventHandled,
           summary="a verified Stripe event the gateway routed here (payment-mode `checkout.session.completed`, "
                   "exclusive `charge.refunded`); deduplicated by the event's id",
           errors="`BadRequest` (not an event licensing handles)"),
), sections=(
    ("Downloads and licences", None),
    ("Exclusive sales", "start_exclusive_checkout"),
))
