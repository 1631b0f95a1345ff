"""The ``audio`` service's RPC surface: the readiness probe, the stems check and Audio Recon. Audio hears
``track_uploaded`` and ``track_deleted`` and answers with events (services/contracts/events.py)."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import RpcSurface, method
from services.contracts.rpc.catalog import StemsManifest
from services.contracts.vocabularies import RECON_FORMATS


class ReconClip(Schema):
    format = fields.String(metadata={"enum": list(RECON_FORMATS), "description": "Judged by content."})
    duration_s = fields.Float()


class ReconLocated(Schema):
    track_id = fields.String(metadata={"format": "uuid"})
    offset_s = fields.Float(metadata={"description": "Where in the track the clip starts, in seconds."})
    score = fields.Float(metadata={"description": "1 − 2 × the bit error rate of the aligned fingerprints (0–1)."})


class ReconResult(Schema):
    clip = fields.Nested(ReconClip)
    matches = fields.List(fields.Nested(ReconLocated), metadata={
        "description": "Stored tracks the clip occurs in, best score first, published or not (the caller asks "
                       "catalog)."})


AUDIO = RpcSurface("audio", (
    method("ping", summary='`"pong"`'),
    method("check_stems", "stems_key sample_rate duration_s", reply=StemsManifest,
           summary="reads the ZIP at `stems_key` (media store) member by member without unpacking it to disk whole: "
                   "every member a lossless WAV/FLAC by content, at `sample_rate`, lasting `duration_s` ± 1 s",
           errors="`InvalidField` `{\"stems\": [...], \"code\": <STEMS_REJECTION_CODES>, \"member\"?}`"),
    method("recon", "clip_key", reply=ReconResult,
           summary="Audio Recon (docs/recon.md): judges the clip at `clip_key` (media store, `recon/` area; only "
                   "read, the gateway removes it) like an upload — WAV, FLAC or MP3, 10 s to 10 min — fingerprints it "
                   "and locates it in every stored fingerprint: at most 20 tracks with the offset where the clip "
                   "starts and a score ≥ `RECON_MIN_SCORE`",
           errors="`InvalidField` `{\"audio\": [...], \"code\": <RECON_REJECTION_CODES>, \"rejection_details\": "
                  "{...}}` for a clip refused; `InvalidField` "
                  "`{\"clip_key\"}` for a key outside `recon/`; `NotFound` when no file is there"),
), sections=(
    ("Audio", None),
))
