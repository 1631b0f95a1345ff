"""Roles. ``listener`` is implicit for everyone and never stored; the others are granted."""
from __future__ import annotations

from typing import Iterable

LISTENER = "listener"
PRODUCER = "producer"
VERIFIED = "verified"
ADMIN = "admin"

#: the order roles are listed in
GRANTABLE = (PRODUCER, VERIFIED, ADMIN)
#: the roles anyone may see on a public profile (badges); ``admin`` stays private
PUBLIC_BADGES = (PRODUCER, VERIFIED)


def private_roles(granted: Iterable[str]) -> list[str]:
    held = set(granted)
    return [LISTENER] + [role for role in GRANTABLE if role in held]


def public_roles(granted: Iterable[str]) -> list[str]:
    held = set(granted)
    return [LISTENER] + [role for role in PUBLIC_BADGES if role in held]
