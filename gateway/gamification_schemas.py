"""HTTP shapes of progress, leaderboards and the Backstage pages (docs/gamification.md), built on the
gamification and catalog contracts' reply shapes (services/contracts/rpc/gamification.py, catalog.py). What HTTP
adds: the query strings validated before any RPC, and ``links`` on the producer's own tracks."""
from __future__ import annotations

from marshmallow import fields, validate

from gateway.catalog_schemas import TrackLinks
from gateway.payout_schemas import ARTIST_CHOICE
from gateway.schemas import PageQuery, UUIDString
from services.contracts.rpc import catalog, gamification as contract
from services.contracts.rpc.gamification import LEADERBOARD_PERIODS
from services.contracts.vocabularies import CURRENCIES, TRACK_STATUSES

ARTIST = UUIDString(metadata={"description": ARTIST_CHOICE})


# -- requests ------------------------------------------------------------------------------------------------------

class HistoryQuery(PageQuery):
    artist = ARTIST


class LeaderboardQuery(PageQuery):
    period = fields.String(load_default="all_time", validate=validate.OneOf(LEADERBOARD_PERIODS), metadata={
        "description": "`month` is the current calendar month, UTC."})
    currency = fields.String(validate=validate.OneOf(CURRENCIES), metadata={
        "description": "Earnings only: the currency ranked (default CAD)."})


class BeatsQuery(PageQuery):
    artist = ARTIST
    status = fields.String(validate=validate.OneOf(TRACK_STATUSES))


class CollectionsQuery(PageQuery):
    artist = ARTIST
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "Filters by name."})


# -- responses -----------------------------------------------------------------------------------------------------

class Progress(contract.Progress):
    """GET /producer/progress, POST /producer/progress/refresh, GET /artists/{id}/achievements."""


XpEntry, XpPage = contract.XpEntry, contract.XpPage


class Leaderboard(contract.Leaderboard):
    """GET /leaderboards/{category}: the list envelope plus `me`."""


class Dashboard(contract.Dashboard):
    """GET /producer/dashboard."""


class Activity(contract.Activity):
    """GET /producer/activity: one embedded year, not a paged list."""


class ProducerBeat(catalog.ProducerBeat):
    links = fields.Nested(TrackLinks)


class ProducerBeats(catalog.ProducerBeats):
    """GET /producer/beats: the list envelope plus the page's collaboration insights."""

    items = fields.List(fields.Nested(ProducerBeat))


class ProducerCollections(catalog.ProducerCollections):
    """GET /producer/collections."""
