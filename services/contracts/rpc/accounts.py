"""The ``accounts`` service's RPC surface and the shapes of its replies (users, the Producer Program,
follows, beat-request tokens, paid plans). The gateway's response schemas are these shapes."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import RpcSurface, method, page_of
from services.contracts.vocabularies import (APPLICATION_STATUSES, APPLICATION_TYPES, PLAN_CODES,
                                             SUBSCRIPTION_STATUSES)

# --- reply shapes ----------------------------------------------------------------------------------


class Profile(Schema):
    name = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    links = fields.List(fields.String())


class PublicUser(Schema):
    id = fields.UUID()
    username = fields.String()
    roles = fields.List(fields.String(), metadata={"description": "listener, producer, verified"})
    profile = fields.Nested(Profile)
    avatar = fields.String(allow_none=True, metadata={
        "description": "The avatar image's id (a new one with every image); null without an avatar."})
    followers_count = fields.Integer()
    following_count = fields.Integer()
    created_at = fields.String(metadata={"format": "date-time"})


class UserViewer(Schema):
    """The caller's own relation to a user's profile."""

    following = fields.Boolean(metadata={"description": "The caller follows the user."})


class ViewedUser(PublicUser):
    """``get_public_profile``: a profile as the caller sees it."""

    viewer = fields.Nested(UserViewer, allow_none=True, metadata={
        "description": "Whether the caller follows the user; null for an anonymous caller."})


class PrivateUser(PublicUser):
    email = fields.Email()
    plan = fields.String(metadata={"enum": list(PLAN_CODES)})
    tokens = fields.Integer(metadata={"description": "Beat-request tokens left this month."})
    # billing (docs/billing.md)
    subscription_status = fields.String(allow_none=True, metadata={
        "enum": [*SUBSCRIPTION_STATUSES, None], "description": "null: never subscribed."})
    pending_plan = fields.String(allow_none=True, metadata={"description": "A downgrade applied at renewal."})
    cancel_at_period_end = fields.Boolean()
    current_period_end = fields.String(allow_none=True, metadata={"format": "date-time"})
    can_download = fields.Boolean(metadata={"description": "A paid plan, paid up (or cancelled, within the "
                                                           "paid period)."})


class UserSummary(Schema):
    id = fields.UUID()
    username = fields.String()
    name = fields.String(allow_none=True)


class Application(Schema):
    id = fields.UUID()
    user_id = fields.UUID()
    username = fields.String(allow_none=True, metadata={
        "description": "The applicant's username (null once that account was deleted).", "example": "ana.beats"})
    type = fields.String(metadata={"enum": list(APPLICATION_TYPES)})
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    producer_name = fields.String(allow_none=True)
    beats_link = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    instagram = fields.String(allow_none=True)
    artist_id = fields.UUID(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    created_at = fields.String(metadata={"format": "date-time"})
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class FollowState(Schema):
    following = fields.Boolean()
    followers_count = fields.Integer()


class Login(Schema):
    user = fields.Nested(PrivateUser)
    session_id = fields.UUID()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()


class IssuedSession(Schema):
    user_id = fields.UUID()
    session_id = fields.UUID()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()


class TokenBalance(Schema):
    tokens = fields.Integer()
    monthly_tokens = fields.Integer()
    plan = fields.String(metadata={"enum": list(PLAN_CODES)})
    resets_at = fields.String(metadata={"format": "date-time", "description": "The next 1st of a month, UTC."})


class TokensSpent(Schema):
    request_id = fields.String()
    purpose = fields.String()
    spent_tokens = fields.Integer()
    tokens = fields.Integer(metadata={"description": "The balance after."})


class TokensRefunded(Schema):
    request_id = fields.String()
    purpose = fields.String()
    refunded_tokens = fields.Integer()
    tokens = fields.Integer(metadata={"description": "The balance after."})


class Price(Schema):
    amount_cents = fields.Integer()
    currency = fields.String(metadata={"example": "CAD"})


class Plan(Schema):
    code = fields.String(metadata={"enum": list(PLAN_CODES)})
    name = fields.String()
    price = fields.Nested(Price)
    interval = fields.String(metadata={"enum": ["month"]})
    monthly_tokens = fields.Integer(metadata={"description": "Beat-request tokens granted each month."})
    downloads = fields.Boolean()


class CheckoutSession(Schema):
    url = fields.String(metadata={"description": "Stripe Checkout page to send the user to."})
    session_id = fields.String()


class PortalSession(Schema):
    url = fields.String(metadata={"description": "Stripe billing portal page for this customer."})


class Subscription(Schema):
    plan = fields.String(metadata={"enum": list(PLAN_CODES), "description": "The plan in force."})
    # null listed in the enum too: OpenAPI 3.0 validators check `enum` even when `nullable` is true
    status = fields.String(allow_none=True, metadata={"enum": [*SUBSCRIPTION_STATUSES, None],
                                                      "description": "null: never subscribed."})
    pending_plan = fields.String(allow_none=True, metadata={"description": "A downgrade applied at renewal."})
    cancel_at_period_end = fields.Boolean()
    current_period_start = fields.String(allow_none=True, metadata={"format": "date-time"})
    current_period_end = fields.String(allow_none=True, metadata={"format": "date-time"})
    can_download = fields.Boolean()


class StripeEventHandled(Schema):
    status = fields.String(metadata={"enum": ["processed", "duplicate", "ignored"]})
    event_id = fields.String()
    type = fields.String()


ApplicationPage = page_of(Application)
UserSummaryPage = page_of(UserSummary)
PlanPage = page_of(Plan)

# --- the surface -----------------------------------------------------------------------------------

ACCOUNTS = RpcSurface("accounts", (
    method("ping",
           summary='`"pong"`'),
    method("register", "email password username client_ip", reply=PrivateUser,
           errors="`InvalidField` (details: `{field: [reasons]}`; password policy: ≥ 10 chars, not the email), "
                  '`Conflict` (details `{"field": "email"|"username"}`), `TooManyRequests` (details `{"retry_after": '
                  "s}`)"),
    method("authenticate", "email password client_ip", reply=PrivateUser,
           errors="`Unauthorized` (same message for unknown email and wrong password), `TooManyRequests`"),
    method("login", "email password client_ip", reply=Login,
           summary='`authenticate`, then a new session; `{"user": PrivateUser, "session_id", "refresh_token", '
                   '"refresh_expires_in"}`',
           errors="as `authenticate`"),
    method("refresh_session", "refresh_token", reply=IssuedSession,
           summary='rotates: the token is used up; `{"user_id", "session_id", "refresh_token", "refresh_expires_in"}`',
           errors="`InvalidField`, `Unauthorized` (unknown, expired, revoked, account gone; a token used before also "
                  "revokes its whole session)"),
    method("logout", "refresh_token",
           summary="idempotent; `None` (the token's session is revoked)",
           errors="`InvalidField`"),
    method("change_password", "actor_id old_password new_password client_ip", "session_id",
           summary="every session but `session_id` ends; `None`",
           errors="`InvalidField` (`old_password` wrong and/or `new_password` against the policy, together), "
                  "`Unauthorized`, `TooManyRequests` (a wrong `old_password` is a failed login)"),
    method("delete_account", "actor_id password client_ip",
           summary="cancels an active subscription, erases personal data, emits `user_deleted`; `None`",
           errors="`InvalidField` (`password` wrong), `Unauthorized`, `TooManyRequests`, `BillingUnavailable` (a "
                  "subscription to cancel but Stripe unusable: nothing was deleted)"),
    method("verify_actor", "actor_id", "role",
           summary="the gateway's check on every signed-in request; with `role` (`producer` for uploads) also that "
                   "the account holds it; `None`",
           errors="`Unauthorized` (no such account, or deleted), `Forbidden` (the role is not held), `InvalidField` "
                  "(`role` not a grantable role)"),
    method("get_user", "actor_id", reply=PrivateUser,
           errors="`Unauthorized` (no such account, or deleted: the caller's token names nobody)"),
    method("get_public_profile", "user_id", "actor_id", reply=ViewedUser,
           summary="`PublicUser` with `viewer`: `{\"following\": bool}` — whether `actor_id` follows the user (one "
                   "primary-key probe of `follows`), null without `actor_id`",
           errors="`NotFound`"),
    method("usernames", "user_ids",
           summary="up to 200 ids: the people one list page names (docs/accounts-data.md); `{id: username or null}` "
                   "for every id asked (null: no such account, e.g. deleted)",
           errors="`InvalidField` (not a list, or too long)"),
    method("set_avatar", "actor_id image_key", reply=PrivateUser,
           summary="the image the gateway stored at `image_key` (in the `avatars/` area of the media store) becomes "
                   "the actor's avatar, judged by its content (PNG, JPEG or WebP); the previous file is deleted once "
                   "committed; `PrivateUser`",
           errors="`InvalidField` (`image_key`: not of the `avatars/` area, no such file, or not an image), "
                  "`Unauthorized`"),
    method("remove_avatar", "actor_id", reply=PrivateUser,
           summary="no avatar any more (idempotent), its file deleted once committed; `PrivateUser`",
           errors="`Unauthorized`"),
    method("avatar_source", "user_id", reply=None,
           summary='`{"key", "content_type"}` of the user\'s avatar, for the gateway to serve',
           errors="`NotFound` (no such account, deleted, or no avatar)"),
    method("update_profile", "actor_id changes", reply=PrivateUser,
           summary="`changes`: subset of `name, city, country, description, links`; `PrivateUser`",
           errors="`InvalidField`, `Unauthorized` (no such account)"),
    method("follow", "actor_id user_id", reply=FollowState,
           summary='idempotent; `{"following": bool, "followers_count": N}`',
           errors='`InvalidField` (self-follow, details `{"user_id": [...]}`), `NotFound`'),
    method("unfollow", "actor_id user_id", reply=FollowState,
           summary='idempotent; `{"following": bool, "followers_count": N}`',
           errors='`InvalidField` (self-follow, details `{"user_id": [...]}`), `NotFound`'),
    method("list_followers", "user_id", "cursor limit", reply=UserSummaryPage,
           summary="envelope of `PublicUserSummary`",
           errors="`NotFound`, `InvalidField` (bad cursor)"),
    method("list_following", "user_id", "cursor limit", reply=UserSummaryPage,
           summary="envelope of `PublicUserSummary`",
           errors="`NotFound`, `InvalidField` (bad cursor)"),
    method("apply_producer_program", "actor_id application", reply=Application,
           summary="`application`: `type` + fields (below); `Application`",
           errors="`InvalidField`, `Conflict` (one pending per type), `Forbidden` (`get_verified` by a non-producer)"),
    method("list_my_applications", "actor_id", "cursor limit", reply=ApplicationPage,
           summary="envelope of `Application`"),
    method("list_applications", "actor_id", "status cursor limit", reply=ApplicationPage,
           summary="admin only; envelope of `Application`",
           errors="`Forbidden`"),
    method("approve_application", "actor_id application_id", reply=Application,
           summary="admin only; `Application`",
           errors="`Forbidden`, `NotFound`, `Conflict` (not pending)"),
    method("reject_application", "actor_id application_id reason", reply=Application,
           summary="admin only; `Application`",
           errors="`Forbidden`, `NotFound`, `Conflict`, `InvalidField` (empty reason)"),
    method("ensure_admin", "email password", "username", reply=PrivateUser,
           summary="idempotent bootstrap (CLI, start-up); `PrivateUser`",
           errors="`InvalidField`"),
    # --- Beat-request tokens (services/accounts/tokens.py)
    method("get_token_balance", "actor_id", reply=TokenBalance,
           summary='`{"tokens", "monthly_tokens", "plan", "resets_at"}` (`resets_at`: the next 1st of a month, UTC)',
           errors="`NotFound`"),
    method("spend_tokens", "user_id request_id purpose amount", reply=TokensSpent,
           summary='`purpose`: `"create"` or `"renew:<n>"`; `amount` 1–10; `{"request_id", "purpose", "spent_tokens",'
                   ' "tokens"}` (the balance after)',
           errors="`InvalidField`, `NotFound`, `PaymentRequired` (message: balance, cost, reset date, upgrade; "
                  'details `{"tokens", "cost", "resets_at"}`), `Conflict` (the key was used by another user or '
                  "amount)"),
    method("refund_tokens", "user_id request_id", "purpose", reply=TokensRefunded,
           summary='`{"request_id", "purpose", "refunded_tokens", "tokens"}`',
           errors="`InvalidField`, `NotFound`, `Conflict`"),
    # --- Paid plans with Stripe Billing (services/accounts/billing/)
    method("list_plans", reply=PlanPage,
           summary='envelope of `Plan`: `{code, name, price: {amount_cents, currency: "CAD"}, interval: "month", '
                   "monthly_tokens, downloads}` (Explorer, Classic, Plus, Pro)"),
    method("start_checkout", "actor_id plan", reply=CheckoutSession,
           summary='`plan`: `classic`, `plus` or `pro`; `{"url", "session_id"}` of a Stripe Checkout Session (mode '
                   "`subscription`)",
           errors='`InvalidField` (details `{"request.plan": [...]}`), `NotFound`, `Conflict` (a subscription is '
                  "active or past due: use the portal; details `{plan, status}`), `BillingUnavailable`"),
    method("open_billing_portal", "actor_id", reply=PortalSession,
           summary='`{"url"}` of a Stripe billing-portal session',
           errors="`NotFound`, `Conflict` (no Stripe customer yet), `BillingUnavailable`"),
    method("get_subscription", "actor_id", reply=Subscription,
           summary='`Subscription`: `{plan, status: "active"|"past_due"|"canceled"|null, pending_plan, '
                   "cancel_at_period_end, current_period_start, current_period_end, can_download}`",
           errors="`NotFound`"),
    method("handle_stripe_event", "event", reply=StripeEventHandled,
           summary="a Stripe event object, signature already verified by the gateway (`gateway/stripe_routes.py` "
                   'routes here); `{"status": "processed"|"duplicate"|"ignored", "event_id", "type"}`',
           errors="`InvalidField` (no `id`/`type`/integer `created`/`data.object`); anything else raised is a failure"
                  " the gateway answers 5xx so Stripe retries"),
), sections=(
    ("Users, sessions, follows and the Producer Program", None),
    ("Beat-request tokens (services/accounts/tokens.py)", "get_token_balance"),
    ("Paid plans with Stripe Billing (services/accounts/billing/)", "list_plans"),
))
