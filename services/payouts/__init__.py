"""The payouts service: Stripe Connect onboarding, the ledger, pool split runs and transfers, finances and
statements (docs/payouts.md)."""
