"""The admin of a local ``make run`` when none is configured, so that ``make demo`` works out of the box.

``BEATPASS_ADMIN_EMAIL`` / ``BEATPASS_ADMIN_PASSWORD`` win when set (production sets them, or uses
``make create-admin``). Otherwise ``make run`` makes one admin for this checkout, keeps its credentials
in ``$BEATPASS_VAR_DIR/local_admin.json`` (readable by the owner only) and gives them to the accounts
service, which ensures that admin at start; ``make demo`` reads the same file when the variables are unset.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

FILE_NAME = "local_admin.json"
EMAIL = "admin@example.com"


def path(var_dir: Path) -> Path:
    return var_dir / FILE_NAME


def load(var_dir: Path) -> tuple[str, str] | None:
    try:
        saved = json.loads(path(var_dir).read_text())
        return saved["email"], saved["password"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure(var_dir: Path) -> tuple[str, str]:
    """The saved local admin, made on first use."""
    saved = load(var_dir)
    if saved is not None:
        return saved
    var_dir.mkdir(parents=True, exist_ok=True)
    credentials = {"email": EMAIL, "password": secrets.token_urlsafe(18)}
    descriptor = os.open(path(var_dir), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(credentials, handle)
    return credentials["email"], credentials["password"]


def configure(env: dict[str, str], var_dir: Path) -> tuple[str, str] | None:
    """Give ``env`` a local admin unless one is configured; returns the credentials it set, else None."""
    if env.get("BEATPASS_ADMIN_EMAIL") or env.get("BEATPASS_ADMIN_PASSWORD"):
        return None
    email, password = ensure(var_dir)
    env["BEATPASS_ADMIN_EMAIL"], env["BEATPASS_ADMIN_PASSWORD"] = email, password
    return email, password
