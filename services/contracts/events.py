"""Every event on the bus: its name, who publishes it, who consumes it, and its payload schema.

This module is the single source of the messaging topology: each service declares, at start,
the exchange and the durable queues (with retry and dead-letter queues) of every event it
publishes or consumes, from ``REGISTRY``. A consumer listed here therefore has its queue before
the first event is ever published, so no event is dispatched into nothing.

Every payload carries the envelope fields ``event_id`` (uuid4), ``occurred_at`` (UTC ISO-8601)
and ``version`` (the schema version of that event type).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from marshmallow import Schema, ValidationError, fields, validate

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


def validate_event(event_type: EventType, body: dict[str, Any]) -> None:
    errors = event_type.schema().validate(body)
    if errors:
        raise ValidationError(errors, field_name=event_type.name)


REGISTRY = Registry()


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
                                           consumers=("catalog",)))


# --- catalog and audio: the upload pipeline ---------------------------------------------------

REJECTION_CODES = ("unsupported_format", "lossy_format", "corrupt", "truncated", "too_short", "too_long",
                   "bad_sample_rate", "bad_channels", "duplicate", "too_large", "processing_failed")


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
    """The owner deleted the track: its files are gone and its fingerprint may be forgotten."""

    track_id = fields.UUID(required=True)
    producer_user_id = fields.UUID(required=True)


TRACK_UPLOADED = REGISTRY.add(EventType("track_uploaded", "catalog", TrackUploaded, consumers=("audio",)))
AUDIO_VALIDATED = REGISTRY.add(EventType("audio_validated", "audio", AudioValidated, consumers=("catalog",)))
AUDIO_REJECTED = REGISTRY.add(EventType("audio_rejected", "audio", AudioRejected, consumers=("catalog",)))
TRACK_PUBLISHED = REGISTRY.add(EventType("track_published", "catalog", TrackPublished))
TRACK_REJECTED = REGISTRY.add(EventType("track_rejected", "catalog", TrackRejected))
TRACK_METADATA_COMPLETED = REGISTRY.add(EventType("track_metadata_completed", "catalog", TrackMetadataCompleted))
COLLABORATION_CREDITED = REGISTRY.add(EventType("collaboration_credited", "catalog", CollaborationCredited))
TRACK_DELETED = REGISTRY.add(EventType("track_deleted", "catalog", TrackDeleted, consumers=("audio",)))


def all_event_types() -> Iterable[EventType]:
    return REGISTRY.events.values()
