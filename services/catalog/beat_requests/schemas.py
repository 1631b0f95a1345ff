"""Validation of the beat-request and notification RPCs' input; a new request is loaded with the catalog's input
contract (services/contracts/inputs/catalog.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import fields, post_load, pre_load, validate

from services.catalog.beat_requests import rules as br
from services.catalog.shared.schemas import PageSchema, optional_text, page_of, text
from services.common.fields import CanonicalId, StrictInteger
from services.common.pagination import PageRequest
from services.common.validation import StrictSchema, load
from services.contracts.inputs import catalog as contract
from services.contracts.inputs import trimmed

OPEN_REQUESTS = "beat_requests:open"
MY_REQUESTS = "beat_requests:mine"
RESPONSES = "beat_requests:responses"
NOTIFICATIONS = "notifications"


class NewBeatRequestSchema(contract.NewBeatRequest):
    """The contract; the genre and mood are trimmed first, and the currency defaults to CAD."""

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, contract.BEAT_REQUEST_TEXTS)

    @post_load
    def with_defaults(self, data: dict, **kwargs) -> dict:
        return {"currency": br.DEFAULT_CURRENCY, "reference_track_id": None, **data}


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
