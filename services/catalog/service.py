"""The ``catalog`` nameko service: thin RPC and event methods that validate their input and
delegate to the use cases (docs/rpc-catalog.md is the contract). Arguments arrive as the caller
sent them: the annotations say what is expected, ``schemas`` checks it."""
from __future__ import annotations

import logging

from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.catalog import artists, collections, erasure, pipeline, schemas, tracks
from services.catalog import play_schemas, plays
from services.catalog import beat_request_schemas, beat_requests, notifications
from services.catalog import comments, community_schemas as community, likes, playlists
from services.catalog.artists import ClaimStatus
from services.catalog.views import ArtistView, CollectionView, Source, TrackView
from services.common.clock import utcnow
from services.common.context import RequestContext
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.media import CATALOG, MediaStore
from services.common.pagination import Envelope
from services.contracts.events import (AUDIO_REJECTED, AUDIO_VALIDATED, PRODUCER_APPROVED, PRODUCER_VERIFIED,
                                       USER_DELETED)

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 60


def media() -> MediaStore:
    return MediaStore.from_env(owner=CATALOG)  # deletes uploads, covers and images only


class CatalogService:
    name = "catalog"

    db = Database()
    context = RequestContext()
    accounts = RpcProxy("accounts")  # beat-request tokens

    @rpc
    def ping(self) -> str:
        return "pong"

    # --- artist pages ------------------------------------------------------------------------------

    @rpc
    def artist_claim_status(self, artist_id: str) -> ClaimStatus:
        return artists.claim_status(self.db, artist_id)

    @rpc
    def get_artist(self, artist_id: str) -> ArtistView:
        return artists.get_artist(self.db, artist_id)

    @rpc
    def get_my_artist(self, actor_id: str) -> ArtistView:
        return artists.get_my_artist(self.db, actor_id)

    @rpc
    def update_artist(self, actor_id: str, artist_id: str, changes: dict) -> ArtistView:
        return artists.update_artist(self.db, actor_id, artist_id, schemas.load_artist_changes(changes))

    @rpc
    def add_artist_image(self, actor_id: str, artist_id: str, kind: str, image_key: str) -> ArtistView:
        image = schemas.load_artist_image(kind, image_key)
        return artists.add_image(self.db, media(), actor_id, artist_id, image["kind"], image["image_key"])

    @rpc
    def image_source(self, artist_id: str, image_id: str) -> Source:
        return artists.image_source(self.db, artist_id, image_id)

    # --- collections -------------------------------------------------------------------------------

    @rpc
    def create_collection(self, actor_id: str, data: dict, cover_key: str | None) -> CollectionView:
        return collections.create_collection(self.db, media(), actor_id, schemas.load_collection(data), cover_key)

    @rpc
    def get_collection(self, collection_id: str, actor_id: str | None = None) -> CollectionView:
        return collections.get_collection(self.db, collection_id, actor_id)

    # --- tracks ------------------------------------------------------------------------------------

    @rpc
    def create_track(self, actor_id: str, metadata: dict, audio_key: str, size_bytes: int,
                     cover_key: str | None = None) -> TrackView:
        loaded = schemas.load_track_metadata(metadata)
        upload = schemas.load_upload(audio_key, size_bytes, cover_key)
        return tracks.create_track(self.db, media(), actor_id, loaded, upload)

    @rpc
    def get_track(self, track_id: str, actor_id: str | None = None) -> TrackView:
        return tracks.get_track(self.db, track_id, actor_id)

    @rpc
    def list_tracks(self, filters: dict | None = None, sort: str = "newest", cursor: str | None = None,
                    limit: int = 20, actor_id: str | None = None) -> Envelope:
        return tracks.list_tracks(self.db, schemas.load_track_query(filters, sort, cursor, limit), actor_id)

    @rpc
    def update_track(self, actor_id: str, track_id: str, changes: dict) -> TrackView:
        return tracks.update_track(self.db, actor_id, track_id, schemas.load_track_changes(changes))

    @rpc
    def delete_track(self, actor_id: str, track_id: str) -> None:
        tracks.delete_track(self.db, media(), actor_id, track_id)

    @rpc
    def stream_source(self, track_id: str) -> Source:
        return tracks.stream_source(self.db, track_id)

    @rpc
    def waveform_source(self, track_id: str) -> Source:
        return tracks.waveform_source(self.db, track_id)

    @rpc
    def cover_source(self, track_id: str) -> dict:
        return tracks.cover_source(self.db, track_id)

    # --- plays and listening history ---------------------------------------------------------------

    @rpc
    def report_play(self, actor_id: str, track_id: str, position_s: float, duration_s: float) -> plays.PlayResult:
        return plays.report_play(self.db, actor_id, track_id, play_schemas.load_play_report(position_s, duration_s))

    @rpc
    def list_history(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return plays.list_history(self.db, actor_id, schemas.load_page(play_schemas.HISTORY, cursor, limit))

    # --- beat requests and notifications (beat_requests.py, notifications.py) ---------------------

    def _tokens(self) -> beat_requests.RemoteTokens:
        return beat_requests.RemoteTokens(self.accounts)

    @rpc
    def create_beat_request(self, actor_id: str, data: dict) -> beat_requests.BeatRequestView:
        loaded = beat_request_schemas.load_new_request(data)
        return beat_requests.create(self.db, self._tokens(), actor_id, loaded, utcnow())

    @rpc
    def list_open_beat_requests(self, actor_id: str, genre: str | None = None, bpm: int | None = None,
                                budget_min: int | None = None, cursor: str | None = None, limit: int = 20) -> Envelope:
        query = beat_request_schemas.load_open_query(genre, bpm, budget_min, cursor, limit)
        return beat_requests.list_open(self.db, actor_id, query, utcnow())

    @rpc
    def list_my_beat_requests(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = schemas.load_page(beat_request_schemas.MY_REQUESTS, cursor, limit)
        return beat_requests.list_mine(self.db, actor_id, page, utcnow())

    @rpc
    def get_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.BeatRequestView:
        return beat_requests.get(self.db, actor_id, beat_request_id, utcnow())

    @rpc
    def respond_to_beat_request(self, actor_id: str, beat_request_id: str, data: dict) -> beat_requests.ResponseView:
        loaded = beat_request_schemas.load_response(data)
        return beat_requests.respond(self.db, actor_id, beat_request_id, loaded, utcnow())

    @rpc
    def list_beat_request_responses(self, actor_id: str, beat_request_id: str, cursor: str | None = None,
                                    limit: int = 20) -> Envelope:
        page = schemas.load_page(beat_request_schemas.RESPONSES, cursor, limit)
        return beat_requests.list_responses(self.db, actor_id, beat_request_id, page)

    @rpc
    def renew_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.BeatRequestView:
        return beat_requests.renew(self.db, self._tokens(), actor_id, beat_request_id, utcnow())

    @rpc
    def delete_beat_request(self, actor_id: str, beat_request_id: str) -> beat_requests.Deleted:
        return beat_requests.delete(self.db, self._tokens(), actor_id, beat_request_id, utcnow())

    @rpc
    def list_notifications(self, actor_id: str, unread: bool = False, cursor: str | None = None,
                           limit: int = 20) -> Envelope:
        unread_only, page = beat_request_schemas.load_notifications_query(unread, cursor, limit)
        return notifications.list_notifications(self.db, actor_id, unread_only, page, utcnow())

    # --- community: likes, reposts, playlists, comments (likes.py, playlists.py, comments.py) --------

    @rpc
    def like(self, actor_id: str, kind: str, item_id: str) -> likes.LikeState:
        return likes.like(self.db, community.load_user_id(actor_id, "actor_id"), kind, item_id)

    @rpc
    def unlike(self, actor_id: str, kind: str, item_id: str) -> likes.LikeState:
        return likes.unlike(self.db, community.load_user_id(actor_id, "actor_id"), kind, item_id)

    @rpc
    def list_likes(self, user_id: str, kind: str = "tracks", cursor: str | None = None, limit: int = 20) -> Envelope:
        kind = community.load_like_kind(kind)
        page = schemas.load_page(likes.LIKES[kind].list_kind, cursor, limit)
        return likes.list_likes(self.db, community.load_user_id(user_id), kind, page)

    @rpc
    def repost(self, actor_id: str, track_id: str) -> likes.RepostState:
        return likes.repost(self.db, community.load_user_id(actor_id, "actor_id"), track_id)

    @rpc
    def unrepost(self, actor_id: str, track_id: str) -> likes.RepostState:
        return likes.unrepost(self.db, community.load_user_id(actor_id, "actor_id"), track_id)

    @rpc
    def list_reposts(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = schemas.load_page(likes.REPOSTS.list_kind, cursor, limit)
        return likes.list_reposts(self.db, community.load_user_id(user_id), page)

    @rpc
    def create_playlist(self, actor_id: str, data: dict) -> playlists.PlaylistView:
        loaded = community.load_new_playlist(data)
        return playlists.create_playlist(self.db, community.load_user_id(actor_id, "actor_id"), loaded)

    @rpc
    def get_playlist(self, playlist_id: str, actor_id: str | None = None) -> playlists.PlaylistView:
        return playlists.get_playlist(self.db, playlist_id, actor_id)

    @rpc
    def update_playlist(self, actor_id: str, playlist_id: str, changes: dict) -> playlists.PlaylistView:
        return playlists.update_playlist(self.db, actor_id, playlist_id, community.load_playlist_changes(changes))

    @rpc
    def delete_playlist(self, actor_id: str, playlist_id: str) -> None:
        playlists.delete_playlist(self.db, actor_id, playlist_id)

    @rpc
    def add_playlist_track(self, actor_id: str, playlist_id: str, track_id: str,
                           position: int | None = None) -> playlists.PlaylistView:
        entry = community.load_playlist_entry(playlist_id, track_id, position)
        return playlists.add_track(self.db, actor_id, entry["playlist_id"], entry["track_id"], entry["position"])

    @rpc
    def remove_playlist_track(self, actor_id: str, playlist_id: str, track_id: str) -> None:
        playlists.remove_track(self.db, actor_id, playlist_id, track_id)

    @rpc
    def reorder_playlist(self, actor_id: str, playlist_id: str, track_ids: list) -> playlists.PlaylistView:
        order = community.load_playlist_order(track_ids)
        return playlists.reorder_tracks(self.db, actor_id, playlist_id, order)

    @rpc
    def list_my_playlists(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = schemas.load_page(playlists.MINE, cursor, limit)
        return playlists.list_my_playlists(self.db, community.load_user_id(actor_id, "actor_id"), page)

    @rpc
    def list_user_playlists(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = schemas.load_page(playlists.PUBLIC, cursor, limit)
        return playlists.list_public_playlists(self.db, community.load_user_id(user_id), page)

    @rpc
    def post_comment(self, actor_id: str, track_id: str, body: str) -> comments.CommentView:
        text = community.load_comment_body(body)
        return comments.post_comment(self.db, community.load_user_id(actor_id, "actor_id"), track_id, text)

    @rpc
    def list_comments(self, track_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return comments.list_comments(self.db, track_id, schemas.load_page(comments.COMMENTS, cursor, limit))

    @rpc
    def delete_comment(self, actor_id: str, comment_id: str) -> None:
        comments.delete_comment(self.db, actor_id, comment_id)

    # --- events ------------------------------------------------------------------------------------

    @event_handler(PRODUCER_APPROVED)
    def on_producer_approved(self, event: dict) -> None:
        artists.on_producer_approved(self.db, event)

    @event_handler(PRODUCER_VERIFIED)
    def on_producer_verified(self, event: dict) -> None:
        artists.on_producer_verified(self.db, event)

    @event_handler(USER_DELETED)
    def on_user_deleted(self, event: dict) -> None:
        erasure.on_user_deleted(self.db, media(), event)

    @event_handler(AUDIO_VALIDATED)
    def on_audio_validated(self, event: dict) -> None:
        pipeline.on_audio_validated(self.db, event)

    @event_handler(AUDIO_REJECTED)
    def on_audio_rejected(self, event: dict) -> None:
        pipeline.on_audio_rejected(self.db, media(), event)

    @timer(interval=SWEEP_INTERVAL_S)
    def sweep_stuck_uploads(self) -> None:
        """Reject tracks stuck in ``processing`` (the audio service lost or never sent a verdict)."""
        try:
            pipeline.sweep(self.db, media())
            self.db.commit()
        except Exception:
            self.db.rollback()
            log.exception("sweeping stuck uploads failed; the next run retries")


SERVICE = CatalogService
