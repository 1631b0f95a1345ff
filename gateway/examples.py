"""Example requests and responses for the OpenAPI document, one of each per schema.

``gateway.openapi`` puts the example of an operation's body schema on its request and the example of its
response schema on its success response; a route may give its own with ``@doc(example=...,
response_example=...)``. Responses are dumped through their schema, so an example shows exactly the fields
the server sends. The tests load every request example through its validating schema and send it to the app.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema

from gateway import (beat_request_schemas as beat_requests, billing_schemas as billing, catalog_schemas as catalog,
                     community_schemas as community, gamification_schemas as gamification,
                     license_schemas as licenses, payout_schemas as payouts,
                     play_schemas as plays, schemas, stems_schemas as stems)

USER_ID = "6f1c2a3e-5b7d-4c1e-9a2b-3c4d5e6f7a80"
OTHER_USER_ID = "0b8e6a52-9d1f-4e3a-8c6b-7d2e1f0a9b31"
ARTIST_ID = "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
TRACK_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
COLLECTION_ID = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
PLAYLIST_ID = "7e6d5c4b-3a29-4180-9f6e-5d4c3b2a1908"
COMMENT_ID = "2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7081"
APPLICATION_ID = "7a1c2a3e-0000-4000-8000-000000000009"
BEAT_REQUEST_ID = "4f3e2d1c-0b9a-4887-a665-544332211009"
RESPONSE_ID = "8d7c6b5a-4938-4271-b605-f4e3d2c1b0a9"
NOTIFICATION_ID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
IMAGE_ID = "6a5b4c3d-2e1f-4a09-8b7c-6d5e4f3a2b1c"
HISTORY_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
AT = "2026-03-01T12:00:00+00:00"
LATER = "2026-03-02T12:00:00+00:00"

PROFILE = {"name": "Ana Silva", "city": "Montréal", "country": "Canada", "description": "Late-night beats.",
           "links": ["https://example.com/ana"]}
AVATAR_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"
USER_BASE = {"id": USER_ID, "username": "ana.beats", "roles": ["listener", "producer"], "profile": PROFILE,
             "avatar": AVATAR_ID, "avatar_url": f"/api/v1/users/{USER_ID}/avatar?v={AVATAR_ID}",
             "followers_count": 12, "following_count": 3, "created_at": AT}
ARTIST_SUMMARY = {"id": ARTIST_ID, "name": "Ana Beats", "verified": True}
PUBLIC_USER = {**USER_BASE, "artists": [ARTIST_SUMMARY]}
PRIVATE_USER = {**USER_BASE, "email": "ana@example.com", "plan": "classic", "tokens": 3,
                "subscription_status": "active", "pending_plan": None, "cancel_at_period_end": False,
                "current_period_end": "2026-04-01T12:00:00+00:00", "can_download": True}
APPLICATION = {"id": APPLICATION_ID, "user_id": USER_ID, "username": "ana.beats", "type": "become_producer",
               "status": "pending",
               "producer_name": "Ana Beats", "beats_link": "https://example.com/ana", "first_name": "Ana",
               "last_name": "Silva", "label": None, "instagram": "@ana.beats", "artist_id": None,
               "rejection_reason": None, "created_at": AT, "decided_at": None}
TRACK_LINKS = {"stream": f"/api/v1/tracks/{TRACK_ID}/stream", "waveform": f"/api/v1/tracks/{TRACK_ID}/waveform",
               "cover": f"/api/v1/tracks/{TRACK_ID}/cover"}
TRACK = {"id": TRACK_ID, "name": "Night Drive", "artists": ["Ana Beats"], "artist_id": ARTIST_ID,
         "producer_user_id": USER_ID, "collaborators": [], "bpm": 140, "key": "A", "scale": "minor",
         "genres": ["trap"], "tags": ["dark", "808"], "description": "Slow synths over hard drums.",
         "collection_id": None, "licensing_model": "standard", "exclusive": None, "sample_clearance": "cleared",
         "cover_preset": "trap-1", "has_cover": False, "status": "published", "rejection": None,
         "audio": {"format": "wav", "duration_s": 151.2, "sample_rate": 44100, "bit_depth": 24, "channels": 2,
                   "loudness_lufs": -9.8, "true_peak_dbtp": -0.6},
         "suspected_lossy_source": False, "play_count": 42, "like_count": 7, "repost_count": 2,
         "metadata_completeness": 0.9, "created_at": AT, "published_at": AT, "links": TRACK_LINKS}
ARTIST = {"id": ARTIST_ID, "name": "Ana Beats", "user_id": USER_ID, "claimed": True, "verified": False,
          "genres": ["trap"], "links": ["https://example.com/ana"], "country": "Canada", "city": "Montréal",
          "description": "Producer from Montréal.", "credits": ["Night Drive (2026)"], "pinned_track_id": TRACK_ID,
          "images": {"avatar": IMAGE_ID, "cover": None, "gallery": []},
          "image_links": {"avatar": f"/api/v1/artists/{ARTIST_ID}/images/{IMAGE_ID}", "cover": None, "gallery": []},
          "track_count": 1, "followers_count": 12, "created_at": AT}
COLLECTION = {"id": COLLECTION_ID, "name": "Night Tape", "artist_id": ARTIST_ID, "artists": ["Ana Beats"],
              "genres": ["trap"], "tags": ["dark"], "description": "Six late-night beats.", "track_ids": [TRACK_ID],
              "created_at": AT, "like_count": 3, "cover_preset": None,
              "links": {"cover": f"/api/v1/collections/{COLLECTION_ID}/cover"}}
PLAYLIST_SUMMARY = {"id": PLAYLIST_ID, "owner_id": USER_ID, "name": "Focus", "description": "Beats to work to.",
                    "public": True, "track_count": 1, "created_at": AT, "updated_at": LATER}
COMMENT = {"id": COMMENT_ID, "track_id": TRACK_ID, "author_id": OTHER_USER_ID, "body": "Those drums!",
           "created_at": AT}
BEAT_REQUEST = {"id": BEAT_REQUEST_ID, "requester_user_id": OTHER_USER_ID, "genre": "trap", "bpm_min": 130,
                "bpm_max": 150, "mood": "dark and slow", "budget_cents": 15000, "currency": "CAD",
                "reference_track_id": None, "lifetime_hours": 48, "cost_tokens": 2, "renewals": 0, "status": "open",
                "created_at": AT, "expires_at": "2026-03-03T12:00:00+00:00",
                "renewable_until": "2026-04-02T12:00:00+00:00", "tokens": 1}
BEAT_REQUEST_RESPONSE = {"id": RESPONSE_ID, "beat_request_id": BEAT_REQUEST_ID, "producer_user_id": USER_ID,
                         "artist_id": ARTIST_ID, "artist_name": "Ana Beats", "track_id": TRACK_ID,
                         "track_name": "Night Drive", "message": "Made for this: dark, 140 BPM.", "created_at": LATER}
NOTIFICATION = {"id": NOTIFICATION_ID, "kind": "beat_request_response", "read": False, "created_at": LATER,
                "payload": {"beat_request_id": BEAT_REQUEST_ID, "response_id": RESPONSE_ID, "track_id": TRACK_ID}}
PLAN = {"code": "classic", "name": "Classic", "price": {"amount_cents": 999, "currency": "CAD"}, "interval": "month",
        "monthly_tokens": 3, "downloads": True}
HISTORY_ENTRY = {"id": HISTORY_ID, "listened_at": LATER, "started_at": LATER, "position_s": 95.5, "counted": True,
                 "track": {"id": TRACK_ID, "name": "Night Drive", "artists": ["Ana Beats"], "artist_id": ARTIST_ID,
                           "links": TRACK_LINKS}}
TRACK_METADATA = {"name": "Night Drive", "artists": ["Ana Beats"], "bpm": 140, "key": "A", "scale": "minor",
                  "genres": ["trap"], "tags": ["dark", "808"], "cover_preset": "trap"}

LICENSE_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
TERMS = {"version": "standard-2026-12", "license_type": "standard", "new_works": 1, "credit": "Produced by Ana Beats",
         "content_id_registration": False, "live_performance_max_attendees": None, "sync": False,
         "transferable": False, "ai_training": False, "publishing_split": None, "territory": "worldwide",
         "governing_law": None, "producer_royalty_percent": None, "deliverables": ["original", "mp3_320"],
         "text": ["One new musical work may be made with this beat.", "Credit: Produced by Ana Beats."]}
LICENSE = {"id": LICENSE_ID, "type": "standard", "status": "valid", "track_id": TRACK_ID, "track_title": "Night Drive",
           "artist_id": ARTIST_ID, "producer_name": "Ana Beats", "licensee_user_id": OTHER_USER_ID,
           "licensee_email_masked": "l***@example.com", "fingerprint_hash": "9f2c" + "0" * 60, "issued_at": AT,
           "revoked_at": None, "terms_version": "standard-2026-12", "terms": TERMS, "price": None,
           "links": {"self": f"/api/v1/licenses/{LICENSE_ID}",
                     "certificate": f"/api/v1/licenses/{LICENSE_ID}/certificate.pdf",
                     "verify": f"/verify-license/{LICENSE_ID}"}}
SIGNED = "/api/v1/files/eyJrIjoib3JpZ2luYWxzLzlhOGIud2F2IiwiZSI6MTc3MjM2OTAwMH0.q1w2e3r4t5y6u7i8o9p0"
DOWNLOAD_FILES = {"original": {"url": SIGNED, "format": "wav", "filename": "Ana Beats - Night Drive.wav"},
                  "mp3_320": {"url": SIGNED + "m", "format": "mp3", "filename": "Ana Beats - Night Drive.mp3"},
                  "expires_at": "2026-03-01T12:15:00+00:00"}

RUN_ID = "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091"
SPLIT_ID = "3c4d5e6f-7081-4923-8b4c-5d6e7f809102"
TRANSACTION_ID = "4d5e6f70-8192-4a34-9c5d-6e7f80910213"
CAD_ZERO = [{"amount_cents": 0, "currency": "CAD"}]
SPLIT = {"id": SPLIT_ID, "user_id": USER_ID, "artist_ids": [ARTIST_ID], "share": 0.0412, "amount_cents": 41_177,
         "transfer_cents": 91_177, "currency": "CAD", "status": "paid", "reason": None,
         "stripe_transfer_id": "tr_1Qa2b3c4d5e6"}
RUN = {"id": RUN_ID, "period": "2026-02", "status": "completed", "pool": {"amount_cents": 999_400, "currency": "CAD"},
       "platform_total": 1843.27, "started_at": AT, "finished_at": LATER,
       "counts": {"paid": 38, "excluded": 2, "failed": 0}, "splits": [SPLIT]}
STRIPE_READY = {"status": "payout_ready", "connected": True, "charges_enabled": True, "payouts_enabled": True,
                "currently_due": [], "country": "CA"}
FINANCES = {"stripe": STRIPE_READY,
            "cards": {"balance": [{"amount_cents": 0, "currency": "CAD"}], "upcoming": CAD_ZERO,
                      "in_transit": [{"amount_cents": 91_177, "currency": "CAD"}],
                      "lifetime": [{"amount_cents": 91_177, "currency": "CAD"}]},
            "multi_currency_warning": False, "artists": [{"id": ARTIST_ID, "name": "Ana Beats"}],
            "artist_id": ARTIST_ID, "cached_at": LATER, "stale": False}
TRANSACTION = {"id": TRANSACTION_ID, "kind": "pool_share", "amount_cents": 41_177, "currency": "CAD", "run_id": RUN_ID,
               "period": "2026-02", "license_id": None, "stripe_id": None, "created_at": LATER}
STATEMENT = {"period": "2026-02", "artist_id": ARTIST_ID, "pool": {"amount_cents": 999_400, "currency": "CAD"},
             "platform_total": 1843.27, "contribution": 75.95, "share": 0.0412,
             "amount": {"amount_cents": 41_177, "currency": "CAD"},
             "tracks": [{"track_id": TRACK_ID, "title": "Night Drive", "plays": 99, "months_since_upload": 1.0,
                         "age_factor": 0.8909, "popularity_factor": 2.3333, "producer_count": 1, "value": 2.0788}],
             "user_centric": {"amount": {"amount_cents": 38_950, "currency": "CAD"}, "subscribers": 17}}

OTHER_ARTIST_ID = "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"
XP_ENTRY_ID = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f"
ACHIEVEMENT = {"code": "first_upload", "name": "First Drop", "description": "Publish your first track.", "xp": 50,
               "rarity": "common", "holders_share": 0.82, "earned_at": AT, "progress": {"current": 1, "target": 1}}
PROGRESS = {"artist_id": ARTIST_ID, "level": 2, "title": "Apprentice", "xp": 742, "level_floor_xp": 500,
            "next_level_xp": 1500,
            "achievements": [ACHIEVEMENT, {"code": "plays_1000", "name": "Thousand Spins",
                                           "description": "Reach 1,000 counted plays.", "xp": 250, "rarity": "rare",
                                           "holders_share": 0.11, "earned_at": None,
                                           "progress": {"current": 392, "target": 1000}}]}
XP_ENTRY = {"id": XP_ENTRY_ID, "amount": 100, "reason": "track_published", "track_id": TRACK_ID,
            "achievement": None, "event_id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", "created_at": AT}
LEADERBOARD = {"category": "plays", "period": "all_time", "currency": None,
               "items": [{"rank": 1, "artist": {"id": OTHER_ARTIST_ID, "name": "Lee Park", "verified": True},
                          "value": 1204},
                         {"rank": 2, "artist": {"id": ARTIST_ID, "name": "Ana Beats", "verified": False},
                          "value": 392}],
               "total": 2, "next": None, "me": {"rank": 2, "value": 392}}
ACTIVITY_DAYS = [{"date": "2026-02-28", "plays": 0, "downloads": 0, "uploads": 0},
                 {"date": "2026-03-01", "plays": 14, "downloads": 1, "uploads": 1}]
GROWTH = {"plays_last_30_days": 42, "plays_previous_30_days": 30, "status": "rising"}

#: the success body of each response schema (pages are built from their item's example)
RESPONSES: dict[type[Schema], Any] = {
    schemas.PrivateUser: PRIVATE_USER,
    schemas.PublicUser: PUBLIC_USER,
    schemas.ViewedUser: {**PUBLIC_USER, "viewer": {"following": False}},
    schemas.UserSummary: {"id": OTHER_USER_ID, "username": "lee", "name": "Lee Park"},
    schemas.Application: APPLICATION,
    schemas.AccessToken: {"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI2ZjFjIn0.c2lnbmF0dXJl",
                          "token_type": "Bearer", "expires_in": 3600, "refresh_token": schemas.REFRESH_TOKEN_EXAMPLE,
                          "refresh_expires_in": 2592000},
    schemas.FollowState: {"following": True, "followers_count": 13},
    schemas.Health: {"status": "ok"},
    schemas.Readiness: {"status": "ready", "checks": {"broker": "ok", "accounts": "ok", "catalog": "ok",
                                                       "audio": "ok"}},
    catalog.Track: TRACK,
    catalog.ViewedTrack: {**TRACK, "viewer": {"liked": True, "reposted": False}},
    catalog.DiscographyTrack: {**TRACK, "role": "uploader"},
    catalog.SimilarArtist: {"artist": {"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "Lee Park",
                                       "verified": False},
                            "score": 1.1667, "shared_genres": ["lofi", "trap"], "shared_listeners": 5},
    catalog.Accepted: {"id": TRACK_ID, "status": "processing"},
    catalog.Artist: ARTIST,
    catalog.ViewedArtist: {**ARTIST, "viewer": {"following": True}},
    catalog.ArtistMatch: {"id": ARTIST_ID, "name": "Ana Beats", "verified": False, "claim_status": "claimed"},
    catalog.MyArtist: {"id": ARTIST_ID, "name": "Ana Beats", "verified": False, "claim_status": "claimed",
                       "created_at": AT, "claimed_at": AT, "uploads_this_month": 1, "monthly_commitment": 2},
    catalog.Collection: COLLECTION,
    catalog.CoverPreset: {"id": "trap-1", "genre": "trap", "image_url": "/api/v1/cover-presets/trap-1/image"},
    stems.StemsAttached: {"track_id": TRACK_ID, "uploaded_at": LATER, "stems": {
        "members": [{"name": "Night Drive/kick.wav", "format": "wav", "sample_rate": 44100, "channels": 1,
                     "bit_depth": 24, "duration_s": 151.2},
                    {"name": "Night Drive/pad.flac", "format": "flac", "sample_rate": 44100, "channels": 2,
                     "bit_depth": 24, "duration_s": 151.2}],
        "size_bytes": 61203344, "uncompressed_bytes": 81627408}},
    community.LikeState: {"liked": True, "like_count": 8},
    community.RepostState: {"reposted": True, "repost_count": 3},
    community.PlaylistSummary: PLAYLIST_SUMMARY,
    community.Playlist: {**PLAYLIST_SUMMARY, "tracks": [TRACK]},
    community.Comment: COMMENT,
    community.LikedItemPage: {"items": [TRACK], "total": 1, "next": None},
    beat_requests.BeatRequest: BEAT_REQUEST,
    beat_requests.BeatRequestResponse: BEAT_REQUEST_RESPONSE,
    beat_requests.BeatRequestDeleted: {"refunded_tokens": 2, "tokens": 3},
    beat_requests.BeatRequestCosts: {"costs": [{"lifetime_hours": 24, "cost_tokens": 1},
                                               {"lifetime_hours": 48, "cost_tokens": 2},
                                               {"lifetime_hours": 72, "cost_tokens": 3}],
                                     "renewal": {"lifetime_hours": 24, "cost_tokens": 1}},
    beat_requests.Notification: NOTIFICATION,
    beat_requests.UnreadCount: {"unread": 2},
    billing.Plan: PLAN,
    billing.CheckoutSession: {"url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3",
                              "session_id": "cs_test_a1b2c3"},
    billing.PortalSession: {"url": "https://billing.stripe.com/p/session/test_a1b2c3"},
    billing.Subscription: {"plan": "classic", "status": "active", "pending_plan": None, "cancel_at_period_end": False,
                           "current_period_start": "2026-03-01T12:00:00+00:00",
                           "current_period_end": "2026-04-01T12:00:00+00:00", "can_download": True},
    billing.WebhookAck: {"received": True, "handled": True, "status": "processed"},
    plays.PlayResult: {"counted": True, "reason": "counted", "play_count": 43,
                       "next_count_at": "2026-03-02T13:00:00+00:00"},
    plays.HistoryEntry: HISTORY_ENTRY,
    licenses.License: LICENSE,
    licenses.LicensedDownload: {"license": LICENSE, "files": DOWNLOAD_FILES},
    licenses.SignedFiles: DOWNLOAD_FILES,
    licenses.Eligibility: {"allowed": False, "reason": "free_plan",
                           "message": "Explorer does not include downloads: subscribe to Classic, Plus or Pro "
                                      "(GET /api/v1/plans)."},
    licenses.Verification: {"status": "valid", "license_type": "standard",
                            "track": {"id": TRACK_ID, "title": "Night Drive"},
                            "producer": {"artist_id": ARTIST_ID, "name": "Ana Beats"}, "issued_at": AT,
                            "revoked_at": None, "licensee_email_masked": "l***@example.com",
                            "fingerprint_hash": "9f2c" + "0" * 60, "terms_version": "standard-2026-12",
                            "terms": TERMS},
    licenses.ExclusiveCheckout: {"url": "https://checkout.stripe.com/c/pay/cs_test_x9y8z7", "session_id": "cs_test_x9y8z7",
                                 "price_cents": 50000, "fee_cents": 6300, "total_cents": 56300, "currency": "CAD"},
    payouts.ConnectLink: {"url": "https://connect.stripe.com/setup/e/acct_1Qa2b3c4d5e6/a1b2c3d4",
                          "expires_at": "2026-03-01T12:05:00+00:00"},
    payouts.RunStarted: {key: RUN[key] for key in ("id", "period", "status", "pool")},
    payouts.Run: RUN,
    payouts.RunSummary: {key: value for key, value in RUN.items() if key != "splits"},
    payouts.Finances: FINANCES,
    payouts.Transaction: TRANSACTION,
    payouts.Statement: STATEMENT,
    gamification.Progress: PROGRESS,
    gamification.XpEntry: XP_ENTRY,
    gamification.Leaderboard: LEADERBOARD,
    gamification.Dashboard: {"artist_id": ARTIST_ID, "greeting": "Welcome back, Ana Beats!",
                             "stats": {"plays": 392, "downloads": 12, "uploads": 4, "plays_this_month": 14,
                                       "downloads_this_month": 1, "uploads_this_month": 1, "xp": 742, "level": 2,
                                       "title": "Apprentice"},
                             "shortcuts": [{"label": "My beats", "href": "/producer/beats"},
                                           {"label": "Finances", "href": "/producer/finances"}]},
    gamification.Activity: {"artist_id": ARTIST_ID, "days": ACTIVITY_DAYS,
                            "overview": {"plays": 14, "downloads": 1, "uploads": 1, "active_days": 1,
                                         "busiest_day": "2026-03-01", "from": "2025-03-02", "to": "2026-03-01"},
                            "downloads": {"total": 1, "per_100_plays": 7.14}},
    gamification.ProducerBeats: {"artist_id": ARTIST_ID, "items": [{**TRACK, "growth": GROWTH}], "total": 1,
                                 "next": None,
                                 "collaborations": [{"artist_id": OTHER_ARTIST_ID, "name": "Lee Park",
                                                     "shared_tracks": 1, "plays": 42, "share_of_plays": 1.0}]},
    gamification.ProducerCollections: {"artist_id": ARTIST_ID, "total": 1, "next": None,
                                       "items": [{"id": COLLECTION_ID, "name": "Night Tape", "tracks": 6,
                                                  "published_tracks": 5, "plays": 310, "likes": 3,
                                                  "created_at": AT}]},
}

class Alternatives(dict):
    """Named example bodies of one request schema, each showing a way the server accepts."""


#: a valid body for each request schema: several named ones where the server has alternatives
REQUESTS: dict[type[Schema], Any] = {
    schemas.RegisterRequest: {"email": "ana@example.com", "password": "correct horse battery", "username": "ana.beats"},
    schemas.LoginRequest: {"email": "ana@example.com", "password": "correct horse battery"},
    schemas.RefreshRequest: {"refresh_token": schemas.REFRESH_TOKEN_EXAMPLE},
    schemas.PasswordChangeRequest: {"old_password": "correct horse battery", "new_password": "a brand new passphrase"},
    schemas.DeleteAccountRequest: {"password": "correct horse battery"},
    schemas.ProfilePatch: {"city": "Montréal", "links": ["https://example.com/ana"]},
    schemas.ProducerApplicationRequest: Alternatives({
        "become_producer": {"type": "become_producer", "producer_name": "Ana Beats",
                            "beats_link": "https://example.com/ana", "first_name": "Ana", "last_name": "Silva",
                            "instagram": "@ana.beats", "accept_terms": True, "owns_beats": True,
                            "grants_distribution_license": True, "commits_two_beats_per_month": True},
        "claim_artist": {"type": "claim_artist", "producer_name": "Ana Beats", "beats_link": "https://example.com/ana",
                         "first_name": "Ana", "last_name": "Silva", "artist_id": ARTIST_ID, "accept_terms": True,
                         "owns_beats": True, "grants_distribution_license": True,
                         "commits_two_beats_per_month": True},
        "get_verified": {"type": "get_verified", "accept_terms": True, "owns_beats": True,
                         "grants_distribution_license": True, "commits_two_beats_per_month": True},
    }),
    schemas.RejectRequest: {"reason": "The beats link does not lead to your own work."},
    catalog.TrackPatch: {"bpm": 142, "tags": ["dark", "808", "night"]},
    catalog.ArtistPatch: {"city": "Montréal", "description": "Producer from Montréal.", "pinned_track_id": TRACK_ID},
    catalog.TrackUploadForm: Alternatives({
        "preset_cover": {"metadata": TRACK_METADATA, "audio": "(the WAV or FLAC file)"},
        "cover_file": {"metadata": {key: value for key, value in TRACK_METADATA.items() if key != "cover_preset"},
                       "audio": "(the WAV or FLAC file)", "cover": "(a PNG, JPEG or WebP image)"},
        "in_collection": {"metadata": {"name": "Night Drive (slowed)", "bpm": 120, "key": "A", "scale": "minor",
                                       "collection_id": COLLECTION_ID},
                          "audio": "(the WAV or FLAC file)"},
        "exclusive": {"metadata": {**TRACK_METADATA, "licensing_model": "standard_exclusive",
                                   "exclusive": {"price_cents": 50000, "currency": "CAD",
                                                 "contact_email": "ana@example.com"}},
                      "audio": "(the WAV or FLAC file)"},
    }),
    catalog.ArtistImageForm: {"kind": "avatar", "image": "(a PNG, JPEG or WebP image)"},
    schemas.AvatarForm: {"image": "(a PNG, JPEG or WebP image)"},
    stems.StemsUploadForm: {"stems": "(a ZIP of the track's WAV or FLAC stems)"},
    catalog.CollectionForm: Alternatives({
        "cover_file": {"metadata": {"name": "Night Tape", "artists": ["Ana Beats"], "genres": ["trap"],
                                    "tags": ["dark"], "description": "Six late-night beats."},
                       "cover": "(a PNG, JPEG or WebP image)"},
        "preset_cover": {"metadata": {"name": "Night Tape", "artists": ["Ana Beats"], "genres": ["trap"],
                                      "cover_preset": "trap-2"}},
    }),
    catalog.CollectionPatch: {"name": "Night Tape (deluxe)", "cover_preset": "trap-3"},
    catalog.CoverForm: {"cover": "(a PNG, JPEG or WebP image)"},
    community.PlaylistCreate: {"name": "Focus", "description": "Beats to work to.", "public": True},
    community.PlaylistPatch: {"name": "Deep focus", "public": False},
    community.PlaylistTrackAdd: {"track_id": TRACK_ID, "position": 0},
    community.PlaylistOrder: {"track_ids": [TRACK_ID, "1f2e3d4c-5b6a-4789-8a7b-6c5d4e3f2a1b"]},
    community.CommentCreate: {"body": "Those drums!"},
    beat_requests.NewBeatRequest: {"genre": "trap", "bpm_min": 130, "bpm_max": 150, "mood": "dark and slow",
                                   "budget_cents": 15000, "currency": "CAD", "lifetime_hours": 48},
    beat_requests.NewResponse: {"track_id": TRACK_ID, "message": "Made for this: dark, 140 BPM."},
    billing.CheckoutRequest: {"plan": "classic"},
    plays.PlayReport: {"position_s": 31.0, "duration_s": 151.2},
    payouts.ConnectRequest: {"country": "CA"},
    payouts.RunRequest: {"period": "2026-02"},
}

#: one example body per error code (``gateway.errors.TABLE``)
ERRORS: dict[str, dict[str, Any]] = {
    "bad_request": {"message": "the body is not valid JSON", "details": {}},
    "unauthorized": {"message": "missing bearer token", "details": {}},
    "payment_required": {"message": "you have 1 token; this request costs 2 (the balance resets on 2026-04-01)",
                         "details": {"cost": 2}},
    "forbidden": {"message": "only producers may upload tracks", "details": {}},
    "not_found": {"message": "track not found", "details": {"track_id": TRACK_ID}},
    "method_not_allowed": {"message": "DELETE is not allowed on /api/v1/me; use GET",
                           "details": {"method": "DELETE", "path": "/api/v1/me", "allowed": ["GET"]}},
    "request_timeout": {"message": "the upload took longer than 600 s", "details": {}},
    "conflict": {"message": "this email is already registered", "details": {"field": "email"}},
    "payload_too_large": {"message": "the body may be at most 1048576 bytes", "details": {}},
    "unsupported_media_type": {"message": "send the body as JSON with 'Content-Type: application/json'",
                               "details": {}},
    "range_not_satisfiable": {"message": "the range lies outside the file", "details": {}},
    "invalid": {"message": "invalid fields: password, username",
                "details": {"password": ["must be at least 10 characters"],
                            "username": ["Length must be between 3 and 30."]}},
    "too_many_requests": {"message": "too many attempts; try again in 42 s", "details": {"retry_after": 42}},
    "internal": {"message": "internal error", "details": {}},
    "service_unavailable": {"message": "the catalog service is not running", "details": {"service": "catalog"}},
    "service_timeout": {"message": "catalog did not answer within 5 s",
                        "details": {"service": "catalog", "timeout_s": 5}},
}


# --- following artist pages, analytics reports (gateway/blueprints/artist_follows.py) -----------------------------

from gateway import artist_follow_schemas as artist_follows  # noqa: E402 - appended per area

RESPONSES.update({
    artist_follows.ArtistFollowState: {"following": True, "followers_count": 13},
    artist_follows.ArtistFollower: {"user": {"id": OTHER_USER_ID, "username": "lee"}, "followed_at": LATER},
    artist_follows.AnalyticsReportsRun: {"month": "2026-02", "reports": 38},
})
REQUESTS.update({
    artist_follows.AnalyticsReportsRequest: {"month": "2026-02"},
})


def error_example(code: str) -> dict[str, Any]:
    return {"error": code, **ERRORS.get(code, {"message": code.replace("_", " "), "details": {}})}


def response_example(schema: type[Schema]) -> Any | None:
    """The example body of ``schema``: its own, or a one-item page of its item's; None if it has none."""
    if schema in RESPONSES:
        return schema().dump(RESPONSES[schema])
    item = getattr(schema, "item_schema", None)
    if item is not None and item in RESPONSES:
        return schema().dump({"items": [RESPONSES[item]], "total": 1, "next": None})
    return None


def request_examples(schema: type[Schema]) -> dict[str, Any] | None:
    """``{name: body}`` for ``schema``: named alternatives, or one example named ``default``."""
    example = REQUESTS.get(schema)
    if example is None:
        return None
    return dict(example) if isinstance(example, Alternatives) else {"default": example}

# --- Audio Recon (appended here, so parallel edits of the tables above do not collide) -------------------------------

from gateway import recon_schemas as recon  # noqa: E402

RESPONSES[recon.ReconResult] = {
    "clip": {"format": "mp3", "duration_s": 24.0},
    "matches": [{"track_id": TRACK_ID, "title": "Night Drive", "artist": "Ana Beats", "offset_s": 61.4,
                 "score": 0.962}]}
REQUESTS[recon.ReconForm] = {"audio": "(a WAV, FLAC or MP3 clip of 10 s to 10 minutes)"}
