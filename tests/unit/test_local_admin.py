"""make run's local admin: made once per checkout, owner-readable, given to the platform unless one is
configured, and what make demo falls back to when no admin is given."""
import stat

import pytest

from devtools import demo, local_admin


def test_a_local_admin_is_made_once_and_kept_private(tmp_path):
    env: dict[str, str] = {}
    email, password = local_admin.configure(env, tmp_path)
    assert (env["BEATPASS_ADMIN_EMAIL"], env["BEATPASS_ADMIN_PASSWORD"]) == (email, password)
    assert len(password) >= 20
    assert stat.S_IMODE(local_admin.path(tmp_path).stat().st_mode) == 0o600
    again: dict[str, str] = {}
    assert local_admin.configure(again, tmp_path) == (email, password)  # the same admin on every make run


def test_a_configured_admin_wins_and_no_file_is_made(tmp_path):
    env = {"BEATPASS_ADMIN_EMAIL": "boss@example.org", "BEATPASS_ADMIN_PASSWORD": "a long passphrase"}
    assert local_admin.configure(env, tmp_path) is None
    assert env["BEATPASS_ADMIN_EMAIL"] == "boss@example.org"
    assert not local_admin.path(tmp_path).exists()


def test_demo_uses_the_local_admin_when_none_is_given(tmp_path, monkeypatch):
    monkeypatch.delenv("BEATPASS_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("BEATPASS_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("BEATPASS_VAR_DIR", str(tmp_path))
    with pytest.raises(demo.DemoError, match="BEATPASS_ADMIN_EMAIL"):
        demo.admin_credentials()
    made = local_admin.ensure(tmp_path)
    assert demo.admin_credentials() == made


def test_demo_prefers_the_admin_it_is_given(tmp_path, monkeypatch):
    local_admin.ensure(tmp_path)
    monkeypatch.setenv("BEATPASS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BEATPASS_ADMIN_EMAIL", "boss@example.org")
    monkeypatch.setenv("BEATPASS_ADMIN_PASSWORD", "a long passphrase")
    assert demo.admin_credentials() == ("boss@example.org", "a long passphrase")
