"""The accounts service's entrypoints for paid plans with Stripe Billing: the plan list, Checkout,
the billing portal, the subscription and Stripe's webhook events (the gateway forwards them)."""
from __future__ import annotations

from services.accounts.billing import billing, schemas as billing_schemas, stripe_events
from services.accounts.billing.stripe_client import StripeBilling, billing_urls
from services.common.db import Database
from services.common.entrypoints import rpc


class BillingEntrypoints:
    """Mixed into ``AccountsService`` (services/accounts/service.py), which provides ``db`` and
    ``stripe`` (account deletion uses Stripe too)."""

    db: Database
    stripe: StripeBilling

    @rpc
    def list_plans(self) -> dict:
        return billing.list_plans()

    @rpc
    def start_checkout(self, actor_id: str, plan: str) -> dict:
        return billing.start_checkout(self.db, self.stripe, actor_id, billing_schemas.load_checkout_plan(plan),
                                      billing_urls())

    @rpc
    def open_billing_portal(self, actor_id: str) -> dict:
        return billing.open_portal(self.db, self.stripe, actor_id, billing_urls())

    @rpc
    def get_subscription(self, actor_id: str) -> billing.SubscriptionView:
        return billing.get_subscription(self.db, actor_id)

    @rpc
    def handle_stripe_event(self, event: dict) -> dict:
        return stripe_events.handle(self.db, self.stripe, event)
