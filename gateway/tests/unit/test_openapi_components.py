"""The OpenAPI component names clients are generated from stay exactly as they were before the response
schemas moved into the contracts (services/contracts/rpc/), and each response schema that has a reply
shape in a contract is that shape or extends it (adding only what HTTP adds: links, usernames)."""
from __future__ import annotations

import inspect

import pytest

from gateway import (artist_follow_schemas, beat_request_schemas, billing_schemas, catalog_schemas, community_schemas,
                     gamification_schemas, license_schemas, payout_schemas, play_schemas, recon_schemas, schemas,
                     stems_schemas)
from services.contracts.rpc import accounts, audio, catalog, gamification, licensing, payouts

#: the component names of the document as of issue #9 (before the move): clients depend on them
COMPONENTS = {
    "Accepted", "AccessToken", "Application", "ApplicationPage", "Artist", "ArtistImageForm", "ArtistImages",
    "ArtistPage", "ArtistPatch", "AudioInfo", "BeatRequest", "BeatRequestDeleted", "BeatRequestPage",
    "BeatRequestResponse", "BeatRequestResponsePage", "CheckoutRequest", "CheckoutSession", "Collection",
    "CollectionForm", "CollectionMetadata", "CollectionPage", "Comment", "CommentCreate", "CommentPage",
    "CoverPreset", "DeleteAccountRequest", "Error", "Exclusive", "ExclusiveTerms", "FollowState", "Health",
    "HistoryEntry", "HistoryEntryPage", "HistoryTrack", "LikeState", "LikedItemPage", "LoginRequest",
    "NewBeatRequest", "NewResponse", "Notification", "NotificationPage", "PasswordChangeRequest", "Plan",
    "PlanPage", "PlayReport", "PlayResult", "Playlist", "PlaylistCreate", "PlaylistOrder", "PlaylistPatch",
    "PlaylistSummary", "PlaylistSummaryPage", "PlaylistTrackAdd", "PortalSession", "Price", "PrivateUser",
    "ProducerApplicationRequest", "Profile", "ProfilePatch", "PublicUser", "Readiness", "RefreshRequest",
    "RegisterRequest", "RejectRequest", "Rejection", "RepostState", "Subscription", "Track", "TrackLinks",
    "TrackMetadata", "TrackPage", "TrackPatch", "TrackUploadForm", "UserSummary", "UserSummaryPage", "WebhookAck",
}
#: added by issue #10: licensing, stems
ADDED = {"Eligibility", "ExclusiveCheckout", "License", "LicenseLinks", "LicensePage", "LicensedDownload",
         "SignedFile", "SignedFiles", "Terms", "Verification",
         "StemsAttached", "StemsManifest", "StemsMember", "StemsUploadForm"}
#: added by issue #11: payouts
ADDED_PAYOUTS = {"ArtistRef", "Cards", "ConnectLink", "ConnectRequest", "Finances", "Money", "Run", "RunRequest",
                 "RunStarted", "Split", "Statement", "StatementTrack", "StripeStatus", "Transaction",
                 "TransactionPage", "UserCentric"}
#: added by issue #12: progress, leaderboards, Backstage
ADDED_GAMIFICATION = {"Achievement", "Activity", "ActivityDay", "BeatGrowth", "CollaboratorInsight", "CollectionStats",
                      "Dashboard", "Leaderboard", "LeaderboardArtist", "LeaderboardRow", "MyRank", "ProducerBeat",
                      "ProducerBeats", "ProducerCollections", "Progress", "XpEntry", "XpEntryPage"}
#: added by issue #13: collections and covers
ADDED_COVERS = {"CollectionLinks", "CollectionPatch", "CoverForm", "CoverPresetPage"}
#: added by issue #13: following artist pages, analytics reports
ADDED_ARTIST_FOLLOWS = {"AnalyticsReportsRequest", "AnalyticsReportsRun", "ArtistFollowState", "ArtistFollower",
                        "ArtistFollowerPage", "FollowerUser"}
#: added by issue #13: Audio Recon
ADDED_RECON = {"ReconClip", "ReconForm", "ReconMatch", "ReconResult"}
#: added by issue #13: the artist search, the pages a producer manages
ADDED_ARTISTS = {"ArtistMatch", "ArtistMatchPage", "MyArtist", "MyArtistPage"}
#: added by issue #13, artist and profile pages: the Discography, Similar Artists, avatars, managed pages
ADDED_ARTIST_PAGES = {"ArtistSummary", "AvatarForm", "DiscographyTrack", "DiscographyTrackPage", "SimilarArtist",
                      "SimilarArtistPage"}
#: added by issue #14: the unread count of the web app's header
ADDED_WEB = {"UnreadCount"}
#: added by the admins' list of payout runs (GET /admin/payout-runs)
ADDED_RUN_LIST = {"RunSummary", "RunSummaryPage"}
#: the caller's own state on pages (liked, reposted, following) and the beat-request costs
ADDED_VIEWER = {"ArtistViewer", "BeatRequestCost", "BeatRequestCosts", "TrackViewer", "UserViewer", "ViewedArtist",
                "ViewedTrack", "ViewedUser"}
#: GET /users/{id} answers ViewedUser (PublicUser and `viewer`): no route answers a bare PublicUser any more
REPLACED_BY_VIEWER = {"PublicUser"}
GATEWAY_MODULES = (schemas, catalog_schemas, community_schemas, play_schemas, beat_request_schemas, billing_schemas,
                   license_schemas, stems_schemas, payout_schemas, gamification_schemas, artist_follow_schemas,
                   recon_schemas)


@pytest.fixture
def spec(http) -> dict:
    return http.get("/api/v1/openapi.json").get_json()


def test_the_component_names_are_unchanged(spec):
    assert set(spec["components"]["schemas"]) == (COMPONENTS | ADDED | ADDED_PAYOUTS | ADDED_GAMIFICATION
                                                  | ADDED_COVERS | ADDED_ARTIST_FOLLOWS | ADDED_RECON
                                                  | ADDED_ARTISTS | ADDED_ARTIST_PAGES | ADDED_WEB
                                                  | ADDED_RUN_LIST | ADDED_VIEWER) - REPLACED_BY_VIEWER


def contract_shapes() -> dict[str, type]:
    return {name: value for module in (accounts, audio, catalog, gamification, licensing, payouts)
            for name, value in vars(module).items()
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.endswith("Page")}


@pytest.mark.parametrize("name", sorted(contract_shapes()))
def test_a_response_schema_is_its_contracts_reply_shape_or_extends_it(name):
    shape = contract_shapes()[name]
    for module in GATEWAY_MODULES:
        schema = getattr(module, name, None)
        if schema is not None and not schema.__module__.startswith("services.contracts.inputs"):  # a request shape
            assert issubclass(schema, shape), f"{module.__name__}.{name} does not come from the contract"
