"""The licensing service: download eligibility, standard licences issued on download, certificates and their
public verification, and exclusive sales through Stripe Checkout (docs/licensing.md)."""
