from datetime import datetime, timedelta, timezone

from services.accounts import ratelimit
from services.accounts.ratelimit import Limit, seconds_until_allowed

NOW = datetime(2026, 5, 1, 10, 0, 0, tzinfo=timezone.utc)
LIMIT = Limit("test", max_hits=3, window_s=60)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_below_the_limit_is_allowed():
    assert seconds_until_allowed([ago(1), ago(2)], LIMIT, NOW) == 0


def test_at_the_limit_waits_for_the_oldest_hit_to_leave_the_window():
    # hits 10, 20, 30 s ago: the one 30 s ago leaves the 60 s window in 30 s
    assert seconds_until_allowed([ago(10), ago(20), ago(30)], LIMIT, NOW) == 30


def test_order_of_hits_does_not_matter():
    assert seconds_until_allowed([ago(30), ago(10), ago(20)], LIMIT, NOW) == 30


def test_hits_outside_the_window_do_not_count():
    assert seconds_until_allowed([ago(10), ago(20), ago(60), ago(3600)], LIMIT, NOW) == 0


def test_over_the_limit_waits_until_enough_hits_have_aged_out():
    # five hits (concurrent overshoot): three must leave before one more fits; the third oldest is 20 s ago
    hits = [ago(5), ago(10), ago(20), ago(40), ago(50)]
    assert seconds_until_allowed(hits, LIMIT, NOW) == 40


def test_fractions_round_up_and_never_say_zero():
    assert seconds_until_allowed([ago(1), ago(2), ago(29.2)], LIMIT, NOW) == 31
    assert seconds_until_allowed([ago(1), ago(2), ago(59.999)], LIMIT, NOW) == 1


def test_a_zero_limit_is_disabled():
    assert seconds_until_allowed([NOW] * 1000, Limit("off", 0, 60), NOW) == 0


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL_AND_IP", "4")
    monkeypatch.setenv("RATE_LOGIN_FAILURES_PER_EMAIL_TOTAL", "27")
    monkeypatch.setenv("RATE_LOGINS_PER_IP", "70")
    monkeypatch.setenv("RATE_REGISTRATIONS_PER_IP", "17")
    monkeypatch.setenv("RATE_WINDOW_S", "90")
    assert ratelimit.failed_logins_per_email_and_ip() == Limit("login_failures:email_ip", 4, 90)
    assert ratelimit.failed_logins_per_email() == Limit("login_failures:email", 27, 90)
    assert ratelimit.logins_per_ip() == Limit("logins:ip", 70, 90)
    assert ratelimit.registrations_per_ip() == Limit("registrations:ip", 17, 90)


def test_documented_defaults(monkeypatch):
    for name in ("RATE_LOGIN_FAILURES_PER_EMAIL_AND_IP", "RATE_LOGIN_FAILURES_PER_EMAIL_TOTAL", "RATE_LOGINS_PER_IP",
                 "RATE_REGISTRATIONS_PER_IP", "RATE_WINDOW_S", "RATE_LOGIN_LOCKOUT_S", "RATE_LOGIN_LOCKOUT_MAX_S"):
        monkeypatch.delenv(name, raising=False)
    limits = (ratelimit.failed_logins_per_email_and_ip(), ratelimit.failed_logins_per_email(),
              ratelimit.logins_per_ip(), ratelimit.registrations_per_ip())
    assert [limit.max_hits for limit in limits] == [5, 20, 100, 30]
    assert {limit.window_s for limit in limits} == {60}
    assert (ratelimit.lockout_s(), ratelimit.lockout_max_s()) == (60, 3600)


def test_each_lockout_doubles_up_to_the_maximum(monkeypatch):
    monkeypatch.setenv("RATE_LOGIN_LOCKOUT_S", "60")
    monkeypatch.setenv("RATE_LOGIN_LOCKOUT_MAX_S", "3600")
    assert [ratelimit.lockout_duration_s(strikes) for strikes in range(8)] == [60, 120, 240, 480, 960, 1920,
                                                                               3600, 3600]
    assert ratelimit.lockout_duration_s(10_000) == 3600


def test_keys_are_stored_hashed():
    digest = ratelimit.key_hash("alice@example.com")
    assert len(digest) == 64 and "alice" not in digest
    assert digest == ratelimit.key_hash("alice@example.com") != ratelimit.key_hash("bob@example.com")
