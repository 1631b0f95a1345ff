"""Schemas of the beat-request and notification API (README "Beat requests and notifications")."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas import PageQuery, StrictSchema, UUIDString, page_of

LIFETIMES = (24, 48, 72)
BPM = validate.Range(min=50, max=200)
STATUSES = ("open", "expired")
NOTIFICATION_KINDS = ("beat_request_match", "beat_request_response")


def strict_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


def required_text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1, max=max_length),
                                                  validate.Regexp(r"\S", error="Must not be blank.")], **kwargs)


# -- requests ---------------------------------------------------------------------------------

class NewBeatRequest(StrictSchema):
    genre = required_text(50)
    bpm_min = strict_int(required=True, validate=BPM)
    bpm_max = strict_int(required=True, validate=BPM)
    mood = required_text(100)
    budget_cents = strict_int(required=True, validate=validate.Range(min=0, max=100_000_000),
                              metadata={"description": "The budget in cents of `currency`."})
    currency = fields.String(validate=validate.OneOf(("CAD",)), metadata={"description": "CAD (the default)."})
    reference_track_id = UUIDString(allow_none=True, metadata={"description": "A published track."})
    lifetime_hours = strict_int(required=True, validate=validate.OneOf(LIFETIMES), metadata={
        "description": "24, 48 or 72 hours, costing 1, 2 or 3 tokens."})

    @validates_schema(skip_on_field_errors=False)  # reported beside any other field's error
    def bpm_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError({"bpm_min": ["Must not exceed bpm_max."]})


class BeatRequestsQuery(PageQuery):
    genre = fields.String(validate=validate.Length(min=1, max=50))
    bpm = fields.Integer(validate=validate.Range(min=0), metadata={"description": "A BPM inside the request's range."})
    budget_min = fields.Integer(validate=validate.Range(min=0), metadata={"description": "Minimum budget, in cents."})


class NewResponse(StrictSchema):
    track_id = UUIDString(required=True, metadata={"description": "One of your own published tracks."})
    message = fields.String(allow_none=True, validate=validate.Length(max=1000))


class NotificationsQuery(PageQuery):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread ones."})


# -- responses --------------------------------------------------------------------------------

class BeatRequest(Schema):
    id = fields.UUID()
    requester_user_id = fields.UUID()
    requester_username = fields.String(allow_none=True, metadata={
        "description": "The requester's username (null when that account was deleted).", "example": "beatfan42"})
    genre = fields.String()
    bpm_min = fields.Integer()
    bpm_max = fields.Integer()
    mood = fields.String()
    budget_cents = fields.Integer()
    currency = fields.String()
    reference_track_id = fields.UUID(allow_none=True)
    lifetime_hours = fields.Integer()
    cost_tokens = fields.Integer(metadata={"description": "What the creation cost."})
    renewals = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    created_at = fields.String(metadata={"format": "date-time"})
    expires_at = fields.String(metadata={"format": "date-time"})
    renewable_until = fields.String(metadata={"format": "date-time",
                                              "description": "Renewal is possible until 30 days after expiry."})
    tokens = fields.Integer(metadata={"description": "After a create or renew: your token balance left."})


class BeatRequestResponse(Schema):
    id = fields.UUID()
    beat_request_id = fields.UUID()
    producer_user_id = fields.UUID()
    producer_username = fields.String(allow_none=True, metadata={
        "description": "The responding producer's username (null when that account was deleted).",
        "example": "djnova"})
    artist_id = fields.UUID()
    artist_name = fields.String()
    track_id = fields.UUID()
    track_name = fields.String()
    message = fields.String(allow_none=True)
    created_at = fields.String(metadata={"format": "date-time"})


class BeatRequestDeleted(Schema):
    refunded_tokens = fields.Integer(metadata={"description": "0 for an expired request."})
    tokens = fields.Integer(metadata={"description": "Your token balance now."})


class Notification(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"enum": list(NOTIFICATION_KINDS)})
    payload = fields.Dict()
    read = fields.Boolean(metadata={"description": "Whether it had been read before this call."})
    created_at = fields.String(metadata={"format": "date-time"})


BeatRequestPage = page_of(BeatRequest)
BeatRequestResponsePage = page_of(BeatRequestResponse)
NotificationPage = page_of(Notification)

