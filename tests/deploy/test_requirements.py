"""The two requirements files: requirements.txt pins what the platform runs and nothing else (deploy/Dockerfile
installs only it), requirements-dev.txt adds what the tests and benchmarks need, and scripts/ensure-venv.sh
installs the second one only for `make test`, `make test-unit` and `make bench`.

What a distribution needs is read from the installed distributions' own metadata (the development .venv holds
both files).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from services.common import config
from tests.support.requirements import pins, requirement_lines, third_party_imports, with_dependencies

ROOT = config.ROOT
RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
PLATFORM_PACKAGES = {"services", "gateway", "deploy", "devtools"}
TEST_PACKAGES = PLATFORM_PACKAGES | {"tests", "bench", "conftest"}
# loaded by SQLAlchemy from the driver named in a database URL, never imported by our code
DRIVERS = {"psycopg2-binary"}
TEST_TOOLS = {"pytest", "pytest-timeout", "testcontainers", "check-jsonschema"}
# devtools/infra.py starts the tests' servers (testcontainers) and devtools/screenshots.py drives Chromium
# (Playwright) for `make screenshots`, both from requirements-dev.txt; the rest of devtools is `make run` and
# `make demo`
DEV_TOOLS = {ROOT / "devtools" / "infra.py", ROOT / "devtools" / "screenshots.py"}


def python_files(*roots: str) -> list[Path]:
    files = []
    for root in roots:
        path = ROOT / root
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [path for path in files if "__pycache__" not in path.parts]


def is_test_code(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return "tests" in rel.parts or rel.parts[0] == "bench" or rel.name == "conftest.py" or path in DEV_TOOLS


def imported_distributions(files: list[Path], local: set[str]) -> dict[str, str]:
    imported, unknown = third_party_imports(files, local, ROOT)
    assert not unknown, "imports no installed distribution provides:\n" + "\n".join(unknown)
    return imported


def platform_code() -> list[Path]:
    """What the image runs (services/, gateway/, deploy/) and what `make run` and `make demo` run (devtools/)."""
    return [path for path in python_files("services", "gateway", "deploy", "devtools") if not is_test_code(path)]


def code_of_tests() -> list[Path]:
    return [path for path in python_files("conftest.py", "services", "gateway", "tests", "bench", "devtools")
            if is_test_code(path)]


# ---------------------------------------------------------------------------------------------------------------
# the files


def test_the_runtime_file_pins_exactly_what_the_platform_runs():
    imported = imported_distributions(platform_code(), PLATFORM_PACKAGES)
    needed = with_dependencies(set(imported) | DRIVERS)
    pinned = pins(RUNTIME)
    assert not pinned - needed, (
        f"requirements.txt pins what the platform never loads: {sorted(pinned - needed)}; the image installs "
        "this file, so a package only the tests use belongs in requirements-dev.txt")
    assert not needed - pinned, f"requirements.txt must pin every package the platform loads: {sorted(needed - pinned)}"


def test_the_test_tools_are_in_the_development_file_only():
    assert requirement_lines(DEV)[0] == "-r requirements.txt", "requirements-dev.txt starts from the runtime file"
    runtime, dev = pins(RUNTIME), pins(DEV)
    assert TEST_TOOLS <= dev, f"requirements-dev.txt lacks {sorted(TEST_TOOLS - dev)}"
    assert not runtime & dev, f"pinned in both files (keep one pin, in requirements.txt): {sorted(runtime & dev)}"


def test_the_two_files_cover_what_the_tests_import():
    imported = imported_distributions(code_of_tests(), TEST_PACKAGES)
    needed = with_dependencies(set(imported))
    pinned = pins(RUNTIME) | pins(DEV)
    missing = {name: imported.get(name, "(a dependency)") for name in needed - pinned}
    assert not missing, f"add to requirements-dev.txt (pinned): {missing}"


# ---------------------------------------------------------------------------------------------------------------
# who installs which file


def make_dry_run(target: str) -> str:
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("target", ["test", "test-unit", "bench"])
def test_the_test_targets_install_the_development_file(target):
    assert "scripts/ensure-venv.sh --dev" in make_dry_run(target).splitlines()


@pytest.mark.parametrize("target", ["run", "demo", "migrate"])
def test_the_platform_targets_install_only_the_runtime_file(target):
    lines = make_dry_run(target).splitlines()
    assert "scripts/ensure-venv.sh" in lines and "scripts/ensure-venv.sh --dev" not in lines


@pytest.fixture
def checkout(tmp_path):
    """A copy of scripts/ensure-venv.sh in a directory of its own, with a stub .venv/bin/python that records
    each ``pip install -r FILE`` instead of installing."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "ensure-venv.sh", tmp_path / "scripts" / "ensure-venv.sh")
    (tmp_path / "requirements.txt").write_text("alembic==1.0\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.0\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/usr/bin/env bash\n[ "$5" = -r ] && echo "$6" >> "$(dirname "$0")/../installed"\nexit 0\n')
    python.chmod(0o755)
    return tmp_path


def ensure_venv(checkout: Path, *args: str) -> list[str]:
    """Run the script; the files it installed this time."""
    log = checkout / ".venv" / "installed"
    log.write_text("")
    result = subprocess.run([str(checkout / "scripts" / "ensure-venv.sh"), *args], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable}, timeout=30)
    assert result.returncode == 0, result.stderr
    return log.read_text().split()


def test_ensure_venv_installs_each_file_once_until_it_changes(checkout):
    assert ensure_venv(checkout) == ["requirements.txt"]
    assert ensure_venv(checkout) == []
    assert ensure_venv(checkout, "--dev") == ["requirements-dev.txt"]
    assert ensure_venv(checkout, "--dev") == []
    assert ensure_venv(checkout) == [], "the development install brought the runtime file up to date too"
    (checkout / "requirements.txt").write_text("alembic==1.1\n")
    assert ensure_venv(checkout) == ["requirements.txt"]
    assert ensure_venv(checkout, "--dev") == ["requirements-dev.txt"], "a new runtime pin reaches the dev install"
    (checkout / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.1\n")
    assert ensure_venv(checkout) == [], "make run does not care about the test tools"
    assert ensure_venv(checkout, "--dev") == ["requirements-dev.txt"]


def test_ensure_venv_refuses_an_unknown_option(checkout):
    result = subprocess.run([str(checkout / "scripts" / "ensure-venv.sh"), "--tests"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2 and "usage: scripts/ensure-venv.sh [--dev]" in result.stderr
