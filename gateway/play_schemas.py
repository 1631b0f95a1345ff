"""Schemas of plays and listening history (docs/rpc-catalog.md: report_play, list_history).

The body's shape is the catalog's input contract (services/contracts/inputs/catalog.py)."""
from __future__ import annotations

from marshmallow import fields

from gateway.catalog_schemas import TrackLinks
from gateway.schemas import page_of
from services.contracts.inputs import catalog as contract_inputs
from services.contracts.rpc import catalog as contract
from services.contracts.rpc.catalog import PlayResult  # noqa: F401

class PlayReport(contract_inputs.PlayReport):
    """POST /tracks/{id}/plays' body."""


class HistoryTrack(contract.HistoryTrack):
    links = fields.Nested(TrackLinks)


class HistoryEntry(contract.HistoryEntry):
    track = fields.Nested(HistoryTrack)


HistoryPage = page_of(HistoryEntry)
