"""Validation of the beat-request and notification RPCs' input (the gateway validates too; not trusted here)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.catalog.beat_requests import rules as br
from services.catalog.shared.schemas import PageSchema, optional_text, page_of, text
from services.common.fields import CanonicalId, StrictInteger
from services.common.pagination import PageRequest
from services.common.validation import StrictSchema, load

OPEN_REQUESTS = "beat_requests:open"
MY_REQUESTS = "beat_requests:mine"
RESPONSES = "beat_requests:responses"
NOTIFICATIONS = "notifications"


def bpm(**kwargs) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=br.BPM_MIN, max=br.BPM_MAX), **kwargs)


class NewBeatRequestSchema(StrictSchema):
    genre = text(br.GENRE_MAX, required=True)
    bpm_min = bpm(required=True)
    bpm_max = bpm(required=True)
    mood = text(br.MOOD_MAX, required=True)
    budget_cents = StrictInteger(required=True, validate=validate.Range(min=0, max=br.BUDGET_MAX_CENTS))
    currency = fields.String(load_default=br.DEFAULT_CURRENCY, validate=validate.OneOf(br.CURRENCIES))
    reference_track_id = CanonicalId(load_default=None, allow_none=True)
    lifetime_hours = StrictInteger(required=True, validate=validate.OneOf(
        tuple(br.LIFETIME_COSTS), error="must be one of 24, 48 or 72 (hours)"))

    @validates_schema(skip_on_field_errors=True)
    def bpm_range(self, data: dict, **kwargs) -> None:
        if data["bpm_min"] > data["bpm_max"]:
            raise ValidationError(["must not be above bpm_max"], field_name="bpm_min")


class OpenRequestsQuerySchema(PageSchema):
    genre = text(br.GENRE_MAX, load_default=None, allow_none=True)
    bpm = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=0))
    budget_min = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=0))


class ResponseSchema(StrictSchema):
    track_id = CanonicalId(required=True)
    message = optional_text(br.MESSAGE_MAX)


class NotificationsQuerySchema(PageSchema):
    unread = fields.Boolean(load_default=False, truthy={True}, falsy={False})


@dataclass(frozen=True)
class OpenRequestsQuery:
    genre: str | None
    bpm: int | None
    budget_min: int | None
    page: PageRequest


def load_new_request(data: Any) -> dict[str, Any]:
    return load(NewBeatRequestSchema, data, root="data")


def load_open_query(genre: Any, bpm: Any, budget_min: Any, cursor: Any, limit: Any) -> OpenRequestsQuery:
    data = load(OpenRequestsQuerySchema, {"genre": genre, "bpm": bpm, "budget_min": budget_min, "cursor": cursor,
                                           "limit": limit})
    return OpenRequestsQuery(data["genre"] or None, data["bpm"], data["budget_min"], page_of(OPEN_REQUESTS, data))


def load_response(data: Any) -> dict[str, Any]:
    return load(ResponseSchema, data, root="data")


def load_notifications_query(unread: Any, cursor: Any, limit: Any) -> tuple[bool, PageRequest]:
    data = load(NotificationsQuerySchema, {"unread": unread, "cursor": cursor, "limit": limit})
    return data["unread"], page_of(NOTIFICATIONS, data)
