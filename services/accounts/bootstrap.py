"""Admin bootstrap at service start, from ``BEATPASS_ADMIN_EMAIL`` / ``BEATPASS_ADMIN_PASSWORD``
(and optionally ``BEATPASS_ADMIN_USERNAME``, default ``admin``)."""
from __future__ import annotations

import logging

from nameko.extensions import DependencyProvider

from services.accounts import admin, schemas
from services.accounts.commands import NewAccount
from services.common.config import env
from services.common.db import Database
from services.contracts.errors import Conflict, ServiceError

log = logging.getLogger(__name__)


def admin_from_environment() -> NewAccount | None:
    """The admin account the environment asks for, validated; None when none is configured."""
    email, password = env("BEATPASS_ADMIN_EMAIL", ""), env("BEATPASS_ADMIN_PASSWORD", "")
    if not email and not password:
        return None
    if not email or not password:
        raise RuntimeError("admin bootstrap: set both BEATPASS_ADMIN_EMAIL and BEATPASS_ADMIN_PASSWORD, or neither")
    try:
        return schemas.load_account(email, password, env("BEATPASS_ADMIN_USERNAME", "admin"))
    except ServiceError as exc:
        problems = "; ".join(f"{field}: {', '.join(reasons)}" for field, reasons in exc.details.items())
        raise RuntimeError(f"admin bootstrap: BEATPASS_ADMIN_* refused ({problems}); fix them or unset them") from None


def ensure_admin_from_environment(database: Database) -> admin.AdminResult | None:
    account = admin_from_environment()
    if account is None:
        return None
    try:
        return _ensure_once(database, account)
    except Conflict as exc:
        if exc.details.get("field") != "email":
            raise _refused(exc) from None
    # another replica starting at the same moment has just created it: now it is found
    try:
        return _ensure_once(database, account)
    except Conflict as exc:
        raise _refused(exc) from None


def _ensure_once(database: Database, account: NewAccount) -> admin.AdminResult:
    return database.unit_of_work().run(lambda work: admin.ensure_admin(work, account))


def _refused(exc: Conflict) -> RuntimeError:
    return RuntimeError(f"admin bootstrap: {exc.message}; set BEATPASS_ADMIN_USERNAME to a free username, "
                        "or BEATPASS_ADMIN_EMAIL to the email of the account that should be admin")


class AdminBootstrap(DependencyProvider):
    """Runs once when the service starts, after its database provider is set up."""

    def start(self) -> None:
        database = next(dep for dep in self.container.dependencies if isinstance(dep, Database))
        result = ensure_admin_from_environment(database)
        if result is not None:
            log.info("admin bootstrap: %s", result.describe(),
                     extra={"event": "admin_bootstrap", "outcome": result.outcome.value,
                            "user_id": result.user["id"]})

    def get_dependency(self, worker_ctx) -> None:
        return None
