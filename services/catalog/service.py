"""The ``catalog`` nameko service: one service composed of its areas' entrypoints (each area's
``service.py``: thin RPC and event methods that validate their input and delegate to the use cases;
services/contracts/rpc/catalog.py is the contract, docs/catalog-areas.md the map). Arguments arrive as the caller
sent them: the annotations say what is expected, each area's ``schemas`` checks it."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from services.catalog import erasure
from services.catalog.audience.service import AudienceEntrypoints
from services.catalog.beat_requests.service import BeatRequestEntrypoints
from services.catalog.community.service import CommunityEntrypoints
from services.catalog.plays.service import PlayEntrypoints
from services.catalog.tracks.service import TrackEntrypoints, media
from services.common.context import RequestContext
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.contracts.events import USER_DELETED


class CatalogService(TrackEntrypoints, PlayEntrypoints, BeatRequestEntrypoints, CommunityEntrypoints,
                     AudienceEntrypoints):
    """nameko collects the entrypoints and dependencies of the base classes too: every RPC method of
    every area is ``catalog.<method>``, as before the split."""

    name = "catalog"

    db = Database()
    context = RequestContext()
    # beat-request tokens, the producer role of Backstage callers (tracks and plays areas) and the admin role of
    # whoever asks for analytics reports (audience)
    accounts = RpcProxy("accounts")

    @rpc
    def ping(self) -> str:
        return "pong"

    # a deleted account is erased from every area at once, in one transaction (erasure.py)
    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        erasure.on_user_deleted(self.db, media(), event)


SERVICE = CatalogService
