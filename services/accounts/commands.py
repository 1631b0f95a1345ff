"""What the RPC methods hand to the use cases, once ``schemas`` has validated it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    username: str


@dataclass(frozen=True)
class Registration:
    account: NewAccount
    client_ip: str


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    client_ip: str


@dataclass(frozen=True)
class ProfileChanges:
    #: only the fields the client sent; ``None`` clears a field
    values: dict[str, Any]


@dataclass(frozen=True)
class Application:
    type: str
    producer_name: str | None = None
    beats_link: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    label: str | None = None
    instagram: str | None = None
    artist_id: str | None = None


@dataclass(frozen=True)
class PasswordChange:
    actor_id: str
    old_password: str
    new_password: str
    client_ip: str
    #: the caller's session (the access token's ``sid``): it stays signed in, every other one ends
    session_id: str | None = None


@dataclass(frozen=True)
class AccountDeletion:
    actor_id: str
    password: str
    client_ip: str
