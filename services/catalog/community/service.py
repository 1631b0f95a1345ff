"""The catalog service's entrypoints for likes, reposts, playlists and comments, and ``get_track`` (a track with
the caller's own like and repost: likes.get_track)."""
from __future__ import annotations

from services.catalog.community import comments, likes, playlists, schemas as community
from services.catalog.shared.schemas import load_page
from services.common.db import Database
from services.common.entrypoints import rpc
from services.common.pagination import Envelope


class CommunityEntrypoints:
    """Mixed into ``CatalogService`` (services/catalog/service.py), which provides ``db``."""

    db: Database

    @rpc
    def get_track(self, track_id: str, actor_id: str | None = None) -> likes.ViewedTrack:
        return likes.get_track(self.db, track_id, actor_id)

    @rpc
    def like(self, actor_id: str, kind: str, item_id: str) -> likes.LikeState:
        return likes.like(self.db, community.load_user_id(actor_id, "actor_id"), kind, item_id)

    @rpc
    def unlike(self, actor_id: str, kind: str, item_id: str) -> likes.LikeState:
        return likes.unlike(self.db, community.load_user_id(actor_id, "actor_id"), kind, item_id)

    @rpc
    def list_likes(self, user_id: str, kind: str = "tracks", cursor: str | None = None, limit: int = 20) -> Envelope:
        kind = community.load_like_kind(kind)
        page = load_page(likes.LIKES[kind].list_kind, cursor, limit)
        return likes.list_likes(self.db, community.load_user_id(user_id), kind, page)

    @rpc
    def repost(self, actor_id: str, track_id: str) -> likes.RepostState:
        return likes.repost(self.db, community.load_user_id(actor_id, "actor_id"), track_id)

    @rpc
    def unrepost(self, actor_id: str, track_id: str) -> likes.RepostState:
        return likes.unrepost(self.db, community.load_user_id(actor_id, "actor_id"), track_id)

    @rpc
    def list_reposts(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = load_page(likes.REPOSTS.list_kind, cursor, limit)
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
        page = load_page(playlists.MINE, cursor, limit)
        return playlists.list_my_playlists(self.db, community.load_user_id(actor_id, "actor_id"), page)

    @rpc
    def list_user_playlists(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = load_page(playlists.PUBLIC, cursor, limit)
        return playlists.list_public_playlists(self.db, community.load_user_id(user_id), page)

    @rpc
    def post_comment(self, actor_id: str, track_id: str, body: str) -> comments.CommentView:
        text = community.load_comment_body(body)
        return comments.post_comment(self.db, community.load_user_id(actor_id, "actor_id"), track_id, text)

    @rpc
    def list_comments(self, track_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return comments.list_comments(self.db, track_id, load_page(comments.COMMENTS, cursor, limit))

    @rpc
    def delete_comment(self, actor_id: str, comment_id: str) -> None:
        comments.delete_comment(self.db, actor_id, comment_id)
