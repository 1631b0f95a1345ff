"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import MigrationChecks

pytestmark = pytest.mark.integration


class TestMigrations(MigrationChecks):
    service = "accounts"
    tables = {"users", "user_roles", "follows", "producer_applications", "rate_limit_hits"}
    tables |= {"billing_accounts", "processed_stripe_events"}  # 0003_billing
    tables |= {"token_ledger"}  # 0002_tokens
    tables |= {"stripe_effects"}  # 0004_billing_effects
    tables |= {"refresh_tokens", "login_lockouts"}  # 0005_refresh_tokens
    tables |= {"artist_pages"}  # 0006_artist_pages
