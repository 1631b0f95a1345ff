"""Schemas of the beat-request and notification API (README "Beat requests and notifications")."""
from __future__ import annotations

from marshmallow import fields, validate

from gateway.schemas import PageQuery, StrictSchema, UUIDString, page_of
from services.contracts.inputs import catalog as contract_inputs
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import BEAT_REQUEST_GENRE_MAX, BEAT_REQUEST_MESSAGE_MAX
from services.contracts.rpc.catalog import (BeatRequestCosts, BeatRequestDeleted, Notification,  # noqa: F401
                                            NotificationPage, UnreadCount)


# -- requests ---------------------------------------------------------------------------------

class NewBeatRequest(contract_inputs.NewBeatRequest):
    """POST /beat-requests' body; its shape is the catalog's input contract (services/contracts/inputs/catalog.py)."""


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
