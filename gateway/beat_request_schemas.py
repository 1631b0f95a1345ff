"""Schemas of the beat-request and notification API (README "Beat requests and notifications")."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from gateway.schemas import PageQuery, StrictSchema, UUIDString, page_of
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import (BEAT_REQUEST_BUDGET_MAX_CENTS, BEAT_REQUEST_CURRENCIES,
                                             BEAT_REQUEST_GENRE_MAX, BEAT_REQUEST_LIFETIME_COSTS,
                                             BEAT_REQUEST_MESSAGE_MAX, BEAT_REQUEST_MOOD_MAX, BPM_MAX, BPM_MIN)
from services.contracts.rpc.catalog import BeatRequestDeleted, Notification, NotificationPage  # noqa: F401

LIFETIMES = tuple(BEAT_REQUEST_LIFETIME_COSTS)
BPM = validate.Range(min=BPM_MIN, max=BPM_MAX)


def strict_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


def required_text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1, max=max_length),
                                                  validate.Regexp(r"\S", error="Must not be blank.")], **kwargs)


# -- requests ---------------------------------------------------------------------------------

class NewBeatRequest(StrictSchema):
    genre = required_text(BEAT_REQUEST_GENRE_MAX)
    bpm_min = strict_int(required=True, validate=BPM)
    bpm_max = strict_int(required=True, validate=BPM)
    mood = required_text(BEAT_REQUEST_MOOD_MAX)
    budget_cents = strict_int(required=True, validate=validate.Range(min=0, max=BEAT_REQUEST_BUDGET_MAX_CENTS),
                              metadata={"description": "The budget in cents of `currency`."})
    currency = fields.String(validate=validate.OneOf(BEAT_REQUEST_CURRENCIES), metadata={"description": "CAD (the default)."})
    reference_track_id = UUIDString(allow_none=True, metadata={"description": "A published track."})
    lifetime_hours = strict_int(required=True, validate=validate.OneOf(LIFETIMES), metadata={
        "description": "24, 48 or 72 hours, costing 1, 2 or 3 tokens."})

    @validates_schema(skip_on_field_errors=False)  # reported beside any other field's error
    def bpm_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError({"bpm_min": ["Must not exceed bpm_max."]})


class BeatRequestsQuery(PageQuery):
    genre = fields.String(validate=validate.Length(min=1, max=BEAT_REQUEST_GENRE_MAX))
    bpm = fields.Integer(validate=validate.Range(min=0), metadata={"description": "A BPM inside the request's range."})
    budget_min = fields.Integer(validate=validate.Range(min=0), metadata={"description": "Minimum budget, in cents."})


class NewResponse(StrictSchema):
    track_id = UUIDString(required=True, metadata={"description": "One of your own published tracks."})
    message = fields.String(allow_none=True, validate=validate.Length(max=BEAT_REQUEST_MESSAGE_MAX))


class NotificationsQuery(PageQuery):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread ones."})


# -- responses --------------------------------------------------------------------------------

class BeatRequest(contract.BeatRequest):
    requester_username = fields.String(allow_none=True, metadata={
        "description": "The requester's username (null when that account was deleted).", "example": "beatfan42"})


class BeatRequestResponse(contract.BeatRequestResponse):
    producer_username = fields.String(allow_none=True, metadata={
        "description": "The responding producer's username (null when that account was deleted).",
        "example": "djnova"})


BeatRequestPage = page_of(BeatRequest)
BeatRequestResponsePage = page_of(BeatRequestResponse)
