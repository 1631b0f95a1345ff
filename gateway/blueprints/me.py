"""The signed-in user's own account."""
from __future__ import annotations

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.schemas import ApplicationPage, PageQuery, PrivateUser, ProfilePatch
from gateway.validation import json_body, page_args

bp = Blueprint("me", __name__, url_prefix="/api/v1/me")

PRIVATE_USER = PrivateUser()  # built once: /me is the hottest route (see gateway/presenters.py)


@bp.get("")
@doc("The signed-in account: roles, plan, tokens and profile", ok=(200, PrivateUser), errors=(404,))
@login_required
def get_me() -> ResponseReturnValue:
    return PRIVATE_USER.dump(remote("accounts").get_user(actor_id=g.user_id))


@bp.patch("/profile")
@doc("Edit the public user profile", ok=(200, PrivateUser), body=ProfilePatch, errors=(404,))
@login_required
def update_profile() -> ResponseReturnValue:
    changes = json_body(ProfilePatch())
    return PRIVATE_USER.dump(remote("accounts").update_profile(actor_id=g.user_id, changes=changes))


@bp.get("/applications")
@doc("The signed-in user's Producer Program applications", ok=(200, ApplicationPage), query=PageQuery)
@login_required
def my_applications() -> ResponseReturnValue:
    return ApplicationPage().dump(remote("accounts").list_my_applications(actor_id=g.user_id, **page_args()))
