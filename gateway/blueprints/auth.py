"""Registration and login."""
from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from gateway.auth import issue_token
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.schemas import AccessToken, LoginRequest, PrivateUser, RegisterRequest
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
    return PrivateUser().dump(user), 201


@bp.post("/login")
@doc("Exchange email and password for an access token", ok=(200, AccessToken), body=LoginRequest,
     errors=(401, 429))
def login() -> ResponseReturnValue:
    data = json_body(LoginRequest())
    user = remote("accounts").authenticate(**data, client_ip=request.remote_addr)
    token, expires_in = issue_token(user["id"])
    return AccessToken().dump({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
