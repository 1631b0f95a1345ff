"""The catalog service's entrypoints for tracks, artist pages and collections, and the audio
pipeline's events. Thin: validate with ``schemas``, delegate to the use cases with the unit of work."""
from __future__ import annotations

import logging

from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.catalog.tracks.artists import ClaimStatus
from services.catalog.tracks import (artists, backstage, collections, covers, discography, licensing, payout_catalog,
                                     pipeline, presets, sales, schemas, thumbnails, tracks)
from services.catalog.shared.schemas import load_page
from services.catalog.tracks.views import ArtistSummary, ArtistView, CollectionView, Source, TrackView
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.media import CATALOG, MediaStore
from services.common.pagination import Envelope
from services.contracts.events import (AUDIO_REJECTED, AUDIO_VALIDATED, EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD,
                                       PRODUCER_APPROVED, PRODUCER_VERIFIED)

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 60
#: how often the catalog checks that every preset cover is drawn (first at start; later only if the store lost some)
PRESETS_INTERVAL_S = 3600


def media() -> MediaStore:
    return MediaStore.from_env(owner=CATALOG)  # deletes uploads, covers, images and stems only


class TrackEntrypoints:
    """Mixed into ``CatalogService`` (services/catalog/service.py), which provides ``db`` and ``accounts``."""

    db: Database
    accounts: RpcProxy

    # --- artist pages ------------------------------------------------------------------------------

    @rpc
    def artist_claim_status(self, artist_id: str) -> ClaimStatus:
        return artists.claim_status(self.db, artist_id)

    # get_artist (a page with whether the caller follows it) is audience's: audience/service.py

    @rpc
    def artist_summaries(self, artist_ids: list) -> dict[str, ArtistSummary]:
        return artists.artist_summaries(self.db, schemas.load_artist_ids(artist_ids))

    @rpc
    def get_my_artist(self, actor_id: str, artist_id: str | None = None) -> ArtistView:
        return artists.get_my_artist(self.db, actor_id, schemas.load_artist_choice(artist_id))

    @rpc
    def my_artists(self, actor_id: str) -> Envelope:
        return artists.my_artists(self.db, actor_id)

    @rpc
    def search_artists(self, q: str, cursor: str | None = None, limit: int | None = None) -> Envelope:
        return artists.search_artists(self.db, schemas.load_artist_search(q, cursor, limit))

    @rpc
    def update_artist(self, actor_id: str, artist_id: str, changes: dict) -> ArtistView:
        return artists.update_artist(self.db, actor_id, artist_id, schemas.load_artist_changes(changes))

    @rpc
    def add_artist_image(self, actor_id: str, artist_id: str, kind: str, image_key: str) -> ArtistView:
        image = schemas.load_artist_image(kind, image_key)
        return artists.add_image(self.db, media(), actor_id, artist_id, image["kind"], image["image_key"])

    @rpc
    def image_source(self, artist_id: str, image_id: str, size: int | None = None) -> dict:
        return thumbnails.sized(media(), dict(artists.image_source(self.db, artist_id, image_id)),
                                schemas.load_cover_size(size))

    @rpc
    def list_artist_tracks(self, artist_id: str, cursor: str | None = None, limit: int = 20,
                           actor_id: str | None = None) -> Envelope:
        page = load_page(discography.KIND, cursor, limit)
        return discography.list_artist_tracks(self.db, artist_id, page, actor_id)

    @rpc
    def artists_managed_by(self, user_id: str) -> list[ArtistSummary]:
        return artists.artists_managed_by(self.db, user_id)

    # --- collections -------------------------------------------------------------------------------

    @rpc
    def create_collection(self, actor_id: str, data: dict, cover_key: str | None,
                          artist_id: str | None = None) -> CollectionView:
        return collections.create_collection(self.db, media(), actor_id, schemas.load_collection(data), cover_key,
                                             schemas.load_artist_choice(artist_id))

    @rpc
    def get_collection(self, collection_id: str, actor_id: str | None = None) -> CollectionView:
        return collections.get_collection(self.db, collection_id, actor_id)

    @rpc
    def list_artist_collections(self, artist_id: str, actor_id: str | None = None, cursor: str | None = None,
                                limit: int | None = None) -> Envelope:
        page = schemas.load_artist_collections_page(cursor, limit)
        return collections.list_artist_collections(self.db, artist_id, actor_id, page)

    @rpc
    def update_collection(self, actor_id: str, collection_id: str, changes: dict) -> CollectionView:
        loaded = schemas.load_collection_changes(changes)
        return collections.update_collection(self.db, media(), actor_id, collection_id, loaded)

    @rpc
    def delete_collection(self, actor_id: str, collection_id: str) -> None:
        collections.delete_collection(self.db, media(), actor_id, collection_id)

    @rpc
    def replace_collection_cover(self, actor_id: str, collection_id: str, cover_key: str) -> CollectionView:
        return collections.replace_cover(self.db, media(), actor_id, collection_id, schemas.load_cover_key(cover_key))

    @rpc
    def collection_cover_source(self, collection_id: str, size: int | None = None) -> dict:
        return covers.collection_cover_source(self.db, media(), collection_id, schemas.load_cover_size(size))

    @rpc
    def producer_collections(self, actor_id: str, artist_id: str | None = None, q: str | None = None,
                             cursor: str | None = None, limit: int | None = None) -> dict:
        query = schemas.load_producer_collections(artist_id, q, cursor, limit)
        return backstage.producer_collections(self.db, backstage.RemoteRoles(self.accounts), actor_id, query)

    # --- tracks ------------------------------------------------------------------------------------

    @rpc
    def create_track(self, actor_id: str, metadata: dict, audio_key: str, size_bytes: int,
                     cover_key: str | None = None, artist_id: str | None = None) -> TrackView:
        loaded = schemas.load_track_metadata(metadata)
        upload = schemas.load_upload(audio_key, size_bytes, cover_key)
        return tracks.create_track(self.db, media(), actor_id, loaded, upload, schemas.load_artist_choice(artist_id))

    # get_track (a track with the caller's own likes and reposts) is community's: community/service.py

    @rpc
    def list_tracks(self, filters: dict | None = None, sort: str = "newest", cursor: str | None = None,
                    limit: int = 20, actor_id: str | None = None) -> Envelope:
        return tracks.list_tracks(self.db, schemas.load_track_query(filters, sort, cursor, limit), actor_id)

    @rpc
    def update_track(self, actor_id: str, track_id: str, changes: dict) -> TrackView:
        return tracks.update_track(self.db, actor_id, track_id, schemas.load_track_changes(changes), media())

    @rpc
    def replace_track_cover(self, actor_id: str, track_id: str, cover_key: str) -> TrackView:
        return covers.replace_track_cover(self.db, media(), actor_id, track_id, schemas.load_cover_key(cover_key))

    @rpc
    def delete_track(self, actor_id: str, track_id: str) -> None:
        tracks.delete_track(self.db, media(), actor_id, track_id)

    # --- licensing (the licensing service's questions; the gateway's stems upload) -------------------

    @rpc
    def licensing_facts(self, track_id: str) -> dict:
        return licensing.licensing_facts(self.db, track_id)

    @rpc
    def attach_stems(self, actor_id: str, track_id: str, stems_key: str, manifest: dict) -> dict:
        stems = schemas.load_stems(stems_key, manifest)
        return licensing.attach_stems(self.db, media(), actor_id, track_id, stems["stems_key"], stems["manifest"])

    # --- payouts (its copy of the catalog at the start of a run) ------------------------------------

    @rpc
    def payout_tracks(self, cursor: str | None = None, limit: int | None = None) -> Envelope:
        page = schemas.load_payout_tracks_page(payout_catalog.KIND, cursor, limit)
        return payout_catalog.payout_tracks(self.db, page)

    @rpc
    def stream_source(self, track_id: str) -> Source:
        return tracks.stream_source(self.db, track_id)

    @rpc
    def waveform_source(self, track_id: str) -> Source:
        return tracks.waveform_source(self.db, track_id)

    @rpc
    def cover_source(self, track_id: str, size: int | None = None) -> dict:
        return covers.track_cover_source(self.db, media(), track_id, schemas.load_cover_size(size))

    @rpc
    def cover_preset_source(self, preset_id: str, size: int | None = None) -> dict:
        return covers.preset_source(media(), schemas.load_preset_id(preset_id), schemas.load_cover_size(size))

    # --- events ------------------------------------------------------------------------------------

    @event_handler(PRODUCER_APPROVED)
    def on_producer_approved(self, event: dict) -> None:
        artists.on_producer_approved(self.db, event)

    @event_handler(PRODUCER_VERIFIED)
    def on_producer_verified(self, event: dict) -> None:
        artists.on_producer_verified(self.db, event)

    @event_handler(AUDIO_VALIDATED)
    def on_audio_validated(self, event: dict) -> None:
        pipeline.on_audio_validated(self.db, event)

    @event_handler(AUDIO_REJECTED)
    def on_audio_rejected(self, event: dict) -> None:
        pipeline.on_audio_rejected(self.db, media(), event)

    @event_handler(EXCLUSIVE_SOLD)
    def on_exclusive_sold(self, event: dict) -> None:
        sales.on_exclusive_sold(self.db, event)

    @event_handler(EXCLUSIVE_REFUNDED)
    def on_exclusive_refunded(self, event: dict) -> None:
        sales.on_exclusive_refunded(self.db, event)

    @timer(interval=PRESETS_INTERVAL_S, eager=True)
    def draw_preset_covers(self) -> None:
        """Every preset cover drawn as the service starts (docs/covers.md), so a fresh platform serves them at once."""
        try:
            if drawn := presets.draw_missing(media()):
                log.info("drew %d preset covers", len(drawn))
        except Exception:
            log.exception("drawing the preset covers failed; each is drawn when first asked for, and this retries")

    @timer(interval=SWEEP_INTERVAL_S)
    def sweep_stuck_uploads(self) -> None:
        """Reject tracks stuck in ``processing`` (the audio service lost or never sent a verdict)."""
        try:
            pipeline.sweep(self.db, media())
            self.db.commit()
        except Exception:
            self.db.rollback()
            log.exception("sweeping stuck uploads failed; the next run retries")
