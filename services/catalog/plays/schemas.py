"""Validation of ``report_play``'s input (bad input changes nothing), the name of the history list
(whose pages ``shared.schemas.load_page`` loads), and the Backstage beats list's query."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from services.catalog.plays import rules as play_rules
from services.catalog.shared.schemas import page_of
from services.catalog.tracks.schemas import BEATS, BackstageQuery, BackstageSchema
from services.common.validation import load
from services.contracts.inputs import catalog as contract
from services.contracts.vocabularies import TRACK_STATUSES

HISTORY = "history"


class PlayReportSchema(contract.PlayReport):
    """The contract, and the catalog's plausibility rules on top (the gateway leaves them to the catalog)."""

    @validates("duration_s")
    def plausible_duration(self, duration_s: float, **kwargs) -> None:
        if duration_s > play_rules.MAX_DURATION_S:
            raise ValidationError(f"must be at most {play_rules.MAX_DURATION_S:g}")

    @validates_schema(skip_on_field_errors=True)
    def position_within_track(self, data: dict, **kwargs) -> None:
        if not play_rules.position_fits(data["position_s"], data["duration_s"]):
            raise ValidationError([f"must not exceed duration_s by more than {play_rules.POSITION_TOLERANCE_S:g} s"],
                                  field_name="position_s")


def load_play_report(position_s: Any, duration_s: Any) -> dict[str, float]:
    return load(PlayReportSchema, {"position_s": position_s, "duration_s": duration_s})


class ProducerBeatsSchema(BackstageSchema):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(TRACK_STATUSES))


def load_producer_beats(artist_id: Any, status: Any, cursor: Any, limit: Any) -> BackstageQuery:
    data = load(ProducerBeatsSchema, {"artist_id": artist_id, "status": status, "cursor": cursor, "limit": limit})
    return BackstageQuery(data["artist_id"], page_of(BEATS, data), status=data["status"])
