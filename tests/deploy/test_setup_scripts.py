"""scripts/ensure-tools.sh: what `make run`, `make test` and `.ci/run` install before anything else — fpcalc and,
for the web app's build, Node.js with npm — or, where it cannot install (not root, no apt-get), the one line that
says what to install. Run with a PATH of stubs, so the machine's own tools and packages are never touched."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from services.common import config

SCRIPT = config.ROOT / "scripts" / "ensure-tools.sh"
ESSENTIALS = ("bash", "xargs", "echo", "cat", "env")


def stub_path(tmp_path: Path, *tools: str, uid: int = 1000) -> str:
    """A folder of executables: ``tools`` answer, ``id -u`` says ``uid``, and the shell's own essentials."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in tools:
        (stubs / name).write_text("#!/bin/sh\nexit 0\n")
    (stubs / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    for name in ESSENTIALS:
        (stubs / name).symlink_to(subprocess.check_output(["which", name], text=True).strip())
    for path in stubs.iterdir():
        path.chmod(0o755)
    return str(stubs)


def run(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], env={**os.environ, "PATH": path}, capture_output=True, text=True,
                          timeout=30)


def test_nothing_to_do_when_every_tool_is_there(tmp_path):
    done = run(stub_path(tmp_path, "fpcalc", "node", "npm"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_missing_node_and_npm_are_named_with_the_command_that_installs_them(tmp_path):
    refused = run(stub_path(tmp_path, "fpcalc"))  # not root: nothing installed, the way forward said
    assert refused.returncode == 1
    assert "Missing system packages: nodejs npm" in refused.stderr
    assert "apt-get install nodejs npm" in refused.stderr


def test_everything_missing_is_named_in_one_line(tmp_path):
    refused = run(stub_path(tmp_path, "node"))  # npm without node counts as missing too
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "Missing system packages: libchromaprint-tools nodejs npm — install them (apt-get install "
        "libchromaprint-tools nodejs npm) and retry."]


def test_as_root_it_installs_what_is_missing_with_apt_get(tmp_path):
    path = stub_path(tmp_path, "fpcalc", uid=0)
    log = tmp_path / "apt.log"
    # an apt-get that records its arguments and, on install, makes node and npm appear
    (Path(path) / "apt-get").write_text(
        f"#!/bin/sh\necho \"$*\" >> {log}\n"
        f"case \"$*\" in *install*) printf '#!/bin/sh\\nexit 0\\n' > {path}/node; cp {path}/node {path}/npm;"
        f" chmod +x {path}/node {path}/npm;; esac\n")
    (Path(path) / "apt-get").chmod(0o755)
    for name in ("printf", "cp", "chmod"):
        (Path(path) / name).symlink_to(subprocess.check_output(["which", name], text=True).strip())
    done = run(path)
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == ["update -qq", "install -y -qq nodejs npm"]
    assert "Installing nodejs npm with apt-get" in done.stderr
