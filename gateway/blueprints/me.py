"""The signed-in user's own account."""
from __future__ import annotations

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue

from gateway.auth import account_login_required, login_required
from gateway.openapi import MULTIPART, doc
from gateway.presenters import with_avatar_url
from gateway.rpc import remote
from gateway.schemas import (ApplicationPage, AvatarForm, DeleteAccountRequest, PageQuery, PasswordChangeRequest,
                             PrivateUser, ProfilePatch)
from gateway.uploads import FileSpec, body_limit, form_body_limit, receive
from gateway.validation import json_body, page_args

bp = Blueprint("me", __name__, url_prefix="/api/v1/me")

PRIVATE_USER = PrivateUser()  # built once: /me is the hottest route (see gateway/presenters.py)
AVATAR_FILES = {"image": FileSpec("avatars", "AVATAR_MAX_BYTES", image=True)}


def private_user(user: dict) -> dict:
    return PRIVATE_USER.dump(with_avatar_url(user))


@bp.get("")
@doc("The signed-in account: roles, plan, tokens and profile", ok=(200, PrivateUser))
@account_login_required  # get_user answers Unauthorized for a deleted account
def get_me() -> ResponseReturnValue:
    return private_user(remote("accounts").get_user(actor_id=g.user_id))


@bp.patch("/profile")
@doc("Edit the public user profile", ok=(200, PrivateUser), body=ProfilePatch)
@account_login_required
def update_profile() -> ResponseReturnValue:
    changes = json_body(ProfilePatch())
    return private_user(remote("accounts").update_profile(actor_id=g.user_id, changes=changes))


@bp.put("/avatar")
@doc("Set the account's avatar", ok=(200, PrivateUser), body=AvatarForm, body_type=MULTIPART, errors=(413,),
     description="One part, `image`: PNG, JPEG or WebP judged by its content (anything else → 422 naming `image`, "
                 "nothing kept), at most AVATAR_MAX_BYTES (→ 413). It replaces the previous avatar, whose file is "
                 "deleted. Served at the answer's `avatar_url`.")
@body_limit(form_body_limit("AVATAR_MAX_BYTES"))
@login_required  # the account is checked before a byte of the body is read
def set_avatar() -> ResponseReturnValue:
    form = receive(AVATAR_FILES, {}, required=("image",))
    with form.cleanup_on_error():
        user = remote("accounts").set_avatar(actor_id=g.user_id, image_key=form.files["image"].key)
    return private_user(user)


@bp.delete("/avatar")
@doc("Remove the account's avatar (idempotent)", ok=(200, PrivateUser))
@account_login_required
def remove_avatar() -> ResponseReturnValue:
    return private_user(remote("accounts").remove_avatar(actor_id=g.user_id))


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
