"""Service calls form a one-way graph (docs/architecture.md "Who may call whom").

Every ``RpcProxy("x")`` a service declares is an edge: its workers wait on x's workers. A cycle means
two worker pools that can wait on each other under load, and two services neither of which can start,
fail or be deployed alone; an upstream service (accounts, catalog, audio) calling a downstream one
(licensing, payouts, gamification) would make the core depend on what is built on top of it. The
declarations are read from the source with ``ast`` — no service module is imported — so a new
service is checked the moment its file exists.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES_ROOT = Path(__file__).resolve().parents[2] / "services"

UPSTREAM = frozenset({"accounts", "catalog", "audio"})
DOWNSTREAM = frozenset({"licensing", "payouts", "gamification"})
#: the calls between services today (docs/architecture.md "Who may call whom" says why each points its way)
EXPECTED_TODAY = {"catalog": {"accounts"}, "licensing": {"accounts", "catalog"}, "payouts": {"accounts", "catalog"},
                  "gamification": {"accounts", "catalog"}}

Graph = dict[str, set[str]]


# --- the checker -------------------------------------------------------------------------------------

class UncheckableProxy(Exception):
    """An ``RpcProxy`` whose target is not a string literal: the graph cannot be read from the source."""


def _is_rpc_proxy(call: ast.Call) -> bool:
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    return name in {"RpcProxy", "ServiceRpcProxy", "ClusterRpcProxy"}


def _declared_name(cls: ast.ClassDef) -> str | None:
    """A nameko service class's ``name = "..."``."""
    for statement in cls.body:
        if (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant)
                and any(isinstance(target, ast.Name) and target.id == "name" for target in statement.targets)):
            return statement.value.value
    return None


def _target(call: ast.Call, where: str) -> str:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    raise UncheckableProxy(f"{where}: {ast.unparse(call)} must name its service with a string literal")


def proxies_in_source(source: str, package: str, filename: str = "<source>") -> Graph:
    """The edges one module declares. The caller is the enclosing service class's ``name``, or else the
    service package the module lives in (a helper module building a proxy still calls for its service)."""
    graph: Graph = {}

    def visit(node: ast.AST, caller: str) -> None:
        if isinstance(node, ast.ClassDef):
            caller = _declared_name(node) or caller
        if isinstance(node, ast.Call) and _is_rpc_proxy(node):
            callee = _target(node, f"{filename}:{node.lineno}")
            graph.setdefault(caller, set()).add(callee)
        for child in ast.iter_child_nodes(node):
            visit(child, caller)

    visit(ast.parse(source, filename), package)
    return graph


def read_graph(root: Path = SERVICES_ROOT) -> Graph:
    """Every edge declared under ``root`` (tests and their conftest fixtures excluded: a test's proxy is a client,
    not a dependency)."""
    graph: Graph = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "tests" in relative.parts or relative.name == "conftest.py" or len(relative.parts) < 2:
            continue
        for caller, callees in proxies_in_source(path.read_text(), relative.parts[0], str(path)).items():
            graph.setdefault(caller, set()).update(callees)
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as a path (``[a, b, a]``), or None: a depth-first search that meets a node it is
    still inside of has closed a loop."""
    visiting: list[str] = []
    done: set[str] = set()

    def walk(node: str) -> list[str] | None:
        if node in visiting:
            return visiting[visiting.index(node):] + [node]
        if node in done:
            return None
        visiting.append(node)
        for callee in sorted(graph.get(node, ())):
            cycle = walk(callee)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = walk(start)
        if cycle:
            return cycle
    return None


def upstream_calling_downstream(graph: Graph) -> list[tuple[str, str]]:
    return sorted((caller, callee) for caller, callees in graph.items() if caller in UPSTREAM
                  for callee in callees if callee in DOWNSTREAM)


def violations(graph: Graph) -> list[str]:
    found = [f"{caller} calls {callee}, but {callee} is downstream of it"
             for caller, callee in upstream_calling_downstream(graph)]
    cycle = find_cycle(graph)
    if cycle:
        found.append("cycle: " + " -> ".join(cycle))
    return found


# --- the services as they are ------------------------------------------------------------------------

def test_the_services_call_each_other_one_way_only():
    problems = violations(read_graph())
    assert not problems, ("service calls must form a one-way graph (docs/architecture.md): "
                          + "; ".join(problems) + ". Replace the offending call with an event and a local copy.")


def test_the_graph_read_from_the_source_is_the_documented_one():
    """A new call between services is a design decision: add it to docs/architecture.md and here."""
    assert read_graph() == EXPECTED_TODAY


# --- the checker itself, on small synthetic graphs ---------------------------------------------------

def test_a_planted_cycle_is_found():
    graph = {"accounts": {"catalog"}, "catalog": {"audio"}, "audio": {"accounts"}}
    assert find_cycle(graph) == ["accounts", "catalog", "audio", "accounts"]
    assert violations(graph) == ["cycle: accounts -> catalog -> audio -> accounts"]


def test_a_service_calling_itself_is_a_cycle():
    assert find_cycle({"catalog": {"catalog"}}) == ["catalog", "catalog"]


def test_a_one_way_graph_passes():
    graph = {"licensing": {"accounts", "catalog"}, "payouts": {"accounts", "catalog", "licensing"},
             "gamification": {"catalog"}, "catalog": {"accounts"}}
    assert find_cycle(graph) is None and violations(graph) == []


def test_an_upstream_service_calling_a_downstream_one_is_refused():
    assert violations({"catalog": {"gamification"}}) == ["catalog calls gamification, but gamification is "
                                                         "downstream of it"]


def test_proxies_are_read_from_source_with_their_service_class():
    source = '''
from nameko.rpc import RpcProxy

class AccountsService:
    name = "accounts"
    catalog = RpcProxy("catalog")


def helper():
    return RpcProxy("audio")
'''
    assert proxies_in_source(source, "accounts_package") == {"accounts": {"catalog"},
                                                             "accounts_package": {"audio"}}


def test_a_cycle_planted_in_source_files_fails_the_check(tmp_path):
    for service, callee in (("accounts", "catalog"), ("catalog", "accounts")):
        (tmp_path / service).mkdir()
        (tmp_path / service / "service.py").write_text(
            f'import nameko.rpc\n\nclass S:\n    name = "{service}"\n    other = nameko.rpc.RpcProxy("{callee}")\n')
    graph = read_graph(tmp_path)
    assert graph == {"accounts": {"catalog"}, "catalog": {"accounts"}}
    assert violations(graph) == ["cycle: accounts -> catalog -> accounts"]


def test_a_proxy_whose_target_is_not_a_literal_cannot_be_checked():
    with pytest.raises(UncheckableProxy, match="string literal"):
        proxies_in_source('TARGET = "catalog"\nproxy = RpcProxy(TARGET)\n', "accounts")
