"""HTTP shapes of following artist pages and of the admins' analytics reports (gateway/blueprints/
artist_follows.py), built on the catalog contract (services/contracts/rpc/catalog.py). What HTTP adds: each
follower named with their username, and the request body of the reports."""
from __future__ import annotations

from marshmallow import Schema, fields

from gateway.payout_schemas import PERIOD_PATTERN, check_period
from gateway.schemas import StrictSchema, page_of
from services.contracts.rpc.catalog import AnalyticsReportsRun, ArtistFollowState  # noqa: F401


class AnalyticsReportsRequest(StrictSchema):
    month = fields.String(validate=check_period, metadata={
        "pattern": PERIOD_PATTERN.pattern, "example": "2026-02",
        "description": "A UTC calendar month that has ended, `YYYY-MM` (default: the last finished one)."})


class FollowerUser(Schema):
    id = fields.String(metadata={"format": "uuid"})
    username = fields.String(allow_none=True, metadata={
        "description": "Null only when that account was deleted a moment ago.", "example": "beatfan42"})


class ArtistFollower(Schema):
    user = fields.Nested(FollowerUser)
    followed_at = fields.String(metadata={"format": "date-time"})


ArtistFollowerPage = page_of(ArtistFollower)
