"""Per-call context: the gateway's request id travels in nameko's context data and reaches logs."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from services.common.logs import set_request_id


class RequestContext(DependencyProvider):
    """Exposes the caller's context (``request_id``, ``user_id``) and tags this worker's logs."""

    def worker_setup(self, worker_ctx) -> None:
        set_request_id(worker_ctx.data.get("request_id"))

    def get_dependency(self, worker_ctx) -> dict:
        return dict(worker_ctx.data)

    def worker_teardown(self, worker_ctx) -> None:
        set_request_id(None)
