"""Each service implements exactly the RPC surface its contract declares (services/contracts/rpc/), and
the gateway calls only declared methods with declared arguments.

The services' side compares the nameko ``rpc`` entrypoints of each service class (those of the area
mixins it inherits included) with the contract: the same method names, the same required arguments
and the same optional ones. The gateway's side reads gateway/ with ``ast``: every ``remote("svc").name``
must be declared, and the keyword arguments of a call must be ones the method takes; dynamic calls
(``getattr(remote(...), ...)``) are refused, so no call escapes the check.
"""
from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc

from services.common.config import SERVICES
from services.contracts.rpc import RpcMethod, RpcSurface, UndeclaredRpc, method, surface, surfaces

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "gateway"
#: methods any service may be asked for by a variable name (the readiness probe asks every service)
EVERY_SERVICE_HAS = frozenset({"ping"})
#: the files that call a method named by data, and the test that checks that data instead
DYNAMIC_CALLS = {"gateway/blueprints/webhooks.py": "test_the_stripe_webhook_routes_name_declared_methods"}


def rpc_entrypoints(service_class: type) -> dict[str, inspect.Signature]:
    """``name → signature`` of every nameko RPC entrypoint of ``service_class`` and its base classes."""
    found = {}
    for name, function in inspect.getmembers(service_class, inspect.isfunction):
        if any(isinstance(entrypoint, Rpc) for entrypoint in getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ())):
            found[name] = inspect.signature(function)
    return found


def arguments(signature: inspect.Signature) -> tuple[tuple[str, ...], tuple[str, ...]]:
    params = list(signature.parameters.values())[1:]  # not self
    return (tuple(p.name for p in params if p.default is inspect.Parameter.empty),
            tuple(p.name for p in params if p.default is not inspect.Parameter.empty))


def differences(contract: RpcSurface, entrypoints: dict[str, inspect.Signature]) -> list[str]:
    problems = [f"{contract.service}.{name} is an RPC entrypoint the contract does not declare"
                for name in sorted(set(entrypoints) - contract.names)]
    problems += [f"{contract.service}.{name} is declared but not implemented"
                 for name in sorted(contract.names - set(entrypoints))]
    for name in sorted(contract.names & set(entrypoints)):
        declared = contract[name]
        required, optional = arguments(entrypoints[name])
        if (required, optional) != (declared.args, declared.optional):
            problems.append(f"{contract.service}.{name}: implemented with {required} + optional {optional}, "
                            f"declared with {declared.args} + optional {declared.optional}")
    return problems


def service_class(name: str) -> type:
    return importlib.import_module(f"services.{name}.service").SERVICE


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_implements_exactly_its_contract(name):
    cls = service_class(name)
    assert cls.name == name
    assert differences(surface(name), rpc_entrypoints(cls)) == []


def test_every_contract_belongs_to_a_service_and_declares_ping():
    assert set(surfaces()) == set(SERVICES)
    for contract in surfaces().values():
        assert EVERY_SERVICE_HAS <= contract.names


def test_a_mismatch_is_reported():
    class Service:
        name = "demo"

        @Rpc.decorator
        def ping(self):
            return "pong"

        @Rpc.decorator
        def greet(self, who, loud=False):
            return who

    contract = RpcSurface("demo", (method("ping"), method("greet", "who"), method("wave")))
    assert differences(contract, rpc_entrypoints(Service)) == [
        "demo.wave is declared but not implemented",
        "demo.greet: implemented with ('who',) + optional ('loud',), declared with ('who',) + optional ()",
    ]


# --- the gateway's calls -----------------------------------------------------------------------------

