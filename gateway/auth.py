"""JWT access tokens (HS256 only) and the ``login_required`` decorator.

A token proves who the caller is, nothing more: roles are never read from it. Views pass the
subject as ``actor_id`` and the services decide what that account may do. A token stays valid
after its account is deleted, so ``login_required`` also asks accounts whether the account still
exists (a deleted one is a 401, whatever the endpoint); views whose accounts call already refuses
a missing account use ``account_login_required`` and save that round trip. Upload views use
``producer_required``: the same call also asks accounts (the owner of roles) whether the caller is a
producer, so a listener's upload is refused with 403 before a byte of its body is read; ``admin_required``
does the same for the admin role.
"""
from __future__ import annotations

import functools
import time
import uuid
from typing import Any, Callable, TypeVar

import jwt
from flask import current_app, g, request

from gateway.errors import BEARER_CHALLENGE
from gateway.rpc import remote
from services.contracts.errors import Unauthorized

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "exp", "iat", "iss", "aud", "jti"]
#: the role accounts grants through the Producer Program (docs/business-rules.md "Producer Program")
PRODUCER = "producer"
#: the role of the platform's operators (granted by accounts; the first admin comes from BEATPASS_ADMIN_EMAIL)
ADMIN = "admin"

F = TypeVar("F", bound=Callable[..., Any])


class InvalidToken(Unauthorized):
    """A token was sent but cannot be accepted (RFC 6750 ``invalid_token``)."""

    challenge = f'{BEARER_CHALLENGE}, error="invalid_token"'


def issue_token(user_id: str, session_id: str | None = None) -> tuple[str, int]:
    """A signed access token for ``user_id`` (in the session ``session_id``, its ``sid`` claim: a
    password change keeps that session signed in) and its lifetime in seconds."""
    config = current_app.config
    now = int(time.time())
    ttl = int(config["JWT_TTL_S"])
    claims = {
        "sub": user_id,
        "iat": now,
        "exp": now + ttl,
        "iss": config["JWT_ISSUER"],
        "aud": config["JWT_AUDIENCE"],
        "jti": uuid.uuid4().hex,
    }
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, config["JWT_SECRET"], algorithm=ALGORITHM), ttl


def verify_token(token: str) -> str:
    """The token's subject (a user id), or InvalidToken; sets ``g.session_id`` (None if absent)."""
    config = current_app.config
    try:
        claims = jwt.decode(
            token, config["JWT_SECRET"],
            algorithms=[ALGORITHM],  # pinned: "none", RS256-with-HMAC-key confusion etc. are refused
            audience=config["JWT_AUDIENCE"], issuer=config["JWT_ISSUER"],
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("the access token has expired") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("the access token is invalid") from None
    subject, session_id = claims["sub"], claims.get("sid")
    try:
        uuid.UUID(str(subject))
        if session_id is not None:
            uuid.UUID(str(session_id))
    except ValueError:
        raise InvalidToken("the access token is invalid") from None
    g.session_id = None if session_id is None else str(session_id)
    return str(subject)


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token as 'Authorization: Bearer <token>'")
    return token.strip()


def login_required(view: F) -> F:
    """Reject the request with 401 unless it carries a valid token of an account that still exists;
    sets ``g.user_id``."""
    return _requiring_login(view, check_account=True)


def account_login_required(view: F) -> F:
    """``login_required`` for views whose accounts call itself answers ``Unauthorized`` (401) when
    the caller's account no longer exists: no separate check."""
    return _requiring_login(view, check_account=False)


def producer_required(view: F) -> F:
    """``login_required`` for producers only: 403 (``forbidden``) for anyone else, decided by accounts
    before the view runs — an upload's body is then never read, let alone stored."""
    return _requiring_login(view, check_account=True, role=PRODUCER)


def admin_required(view: F) -> F:
    """``login_required`` for admins only: 403 before anything of the request is validated, so a
    non-admin learns nothing about what the endpoint would accept."""
    return _requiring_login(view, check_account=True, role=ADMIN)


def _requiring_login(view: F, check_account: bool, role: str | None = None) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.user_id = verify_token(bearer_token())
        if role is not None:
            remote("accounts").verify_actor(actor_id=g.user_id, role=role)
        elif check_account:
            remote("accounts").verify_actor(actor_id=g.user_id)
        return view(*args, **kwargs)

    wrapper.login_required = True  # type: ignore[attr-defined]  # read by gateway.openapi
    return wrapper  # type: ignore[return-value]


def optional_login() -> str | None:
    """The caller's user id when a valid token is sent, else None (public views that show owners more).

    A missing, expired or invalid token makes the caller anonymous rather than refusing a public page;
    so does, in effect, a deleted account's token (whatever it owned is erased), without asking accounts.
    """
    try:
        g.user_id = verify_token(bearer_token())
    except Unauthorized:
        return None
    return g.user_id
