"""The words and limits services and gateway agree on, declared once.

The services validate their RPC input with these, the gateway its requests and its OpenAPI enums: a
value one side accepts the other accepts too. The business rules behind them are in
docs/business-rules.md (the section named beside each group).
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

# --- accounts (docs/business-rules.md "Accounts, roles and plans", "Producer Program") ---------------

EMAIL_MAX = 254
USERNAME_MIN, USERNAME_MAX = 3, 30
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
URL_MAX = 2048
PROFILE_TEXT_MAX = 100  # name, city, country
PROFILE_DESCRIPTION_MAX = 2000
PROFILE_LINKS_MAX = 10
CLIENT_IP_MAX = 100
REFRESH_TOKEN_MAX = 200
REJECTION_REASON_MAX = 2000

#: plan codes; services/accounts/plans.py holds each plan's price, tokens and downloads
PLAN_CODES = ("explorer", "classic", "plus", "pro")
FREE_PLAN = "explorer"
PAID_PLAN_CODES = tuple(code for code in PLAN_CODES if code != FREE_PLAN)
SUBSCRIPTION_STATUSES = ("active", "past_due", "canceled")

APPLICATION_TYPES = ("become_producer", "claim_artist", "get_verified")
APPLICATION_STATUSES = ("pending", "approved", "rejected")
#: the fields each application type needs besides the commitments
FIELDS_BY_APPLICATION_TYPE = {
    "become_producer": ("producer_name", "beats_link", "first_name", "last_name"),
    "claim_artist": ("producer_name", "beats_link", "first_name", "last_name", "artist_id"),
    "get_verified": (),
}
#: what every application must confirm (each ``true``)
APPLICATION_COMMITMENTS = ("accept_terms", "owns_beats", "grants_distribution_license",
                           "commits_two_beats_per_month")
APPLICATION_TEXT_MAX = 100  # producer_name, first_name, last_name, label
#: the beats a producer commits to upload each month (``commits_two_beats_per_month``), shown beside each page's
#: uploads of the current UTC month (``GET /me/artists``)
MONTHLY_UPLOAD_COMMITMENT = 2
INSTAGRAM_PATTERN = r"^@?[A-Za-z0-9._]{1,30}$"

# --- tracks, artist pages, collections (docs/business-rules.md "Uploads") --------------------------

KEYS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
SCALES = ("major", "minor")
BPM_MIN, BPM_MAX = 50, 200
STANDARD = "standard"
LICENSING_MODELS = (STANDARD, "standard_exclusive", "exclusive_only")
CURRENCIES = ("USD", "EUR", "GBP", "CAD")
EXCLUSIVE_STATUSES = ("available", "private", "sold")
#: the track list's ``licensing`` filter: one licensing model, or ``exclusive_available`` — the tracks whose
#: exclusive can be bought now (an exclusive model with its exclusive's status ``available``)
EXCLUSIVE_AVAILABLE = "exclusive_available"
LICENSING_FILTERS = (*LICENSING_MODELS, EXCLUSIVE_AVAILABLE)
SAMPLE_CLEARANCES = ("cleared", "needs_clearance")
TRACK_STATUSES = ("processing", "published", "rejected")  # as a client sees them
IMAGE_KINDS = ("avatar", "cover", "gallery")
TRACK_SORTS = ("newest", "popular")
TRACK_NAME_MAX = 200
ARTIST_NAME_MAX = 100
#: the artist search (``GET /artists?q=``): ``q`` holds 2 to 100 characters once trimmed
ARTIST_SEARCH_MIN, ARTIST_SEARCH_MAX = 2, ARTIST_NAME_MAX
WORD_MAX = 50  # one genre or tag
LIST_MAX = 20  # artists, collaborators, genres, tags
DESCRIPTION_MAX = 5000
COVER_PRESET_MAX = 50
ARTIST_LINKS_MAX = 10
CREDIT_MAX, CREDITS_MAX = 200, 50
SEARCH_TEXT_MAX = 200
#: the largest (and default) page of ``catalog.payout_tracks``, an internal list payouts walks whole at each run
PAYOUT_TRACKS_PAGE_MAX = 1000
#: the content type of a track's stream rendition (an MP3 the audio service renders), as the gateway serves it
STREAM_CONTENT_TYPE = "audio/mpeg"


def exclusive_terms_problem(licensing_model: str, has_terms: bool) -> str | None:
    """Why ``exclusive`` terms do not fit ``licensing_model``, or None: the exclusive models need them,
    ``standard`` refuses them. One rule for gateway and catalog, so a client gets one 422 from the first."""
    if licensing_model == STANDARD and has_terms:
        return "only the exclusive licensing models have exclusive terms"
    if licensing_model != STANDARD and not has_terms:
        return f"required with the {licensing_model} licensing model"
    return None


# --- genres and preset covers (docs/covers.md) -------------------------------------------------------

#: the genre vocabulary (slugs). Tracks' and collections' genres stay free text; ``match_genre`` maps one onto a
#: slug: case, accents, spaces, hyphens and underscores do not count ("Lo Fi", "LOFI" and "lo-fi" are lo-fi)
GENRES = ("hip-hop", "trap", "drill", "boom-bap", "r&b", "pop", "afrobeats", "reggaeton", "lo-fi", "electronic",
          "house", "rock")
#: other spellings that name a genre of the vocabulary (compared as ``genre_key`` does)
GENRE_ALIASES = {"rnb": "r&b", "randb": "r&b", "afrobeat": "afrobeats"}
#: the preset covers of each genre: ``<prefix>-1`` … ``<prefix>-3``; the prefix is the slug, but r&b's is rnb
#: (ids appear in URLs, where "&" is awkward)
COVER_PRESETS_PER_GENRE = 3
#: the sizes a cover is served at besides its own (`?size=`: fitted into size × size, docs/covers.md "Sizes")
COVER_SIZES = (160, 320, 640)
PRESET_PREFIXES = {genre: ("rnb" if genre == "r&b" else genre) for genre in GENRES}
#: the genre whose first preset covers a track whose own genres match none (docs/covers.md)
DEFAULT_COVER_GENRE = "hip-hop"


def genre_key(text: str) -> str:
    """What two genre spellings are compared by: case-folded, accents dropped, no spaces, hyphens or underscores."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in " -_\t")