def remote_service(node: ast.AST) -> str | None:
    """``"svc"`` for the expression ``remote("svc")`` (or ``remote("svc", timeout=...)``)."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "remote"
            and node.args and isinstance(node.args[0], ast.Constant)):
        return node.args[0].value
    return None


def gateway_calls(source: str, filename: str) -> tuple[list[tuple[str, str, set[str] | None, int]], list[str]]:
    """``(service, method, keyword names or None when not called here, line)`` of every
    ``remote("svc").method`` in ``source``, and the uses of ``remote`` that cannot be checked."""
    tree = ast.parse(source, filename)
    calls, unchecked = [], []
    attributes_called = {id(node.func): node for node in ast.walk(tree)
                         if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (service := remote_service(node.value)) is not None:
            call = attributes_called.get(id(node))
            keywords = None if call is None else {kw.arg for kw in call.keywords if kw.arg is not None}
            calls.append((service, node.attr, keywords, node.lineno))
    # any other ``remote(...)``: a service named by a variable, or not followed by ``.method`` (getattr)
    checked = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and (remote_service(node.value) is not None or node.attr in EVERY_SERVICE_HAS)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "remote"
                and id(node) not in checked and filename not in DYNAMIC_CALLS):
            unchecked.append(f"{filename}:{node.lineno}: {ast.unparse(node)} used in a way the test cannot check")
    return calls, unchecked


def gateway_sources() -> list[Path]:
    return sorted(path for path in GATEWAY.rglob("*.py") if "tests" not in path.relative_to(GATEWAY).parts)


def undeclared(calls, filename: str) -> list[str]:
    problems = []
    for service, name, keywords, line in calls:
        where = f"{filename}:{line}: {service}.{name}"
        try:
            declared = surface(service)[name]
        except UndeclaredRpc:
            problems.append(f"{where} is not declared")
            continue
        if keywords is not None and (unknown := keywords - set(declared.arguments)):
            problems.append(f"{where} is called with undeclared arguments {sorted(unknown)}")
    return problems


def test_the_gateway_calls_only_declared_methods_with_declared_arguments():
    problems, seen = [], 0
    for path in gateway_sources():
        calls, unchecked = gateway_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        seen += len(calls)
        problems += unchecked + undeclared(calls, str(path.relative_to(ROOT)))
    assert problems == []
    assert seen > 60  # the scan found the calls (it is not looking at an empty tree)


def test_the_stripe_webhook_routes_name_declared_methods():
    from gateway.stripe_routes import ROUTES

    for route in {route for routes in ROUTES.values() for route in routes}:
        assert route.method in surface(route.service)


def test_the_scan_finds_an_undeclared_method_and_argument():
    source = ('remote("accounts").get_user(actor_id=1)\n'
              'remote("accounts").get_usr(actor_id=1)\n'
              'remote("catalog").get_track(track_id=1, owner=2)\n'
              'getattr(remote("accounts"), name)()\n')
    calls, unchecked = gateway_calls(source, "x.py")
    assert undeclared(calls, "x.py") == ["x.py:2: accounts.get_usr is not declared",
                                         "x.py:3: catalog.get_track is called with undeclared arguments ['owner']"]
    assert unchecked == ["x.py:4: remote('accounts') used in a way the test cannot check"]


# --- the proxy's check at run time -------------------------------------------------------------------

def test_a_declared_method_checks_its_arguments():
    declared = RpcMethod("follow", ("actor_id", "user_id"))
    declared.check_call("accounts", (), {"actor_id": "a", "user_id": "b"})
    with pytest.raises(UndeclaredRpc, match="declares no argument who"):
        declared.check_call("accounts", (), {"actor_id": "a", "user_id": "b", "who": "c"})
    with pytest.raises(UndeclaredRpc, match="needs user_id"):
        declared.check_call("accounts", (), {"actor_id": "a"})


def test_an_undeclared_method_or_service_is_refused():
    with pytest.raises(UndeclaredRpc, match="declares no RPC method 'get_usr'"):
        surface("accounts")["get_usr"]
    with pytest.raises(UndeclaredRpc, match="no RPC contract for a service named 'acounts'"):
        surface("acounts")


# --- docs/rpc-<service>.md ---------------------------------------------------------------------------

def test_the_rpc_documents_say_what_the_contracts_say():
    from services.contracts.docs import stale

    assert stale() == []


def test_a_document_whose_sections_differ_from_the_contract_is_refused():
    from services.contracts.docs import START, END, render

    contract = RpcSurface("demo", (method("ping"), method("greet", "who")), sections=(("All", None),))
    document = f"# demo\n\n{START.format(title='All')}\nold table\n{END}\n\nprose stays\n"
    rendered = render(contract, document)
    assert "| `greet(who)` |" in rendered and "old table" not in rendered and rendered.endswith("prose stays\n")
    with pytest.raises(ValueError, match="has tables for"):
        render(contract, document.replace("rpc-methods: All", "rpc-methods: Other"))
