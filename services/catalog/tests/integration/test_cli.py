"""The operator command that creates unclaimed artist pages (e.g. for an imported catalogue)."""
import json
import os
import subprocess
import sys

import pytest

from services.common import config
from services.common.migrate import upgrade

pytestmark = pytest.mark.integration


def run_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "services.catalog.cli", *args], env=env, cwd=config.ROOT,
                          capture_output=True, text=True)


def test_create_artist_prints_an_unclaimed_page(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    upgrade("catalog", url)
    env = {**os.environ, "CATALOG_DATABASE_URL": url}
    done = run_cli(env, "create-artist", "--name", "Old Legend")
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout)
    assert page["name"] == "Old Legend" and page["user_id"] is None and page["claimed"] is False


def test_blank_name_and_missing_database_say_what_to_do(tmp_path):
    env = {**os.environ, "CATALOG_DATABASE_URL": f"sqlite:///{tmp_path / 'nothing-here.db'}"}
    blank = run_cli(env, "create-artist", "--name", "  ")
    assert blank.returncode == 2 and "must not be blank" in blank.stderr
    unmigrated = run_cli(env, "create-artist", "--name", "X")
    assert unmigrated.returncode == 1 and "make migrate" in unmigrated.stderr
