"""The deployment files, checked without Docker or a cluster (none runs on the development machines).

- docker-compose.yml is validated against the official Compose Specification JSON schema, the copy that
  check-jsonschema (pinned in requirements-dev.txt) vendors from compose-spec/compose-spec
  (schema/compose-spec.json), after the same variable interpolation Compose performs;
- every service in ``services.common.config.SERVICES`` has a compose service and a Kubernetes Deployment, with
  the environment its code reads;
- deploy/Dockerfile's COPY sources exist and survive its .dockerignore; the code it ships imports only what the
  image has; deploy/docker-entrypoint.sh and deploy/postgres/init-databases.sh pass ``bash -n`` and do what
  they say (run against stub ``python``/``gunicorn``/``psql`` commands);
- the Kubernetes manifests parse, and every Deployment has resource requests/limits and probes;
- deploy/gunicorn.conf.py honours its environment, and gunicorn itself accepts every setting in it.
"""
from __future__ import annotations

import ast
import copy
import datetime as dt
import hashlib
import importlib.resources
import json
import os
import re
import runpy
import shlex
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import yaml
from jsonschema.validators import validator_for

from services.common import config
from tests.support.requirements import pins, third_party_imports

ROOT = config.ROOT
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
ENTRYPOINT = DEPLOY / "docker-entrypoint.sh"
INIT_DATABASES = DEPLOY / "postgres" / "init-databases.sh"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
SECRET_EXAMPLE = K8S / "secret.example.yaml"

SERVICES = tuple(config.SERVICES)
IMAGE_DOCKERFILE = "deploy/Dockerfile"
ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


# ---------------------------------------------------------------------------------------------------------------
# helpers


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())