_GENRE_BY_KEY = {**{genre_key(genre): genre for genre in GENRES},
                 **{genre_key(alias): genre for alias, genre in GENRE_ALIASES.items()}}


def match_genre(text: str | None) -> str | None:
    """The vocabulary's slug for a free-text genre ("Boom Bap" → "boom-bap", "R&B" → "r&b"), or None."""
    return _GENRE_BY_KEY.get(genre_key(text)) if text else None


def cover_preset_ids(genre: str | None = None) -> tuple[str, ...]:
    """Every preset id in vocabulary order, or those of ``genre`` (a slug)."""
    genres = GENRES if genre is None else (genre,)
    return tuple(f"{PRESET_PREFIXES[slug]}-{n}" for slug in genres for n in range(1, COVER_PRESETS_PER_GENRE + 1))


COVER_PRESET_IDS = cover_preset_ids()
_PRESET_GENRE = {preset_id: genre for genre in GENRES for preset_id in cover_preset_ids(genre)}


def preset_genre(preset_id: str) -> str | None:
    """The genre of a preset id (``trap-2`` → ``trap``), or None for anything else."""
    return _PRESET_GENRE.get(preset_id)


def resolve_cover_preset(value: str | None) -> str | None:
    """The preset a ``cover_preset`` value names: a preset id (any case), or a genre of the vocabulary (matched as
    ``match_genre`` does), which names that genre's first preset; None when it names none."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered in _PRESET_GENRE:
        return lowered
    genre = match_genre(value)
    return cover_preset_ids(genre)[0] if genre else None


def preset_for_genres(genres: Iterable[str]) -> str:
    """The preset a cover falls back to: the first preset of the first genre that matches the vocabulary, else the
    default genre's first."""
    for text in genres:
        if genre := match_genre(text):
            return cover_preset_ids(genre)[0]
    return cover_preset_ids(DEFAULT_COVER_GENRE)[0]


