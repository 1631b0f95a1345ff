"""Registration, login, and sessions kept alive with refresh tokens (docs/accounts.md)."""
from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from gateway.auth import issue_token
from gateway.openapi import doc
from gateway.presenters import with_avatar_url
from gateway.rpc import remote
from gateway.schemas import AccessToken, LoginRequest, PrivateUser, RefreshRequest, RegisterRequest
from gateway.validation import json_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/register")
@doc("Create an account on the free Explorer plan", ok=(201, PrivateUser), body=RegisterRequest, errors=(409, 429),
     description="422 names each invalid field (the password policy is checked by accounts); "
                 "409 says whether the email or the username is taken.")
def register() -> ResponseReturnValue:
    data = json_body(RegisterRequest())
    # the client address feeds accounts' per-address rate limit (after ProxyFix when proxied)
    user = remote("accounts").register(**data, client_ip=request.remote_addr)
    return PrivateUser().dump(with_avatar_url(user)), 201


@bp.post("/login")
@doc("Exchange email and password for an access token and a refresh token", ok=(200, AccessToken),
     body=LoginRequest, errors=(401, 429),
     description="Each login starts a session. 429 (with `Retry-After` = `details.retry_after`): five failures "
                 "for an email from one address lock that address out, each next lockout twice as long; twenty "
                 "from all addresses within a minute lock the email for everyone until the minute slides.")
def login() -> ResponseReturnValue:
    data = json_body(LoginRequest())
    session = remote("accounts").login(**data, client_ip=request.remote_addr)
    return _token_pair(session["user"]["id"], session)


@bp.post("/refresh")
@doc("Exchange a refresh token for a new access token and a new refresh token", ok=(200, AccessToken),
     body=RefreshRequest, errors=(401,),
     description="The refresh token sent is used up. Sending a used one again means it was copied: the whole "
                 "session ends (401) and its newest refresh token stops working too.")
def refresh() -> ResponseReturnValue:
    session = remote("accounts").refresh_session(refresh_token=json_body(RefreshRequest())["refresh_token"])
    return _token_pair(session["user_id"], session)


@bp.post("/logout")
@doc("End the session of a refresh token", ok=(204, None), body=RefreshRequest,
     description="Its refresh tokens stop working; access tokens already issued expire on their own "
                 "(`expires_in`). Unknown or already ended tokens also answer 204.")
def logout() -> ResponseReturnValue:
    remote("accounts").logout(refresh_token=json_body(RefreshRequest())["refresh_token"])
    return "", 204


def _token_pair(user_id: str, session: dict) -> ResponseReturnValue:
    token, expires_in = issue_token(user_id, session["session_id"])
    return AccessToken().dump({"access_token": token, "token_type": "Bearer", "expires_in": expires_in,
                               "refresh_token": session["refresh_token"],
                               "refresh_expires_in": session["refresh_expires_in"]})
