import pytest

from services.accounts import passwords

EMAIL = "Alice@Example.com"


def test_ten_characters_are_enough():
    assert passwords.policy_violations("a" * 10, EMAIL) == []


def test_nine_characters_are_too_short():
    assert passwords.policy_violations("a" * 9, EMAIL) == ["must be at least 10 characters"]


def test_absurdly_long_passwords_are_refused():
    assert passwords.policy_violations("a" * 1025, EMAIL) == ["must be at most 1024 characters"]


@pytest.mark.parametrize("password", ["alice@example.com", "ALICE@EXAMPLE.COM", "my-alice@example.com-123"])
def test_the_email_in_any_case_is_refused(password):
    assert passwords.policy_violations(password, EMAIL) == ["must not be or contain your email address"]


def test_a_short_email_password_gets_both_reasons():
    assert passwords.policy_violations("a@b.co", "a@b.co") == [
        "must be at least 10 characters", "must not be or contain your email address"]


def test_hash_is_argon2id_and_verifies_only_the_right_password():
    hashed = passwords.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert passwords.verify_password(hashed, "correct horse battery")
    assert not passwords.verify_password(hashed, "correct horse batterY")


def test_an_unknown_account_never_verifies():
    assert passwords.verify_password(None, "anything at all") is False


def test_a_corrupt_hash_does_not_verify():
    assert passwords.verify_password("not-a-hash", "anything at all") is False


def test_fresh_hashes_need_no_rehash_and_weaker_ones_do():
    from argon2 import PasswordHasher

    assert not passwords.needs_rehash(passwords.hash_password("0123456789"))
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("0123456789")
    assert passwords.needs_rehash(weaker)
