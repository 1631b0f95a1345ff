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

#: the most artist pages one ``artist_summaries`` call names (a leaderboard page is at most 100 rows)
ARTIST_SUMMARIES_MAX = 200

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
    followers_count = fields.Integer(metadata={"description": "Users following the page."})
    created_at = fields.String(metadata=DATE_TIME)


class TrackViewer(Schema):
    """The caller's own marks on a track."""

    liked = fields.Boolean(metadata={"description": "The caller likes the track."})
    reposted = fields.Boolean(metadata={"description": "The caller reposted the track."})


class ViewedTrack(Track):
    """``get_track``: a track as the caller sees it."""

    viewer = fields.Nested(TrackViewer, allow_none=True, metadata={
        "description": "The caller's own like and repost of the track; null for an anonymous caller."})


class ArtistViewer(Schema):
    """The caller's own relation to an artist page."""

    following = fields.Boolean(metadata={"description": "The caller follows the page."})


class ViewedArtist(Artist):
    """``get_artist``: an artist page as the caller sees it."""

    viewer = fields.Nested(ArtistViewer, allow_none=True, metadata={
        "description": "Whether the caller follows the page; null for an anonymous caller."})


class Collection(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    artist_id = fields.String(metadata=UUID)
    artists = fields.List(fields.String())
    genres = fields.List(fields.String())
    tags = fields.List(fields.String())
    description = fields.String(allow_none=True)
    track_ids = fields.List(fields.String(), metadata={
        "description": "Its tracks, oldest first: every status for its owner, the published ones for everyone else."})
    created_at = fields.String(metadata=DATE_TIME)
    like_count = fields.Integer()
    cover_preset = fields.String(allow_none=True, metadata={
        "description": "The preset id when its cover is a preset (docs/covers.md), null when it has an image."})


class ClaimStatus(Schema):
    artist_id = fields.String(metadata=UUID)
    status = fields.String(metadata={"enum": ["available", "claimed"]})


class MediaSource(Schema):
    """A file of the media store the gateway serves: its key and content type."""

    key = fields.String()
    content_type = fields.String()


class CoverSource(MediaSource):
    """A cover's file: an uploaded image, or a preset's (then ``preset`` names it)."""

    preset = fields.String(metadata={"description": "The preset id, when the cover is a preset."})


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


class BeatRequestCost(Schema):
    lifetime_hours = fields.Integer(metadata={"description": "How long the request stays open."})
    cost_tokens = fields.Integer(metadata={"description": "What it costs in tokens."})


class BeatRequestCosts(Schema):
    costs = fields.List(fields.Nested(BeatRequestCost), metadata={
        "description": "Every lifetime a request can have (`lifetime_hours` of a new request), shortest first."})
    renewal = fields.Nested(BeatRequestCost, metadata={
        "description": "Renewing an expired request: its cost and the fresh lifetime it gives."})


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


class UnreadCount(Schema):
    unread = fields.Integer(metadata={"description": "Notifications not read yet (none is marked read by asking)."})


class ExclusiveOnSale(Schema):
    """A track's exclusive as licensing sees it: no contact email."""

    price_cents = fields.Integer()
    currency = fields.String()
    status = fields.String(metadata={"enum": list(EXCLUSIVE_STATUSES)})


class LicensingFacts(Schema):
    """What licensing needs to decide and serve a download, in one reply (no owner-only contact email)."""

    track_id = fields.String(metadata=UUID)
    name = fields.String()
    status = fields.String(metadata={"enum": list(TRACK_STATUSES)})
    withdrawn = fields.Boolean(metadata={"description": "Its producer deleted their account after publishing it."})
    artist_id = fields.String(metadata=UUID)
    artist_name = fields.String()
    producer_user_id = fields.String(metadata=UUID)
    owner_user_ids = fields.List(fields.String(), metadata={
        "description": "Who may always download it: the uploader and the accounts owning its credited "
                       "collaborators' artist pages."})
    licensing_model = fields.String(metadata={"enum": list(LICENSING_MODELS)})
    exclusive = fields.Nested(ExclusiveOnSale, allow_none=True)
    original = fields.Dict(allow_none=True, metadata={"description": '`{"key", "format", "content_type"}`: the '
                                                                    "producer's lossless upload"})
    mp3_320 = fields.Dict(allow_none=True, metadata={"description": '`{"key", "content_type"}` once audio made it'})
    stems = fields.Dict(allow_none=True, metadata={"description": '`{"key", "size_bytes", "members"}` when the '
                                                                 "producer uploaded stems"})
    fingerprint_hash = fields.String(allow_none=True)


class StemsMember(Schema):
    name = fields.String()
    format = fields.String()
    sample_rate = fields.Integer()
    channels = fields.Integer()
    bit_depth = fields.Integer(allow_none=True)
    duration_s = fields.Float()


class StemsManifest(Schema):
    members = fields.List(fields.Nested(StemsMember))
    size_bytes = fields.Integer(metadata={"description": "The archive's size."})
    uncompressed_bytes = fields.Integer()


class StemsAttached(Schema):
    track_id = fields.String(metadata=UUID)
    stems = fields.Nested(StemsManifest)
    uploaded_at = fields.String(metadata=DATE_TIME)


class PayoutTrack(Schema):
    """A published track as payouts needs it for a pool split (withdrawn ones included)."""

    track_id = fields.String(metadata=UUID)
    name = fields.String()
    artist_id = fields.String(metadata=UUID)
    collaborator_artist_ids = fields.List(fields.String())
    owners = fields.Dict(metadata={"description": "Every credited artist id → the account managing that page "
                                                  "(null when unclaimed)."})
    licensing_model = fields.String(metadata={"enum": list(LICENSING_MODELS)})
    published_at = fields.String(metadata=DATE_TIME)
    sold_at = fields.String(allow_none=True, metadata=DATE_TIME)


PayoutTrackPage = page_of(PayoutTrack)


class ArtistSummary(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    verified = fields.Boolean()


class ArtistMatch(Schema):
    """A page the artist search found (what a "Claim Existing Artist" applicant picks from)."""

    id = fields.String(metadata=UUID)
    name = fields.String()
    verified = fields.Boolean()
    claim_status = fields.String(metadata={"enum": ["available", "claimed"]})


class MyArtist(ArtistMatch):
    """A page the caller manages, with its uploads this month beside the monthly commitment."""

    created_at = fields.String(metadata=DATE_TIME)
    claimed_at = fields.String(metadata={**DATE_TIME, "description": "When the account got the page (it was made "
                                                                      "for it, or it claimed it): the order of the "
                                                                      "list."})
    uploads_this_month = fields.Integer(metadata={
        "description": "Tracks uploaded to the page since the current UTC month began that still exist and were "
                       "not rejected (processing ones count)."})
    monthly_commitment = fields.Integer(metadata={
        "description": "The beats a month the producer committed to upload (docs/business-rules.md)."})


class BeatGrowth(Schema):
    plays_last_30_days = fields.Integer()
    plays_previous_30_days = fields.Integer()
    status = fields.String(metadata={"enum": ["rising", "steady", "falling"]})


class DiscographyTrack(Track):
    role = fields.String(metadata={"enum": ["uploader", "collaborator"],
                                   "description": "The artist page's part in the track: it uploaded it, or is "
                                                  "credited on it as a collaborator."})


class SimilarArtist(Schema):
    artist = fields.Nested(ArtistSummary)
    score = fields.Float(metadata={"description": "0–2: genre similarity (Jaccard, 0–1) + listener similarity "
                                                  "(share of this page's recent listeners who also played that "
                                                  "page, 0–1); docs/business-rules.md \"Similar artists\"."})
    shared_genres = fields.List(fields.String(), metadata={"description": "The genres both pages have (normalised)."})
    shared_listeners = fields.Integer(metadata={"description": "Of this page's sampled recent listeners, how many "
                                                               "also played that page in the last 90 days."})


class ProducerBeat(Track):
    growth = fields.Nested(BeatGrowth)


class CollaboratorInsight(Schema):
    artist_id = fields.String(metadata=UUID)
    name = fields.String()
    shared_tracks = fields.Integer()
    plays = fields.Integer(metadata={"description": "Counted plays of the tracks shared with this collaborator."})
    share_of_plays = fields.Float(metadata={"description": "Of the producer's plays on shared tracks (0–1)."})


class ProducerBeats(Schema):
    artist_id = fields.String(metadata=UUID)
    items = fields.List(fields.Nested(ProducerBeat))
    total = fields.Integer()
    next = fields.String(allow_none=True)
    collaborations = fields.List(fields.Nested(CollaboratorInsight))


class CollectionStats(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    tracks = fields.Integer()
    published_tracks = fields.Integer()
    plays = fields.Integer()
    likes = fields.Integer()
    created_at = fields.String(metadata=DATE_TIME)


class ProducerCollections(Schema):
    artist_id = fields.String(metadata=UUID)
    items = fields.List(fields.Nested(CollectionStats))
    total = fields.Integer()
    next = fields.String(allow_none=True)


TrackPage = page_of(Track)
DiscographyPage = page_of(DiscographyTrack)
SimilarArtistList = page_of(SimilarArtist)
CollectionPage = page_of(Collection)
ArtistPage = page_of(Artist)
ArtistMatchPage = page_of(ArtistMatch)
MyArtistPage = page_of(MyArtist)
PlaylistPage = page_of(PlaylistSummary)
CommentPage = page_of(Comment)
HistoryPage = page_of(HistoryEntry)
BeatRequestPage = page_of(BeatRequest)
BeatRequestResponsePage = page_of(BeatRequestResponse)
NotificationPage = page_of(Notification)


# --- reply shapes: following artist pages, analytics reports ------------------------------------------


class ArtistFollowState(Schema):
    following = fields.Boolean()
    followers_count = fields.Integer()


class ArtistFollowRecord(Schema):
    """A follow as catalog keeps it: the gateway names the user (ArtistFollower in the HTTP API)."""

    user_id = fields.String(metadata=UUID)
    followed_at = fields.String(metadata=DATE_TIME)


class AnalyticsReportsRun(Schema):
    month = fields.String(metadata={"description": "The UTC calendar month reported, `YYYY-MM`.",
                                    "example": "2026-02"})
    reports = fields.Integer(metadata={"description": "Reports (notifications) this call made; those made before "
                                                      "are not counted again."})


ArtistFollowRecordPage = page_of(ArtistFollowRecord)

# --- the surface -----------------------------------------------------------------------------------

CATALOG = RpcSurface("catalog", (
    method("ping",
           summary='`"pong"`'),
    method("artist_claim_status", "artist_id", reply=ClaimStatus,
           summary='`{"artist_id", "status": "available"|"claimed"}`',
           errors="`NotFound`"),
    method("get_artist", "artist_id", "actor_id", reply=ViewedArtist,
           summary="`Artist` with `viewer`: `{\"following\": bool}` — whether `actor_id` follows the page (one "
                   "primary-key probe of `artist_follows`), null without `actor_id`",
           errors="`NotFound`"),
    method("get_my_artist", "actor_id", "artist_id", reply=Artist,
           summary="`Artist` (with owner-only fields: `tracks_by_status` {processing, published, rejected}): the "
                   "page `artist_id` when the actor manages it, else the actor's default page (the one it has "
                   "managed longest)",
           errors='`NotFound` ("no artist profile"; a page the actor does not manage), `InvalidField` '
                  "(`artist_id` not a UUID)"),
    method("my_artists", "actor_id", reply=MyArtistPage,
           summary="every page the actor manages, the one it has managed longest first (by `claimed_at`; the first "
                   "is the default of every `artist_id`), in one envelope (`next` null): `{id, name, verified, "
                   "claim_status, created_at, claimed_at, uploads_this_month, monthly_commitment}`; empty for an "
                   "account with no page"),
    method("search_artists", "q", "cursor limit", reply=ArtistMatchPage,
           summary="envelope of `{id, name, verified, claim_status}`: every page (claimed or not) whose name "
                   "contains `q` (2–100 characters once trimmed), ignoring case and accents, ordered by name",
           errors="`InvalidField` (`q`, cursor, limit)"),
    method("update_artist", "actor_id artist_id changes", reply=Artist,
           summary="`Artist`; `changes` ⊆ `name, genres, links, country, city, description, credits, pinned_track_id`",
           errors="`Forbidden`, `NotFound`, `InvalidField`"),
    method("add_artist_image", "actor_id artist_id kind image_key", reply=Artist,
           summary="`Artist`; `kind` = `avatar`, `cover` or `gallery` (gallery ≤ 20)",
           errors="`Forbidden`, `NotFound`, `InvalidField` (not an image)"),
    method("image_source", "artist_id image_id", "size", reply=MediaSource,
           summary='`{"key", "content_type"}`; with `size` (160, 320, 640) its WebP thumbnail\'s, as for covers',
           errors="`InvalidField` (`size`), `NotFound` (also when the image is not that artist's)"),
    method("list_artist_tracks", "artist_id", "cursor limit actor_id", reply=DiscographyPage,
           summary="envelope of `DiscographyTrack` (`Track` + `role`: `uploader` or `collaborator`): the page's "
                   "published tracks, uploaded or credited on, newest published first; a track appears once",
           errors="`NotFound` (artist), `InvalidField` (`cursor`, `limit`)"),
    method("artists_managed_by", "user_id", reply=None,
           summary='`[{"id", "name", "verified"}]`: the claimed artist pages this account owns, oldest first '
                   "(an empty list for anyone else)"),
    method("create_collection", "actor_id data cover_key", "artist_id", reply=Collection,
           summary="`Collection` of the page `artist_id` (one the actor manages) or of the actor's default page; "
                   "`data`: `name`, `artists`, `genres`, `tags`, `description`, `cover_preset` (a "
                   "preset id or a genre of the vocabulary, stored as the preset id); `cover_key` (an image in "
                   "`covers/`) or `cover_preset` is needed, the image wins when both are given",
           errors="`Forbidden` (no artist page), `NotFound` (a page the actor does not manage), `InvalidField` "
                  "(`cover`: neither, or not an image; `cover_preset`: no such preset)"),
    method("get_collection", "collection_id", "actor_id", reply=Collection,
           summary="`Collection` with its tracks visible to the actor",
           errors="`NotFound`"),
    method("list_artist_collections", "artist_id", "actor_id cursor limit", reply=CollectionPage,
           summary="envelope of the artist page's `Collection`s, newest first (the page's Albums tab); each lists "
                   "the tracks visible to the actor",
           errors="`NotFound` (no such artist page), `InvalidField` (`cursor`, `limit`)"),
    method("update_collection", "actor_id collection_id changes", reply=Collection,
           summary="`Collection`; `changes` ⊆ `name, artists, genres, tags, description, cover_preset`; a "
                   "`cover_preset` replaces the cover image (deleted once committed). Tracks already in it keep "
                   "what they inherited",
           errors="`InvalidField` first, then `NotFound`, `Forbidden` (someone else's collection)"),
    method("delete_collection", "actor_id collection_id",
           summary="`None`; its likes go with it, its cover image once committed; its tracks stay as singles, "
                   "those that showed its cover taking a preset (docs/covers.md)",
           errors="`NotFound`, `Forbidden` (someone else's collection)"),
    method("replace_collection_cover", "actor_id collection_id cover_key", reply=Collection,
           summary="`Collection` with the new cover image (judged by content) in place of its image or preset",
           errors="`InvalidField` (`cover`: missing or not an image) first, then `NotFound`, `Forbidden`"),
    method("collection_cover_source", "collection_id", "size", reply=CoverSource,
           summary='`{"key", "content_type"}` of its cover image, or of its preset\'s image (with `preset`); with '
                   "`size` (one of 160, 320, 640), its WebP thumbnail's, made on first request",
           errors="`InvalidField` (`size`), `NotFound`"),
    method("replace_track_cover", "actor_id track_id cover_key", reply=Track,
           summary="`Track` with the new cover image (judged by content) in place of its image or preset "
                   "(`cover_preset` becomes null); the old image is deleted once committed",
           errors="`InvalidField` (`cover`) first, then `Forbidden` (someone else's published track), `NotFound` "
                  "(also someone else's unpublished one)"),
    method("cover_preset_source", "preset_id", "size", reply=CoverSource,
           summary='`{"key", "content_type", "preset"}`: the preset\'s JPEG (1200 × 1200), drawn into the media '
                   "store's `presets/` the first time it is asked for; with `size`, its WebP thumbnail's",
           errors="`NotFound` (no such preset id), `InvalidField` (`size`)"),
    method("create_track", "actor_id metadata audio_key size_bytes", "cover_key artist_id", reply=Track,
           summary='`Track` with `status: "processing"` of the page `artist_id` (one the actor manages) or of the '
                   "actor's default page; emits `track_uploaded`",
           errors="`Forbidden` (not a producer), `InvalidField` (names the field), `NotFound` (collection; a page "
                  "the actor does not manage)"),
    method("get_track", "track_id", "actor_id", reply=ViewedTrack,
           summary="`Track` — unpublished ones only for their owner — with `viewer`: `{\"liked\": bool, "
                   "\"reposted\": bool}`, the marks of `actor_id` (one statement probing the primary keys of "
                   "`track_likes` and `reposts`), null without `actor_id`",
           errors="`NotFound`"),
    method("list_tracks", "", optional="filters sort cursor limit actor_id", reply=TrackPage,
           summary="envelope of `Track` (published only); `filters` ⊆ `genre, bpm_min, bpm_max, key, scale, q, "
                   "producer, licensing` (`producer`: the artist id or the producer's user id; `licensing`: a "
                   "licensing model — `standard`, `standard_exclusive`, `exclusive_only` — or `exclusive_available`, "
                   "an exclusive model whose exclusive's status is `available`); `sort` = `newest` or `popular`",
           errors="`InvalidField`"),
    method("update_track", "actor_id track_id changes", reply=Track,
           summary="`Track`; `changes` ⊆ `name, artists, bpm, key, scale, genres, tags, description, cover_preset, "
                   "licensing_model, exclusive, sample_clearance` (not `collaborators` or `collection_id`); a `cover_preset` "
                   "other than the stored one replaces the track's cover image (deleted once committed)",
           errors="`Forbidden` (someone else's published track), `NotFound` (also someone else's unpublished one), "
                  "`InvalidField`"),
    method("delete_track", "actor_id track_id",
           summary="`None`; deletes its upload and cover once committed; emits `track_deleted`, on which audio "
                   "deletes the renditions (docs/media-store.md)",
           errors="`Forbidden` (someone else's published track), `NotFound` (also someone else's unpublished one)"),
    method("licensing_facts", "track_id", reply=LicensingFacts,
           summary="what licensing needs about a track (any status; licensing decides)",
           errors="`NotFound`"),
    method("attach_stems", "actor_id track_id stems_key manifest", reply=StemsAttached,
           summary="records the stems archive the gateway stored and audio checked (`manifest` is audio's "
                   "`check_stems` reply); replaces and deletes earlier stems",
           errors="`InvalidField` first (`stems_key` not an existing file of the `stems/` area; `manifest` not a "
                  "`StemsManifest`: 1–64 members), `NotFound` (unknown, or someone else's unpublished track), "
                  "`Forbidden` (someone else's track), `Conflict` (your track is not published yet)"),
    method("payout_tracks", "", optional="cursor limit", reply=PayoutTrackPage,
           summary="every published track (withdrawn ones too) with its credited artist pages and their accounts, "
                   "oldest first: payouts' copy of the catalog at the start of a run",
           errors="`InvalidField` (cursor, limit)"),
    method("artist_summaries", "artist_ids", reply=None,
           summary='`{artist_id: {"id", "name", "verified"}}` for up to '
                   f"{ARTIST_SUMMARIES_MAX} pages (unknown ids are left out): the names beside leaderboard rows",
           errors="`InvalidField` (`artist_ids` not a list of UUIDs, or more than "
                  f"{ARTIST_SUMMARIES_MAX})"),
    method("producer_beats", "actor_id", "artist_id status cursor limit", reply=ProducerBeats,
           summary="the producer's own tracks in every status (processing and rejected included), newest first, "
                   "each with its growth (counted plays in the last 30 days against the 30 before: `rising` when "
                   "up by more than 10 %, `falling` when down by more than 10 %, else `steady`), and the "
                   "collaboration insights of the page",
           errors="`Forbidden` (not a producer), `NotFound` (no artist profile; someone else's page), "
                  "`InvalidField`"),
    method("producer_collections", "actor_id", "artist_id q cursor limit", reply=ProducerCollections,
           summary="the page's collections with their statistics; `q` filters by name",
           errors="as `producer_beats`"),
    method("stream_source", "track_id", reply=MediaSource,
           summary='`{"key", "content_type"}` — published tracks only',
           errors="`NotFound`"),
    method("waveform_source", "track_id", reply=MediaSource,
           summary='`{"key", "content_type"}` — published tracks only',
           errors="`NotFound`"),
    method("cover_source", "track_id", "size", reply=CoverSource,
           summary='`{"key", "content_type"}` of the track\'s cover: its own image, else its preset\'s image (with '
                   "`preset`), else its collection's cover; with `size` (one of 160, 320, 640), that image's WebP "
                   "thumbnail, fitted into size × size and made on first request (docs/covers.md)",
           errors="`InvalidField` (`size`), `NotFound` (no cover; a rejected or withdrawn track)"),
    # --- Plays and listening history (services/catalog/plays/)
    method("report_play", "actor_id track_id position_s duration_s", reply=PlayResult,
           summary='`{"counted": bool, "reason": "counted"|"too_early"|"already_counted_this_hour"|"own_track", '
                   '"play_count": int, "next_count_at": ISO|null}`; a counted play stores a `plays` row, raises '
                   "`tracks.play_count` by one and emits `play_recorded`; every accepted report updates the actor's "
                   "history",
           errors="`InvalidField` (`position_s`, `duration_s`: not numbers, negative position, duration ≤ 0 or > "
                  "86,400, position > duration + 1 s, duration more than 2 s off the track's analysed one), "
                  "`NotFound` (unknown or unpublished track)"),
    method("similar_artists", "artist_id", reply=None,
           summary='`[SimilarArtist]` — `{"artist": {"id", "name", "verified"}, "score", "shared_genres", '
                   '"shared_listeners"}`, at most 10, best first: other pages sharing the page\'s genres (Jaccard '
                   "over the genres of the published tracks) and its listeners (counted plays of the last 90 days)"
                   "; docs/business-rules.md \"Similar artists\"",
           errors="`NotFound`"),
    method("list_history", "actor_id", "cursor limit", reply=HistoryPage,
           summary="envelope of `HistoryEntry`, newest `listened_at` first",
           errors="`InvalidField` (`cursor` of another list, `limit` outside 1–100)"),
    # --- Community: likes, reposts, playlists, comments (services/catalog/community/)
    method("like", "actor_id kind item_id", reply=LikeState,
           summary='`{"liked": bool, "like_count": int}`; `kind` = `tracks` (published only), `collections`, '
                   "`producers` (artist page ids); idempotent; emits `item_liked` / `item_unliked` only when "
                   "something changed",
           errors="`NotFound` (missing or unpublished item, unknown kind — nothing stored), `InvalidField` "
                  "(`actor_id`)"),
    method("unlike", "actor_id kind item_id", reply=LikeState,
           summary='`{"liked": bool, "like_count": int}`; `kind` = `tracks` (published only), `collections`, '
                   "`producers` (artist page ids); idempotent; emits `item_liked` / `item_unliked` only when "
                   "something changed",
           errors="`NotFound` (missing or unpublished item, unknown kind — nothing stored), `InvalidField` "
                  "(`actor_id`)"),
    method("list_likes", "user_id", "kind cursor limit", reply=LikedItemPage,
           summary="envelope of `Track`, `Collection` or `Artist` by `kind`, most recently liked first",
           errors="`InvalidField` (`kind`, `user_id`, `cursor`, `limit`)"),
    method("repost", "actor_id track_id", reply=RepostState,
           summary='`{"reposted": bool, "repost_count": int}`; idempotent; emits `track_reposted` / '
                   "`track_unreposted` on a change",
           errors="`NotFound` (missing or unpublished track)"),
    method("unrepost", "actor_id track_id", reply=RepostState,
           summary='`{"reposted": bool, "repost_count": int}`; idempotent; emits `track_reposted` / '
                   "`track_unreposted` on a change",
           errors="`NotFound` (missing or unpublished track)"),
    method("list_reposts", "user_id", "cursor limit", reply=TrackPage,
           summary="envelope of `Track`, most recently reposted first",
           errors="`InvalidField`"),
    method("create_playlist", "actor_id data", reply=Playlist,
           summary="`Playlist`; `data`: `name` (1–100, trimmed), `description` (≤ 1,000, optional), `public` (bool, "
                   "default true)",
           errors="`InvalidField`"),
    method("get_playlist", "playlist_id", "actor_id", reply=Playlist,
           errors="`NotFound` (also someone else's private one)"),
    method("update_playlist", "actor_id playlist_id changes", reply=Playlist,
           summary="`Playlist`; `changes` ⊆ `name, description, public` (a blank or null description clears it)",
           errors="`InvalidField`, `NotFound` (also someone else's private one), `Forbidden` (someone else's public "
                  "one)"),
    method("delete_playlist", "actor_id playlist_id",
           summary="`None`",
           errors="`NotFound`, `Forbidden`"),
    method("add_playlist_track", "actor_id playlist_id track_id", "position", reply=Playlist,
           summary="`Playlist`; inserts at `position` (0-based int ≥ 0; None or past the end appends)",
           errors="`InvalidField` (`track_id`, `position`), `NotFound` (playlist; missing or unpublished track), "
                  "`Forbidden`, `Conflict` (already in the playlist; 500 tracks already)"),
    method("remove_playlist_track", "actor_id playlist_id track_id",
           summary="`None`; later positions close up",
           errors="`NotFound` (also: the track is not in it), `Forbidden`"),
    method("reorder_playlist", "actor_id playlist_id track_ids", reply=Playlist,
           summary="`Playlist` in the new order",
           errors="`InvalidField` (`track_ids`: not a list of UUIDs, > 500; then — after the owner check — not "
                  "exactly the playlist's tracks: the reasons name the foreign, missing and repeated ids; nothing "
                  "changed), `NotFound`, `Forbidden`"),
    method("list_my_playlists", "actor_id", "cursor limit", reply=PlaylistPage,
           summary="envelope of `PlaylistSummary`, private ones included",
           errors="`InvalidField`"),
    method("list_user_playlists", "user_id", "cursor limit", reply=PlaylistPage,
           summary="envelope of `PlaylistSummary`, public ones only",
           errors="`InvalidField`"),
    method("post_comment", "actor_id track_id body", reply=Comment,
           summary="`Comment`; `body` trimmed, 1–1,000 characters, no NUL, stored as given (no escaping); emits "
                   "`comment_posted`",
           errors="`InvalidField` (`body`, checked first), `NotFound` (missing or unpublished track)"),
    method("list_comments", "track_id", "cursor limit", reply=CommentPage,
           summary="envelope of `Comment`, newest first",
           errors="`NotFound`, `InvalidField`"),
    method("delete_comment", "actor_id comment_id",
           summary="`None`; by the author or the track's producer (`producer_user_id`); emits `comment_deleted`",
           errors="`NotFound`, `Forbidden`"),
    # --- Beat requests and notifications (services/catalog/beat_requests/)
    method("create_beat_request", "actor_id data", reply=BeatRequest,
           summary="`BeatRequest` + `tokens` (the balance left); spends `lifetime_hours / 24` tokens with "
                   '`accounts.spend_tokens(user_id, <new id>, "create", cost)`, stores the request, notifies matching'
                   " verified producers, emits `beat_request_created`; if storing fails the spend is refunded",
           errors="`InvalidField` first (nothing spent: `genre` 1–50 chars, `bpm_min`/`bpm_max` 50–200 with `bpm_min "
                  "≤ bpm_max`, `mood` 1–100, `budget_cents` 0–100,000,000, `currency` only `CAD` (default), "
                  "`lifetime_hours` 24/48/72, `reference_track_id` an existing published track), then "
                  "`PaymentRequired` (accounts' message: balance, cost, reset date; details `{\"cost\"}`), `NotFound` "
                  "(unknown user)"),
    method("beat_request_costs", reply=BeatRequestCosts,
           summary='`{"costs": [{"lifetime_hours", "cost_tokens"}], "renewal": {"lifetime_hours", "cost_tokens"}}`: '
                   "what a request costs by lifetime (shortest first) and what renewing one costs, from the beat "
                   "requests' rules"),
    method("list_open_beat_requests", "actor_id", "genre bpm budget_min cursor limit", reply=BeatRequestPage,
           summary="envelope of `BeatRequest`, open ones (not expired, not deleted), newest first; `genre` compared "
                   "normalised, `bpm` inside `[bpm_min, bpm_max]`, `budget_cents ≥ budget_min`",
           errors="`Forbidden` (not a producer), `InvalidField`"),
    method("list_my_beat_requests", "actor_id", "cursor limit", reply=BeatRequestPage,
           summary="envelope of the actor's `BeatRequest`s, open and expired (not deleted), newest first",
           errors="`InvalidField`"),
    method("get_beat_request", "actor_id beat_request_id", reply=BeatRequest,
           errors="`NotFound` (unknown or deleted), `Forbidden` (neither the requester nor a producer)"),
    method("respond_to_beat_request", "actor_id beat_request_id data", reply=BeatRequestResponse,
           summary="`BeatRequestResponse`; notifies the requester (`beat_request_response`), emits "
                   "`beat_request_responded`",
           errors="`InvalidField` (`track_id` missing/not a UUID, `message` > 1,000; `track_id` not the actor's own "
                  "published track), `NotFound`, `Forbidden` (not a producer, or the requester), `Conflict` (expired;"
                  " a second response by the same producer)"),
    method("list_beat_request_responses", "actor_id beat_request_id", "cursor limit", reply=BeatRequestResponsePage,
           summary="envelope of `BeatRequestResponse`, newest first",
           errors="`NotFound`, `Forbidden` (not the requester)"),
    method("renew_beat_request", "actor_id beat_request_id", reply=BeatRequest,
           summary="`BeatRequest` + `tokens`; spends 1 token keyed `renew:<n>`, `expires_at = now + 24 h`, emits "
                   "`beat_request_renewed`",
           errors="`NotFound`, `Forbidden` (not the requester), `Conflict` (still open; expired more than 30 days "
                  "ago), `PaymentRequired`"),
    method("delete_beat_request", "actor_id beat_request_id", reply=BeatRequestDeleted,
           summary='`{"refunded_tokens", "tokens"}`: an open request is refunded with `accounts.refund_tokens(..., '
                   '"delete")`, an expired one is deleted without a refund; emits `beat_request_deleted`',
           errors="`NotFound`, `Forbidden`"),
    method("count_unread_notifications", "actor_id", reply=UnreadCount,
           summary='`{"unread": N}`: how many of the actor\'s notifications are unread; marks nothing read'),
    method("list_notifications", "actor_id", "unread cursor limit", reply=NotificationPage,
           summary="envelope of `Notification`, newest first; the listed ones are marked read in the same transaction",
           errors="`InvalidField`"),
    # --- Following artist pages and analytics reports (services/catalog/audience/)
    method("follow_artist", "actor_id artist_id", reply=ArtistFollowState,
           summary='`{"following": true, "followers_count": N}`; idempotent; a first follow of a claimed page whose '
                   "owner is a verified producer notifies the owner (`new_follower`), at most once per (page, "
                   "follower) ever",
           errors="`NotFound` (unknown artist page, nothing stored), `InvalidField` (`actor_id`)"),
    method("unfollow_artist", "actor_id artist_id", reply=ArtistFollowState,
           summary='`{"following": false, "followers_count": N}`; idempotent',
           errors="`NotFound` (unknown artist page), `InvalidField` (`actor_id`)"),
    method("list_artist_followers", "artist_id", "cursor limit", reply=ArtistFollowRecordPage,
           summary="envelope of `ArtistFollowRecord` `{user_id, followed_at}`, most recent first; `total` is the "
                   "page's `followers_count`",
           errors="`NotFound`, `InvalidField` (`cursor`, `limit`)"),
    method("analytics_reports", "actor_id", "month", reply=AnalyticsReportsRun,
           summary="admins only: makes the `analytics_report` notification of every claimed, verified page for "
                   "`month` (`YYYY-MM`; default the last finished UTC month) that has none yet — once per (page, "
                   "month), whoever asks and however often; the hourly timer and `python -m services.catalog.cli "
                   "analytics-reports` do the same",
           errors="`Forbidden` (not an admin), `InvalidField` (`month`), `Conflict` (the month has not ended; "
                  'details `{"month", "ends_at"}`)'),
), sections=(
    ("Tracks, artist pages and collections (services/catalog/tracks/)", None),
    ("Plays and listening history (services/catalog/plays/)", "report_play"),
    ("Community: likes, reposts, playlists, comments (services/catalog/community/)", "like"),
    ("Beat requests and notifications (services/catalog/beat_requests/)", "create_beat_request"),
    ("Following artist pages and analytics reports (services/catalog/audience/)", "follow_artist"),
))
