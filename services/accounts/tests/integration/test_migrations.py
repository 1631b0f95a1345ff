"""The Alembic history builds exactly the schema the models describe, on PostgreSQL and SQLite."""
import pytest

from tests.support.migrations import assert_fresh_sqlite, assert_matches_models, assert_round_trip

pytestmark = pytest.mark.integration

TABLES = {"users", "user_roles", "follows", "producer_applications", "rate_limit_hits", "outbox", "processed_events"}
TABLES |= {"billing_accounts", "processed_stripe_events"}  # 0003_billing
TABLES |= {"token_ledger"}  # 0002_tokens
TABLES |= {"stripe_effects"}  # 0004_billing_effects
TABLES |= {"refresh_tokens", "login_lockouts"}  # 0005_refresh_tokens
TABLES |= {"artist_pages"}  # 0006_artist_pages


def test_the_service_database_matches_the_models(accounts_db):
    assert_matches_models("accounts", accounts_db, TABLES)


def test_a_fresh_postgresql_database_upgrades_downgrades_and_upgrades_again(pg):
    assert_round_trip("accounts", pg.create("accounts_migrations"), TABLES)


def test_a_fresh_sqlite_file_upgrades_to_the_models(tmp_path):
    assert_fresh_sqlite("accounts", tmp_path, TABLES)
