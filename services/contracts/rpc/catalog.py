"""The ``catalog`` service's RPC surface and the shapes of its replies, area by area (tracks, artist
pages and collections; plays; community; beat requests). The gateway's response schemas are these
shapes plus what only HTTP adds: ``links`` (URLs the gateway serves) and the usernames beside people's ids."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import RpcSurface, method, page_of
from services.contracts.vocabularies import (BEAT_REQUEST_STATUSES, EXCLUSIVE_STATUSES, LICENSING_MODELS,
                                             NOTIFICATION_KINDS, PLAY_REASONS, TRACK_STATUSES)

UUID = {"format": "uuid"}
DATE_TIME = {"format": "date-time"}

# --- reply shapes: tracks, artist pages, collections -------------------------------------------------


class AudioInfo(Schema):
    format = fields.String()
    duration_s = fields.Float()
    sample_rate = fields.Integer()
    bit_depth = fields.Integer(allow_none=True)
    channels = fields.Integer()
    loudness_lufs = fields.Float(allow_none=True)
    true_peak_dbtp = fields.Float(allow_none=True)


class Rejection(Schema):
    code = fields.String(metadata={"description": "Why the audio was refused; the codes are listed in docs/audio.md "
                                                  "(e.g. `lossy_format`, `bad_bit_depth`, `duplicate`)."})
    message = fields.String()
    details = fields.Dict()


class Exclusive(Schema):
    price_cents = fields.Integer()
    currency = fields.String()
    contact_email = fields.String(metadata={"description": "Only for the owner."})
    status = fields.String(metadata={"enum": list(EXCLUSIVE_STATUSES)})


class Track(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    artists = fields.List(fields.String())
    artist_id = fields.String(metadata=UUID)
    producer_user_id = fields.String(metadata=UUID)
    collaborators = fields.List(fields.String())
    bpm = fields.Integer()
    key = fields.String()
    scale = fields.String()
    genres = fields.List(fields.String())
    tags = fields.List(fields.String())
    description = fields.String(allow_none=True)
    collection_id = fields.String(allow_none=True)
    licensing_model = fields.String(metadata={"enum": list(LICENSING_MODELS)})
    exclusive = fields.Nested(Exclusive, allow_none=True)
    sample_clearance = fields.String(allow_none=True)
    cover_preset = fields.String(allow_none=True)
    has_cover = fields.Boolean()
    status = fields.String(metadata={"enum": list(TRACK_STATUSES)})
    rejection = fields.Nested(Rejection, allow_none=True)
    audio = fields.Nested(AudioInfo, allow_none=True)
    suspected_lossy_source = fields.Boolean(allow_none=True)
    play_count = fields.Integer()
    like_count = fields.Integer()
    repost_count = fields.Integer()
    metadata_completeness = fields.Float()
    created_at = fields.String(metadata=DATE_TIME)
    published_at = fields.String(allow_none=True, metadata=DATE_TIME)


class ArtistImages(Schema):
    avatar = fields.String(allow_none=True)
    cover = fields.String(allow_none=True)
    gallery = fields.List(fields.String())


class Artist(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    user_id = fields.String(allow_none=True, metadata={"description": "The owning account; null while unclaimed."})
    claimed = fields.Boolean()
    verified = fields.Boolean()
    genres = fields.List(fields.String())
    links = fields.List(fields.String())
    country = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    credits = fields.List(fields.String())
    pinned_track_id = fields.String(allow_none=True)
    images = fields.Nested(ArtistImages, metadata={"description": "Image ids."})
    track_count = fields.Integer()
    created_at = fields.String(metadata=DATE_TIME)


class Collection(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    artist_id = fields.String(metadata=UUID)
    artists = fields.List(fields.String())
    genres = fields.List(fields.String())
    tags = fields.List(fields.String())
    description = fields.String(allow_none=True)
    track_ids = fields.List(fields.String())
    created_at = fields.String(metadata=DATE_TIME)
    like_count = fields.Integer()


class ClaimStatus(Schema):
    artist_id = fields.String(metadata=UUID)
    status = fields.String(metadata={"enum": ["available", "claimed"]})


class MediaSource(Schema):
    """A file of the media store the gateway serves: its key and content type."""

    key = fields.String()
    content_type = fields.String()


class CoverSource(MediaSource):
    """A cover file, or ``{"preset": <genre>}`` for a preset cover."""

    preset = fields.String()


# --- reply shapes: plays -----------------------------------------------------------------------------


class PlayResult(Schema):
    counted = fields.Boolean(metadata={"description": "Whether this report counted a play."})
    reason = fields.String(metadata={"enum": list(PLAY_REASONS)})
    play_count = fields.Integer(metadata={"description": "The track's counted plays, this one included."})
    next_count_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When the anti-repeat hour ends (a play may count again), or null."})


class HistoryTrack(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String(metadata={"description": "The track's title."})
    artists = fields.List(fields.String(), metadata={"description": "Artist display names."})
    artist_id = fields.String(metadata=UUID)


class HistoryEntry(Schema):
    id = fields.String(metadata=UUID)
    track = fields.Nested(HistoryTrack)
    listened_at = fields.String(metadata={"format": "date-time", "description": "The session's latest report."})
    started_at = fields.String(metadata={"format": "date-time", "description": "The session's first report."})
    position_s = fields.Float(metadata={"description": "Where the listener was at the latest report."})
    counted = fields.Boolean(metadata={"description": "Whether a play counted during this session."})


# --- reply shapes: community -------------------------------------------------------------------------


class LikeState(Schema):
    liked = fields.Boolean()
    like_count = fields.Integer()


class RepostState(Schema):
    reposted = fields.Boolean()
    repost_count = fields.Integer()


class PlaylistSummary(Schema):
    id = fields.String(metadata=UUID)
    owner_id = fields.String(metadata=UUID)
    name = fields.String()
    description = fields.String(allow_none=True)
    public = fields.Boolean()
    track_count = fields.Integer()
    created_at = fields.String(metadata=DATE_TIME)
    updated_at = fields.String(metadata=DATE_TIME)


class Playlist(PlaylistSummary):
    tracks = fields.List(fields.Nested(Track), metadata={"description": "In the playlist's order."})


class Comment(Schema):
    id = fields.String(metadata=UUID)
    track_id = fields.String(metadata=UUID)
    author_id = fields.String(metadata=UUID)
    body = fields.String(metadata={"description": "Plain text exactly as stored; never HTML."})
    created_at = fields.String(metadata=DATE_TIME)


class LikedItemPage(Schema):
    """``list_likes``: tracks, collections or artist pages (producers), by ``kind``."""

    items = fields.List(fields.Dict(), metadata={"description": "Track, Collection or Artist objects."})
    total = fields.Integer()
    next = fields.String(allow_none=True, metadata={"description": "Cursor of the next page, or null."})


# --- reply shapes: beat requests and notifications ---------------------------------------------------


class BeatRequest(Schema):
    id = fields.UUID()
    requester_user_id = fields.UUID()
    genre = fields.String()
    bpm_min = fields.Integer()
    bpm_max = fields.Integer()
    mood = fields.String()
    budget_cents = fields.Integer()
    currency = fields.String()
    reference_track_id = fields.UUID(allow_none=True)
    lifetime_hours = fields.Integer()
    cost_tokens = fields.Integer(metadata={"description": "What the creation cost."})
    renewals = fields.Integer()
    status = fields.String(metadata={"enum": list(BEAT_REQUEST_STATUSES)})
    created_at = fields.String(metadata=DATE_TIME)
    expires_at = fields.String(metadata=DATE_TIME)
    renewable_until = fields.String(metadata={"format": "date-time",
                                              "description": "Renewal is possible until 30 days after expiry."})
    tokens = fields.Integer(metadata={"description": "After a create or renew: your token balance left."})


class BeatRequestResponse(Schema):
    id = fields.UUID()
    beat_request_id = fields.UUID()
    producer_user_id = fields.UUID()
    artist_id = fields.UUID()
    artist_name = fields.String()
    track_id = fields.UUID()
    track_name = fields.String()
    message = fields.String(allow_none=True)
    created_at = fields.String(metadata=DATE_TIME)


class BeatRequestDeleted(Schema):
    refunded_tokens = fields.Integer(metadata={"description": "0 for an expired request."})
    tokens = fields.Integer(metadata={"description": "Your token balance now."})


class Notification(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"enum": list(NOTIFICATION_KINDS)})
    payload = fields.Dict()
    read = fields.Boolean(metadata={"description": "Whether it had been read before this call."})
    created_at = fields.String(metadata=DATE_TIME)


TrackPage = page_of(Track)
CollectionPage = page_of(Collection)
ArtistPage = page_of(Artist)
PlaylistPage = page_of(PlaylistSummary)
CommentPage = page_of(Comment)
HistoryPage = page_of(HistoryEntry)
BeatRequestPage = page_of(BeatRequest)
BeatRequestResponsePage = page_of(BeatRequestResponse)
NotificationPage = page_of(Notification)

# --- the surface -----------------------------------------------------------------------------------

OWNER_ONLY = "`Forbidden` (not the owner), `NotFound`"

CATALOG = RpcSurface("catalog", (
    method("ping", reply_doc='`"pong"`'),
    # tracks, artist pages, collections (services/catalog/tracks/)
    method("artist_claim_status", "artist_id", reply=ClaimStatus, errors="`NotFound`"),
    method("get_artist", "artist_id", reply=Artist, errors="`NotFound`"),
    method("get_my_artist", "actor_id", reply=Artist, errors="`NotFound` (no artist page yet)"),
    method("update_artist", "actor_id artist_id changes", reply=Artist, errors="`InvalidField`, " + OWNER_ONLY),
    method("add_artist_image", "actor_id artist_id kind image_key", reply=Artist,
           summary="`kind`: avatar, cover (replace) or gallery (append); the file is already in the media store",
           errors="`InvalidField`, " + OWNER_ONLY),
    method("image_source", "artist_id image_id", reply=MediaSource, errors="`NotFound`"),
    method("create_collection", "actor_id data cover_key", reply=Collection,
           errors="`InvalidField`, `Forbidden` (no artist page)"),
    method("get_collection", "collection_id", "actor_id", reply=Collection, errors="`NotFound`"),
    method("create_track", "actor_id metadata audio_key size_bytes", "cover_key", reply=Track,
           summary="the files are already in the media store; the track is `processing` until audio judges it",
           errors="`InvalidField` (named `metadata.<field>`), `Forbidden` (not a producer)"),
    method("get_track", "track_id", "actor_id", reply=Track,
           summary="published tracks for everyone, every status for the owner", errors="`NotFound`"),
    method("list_tracks", optional="filters sort cursor limit actor_id", reply=TrackPage,
           summary="published tracks; `filters`: genre, bpm_min, bpm_max, key, scale, q, producer; "
                   "`sort`: newest or popular", errors="`InvalidField`"),
    method("update_track", "actor_id track_id changes", reply=Track, errors="`InvalidField`, " + OWNER_ONLY),
    method("delete_track", "actor_id track_id", summary="emits `track_deleted`", errors=OWNER_ONLY),
    method("stream_source", "track_id", reply=MediaSource, summary="the MP3 stream of a published track",
           errors="`NotFound`"),
    method("waveform_source", "track_id", reply=MediaSource, errors="`NotFound`"),
    method("cover_source", "track_id", reply=CoverSource, errors="`NotFound`"),
    # plays and history (services/catalog/plays/)
    method("report_play", "actor_id track_id position_s duration_s", reply=PlayResult,
           errors="`InvalidField`, `NotFound`"),
    method("list_history", "actor_id", "cursor limit", reply=HistoryPage, errors="`InvalidField` (bad cursor)"),
    # community (services/catalog/community/)
    method("like", "actor_id kind item_id", reply=LikeState, summary="idempotent",
           errors="`InvalidField`, `NotFound`"),
    method("unlike", "actor_id kind item_id", reply=LikeState, summary="idempotent",
           errors="`InvalidField`, `NotFound`"),
    method("list_likes", "user_id", "kind cursor limit", reply=LikedItemPage, errors="`InvalidField`"),
    method("repost", "actor_id track_id", reply=RepostState, summary="idempotent", errors="`NotFound`"),
    method("unrepost", "actor_id track_id", reply=RepostState, summary="idempotent", errors="`NotFound`"),
    method("list_reposts", "user_id", "cursor limit", reply=TrackPage, errors="`InvalidField`"),
    method("create_playlist", "actor_id data", reply=Playlist, errors="`InvalidField`"),
    method("get_playlist", "playlist_id", "actor_id", reply=Playlist,
           summary="a private playlist only for its owner", errors="`NotFound`"),
    method("update_playlist", "actor_id playlist_id changes", reply=Playlist, errors="`InvalidField`, " + OWNER_ONLY),
    method("delete_playlist", "actor_id playlist_id", errors=OWNER_ONLY),
    method("add_playlist_track", "actor_id playlist_id track_id", "position", reply=Playlist,
           errors="`InvalidField`, `Conflict` (already in it, or full), " + OWNER_ONLY),
    method("remove_playlist_track", "actor_id playlist_id track_id", errors=OWNER_ONLY),
    method("reorder_playlist", "actor_id playlist_id track_ids", reply=Playlist,
           summary="`track_ids`: exactly the playlist's tracks, each once", errors="`InvalidField`, " + OWNER_ONLY),
    method("list_my_playlists", "actor_id", "cursor limit", reply=PlaylistPage),
    method("list_user_playlists", "user_id", "cursor limit", reply=PlaylistPage, summary="public ones only"),
    method("post_comment", "actor_id track_id body", reply=Comment, errors="`InvalidField`, `NotFound`"),
    method("list_comments", "track_id", "cursor limit", reply=CommentPage, errors="`NotFound`"),
    method("delete_comment", "actor_id comment_id",
           summary="by its author, or the track's owner", errors="`Forbidden`, `NotFound`"),
    # beat requests and notifications (services/catalog/beat_requests/)
    method("create_beat_request", "actor_id data", reply=BeatRequest,
           summary="spends the lifetime's tokens (accounts.spend_tokens)",
           errors="`InvalidField`, `PaymentRequired` (not enough tokens)"),
    method("list_open_beat_requests", "actor_id", "genre bpm budget_min cursor limit", reply=BeatRequestPage,
           summary="producers only", errors="`Forbidden`, `InvalidField`"),
    method("list_my_beat_requests", "actor_id", "cursor limit", reply=BeatRequestPage),
    method("get_beat_request", "actor_id beat_request_id", reply=BeatRequest, errors="`NotFound`"),
    method("respond_to_beat_request", "actor_id beat_request_id data", reply=BeatRequestResponse,
           summary="a producer offers one of their published tracks, once per request",
           errors="`InvalidField`, `Forbidden`, `NotFound`, `Conflict` (already responded, or expired)"),
    method("list_beat_request_responses", "actor_id beat_request_id", "cursor limit",
           reply=BeatRequestResponsePage, summary="the requester only", errors="`NotFound`"),
    method("renew_beat_request", "actor_id beat_request_id", reply=BeatRequest,
           summary="spends 1 token; within 30 days of expiry",
           errors="`Conflict`, `NotFound`, `PaymentRequired`"),
    method("delete_beat_request", "actor_id beat_request_id", reply=BeatRequestDeleted,
           summary="refunds an open request's tokens", errors="`NotFound`"),
    method("list_notifications", "actor_id", "unread cursor limit", reply=NotificationPage,
           summary="marks the page's notifications read"),
))