_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<named>[_A-Za-z][_A-Za-z0-9]*)|\{(?P<braced>[^{}]*)\}|(?P<invalid>))")
_BRACED = re.compile(r"(?P<name>[_A-Za-z][_A-Za-z0-9]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


class MissingVariable(ValueError):
    pass


def interpolate(value, env: dict[str, str]):
    """Compose's variable interpolation (``$$``, ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR-d}``, ``${VAR:?e}``,
    ``${VAR?e}``, ``${VAR:+a}``, ``${VAR+a}``) applied to every string value; a malformed ``$`` raises."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        if match["braced"] is None:
            raise ValueError(f"a lone '$' in {value!r}: write '$$' for a literal dollar sign")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise ValueError(f"malformed interpolation '${{{match['braced']}}}' in {value!r}")
        name, op, arg = braced["name"], braced["op"], braced["arg"] or ""
        current = env.get(name)
        if op is None:
            return current or ""
        if op == ":-":
            return current if current else arg
        if op == "-":
            return current if current is not None else arg
        if op == ":?" and not current or op == "?" and current is None:
            raise MissingVariable(f"{name} is required ({arg})")
        if op in (":?", "?"):
            return current
        if op == ":+":
            return arg if current else ""
        return arg if current is not None else ""

    return _INTERPOLATION.sub(substitute, value)


def uses_image(service: dict) -> bool:
    build = service.get("build")
    return isinstance(build, dict) and build.get("dockerfile") == IMAGE_DOCKERFILE


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else list(command or [])


def duration_s(text: str) -> float:
    """A Compose duration such as ``40s`` or ``1m30s``."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"not a duration: {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def is_test_code(rel: str) -> bool:
    """A test folder, or a service's ``conftest.py`` (the fixtures its areas' tests share, e.g. catalog's)."""
    return "/tests/" in rel + "/" or rel.rsplit("/", 1)[-1] == "conftest.py"


def shipped_python_files(*roots: str) -> list[Path]:
    files = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if is_test_code(rel) or "__pycache__" in rel:
                continue
            files.append(path)
    return files


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` (a WSGI ``environ`` or ``request.environ`` is not the process environment)."""
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name) \
        and node.value.id == "os"


ENV_READERS = {"env", "env_int", "getenv", "_env", "_env_int"}


def env_names_read(files: list[Path]) -> dict[str, str]:
    """Environment variables the code reads by literal name → the first file that reads it."""
    found: dict[str, str] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name_node = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                environ_method = isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") \
                    and _is_environ(func.value)
                if called in ENV_READERS or environ_method:
                    name_node = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                name_node = node.slice
            if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str) \
                    and ENV_NAME.fullmatch(name_node.value):
                found.setdefault(name_node.value, path.relative_to(ROOT).as_posix())
    return found


#: shared modules every service process runs whatever it imports: its entrypoint and the migration step
SERVICE_ENTRY_MODULES = ("services/common/runner.py", "services/common/migrate.py")
SHARED_ROOTS = ("services/common", "services/contracts")


def code_of_service(name: str) -> list[Path]:
    """The service's own files and the shared modules they (transitively) import: the Stripe client in
    services/common is the code of the services that import it, not of every service."""
    return imported_closure(shipped_python_files(f"services/{name}")
                            + [ROOT / module for module in SERVICE_ENTRY_MODULES])


def imported_closure(files: list[Path]) -> list[Path]:
    found, pending = [], list(files)
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.append(path)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            pending.extend(module for name in names if (module := shared_module(name)) is not None)
    return sorted(found)


def shared_module(dotted: str) -> Path | None:
    """The file of a module under services/common or services/contracts (a package: its ``__init__.py``)."""
    relative = dotted.replace(".", "/")
    if not relative.startswith(SHARED_ROOTS):
        return None
    for candidate in (ROOT / f"{relative}.py", ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def code_of_gateway() -> list[Path]:
    return imported_closure(shipped_python_files("gateway") + [GUNICORN_CONF])


# ---------------------------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def compose_raw() -> dict:
    return load_yaml(COMPOSE_FILE)


@pytest.fixture(scope="module")
def compose(compose_raw) -> dict:
    """The compose file as Compose sees it with nothing set in the environment."""
    return interpolate(compose_raw, {})


@pytest.fixture(scope="module")
def compose_schema() -> tuple[dict, bytes]:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    raw = vendor.joinpath("compose-spec.json").read_bytes()
    return json.loads(raw), raw


@pytest.fixture(scope="module")
def k8s_docs() -> dict[str, list[dict]]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        docs[path.name] = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    return docs


@pytest.fixture(scope="module")
def deployments(k8s_docs) -> dict[str, dict]:
    found = {}
    for name, docs in k8s_docs.items():
        if name == SECRET_EXAMPLE.name:
            continue
        for doc in docs:
            if doc.get("kind") == "Deployment":
                found[doc["metadata"]["name"]] = doc
    return found


@pytest.fixture(scope="module")
def configmap(k8s_docs) -> dict:
    maps = [doc for docs in k8s_docs.values() for doc in docs if doc.get("kind") == "ConfigMap"]
    assert len(maps) == 1, "expected exactly one ConfigMap (beatpass-config)"
    return maps[0]


@pytest.fixture(scope="module")
def secret_example(k8s_docs) -> dict:
    docs = k8s_docs[SECRET_EXAMPLE.name]
    assert len(docs) == 1 and docs[0]["kind"] == "Secret"
    return docs[0]


GUNICORN_VARS = ("GATEWAY_BIND", "GATEWAY_WORKERS", "GATEWAY_THREADS", "GATEWAY_TIMEOUT_S",
                 "GATEWAY_GRACEFUL_TIMEOUT_S", "GATEWAY_KEEPALIVE_S", "GATEWAY_CONTROL_SOCKET", "GATEWAY_ACCESS_LOG", "LOG_LEVEL",
                 "GUNICORN_CMD_ARGS")


@pytest.fixture
def clean_env(monkeypatch):
    for var in GUNICORN_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


# ---------------------------------------------------------------------------------------------------------------
# docker-compose.yml: the official schema


def test_compose_schema_is_the_official_file_vendored_by_check_jsonschema(compose_schema):
    from check_jsonschema.catalog import SCHEMA_CATALOG

    schema, raw = compose_schema
    assert SCHEMA_CATALOG["compose-spec"]["url"] == (
        "https://raw.githubusercontent.com/compose-spec/compose-spec/master/schema/compose-spec.json")
    recorded = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "sha256", "compose-spec.sha256").read_text().strip()
    assert hashlib.sha256(raw).hexdigest() == recorded, "the schema differs from the one check-jsonschema recorded"
    assert schema["title"] == "Compose Specification"


@pytest.mark.parametrize("env", [{}, {"JWT_SECRET": "x" * 48, "BEATPASS_TAG": "1.2.3", "GATEWAY_TRUSTED_PROXIES": "1"}],
                         ids=["empty-environment", "typical-environment"])
def test_compose_file_is_valid_against_the_compose_specification(compose_raw, compose_schema, env):
    schema, _ = compose_schema
    validator_cls = validator_for(schema)  # the schema declares its draft (2020-12 today)
    validator_cls.check_schema(schema)
    document = interpolate(compose_raw, env)
    errors = sorted(validator_cls(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)


@pytest.mark.parametrize("breakage", ["unknown-key", "bad-condition", "bad-volume-section"])
def test_the_schema_check_rejects_a_broken_compose_file(compose, compose_schema, breakage):
    """The validation above is not vacuous: the same validator refuses plausible mistakes."""
    schema, _ = compose_schema
    broken = copy.deepcopy(compose)
    if breakage == "unknown-key":
        broken["services"]["accounts"]["restart_policy"] = "always"
    elif breakage == "bad-condition":
        broken["services"]["accounts"]["depends_on"]["rabbitmq"]["condition"] = "healthy"
    else:
        broken["volumes"]["media"] = {"driverr": "local"}
    assert list(validator_for(schema)(schema).iter_errors(broken))


def test_compose_interpolation_needs_no_variable(compose_raw):
    """`docker compose up -d rabbitmq` (scripts/ensure-broker.sh) must work with nothing exported: every
    ``$`` is well formed and no variable is required (``${VAR:?…}``)."""
    interpolate(compose_raw, {})  # raises on a malformed '$' or a missing required variable


# ---------------------------------------------------------------------------------------------------------------
# docker-compose.yml: the services


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_a_scalable_compose_service(compose, name):
    services = compose["services"]
    assert name in services, f"docker-compose.yml has no service {name!r} (deploy/README.md: Adding a service)"
    service = services[name]
    assert uses_image(service), f"{name} must be built from {IMAGE_DOCKERFILE}"
    assert command_of(service) == ["service", name]
    assert "container_name" not in service, "a fixed container_name prevents `--scale`"
    assert not service.get("ports"), "a published host port prevents `--scale`"
    assert service.get("restart") == "unless-stopped"
    depends = service.get("depends_on") or {}
    for infra in ("rabbitmq", "postgres"):
        assert isinstance(depends, dict) and depends.get(infra, {}).get("condition") == "service_healthy", \
            f"{name} must wait for {infra} to be healthy"


def test_image_services_share_the_x_service_defaults(compose):
    defaults = compose["x-service-defaults"]
    users = [name for name, service in compose["services"].items() if uses_image(service)]
    assert set(SERVICES) | {"gateway"} <= set(users)
    for name in users:
        service = compose["services"][name]
        assert service["image"] == defaults["image"] and service["build"] == defaults["build"], \
            f"{name} must use `<<: *service-defaults` (one image for every service)"
        assert service.get("init") is True


@pytest.mark.parametrize("name", SERVICES)
def test_service_containers_have_the_environment_their_code_reads(compose, name):
    service = compose["services"][name]
    environment = service.get("environment") or {}
    assert isinstance(environment, dict), "use the mapping form of `environment`"

    amqp = urllib.parse.urlsplit(environment.get("AMQP_URI") or "")
    assert amqp.scheme == "amqp" and amqp.hostname == "rabbitmq", f"{name}: AMQP_URI must point at the rabbitmq service"

    postgres_env = compose["services"]["postgres"]["environment"]
    databases = [db.strip() for db in postgres_env["POSTGRES_MULTIPLE_DATABASES"].split(",") if db.strip()]
    url = urllib.parse.urlsplit(environment.get(f"{name.upper()}_DATABASE_URL") or "")
    assert url.scheme == "postgresql+psycopg2", f"{name}: {name.upper()}_DATABASE_URL must be a psycopg2 URL"
    assert url.hostname == "postgres" and (url.port or 5432) == 5432
    assert url.path.lstrip("/") in databases, f"{name}'s database is not in POSTGRES_MULTIPLE_DATABASES"
    assert (url.username, url.password) == (postgres_env["POSTGRES_USER"], postgres_env["POSTGRES_PASSWORD"])
    others = {f"{other.upper()}_DATABASE_URL" for other in SERVICES if other != name}
    assert not others & set(environment), f"{name} must not see another service's database"

    undeclared = {var: where for var, where in env_names_read(code_of_service(name)).items() if var not in environment}
    assert not undeclared, (f"{name}'s code reads {undeclared} but docker-compose.yml does not declare them for it; "
                            "add each under its `environment` (a key without a value passes it through)")


def test_gateway_compose_service(compose):
    gateway = compose["services"]["gateway"]
    environment = gateway["environment"]
    assert uses_image(gateway) and command_of(gateway) == ["gateway"]
    assert "container_name" not in gateway
    assert environment["GATEWAY_BIND"] == "0.0.0.0:8000"
    assert "8000:8000" in gateway["ports"]
    assert urllib.parse.urlsplit(environment["AMQP_URI"]).hostname == "rabbitmq"
    assert len(environment["JWT_SECRET"] or "") >= 32, "every gateway container needs the same JWT_SECRET"
    assert gateway["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert set(SERVICES) <= set(gateway["depends_on"]), "the gateway's /ready waits for every service"

    test = gateway["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "<healthcheck>", "exec")
    assert "urllib.request" in test[3] and "http://127.0.0.1:8000/health" in test[3]

    undeclared = {var: where for var, where in env_names_read(code_of_gateway()).items() if var not in environment}
    assert not undeclared, (f"the gateway's code reads {undeclared} but docker-compose.yml does not declare them; "
                            "add each under the gateway's `environment` (a key without a value passes it through)")


def test_compose_infrastructure(compose):
    services = compose["services"]
    rabbitmq, postgres = services["rabbitmq"], services["postgres"]

    assert rabbitmq["image"] == "rabbitmq:3.13-management"
    assert "rabbitmq-diagnostics" in " ".join(rabbitmq["healthcheck"]["test"]) and \
        "ping" in " ".join(rabbitmq["healthcheck"]["test"])
    published = {str(port).rsplit(":", 1)[-1] for port in rabbitmq["ports"]}
    assert {"5672", "15672"} <= published
    assert rabbitmq.get("hostname"), "RabbitMQ keeps its data under rabbit@<hostname>: fix the hostname"

    assert postgres["image"] == "postgres:15"
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    databases = {db.strip() for db in postgres["environment"]["POSTGRES_MULTIPLE_DATABASES"].split(",")}
    assert set(SERVICES) <= databases, "POSTGRES_MULTIPLE_DATABASES must list every service's database"
    mounts = [volume.split(":") for volume in postgres["volumes"]]
    init = [m for m in mounts if m[1].startswith("/docker-entrypoint-initdb.d/")]
    assert len(init) == 1 and (ROOT / init[0][0]).resolve() == INIT_DATABASES.resolve()


def test_compose_volumes_and_dependencies_are_declared(compose, clean_env):
    """What the schema does not check: named volumes and depends_on targets exist; durations add up."""
    declared = set(compose.get("volumes") or {})
    services = compose["services"]
    used = set()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                used.add(source)
        for target in (service.get("depends_on") or {}):
            assert target in services, f"{name} depends on unknown service {target!r}"
    assert used == declared, f"named volumes used {sorted(used)} vs declared {sorted(declared)}"
    assert {"rabbitmq-data", "postgres-data", "media"} <= declared
    media = [v for v in services["gateway"]["volumes"] if v.startswith("media:")]
    assert media == [f"media:{compose['x-beatpass-env']['MEDIA_ROOT']}"]

    gunicorn = runpy.run_path(str(GUNICORN_CONF))
    assert duration_s(services["gateway"]["stop_grace_period"]) > gunicorn["graceful_timeout"], \
        "Docker would SIGKILL the gateway before gunicorn's graceful timeout"


# ---------------------------------------------------------------------------------------------------------------
# the image


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def copy_sources() -> list[str]:
    sources = []
    for keyword, rest in dockerfile_instructions():
        if keyword not in ("COPY", "ADD"):
            continue
        flags = re.match(r"((?:--\S+\s+)*)(.*)", rest)
        if "--from=" in flags[1]:
            continue  # from another stage or image, not from the build context
        body = flags[2]
        args = json.loads(body) if body.startswith("[") else shlex.split(body)
        sources.extend(args[:-1])
    return sources


def test_dockerfile_base_packages_user_and_entrypoint():
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    stages = [rest for keyword, rest in instructions if keyword == "FROM"]
    # the web app's build stage first; the image itself is the last stage
    assert stages == ["node:20-bookworm-slim AS web", "python:3.11-slim-bookworm"]
    assert ("COPY", "--from=web /web/dist web/dist") in instructions
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert re.search(r"apt-get install[^&]*\blibsndfile1\b", runs) and re.search(
        r"apt-get install[^&]*\blibchromaprint-tools\b", runs)
    assert "pip install -r requirements.txt" in runs

    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must run as a non-root user"
    assert keywords.index("ENTRYPOINT") > max(i for i, k in enumerate(keywords) if k == "USER")

    entrypoints = [rest for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    assert [json.loads(e) for e in entrypoints] == [["deploy/docker-entrypoint.sh"]]
    assert os.access(ENTRYPOINT, os.X_OK), "deploy/docker-entrypoint.sh must be executable (git keeps the bit)"


def test_dockerfile_copy_sources_exist():
    sources = copy_sources()
    assert {"requirements.txt", "services/", "gateway/", "deploy/"} <= set(sources)
    missing = [source for source in sources if not (ROOT / source).exists()]
    assert not missing, f"COPY sources missing from the repository: {missing}"


def _dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        regex, i = "", 0
        while i < len(pattern):
            char = pattern[i]
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    i += 1
                    regex += "(?:.*/)?"
                else:
                    regex += ".*"
                continue
            if char == "*":
                regex += "[^/]*"
            elif char == "?":
                regex += "[^/]"
            elif char == "[":
                end = pattern.index("]", i)
                regex += pattern[i:end + 1]
                i = end + 1
                continue
            else:
                regex += re.escape(char)
            i += 1
        rules.append((negate, re.compile(regex + r"\Z")))
    return rules


def sent_to_builder(path: str, rules) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    included = True
    for negate, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            included = negate
    return included


def test_dockerignore_sends_what_the_image_copies_and_nothing_private():
    rules = _dockerignore_rules()
    for source in copy_sources():
        root = ROOT / source
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        shipped = [p for p in files if not is_test_code(p.relative_to(ROOT).as_posix())
                   and "__pycache__" not in p.parts and p.suffix != ".pyc"
                   and not p.relative_to(ROOT).as_posix().startswith("deploy/k8s/")]
        assert shipped, f"nothing to copy from {source}"
        relative = [p.relative_to(ROOT).as_posix() for p in shipped]
        dropped = [path for path in relative if not sent_to_builder(path, rules)]
        assert not dropped, f"COPY {source} needs files the ignore list drops: {dropped[:5]}"
    for needed in ("deploy/docker-entrypoint.sh", "deploy/gunicorn.conf.py", "deploy/migrate.py", "deploy/probe.py",
                   "services/common/runner.py", "services/common/migrate.py", "requirements.txt"):
        assert sent_to_builder(needed, rules), needed
    for private in (".venv/bin/python", ".git/config", "var/accounts.db", "var/media/x.wav", "bench/out/r.json",
                    "services/accounts/tests/unit/test_x.py", "gateway/tests/unit/test_x.py",
                    "services/common/__pycache__/config.cpython-311.pyc", "tests/e2e/conftest.py", ".env",
                    "requirements-dev.txt", "services/catalog/conftest.py",
                    "services/catalog/tracks/tests/unit/test_x.py"):
        assert not sent_to_builder(private, rules), f"{private} would be sent to the builder"


def test_code_in_the_image_imports_only_what_the_image_has():
    """Every absolute import in the shipped code is the standard library, a copied package, or a distribution
    pinned in requirements.txt — an import of devtools/ or tests/ would crash the container at start."""
    copied = {"services", "gateway", "deploy"}
    pinned = pins(ROOT / "requirements.txt")
    imported, problems = third_party_imports(shipped_python_files(*copied), copied, ROOT)
    problems += [f"{where}: imports {name}" for name, where in imported.items() if name not in pinned]
    assert not problems, "imports the image cannot satisfy:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------------------------
# shell scripts


@pytest.mark.parametrize("script", [ENTRYPOINT, INIT_DATABASES], ids=lambda p: p.name)
def test_shell_scripts_pass_bash_n(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert script.read_text().startswith("#!/usr/bin/env bash\n")


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(0o755)


def run_entrypoint(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    """Run the entrypoint with stub `python` and `gunicorn` that record how they were called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    record = 'printf "%s %s\\n" "$(basename "$0")" "$*" >> "$STUB_LOG"\n'
    _stub(bin_dir, "python", record + '[ "$2" = "deploy.migrate" ] && exit "${STUB_MIGRATE_RC:-0}"\nexit 0\n')
    _stub(bin_dir, "gunicorn", record)
    _stub(bin_dir, "some-tool", record)
    full_env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_LOG": str(log), **(env or {})}
    result = subprocess.run(["bash", str(ENTRYPOINT), *args], capture_output=True, text=True, env=full_env,
                            cwd=tmp_path, timeout=30)
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls


@pytest.mark.parametrize("args, env, calls, code", [
    (["service", "accounts"], {},
     ["python -m deploy.migrate accounts", "python -m services.common.runner accounts"], 0),
    (["service", "accounts"], {"BEATPASS_SKIP_MIGRATE": "1"}, ["python -m services.common.runner accounts"], 0),
    (["service", "accounts"], {"STUB_MIGRATE_RC": "3"}, ["python -m deploy.migrate accounts"], 3),
    (["gateway"], {}, ["gunicorn -c deploy/gunicorn.conf.py gateway.wsgi:app"], 0),
    (["gateway", "--workers", "4"], {}, ["gunicorn -c deploy/gunicorn.conf.py --workers 4 gateway.wsgi:app"], 0),
    (["migrate"], {}, ["python -m deploy.migrate"], 0),
    (["some-tool", "--flag", "a b"], {}, ["some-tool --flag a b"], 0),
    (["service"], {}, [], 2),
    ([], {}, [], 2),
], ids=["service", "service-skip-migrate", "service-migration-fails", "gateway", "gateway-args", "migrate",
        "exec-anything", "service-without-name", "no-arguments"])
def test_entrypoint_dispatch(tmp_path, args, env, calls, code):
    result, made = run_entrypoint(tmp_path, *args, env=env)
    assert (result.returncode, made) == (code, calls), result.stderr


def run_init_databases(tmp_path: Path, databases: str):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "psql.log"
    _stub(bin_dir, "psql", 'printf "%s\\n" "$*" >> "$STUB_LOG"; cat >> "$STUB_LOG"\n')
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_LOG": str(log), "POSTGRES_USER": "beatpass",
           "POSTGRES_MULTIPLE_DATABASES": databases}
    result = subprocess.run(["bash", str(INIT_DATABASES)], capture_output=True, text=True, env=env, timeout=30)
    return result, log.read_text() if log.exists() else ""


def test_init_databases_creates_each_listed_database_once(tmp_path):
    result, log = run_init_databases(tmp_path, " accounts, catalog,,audio ")
    assert result.returncode == 0, result.stderr
    created = re.findall(r"-v db=(\S+) -v owner=beatpass", log)
    assert created == ["accounts", "catalog", "audio"]
    assert log.count("\\gexec") == 3 and "WHERE NOT EXISTS" in log, "creation must be idempotent"


@pytest.mark.parametrize("databases", ["accounts,Bad-Name", "x;drop"])
def test_init_databases_refuses_invalid_names(tmp_path, databases):
    result, log = run_init_databases(tmp_path, databases)
    assert result.returncode != 0 and "not a valid database name" in result.stderr


# ---------------------------------------------------------------------------------------------------------------
# Kubernetes


def test_k8s_manifests_parse_and_kustomization_lists_them(k8s_docs):
    assert k8s_docs, "no manifests in deploy/k8s"
    for name, docs in k8s_docs.items():
        assert docs, f"{name} is empty"
        for doc in docs:
            assert {"apiVersion", "kind"} <= set(doc), f"{name}: a document without apiVersion/kind"
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], name
                if doc["kind"] != "Namespace":
                    assert doc["metadata"].get("namespace") == "beatpass", f"{name}: {doc['kind']} outside beatpass"
    kustomization = k8s_docs["kustomization.yaml"][0]
    listed = set(kustomization["resources"])
    expected = set(k8s_docs) - {"kustomization.yaml", SECRET_EXAMPLE.name}
    assert listed == expected, "kustomization.yaml must list every manifest except the secret example"
    assert SECRET_EXAMPLE.name not in listed


def _containers(deployment: dict, init: bool = False) -> list[dict]:
    spec = deployment["spec"]["template"]["spec"]
    return spec.get("initContainers" if init else "containers") or []


def _env_sources(container: dict) -> dict[str, dict]:
    return {item["name"]: item for item in container.get("env", [])}


def test_every_deployment_has_limits_probes_and_runs_restricted(deployments):
    assert deployments
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items(), f"{name}: selector does not match the pod labels"
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for container in _containers(deployment) + _containers(deployment, init=True):
            where = f"{name}/{container['name']}"
            assert container["image"].split(":")[0] == "beatpass", where
            resources = container.get("resources") or {}
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind) or {}), f"{where}: resources.{kind} cpu+memory"
            security = container.get("securityContext") or {}
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            for item in container.get("env", []):
                assert isinstance(item.get("value", ""), str), f"{where}: env {item['name']} is not a string"
        for container in _containers(deployment):
            for probe in ("readinessProbe", "livenessProbe"):
                assert container.get(probe), f"{name}/{container['name']} has no {probe}"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_a_deployment_that_migrates_first(deployments, name):
    assert name in deployments, f"deploy/k8s has no Deployment {name!r} (deploy/README.md: Adding a service)"
    deployment = deployments[name]
    [main] = _containers(deployment)
    inits = _containers(deployment, init=True)
    assert main["args"] == ["service", name]
    assert [init["args"] for init in inits] == [["migrate", name]], "a pre-start migrate initContainer"
    env = _env_sources(main)
    assert env.get("BEATPASS_SKIP_MIGRATE", {}).get("value") == "1", "the initContainer already migrated"
    for var in ("AMQP_URI", f"{name.upper()}_DATABASE_URL"):
        assert env[var]["valueFrom"]["secretKeyRef"]["key"] == var, f"{name}: {var} from the Secret"
    assert _env_sources(inits[0])[f"{name.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    others = {f"{other.upper()}_DATABASE_URL" for other in SERVICES if other != name}
    assert not others & set(env), f"{name} must not see another service's database"
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["exec"]["command"] == ["python", "-m", "deploy.probe"]


def test_gateway_deployment_and_service(k8s_docs, deployments, configmap, clean_env):
    gateway = deployments["gateway"]
    [main] = _containers(gateway)
    assert main["args"] == ["gateway"]
    [port] = main["ports"]
    bind_port = int(configmap["data"]["GATEWAY_BIND"].rsplit(":", 1)[1])
    assert configmap["data"]["GATEWAY_BIND"].startswith("0.0.0.0:") and port["containerPort"] == bind_port
    assert main["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert main["livenessProbe"]["httpGet"]["path"] == "/health"
    for probe in ("readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"]["port"] in (port["name"], port["containerPort"])
    env = _env_sources(main)
    for var in ("AMQP_URI", "JWT_SECRET"):
        assert env[var]["valueFrom"]["secretKeyRef"]["key"] == var
    grace = gateway["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    gunicorn = runpy.run_path(str(GUNICORN_CONF))
    pre_stop = int(main["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert grace > gunicorn["graceful_timeout"] + pre_stop

    services = [doc for docs in k8s_docs.values() for doc in docs if doc["kind"] == "Service"]
    [service] = [s for s in services if s["metadata"]["name"] == "gateway"]
    assert service["spec"]["selector"].items() <= gateway["spec"]["template"]["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] in (port["name"], port["containerPort"])


def test_configmap_and_secret_example(deployments, configmap, secret_example):
    data = configmap["data"]
    assert all(isinstance(value, str) for value in data.values()), "ConfigMap values must be strings"
    secret_keys = {item["valueFrom"]["secretKeyRef"]["key"]
                   for deployment in deployments.values()
                   for container in _containers(deployment) + _containers(deployment, init=True)
                   for item in container.get("env", []) if "secretKeyRef" in item.get("valueFrom", {})}
    example = secret_example["stringData"]
    assert secret_keys <= set(example), f"secret.example.yaml lacks {secret_keys - set(example)}"
    assert all("CHANGE-ME" in value for value in example.values()), "every example value is a marked placeholder"
    assert "EXAMPLE ONLY" in SECRET_EXAMPLE.read_text()
    assert not {"AMQP_URI", "JWT_SECRET"} & set(data) and not any(k.endswith("_DATABASE_URL") for k in data), \
        "credentials belong in the Secret, not the ConfigMap"
    for deployment in deployments.values():
        for container in _containers(deployment) + _containers(deployment, init=True):
            refs = [source["configMapRef"]["name"] for source in container.get("envFrom", [])]
            assert refs == [configmap["metadata"]["name"]]


# ---------------------------------------------------------------------------------------------------------------
# gunicorn.conf.py



def test_gunicorn_conf_defaults_suit_a_laptop(clean_env):
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert (settings["workers"], settings["threads"], settings["timeout"]) == (2, 8, 30)
    assert settings["worker_class"] == "gthread"
    assert settings["graceful_timeout"] == 30
    assert (settings["accesslog"], settings["errorlog"]) == (None, "-")
    assert settings["control_socket_disable"] is True
    assert settings["preload_app"] is False


def test_gunicorn_conf_honours_the_environment(clean_env):
    clean_env.setenv("GATEWAY_BIND", "0.0.0.0:9001")
    clean_env.setenv("GATEWAY_WORKERS", "5")
    clean_env.setenv("GATEWAY_THREADS", "3")
    clean_env.setenv("GATEWAY_TIMEOUT_S", "60")
    clean_env.setenv("LOG_LEVEL", "DEBUG")
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["bind"] == ["0.0.0.0:9001"]
    assert (settings["workers"], settings["threads"], settings["timeout"]) == (5, 3, 60)
    assert settings["loglevel"] == "debug"


@pytest.mark.parametrize("var, value", [("GATEWAY_WORKERS", "two"), ("GATEWAY_WORKERS", "0"),
                                        ("GATEWAY_TIMEOUT_S", "1.5")])
def test_gunicorn_conf_refuses_bad_numbers(clean_env, var, value):
    clean_env.setenv(var, value)
    with pytest.raises(SystemExit, match=var):
        runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_accepts_every_setting_in_the_file(clean_env):
    """Loaded the way `gunicorn -c deploy/gunicorn.conf.py gateway.wsgi:app` loads it (the app is not imported),
    and every public name in the file is a real gunicorn setting (a typo would be silently ignored)."""
    from gunicorn.app.wsgiapp import WSGIApplication
    from gunicorn.config import Config

    clean_env.setenv("GATEWAY_BIND", "0.0.0.0:8000")
    clean_env.setenv("GATEWAY_WORKERS", "3")
    clean_env.setattr(sys, "argv", ["gunicorn", "-c", str(GUNICORN_CONF), "gateway.wsgi:app"])
    application = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
    cfg = application.cfg
    assert cfg.bind == ["0.0.0.0:8000"] and cfg.workers == 3 and cfg.threads == 8
    assert cfg.worker_class_str == "gthread" and cfg.logger_class.__name__ == "JsonLogger"
    assert application.app_uri == "gateway.wsgi:app"

    def module_level_assignments(statements) -> set[str]:
        names = set()
        for node in statements:
            if isinstance(node, ast.Assign):
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, (ast.If, ast.Try)):
                names |= module_level_assignments(node.body + node.orelse)
        return names

    public = {name for name in module_level_assignments(ast.parse(GUNICORN_CONF.read_text()).body)
              if not name.startswith("_")}
    assert {"bind", "workers", "threads", "worker_class", "timeout", "graceful_timeout", "accesslog", "errorlog",
            "logger_class"} <= public
    known = set(Config().settings)
    assert public <= known, f"not gunicorn settings (gunicorn would ignore them): {public - known}"


def test_gunicorn_logs_are_json_lines(clean_env, capsys):
    from gunicorn.config import Config

    clean_env.setenv("GATEWAY_ACCESS_LOG", "1")
    settings = runpy.run_path(str(GUNICORN_CONF))
    cfg = Config()
    for name in ("accesslog", "errorlog", "loglevel"):
        cfg.set(name, settings[name])
    logger = settings["JsonLogger"](cfg)

    class Response:
        status = "201 CREATED"
        sent = 17
        headers = [("Content-Type", "application/json"), ("X-Request-ID", "req-1")]

    class Request:
        headers = [("USER-AGENT", "pytest"), ("X-FORWARDED-FOR", "203.0.113.9")]

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": '/api/v1/a"b\\c', "QUERY_STRING": "token=secret",
               "RAW_URI": "/api/v1/x?token=secret", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_USER_AGENT": 'agent "quoted"'}
    logger.access(Response(), Request(), environ, dt.timedelta(milliseconds=12, microseconds=500))
    logger.error("worker %s timed out", 42)
    out, err = capsys.readouterr()
    [access] = [json.loads(line) for line in out.splitlines()]
    assert {k: access[k] for k in ("service", "logger", "method", "path", "status", "bytes", "duration_ms",
                                   "request_id", "forwarded_for", "remote_addr", "user_agent")} == {
        "service": "gateway", "logger": "gunicorn.access", "method": "POST", "path": '/api/v1/a"b\\c',
        "status": 201, "bytes": 17, "duration_ms": 12.5, "request_id": "req-1", "forwarded_for": "203.0.113.9",
        "remote_addr": "10.0.0.1", "user_agent": 'agent "quoted"'}
    assert "secret" not in out, "query strings may carry tokens: not logged"
    [error] = [json.loads(line) for line in err.splitlines()]
    assert (error["level"], error["msg"], error["service"]) == ("error", "worker 42 timed out", "gateway")


# ---------------------------------------------------------------------------------------------------------------
# deploy/probe.py and deploy/migrate.py (run inside the image)

PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 1 1
   1: 0A000005:A1B2 0A00000C:1628 01 00000000:00000000 00:00000000 00000000 10001        0 2 1
   2: 0A000005:A1B4 0A00000D:1538 06 00000000:00000000 00:00000000 00000000 10001        0 3 1
"""


def test_probe_reads_established_broker_connections():
    from deploy import probe

    assert probe.established_remote_ports(PROC_NET_TCP) == {0x1628}
    assert probe.connected(5672, (PROC_NET_TCP,))
    assert not probe.connected(5432, (PROC_NET_TCP,)), "a TIME_WAIT socket is no connection"
    assert not probe.connected(5672, ())
    assert probe.broker_port("amqp://u:p@rabbitmq/") == 5672
    assert probe.broker_port("amqps://u:p@rabbitmq/vh") == 5671
    assert probe.broker_port("amqp://u:p@rabbitmq:5673/") == 5673


def test_migrate_holds_the_lock_around_each_postgres_migration(monkeypatch):
    from deploy import migrate as deploy_migrate
    from services.common import migrate as common_migrate

    events = []

    class Connection:
        def execute(self, statement, params):
            events.append((str(statement).split("(")[0].replace("SELECT ", ""), params["key"]))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            events.append("disconnect")

    class Engine:
        def connect(self):
            return Connection()

        def dispose(self):
            pass

    monkeypatch.setattr(deploy_migrate, "_engine", lambda url: Engine())
    monkeypatch.setattr(common_migrate, "main", lambda argv: events.append(("migrate", *argv)) or 0)
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", "postgresql+psycopg2://u:p@db:5432/accounts")
    assert deploy_migrate.main(["accounts"]) == 0
    key = deploy_migrate.LOCK_KEY
    assert events == [("pg_advisory_lock", key), ("migrate", "accounts"), ("pg_advisory_unlock", key), "disconnect"]

    events.clear()
    monkeypatch.setenv("ACCOUNTS_DATABASE_URL", "sqlite:////tmp/never-created.db")
    assert deploy_migrate.main(["accounts"]) == 0
    assert events == [("migrate", "accounts")], "SQLite needs no lock"

    monkeypatch.setattr(common_migrate, "main", lambda argv: 1)
    assert deploy_migrate.main(["accounts"]) == 1, "a failed migration fails the container"


# ---------------------------------------------------------------------------------------------------------------
# documentation


def test_deploy_readme_covers_compose_kubernetes_and_adding_a_service():
    text = (DEPLOY / "README.md").read_text()
    for needle in ("docker compose up --build", "--scale accounts=3", "kubectl apply -k deploy/k8s",
                   "## Adding a service", "secret.example.yaml"):
        assert needle in text, needle
