"""Liveness and readiness probes."""
from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue

from gateway.openapi import doc
from gateway.rpc import RpcClient, ServiceTimeout, ServiceUnavailable
from gateway.schemas import Health, Readiness
from services.contracts.errors import ServiceError

bp = Blueprint("health", __name__)


@bp.get("/health")
@doc("Liveness: the gateway process answers", ok=(200, Health), rpc=False)
def health() -> ResponseReturnValue:
    return {"status": "ok"}


def _ping(client: RpcClient, service: str, timeout: float) -> str:
    try:
        # every service answers ping (its readiness probe, not part of any one contract: services.common.entrypoints)
        answer = client.call(service, "ping", timeout=timeout)
    except ServiceTimeout:
        return "timeout"
    except ServiceUnavailable:
        return "unavailable"
    except ServiceError as exc:
        # a service whose watchdog found a stuck handler says which (services.common.watchdog)
        return exc.details.get("problem") or f"error: {exc.code}"
    return "ok" if answer == "pong" else "unexpected answer"


@bp.get("/ready")
@doc("Readiness: the broker and every service answer a ping", ok=(200, Readiness),
     description="503 names each failing check in details.checks. A service with a handler running past "
                 "its HANDLER_STUCK_S names it: `stuck handler: audio.on_track_uploaded running for 612 s`.")
def ready() -> ResponseReturnValue:
    client: RpcClient = current_app.extensions["rpc"]
    timeout = current_app.config["READY_TIMEOUT_S"]
    checks: dict[str, str] = {}
    try:
        client.check_broker(timeout)
        checks["broker"] = "ok"
    except ServiceUnavailable:
        checks["broker"] = "unreachable"
    for service in current_app.config["READY_SERVICES"]:
        checks[service] = _ping(client, service, timeout) if checks["broker"] == "ok" else "not checked"
    failed = [f"{name} ({state})" for name, state in checks.items() if state != "ok"]
    if failed:
        raise ServiceUnavailable("not ready: " + ", ".join(failed), {"checks": checks})
    return {"status": "ready", "checks": checks}
