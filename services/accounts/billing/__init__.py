"""Paid plans with Stripe Billing: Checkout and the billing portal (``billing``), the subscription
state machine (``rules``: ordering, upgrades at once, downgrades at renewal, grace, past_due), Stripe's
webhook events handled once each (``stripe_events``), the Stripe client and its prices
(``stripe_client``) and the billing tables (``models``). The plans themselves are data shared with
tokens and registration, in services/accounts/plans.py; docs/billing.md describes the whole."""
