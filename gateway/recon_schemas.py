"""Schemas of ``POST /recon`` (Audio Recon, docs/recon.md): the form and the matches."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import audio as audio_contract
from services.contracts.rpc.audio import ReconClip
from services.contracts.vocabularies import RECON_MAX_MATCHES, RECON_MIN_SCORE

__all__ = ["ReconClip", "ReconForm", "ReconMatch", "ReconResult"]

BINARY = {"type": "string", "format": "binary"}


class ReconForm(Schema):
    """multipart/form-data parts of ``POST /recon`` (documentation only; the part is read as a stream)."""

    audio = fields.Raw(required=True, metadata={
        **BINARY, "description": "The clip: WAV, FLAC or MP3 (judged by content), 10 s to 10 minutes, at most "
                                 "UPLOAD_MAX_BYTES."})


class ReconMatch(Schema):
    """A published track the clip occurs in (audio's ``ReconLocated`` with catalog's title and artists)."""

    track_id = fields.String(metadata={"format": "uuid"})
    title = fields.String(metadata={"description": "The track's name."})
    artist = fields.String(metadata={"description": "The track's credited artists, comma-separated."})
    offset_s = fields.Float(metadata={"description": "Where in the track the clip starts, in seconds (± 0.5 s)."})
    score = fields.Float(metadata={"description": f"How closely the clip matches, from {RECON_MIN_SCORE} (the "
                                                  "threshold) to 1 (identical fingerprints)."})


class ReconResult(audio_contract.ReconResult):
    """Audio's answer, its matches narrowed to published tracks and named."""

    matches = fields.List(fields.Nested(ReconMatch), metadata={
        "description": f"Published tracks the clip occurs in, best score first, at most {RECON_MAX_MATCHES}; "
                       "empty when none."})
