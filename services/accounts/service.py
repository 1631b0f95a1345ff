"""The ``accounts`` nameko service: thin RPC methods that validate their input and delegate to
the use cases (services/contracts/rpc/accounts.py is the contract). Arguments arrive as the caller sent them:
the annotations say what is expected, ``schemas`` checks it. Paid plans live in ``billing/``."""
from __future__ import annotations

from services.accounts import (admin, artist_pages, avatars, deletion, follows, producer_program, schemas, sessions,
                               users)
from services.accounts.bootstrap import AdminBootstrap
from services.accounts.follows import FollowState
from services.accounts.views import Application, PrivateUser, ViewedUser
from services.accounts.billing.service import BillingEntrypoints
from services.accounts.billing.stripe_client import Stripe
from services.accounts import token_schemas, tokens
from services.common.clock import utcnow
from services.common.context import RequestContext
from services.common.db import Database
from services.common.entrypoints import event_handler, rpc
from services.common.pagination import Envelope
from services.contracts.events import ARTIST_PAGE_CHANGED


class AccountsService(BillingEntrypoints):
    """The billing RPCs come from ``BillingEntrypoints`` (billing/service.py): nameko collects the
    entrypoints of base classes too, so they are ``accounts.<method>`` as before."""

    name = "accounts"

    db = Database()
    context = RequestContext()
    admin_bootstrap = AdminBootstrap()
    stripe = Stripe()

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def register(self, email: str, password: str, username: str, client_ip: str) -> PrivateUser:
        return users.register(self.db, schemas.load_registration(email, password, username, client_ip))

    @rpc
    def authenticate(self, email: str, password: str, client_ip: str) -> PrivateUser:
        return users.authenticate(self.db, schemas.load_credentials(email, password, client_ip))

    @rpc
    def login(self, email: str, password: str, client_ip: str) -> users.Login:
        return users.login(self.db, schemas.load_credentials(email, password, client_ip))

    @rpc
    def refresh_session(self, refresh_token: str) -> sessions.Issued:
        return sessions.rotate(self.db, schemas.load_refresh_token(refresh_token), utcnow())

    @rpc
    def logout(self, refresh_token: str) -> None:
        sessions.end(self.db, schemas.load_refresh_token(refresh_token), utcnow())

    @rpc
    def change_password(self, actor_id: str, old_password: str, new_password: str, client_ip: str,
                        session_id: str | None = None) -> None:
        users.change_password(self.db, schemas.load_password_change(actor_id, old_password, new_password,
                                                                    client_ip, session_id))

    @rpc
    def delete_account(self, actor_id: str, password: str, client_ip: str) -> None:
        deletion.delete_account(self.db, self.stripe, schemas.load_account_deletion(actor_id, password, client_ip))

    @rpc
    def verify_actor(self, actor_id: str, role: str | None = None) -> None:
        users.verify_actor(self.db, actor_id, role)

    @rpc
    def get_user(self, actor_id: str) -> PrivateUser:
        return users.get_user(self.db, actor_id)

    @rpc
    def get_public_profile(self, user_id: str, actor_id: str | None = None) -> ViewedUser:
        return users.get_public_profile(self.db, user_id, actor_id)

    @rpc
    def update_profile(self, actor_id: str, changes: dict) -> PrivateUser:
        return users.update_profile(self.db, actor_id, schemas.load_profile_changes(changes))

    @rpc
    def set_avatar(self, actor_id: str, image_key: str) -> PrivateUser:
        return avatars.set_avatar(self.db, avatars.store(), actor_id, schemas.load_image_key(image_key))

    @rpc
    def remove_avatar(self, actor_id: str) -> PrivateUser:
        return avatars.remove_avatar(self.db, avatars.store(), actor_id)

    @rpc
    def avatar_source(self, user_id: str) -> dict:
        return avatars.avatar_source(self.db, user_id)

    @rpc
    def follow(self, actor_id: str, user_id: str) -> FollowState:
        return follows.follow(self.db, actor_id, user_id)

    @rpc
    def unfollow(self, actor_id: str, user_id: str) -> FollowState:
        return follows.unfollow(self.db, actor_id, user_id)

    @rpc
    def list_followers(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return follows.list_followers(self.db, user_id, schemas.load_page(follows.FOLLOWERS, cursor, limit))

    @rpc
    def list_following(self, user_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        return follows.list_following(self.db, user_id, schemas.load_page(follows.FOLLOWING, cursor, limit))

    @rpc
    def apply_producer_program(self, actor_id: str, application: dict) -> Application:
        return producer_program.apply(self.db, actor_id, schemas.load_application(application),
                                      artist_pages.status_reader(self.db))

    @rpc
    def list_my_applications(self, actor_id: str, cursor: str | None = None, limit: int = 20) -> Envelope:
        page = schemas.load_page(producer_program.MY_APPLICATIONS, cursor, limit)
        return producer_program.list_mine(self.db, actor_id, page)

    @rpc
    def list_applications(self, actor_id: str, status: str | None = None, cursor: str | None = None,
                          limit: int = 20) -> Envelope:
        status, page = schemas.load_application_filter(producer_program.ALL_APPLICATIONS, status, cursor, limit)
        return producer_program.list_all(self.db, actor_id, status, page)

    @rpc
    def approve_application(self, actor_id: str, application_id: str) -> Application:
        return producer_program.approve(self.db, actor_id, application_id)

    @rpc
    def reject_application(self, actor_id: str, application_id: str, reason: str) -> Application:
        return producer_program.reject(self.db, actor_id, application_id, schemas.load_reason(reason))

    @rpc
    def ensure_admin(self, email: str, password: str, username: str = "admin") -> PrivateUser:
        return admin.ensure_admin(self.db, schemas.load_account(email, password, username)).user

    # --- beat-request tokens (tokens.py) ------------------------------------------------------------

    @rpc
    def get_token_balance(self, actor_id: str) -> tokens.TokenBalance:
        return tokens.get_balance(self.db, actor_id, utcnow())

    @rpc
    def spend_tokens(self, user_id: str, request_id: str, purpose: str, amount: int) -> tokens.Spent:
        return tokens.spend(self.db, **token_schemas.load_spend(user_id, request_id, purpose, amount), now=utcnow())

    @rpc
    def refund_tokens(self, user_id: str, request_id: str, purpose: str = tokens.DELETE) -> tokens.Refunded:
        return tokens.refund(self.db, **token_schemas.load_refund(user_id, request_id, purpose), now=utcnow())

    # --- usernames for lists that name people (the gateway asks once per page) ----------------------

    @rpc
    def usernames(self, user_ids: list) -> dict:
        return users.usernames(self.db, user_ids)

    # --- events: the copy of the catalog's artist pages that claims are checked against -------------

    @event_handler(ARTIST_PAGE_CHANGED)
    def on_artist_page_changed(self, event: dict) -> None:
        artist_pages.on_artist_page_changed(self.db, event)


SERVICE = AccountsService
