"""Schemas of ``PUT /tracks/{id}/stems`` (docs/stems.md): the form and the catalog's ``StemsAttached`` reply."""
from __future__ import annotations

from marshmallow import Schema, fields

# the reply is catalog's shape as it stands: a manifest of names and measurements, no media-store key
from services.contracts.rpc.catalog import StemsAttached, StemsManifest, StemsMember

__all__ = ["StemsAttached", "StemsManifest", "StemsMember", "StemsUploadForm"]

BINARY = {"type": "string", "format": "binary"}


class StemsUploadForm(Schema):
    """multipart/form-data parts of ``PUT /tracks/{id}/stems`` (documentation only; the part is read as a stream)."""

    stems = fields.Raw(required=True, metadata={
        **BINARY, "description": "A ZIP of the track's stems: WAV or FLAC files (judged by content) at the track's "
                                 "sample rate and length (± 1 s). Zip them without compression (“store”) or as "
                                 "FLAC: a member compressed more than 100 to 1 is refused."})