UNKNOWN_COVER_PRESET = ("not a preset cover: send a preset id from GET /api/v1/cover-presets (e.g. trap-1) or a "
                        "genre of the vocabulary: " + ", ".join(GENRES))


# --- community (docs/community.md) ------------------------------------------------------------------

LIKE_KINDS = ("tracks", "collections", "producers")
PLAYLIST_NAME_MAX = 100
PLAYLIST_DESCRIPTION_MAX = 1000
PLAYLIST_MAX_TRACKS = 500
COMMENT_MAX = 1000

# --- plays (docs/business-rules.md "Streaming and plays") ------------------------------------------

PLAY_REASONS = ("counted", "too_early", "already_counted_this_hour", "own_track")

# --- beat requests (docs/business-rules.md "Beat requests") ----------------------------------------

#: lifetime in hours → tokens it costs
BEAT_REQUEST_LIFETIME_COSTS = {24: 1, 48: 2, 72: 3}
BEAT_REQUEST_CURRENCIES = ("CAD",)
BEAT_REQUEST_GENRE_MAX = 50
BEAT_REQUEST_MOOD_MAX = 100
BEAT_REQUEST_MESSAGE_MAX = 1000
BEAT_REQUEST_BUDGET_MAX_CENTS = 100_000_000
BEAT_REQUEST_STATUSES = ("open", "expired")  # as a client sees them
NOTIFICATION_KINDS = ("beat_request_match", "beat_request_response", "exclusive_purchase_refunded", "payout_update",
                      "new_follower", "analytics_report")


# --- stems (docs/stems.md) ----------------------------------------------------------------

STEMS_MAX_MEMBERS = 64
STEMS_MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3
STEMS_MAX_COMPRESSION_RATIO = 100
#: a stem's duration may differ from the track's by this much
STEMS_DURATION_TOLERANCE_S = 1.0
#: ``details.code`` of a refused stems archive (a 422 ``invalid`` naming ``stems``)
STEMS_REJECTION_CODES = ("not_a_zip", "empty_archive", "too_many_members", "too_large_uncompressed",
                         "compression_ratio", "unsafe_path", "nested_archive", "unsupported_format", "lossy_format",
                         "corrupt", "bad_sample_rate", "duration_mismatch",
                         # audio gave up after STEMS_CHECK_MAX_SECONDS (docs/stems.md)
                         "check_timeout")

# --- Audio Recon (docs/recon.md) --------------------------------------------------------------

#: a recon clip must last this long (seconds): shorter says too little, longer is not a clip
RECON_MIN_SECONDS = 10.0
RECON_MAX_SECONDS = 600.0
#: the containers a recon clip may come in (judged by content, as uploads are)
RECON_FORMATS = ("wav", "flac", "mp3")
#: at most this many matches are answered, best first
RECON_MAX_MATCHES = 10
#: a match scores 1 - 2 × the bit error rate of the aligned fingerprints; below this it is no match
RECON_MIN_SCORE = 0.7
#: ``details.code`` of a refused recon clip (a 422 ``invalid`` naming ``audio``): the upload's codes that apply
RECON_REJECTION_CODES = ("unsupported_format", "corrupt", "truncated", "too_short", "too_long", "bad_sample_rate",
                         "bad_channels")

# --- Stripe metadata (docs/licensing.md "Exclusive sales") -----------------------------------------

#: ``metadata.beatpass_purpose`` of an exclusive's Checkout Session, PaymentIntent and Charge: licensing sets it,
#: the gateway's Stripe route table sends the payment's ``charge.refunded`` to licensing by it
STRIPE_PURPOSE_KEY = "beatpass_purpose"
EXCLUSIVE_SALE_PURPOSE = "exclusive_sale"

# --- Stripe Connect (docs/payouts.md) ---------------------------------------------------------------

#: ISO 3166 alpha-2 countries where a producer can open a Stripe Express account (Stripe's supported countries for
#: Connect platforms in Canada); payouts refuses others, the gateway validates with the same list
STRIPE_CONNECT_COUNTRIES = (
    "AT", "AU", "BE", "BG", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI", "GR", "HK", "HR",
    "HU", "IE", "IT", "JP", "LI", "LT", "LU", "LV", "MT", "MX", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SG", "SI",
    "SK", "TH", "US")
