"""The ``audio`` service's RPC surface: the readiness probe and the stems check. Audio hears
``track_uploaded`` and ``track_deleted`` and answers with events (services/contracts/events.py)."""
from __future__ import annotations

from services.contracts.rpc import RpcSurface, method
from services.contracts.rpc.catalog import StemsManifest

AUDIO = RpcSurface("audio", (
    method("ping", summary='`"pong"`'),
    method("check_stems", "stems_key sample_rate duration_s", reply=StemsManifest,
           summary="reads the ZIP at `stems_key` (media store) member by member without unpacking it to disk whole: "
                   "every member a lossless WAV/FLAC by content, at `sample_rate`, lasting `duration_s` ± 1 s",
           errors="`InvalidField` `{\"stems\": [...], \"code\": <STEMS_REJECTION_CODES>, \"member\"?}`"),
))
