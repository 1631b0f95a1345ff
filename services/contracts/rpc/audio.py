"""The ``audio`` service's RPC surface: only the readiness probe. Audio hears ``track_uploaded`` and
``track_deleted`` and answers with events (services/contracts/events.py)."""
from __future__ import annotations

from services.contracts.rpc import RpcSurface, method

AUDIO = RpcSurface("audio", (
    method("ping", summary='`"pong"`'),
))
