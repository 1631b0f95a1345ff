"""Registration, login, and sessions kept alive with refresh tokens (docs/accounts.md).

Login and refresh also put the refresh token in an httpOnly cookie scoped to /api/v1/auth, so the browser app
keeps its session across reloads without any script ever holding the refresh token (docs/web.md)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from gateway.auth import issue_token
from gateway.openapi import doc
from gateway.presenters import with_avatar_url
from gateway.rpc import remote
from gateway.schemas import AccessToken, LoginRequest, PrivateUser, RefreshRequest, RegisterRequest
from gateway.validation import json_body
from services.contracts.errors import Unauthorized

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

REFRESH_COOKIE = "beatpass_refresh"
#: readable by the page and secret-free: tells the browser app that a refresh cookie exists, so an anonymous visit
#: does not begin with a refresh that can only fail
SIGNED_IN_COOKIE = "beatpass_signed_in"
COOKIE_NOTE = (" The refresh token is also set as the httpOnly, SameSite=Strict cookie `beatpass_refresh` (path "
               "/api/v1/auth), which refresh and logout read when the body carries no `refresh_token`; beside it, "
               "`beatpass_signed_in=1` (path /, readable by scripts, no secret) tells the browser app a session "
               "exists.")


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
                 "from all addresses within a minute lock the email for everyone until the minute slides."
                 + COOKIE_NOTE)
def login() -> ResponseReturnValue:
    data = json_body(LoginRequest())
    session = remote("accounts").login(**data, client_ip=request.remote_addr)
    return _token_pair(session["user"]["id"], session)


@bp.post("/refresh")
@doc("Exchange a refresh token for a new access token and a new refresh token", ok=(200, AccessToken),
     body=RefreshRequest, errors=(401,),
     description="The refresh token sent is used up. Sending a used one again means it was copied: the whole "
                 "session ends (401) and its newest refresh token stops working too. No token in the body and no "
                 "cookie → 401." + COOKIE_NOTE)
def refresh() -> ResponseReturnValue:
    token = _refresh_token()
    if token is None:
        raise Unauthorized("no refresh token: send refresh_token, or log in again")
    session = remote("accounts").refresh_session(refresh_token=token)
    return _token_pair(session["user_id"], session)


@bp.post("/logout")
@doc("End the session of a refresh token", ok=(204, None), body=RefreshRequest,
     description="Its refresh tokens stop working; access tokens already issued expire on their own "
                 "(`expires_in`). Unknown or already ended tokens also answer 204. Clears the `beatpass_refresh` "
                 "cookie; without a `refresh_token` in the body, the cookie's session ends.")
def logout() -> ResponseReturnValue:
    token = _refresh_token()
    if token is not None:
        remote("accounts").logout(refresh_token=token)
    response = Response(status=204)
    response.delete_cookie(REFRESH_COOKIE, path=bp.url_prefix, secure=request.is_secure, httponly=True,
                           samesite="Strict")
    response.delete_cookie(SIGNED_IN_COOKIE, path="/", secure=request.is_secure, samesite="Strict")
    return response


def _refresh_token() -> str | None:
    return json_body(RefreshRequest()).get("refresh_token") or request.cookies.get(REFRESH_COOKIE) or None


def _token_pair(user_id: str, session: dict) -> ResponseReturnValue:
    token, expires_in = issue_token(user_id, session["session_id"])
    response = jsonify(AccessToken().dump({"access_token": token, "token_type": "Bearer", "expires_in": expires_in,
                                           "refresh_token": session["refresh_token"],
                                           "refresh_expires_in": session["refresh_expires_in"]}))
    response.set_cookie(REFRESH_COOKIE, session["refresh_token"], max_age=session["refresh_expires_in"],
                        path=bp.url_prefix, secure=request.is_secure, httponly=True, samesite="Strict")
    response.set_cookie(SIGNED_IN_COOKIE, "1", max_age=session["refresh_expires_in"], path="/",
                        secure=request.is_secure, samesite="Strict")
    return response
