"""Every request body the gateway validates is an input contract of services/contracts/inputs, and the
service that receives it loads the same contract: so the two cannot drift apart, and an input the
gateway refuses is one the service refuses, naming the same field."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from gateway import beat_request_schemas, billing_schemas, catalog_schemas, community_schemas, play_schemas, schemas
from services.accounts import schemas as accounts_schemas
from services.accounts.billing import schemas as billing_inputs
from services.catalog.beat_requests import schemas as beat_request_inputs
from services.catalog.community import schemas as community_inputs
from services.catalog.plays import schemas as play_inputs
from services.catalog.tracks import schemas as track_inputs
from services.common.validation import load
from services.contracts.errors import InvalidField
from services.contracts.inputs import accounts, catalog

#: (the gateway's request schema, the service's schema, the contract both are)
PAIRS = [
    (schemas.RegisterRequest, accounts_schemas.AccountSchema, accounts.Registration),
    (schemas.ProfilePatch, accounts_schemas.ProfileChangesSchema, accounts.ProfileChanges),
    (schemas.ProducerApplicationRequest, accounts_schemas.ApplicationSchema, accounts.ProducerApplication),
    (billing_schemas.CheckoutRequest, billing_inputs.CheckoutRequest, accounts.CheckoutRequest),
    (play_schemas.PlayReport, play_inputs.PlayReportSchema, catalog.PlayReport),
    (community_schemas.PlaylistCreate, community_inputs.NewPlaylistSchema, catalog.NewPlaylist),
    (community_schemas.PlaylistPatch, community_inputs.PlaylistChangesSchema, catalog.PlaylistChanges),
    (community_schemas.PlaylistTrackAdd, community_inputs.PlaylistEntrySchema, catalog.PlaylistEntry),
    (community_schemas.PlaylistOrder, community_inputs.PlaylistOrderSchema, catalog.PlaylistOrder),
    (community_schemas.CommentCreate, community_inputs.CommentSchema, catalog.NewComment),
    (beat_request_schemas.NewBeatRequest, beat_request_inputs.NewBeatRequestSchema, catalog.NewBeatRequest),
    (catalog_schemas.TrackMetadata, track_inputs.TrackMetadataSchema, catalog.TrackMetadata),
    (catalog_schemas.TrackPatch, track_inputs.TrackChangesSchema, catalog.TrackPatch),
    (catalog_schemas.ArtistPatch, track_inputs.ArtistChangesSchema, catalog.ArtistPatch),
    (catalog_schemas.CollectionMetadata, track_inputs.CollectionSchema, catalog.CollectionMetadata),
]


@pytest.mark.parametrize("gateway_schema, service_schema, contract", PAIRS, ids=lambda value: value.__name__)
def test_the_gateway_and_the_service_load_the_same_contract(gateway_schema, service_schema, contract):
    assert issubclass(gateway_schema, contract) and issubclass(service_schema, contract)
    # the gateway adds no field of its own (what only HTTP has is documentation)
    assert set(gateway_schema().fields) == set(contract().fields)


TRACK = {"name": "Night", "artists": ["DJ"], "bpm": 120, "key": "A", "scale": "minor", "cover_preset": "Trap"}
BEAT_REQUEST = {"genre": "trap", "bpm_min": 120, "bpm_max": 140, "mood": "dark", "budget_cents": 1000,
                "lifetime_hours": 24}


@pytest.mark.parametrize("gateway_schema, service_schema, data, field", [
    (community_schemas.PlaylistCreate, community_inputs.NewPlaylistSchema, {"name": "n" * 101}, "name"),
    (community_schemas.PlaylistTrackAdd, community_inputs.PlaylistEntrySchema, {"track_id": "x"}, "track_id"),
    (community_schemas.CommentCreate, community_inputs.CommentSchema, {"body": "   "}, "body"),
    (beat_request_schemas.NewBeatRequest, beat_request_inputs.NewBeatRequestSchema,
     {**BEAT_REQUEST, "lifetime_hours": 36}, "lifetime_hours"),
    (beat_request_schemas.NewBeatRequest, beat_request_inputs.NewBeatRequestSchema,
     {**BEAT_REQUEST, "bpm_min": 150}, "bpm_min"),
    (billing_schemas.CheckoutRequest, billing_inputs.CheckoutRequest, {"plan": "explorer"}, "plan"),
    (catalog_schemas.TrackMetadata, track_inputs.TrackMetadataSchema, {**TRACK, "bpm": True}, "bpm"),
    (catalog_schemas.TrackMetadata, track_inputs.TrackMetadataSchema, {**TRACK, "artists": []}, "artists"),
    (catalog_schemas.CollectionMetadata, track_inputs.CollectionSchema, {"name": "Tape", "artists": []}, "artists"),
])
def test_an_input_the_gateway_refuses_the_service_refuses_naming_the_same_field(gateway_schema, service_schema,
                                                                                 data, field):
    with pytest.raises(ValidationError) as refused:
        gateway_schema().load(data)
    assert field in refused.value.messages
    with pytest.raises(InvalidField) as invalid:
        load(service_schema, data)
    assert field in invalid.value.details
