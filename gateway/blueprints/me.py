"""The signed-in user's own account."""
from __future__ import annotations

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue

from gateway.auth import account_login_required, login_required
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.schemas import (ApplicationPage, DeleteAccountRequest, PageQuery, PasswordChangeRequest, PrivateUser,
                             ProfilePatch)
from gateway.validation import json_body, page_args

bp = Blueprint("me", __name__, url_prefix="/api/v1/me")

PRIVATE_USER = PrivateUser()  # built once: /me is the hottest route (see gateway/presenters.py)


@bp.get("")
@doc("The signed-in account: roles, plan, tokens and profile", ok=(200, PrivateUser))
@account_login_required  # get_user answers Unauthorized for a deleted account
def get_me() -> ResponseReturnValue:
    return PRIVATE_USER.dump(remote("accounts").get_user(actor_id=g.user_id))


@bp.patch("/profile")
@doc("Edit the public user profile", ok=(200, PrivateUser), body=ProfilePatch)
@account_login_required
def update_profile() -> ResponseReturnValue:
    changes = json_body(ProfilePatch())
    return PRIVATE_USER.dump(remote("accounts").update_profile(actor_id=g.user_id, changes=changes))


@bp.get("/applications")
@doc("The signed-in user's Producer Program applications", ok=(200, ApplicationPage), query=PageQuery)
@login_required
def my_applications() -> ResponseReturnValue:
    return ApplicationPage().dump(remote("accounts").list_my_applications(actor_id=g.user_id, **page_args()))


@bp.post("/password")
@doc("Change the password", ok=(204, None), body=PasswordChangeRequest, errors=(429,),
     description="422 names `old_password` when it is not the current one and `new_password` when it breaks the "
                 "policy, both at once. A wrong `old_password` counts as a failed login (429 like login). Every "
                 "other session ends: their refresh tokens stop working; this one's keeps working.")
@account_login_required
def change_password() -> ResponseReturnValue:
    data = json_body(PasswordChangeRequest())
    remote("accounts").change_password(actor_id=g.user_id, client_ip=request.remote_addr,
                                       session_id=g.get("session_id"), **data)
    return "", 204


@bp.delete("")
@doc("Delete the account", ok=(204, None), body=DeleteAccountRequest, errors=(429,),
     description="Needs the current password (422 naming `password` if wrong). An active subscription is "
                 "cancelled at once in Stripe (503 `billing_unavailable` if Stripe cannot be reached: nothing is "
                 "deleted then). The email and username are freed, the profile, follows and sessions erased, and "
                 "every service erases or anonymises its data about the account. Afterwards login fails and "
                 "access tokens already issued answer 401.")
@account_login_required
def delete_me() -> ResponseReturnValue:
    data = json_body(DeleteAccountRequest())
    remote("accounts").delete_account(actor_id=g.user_id, client_ip=request.remote_addr, **data)
    return "", 204
