"""What code imports and what the requirements files pin, read from the source (``ast``, importing nothing) and
from the installed distributions' own metadata (the development .venv holds both requirements files)."""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement


def dist(name: str) -> str:
    """A distribution's normalized name (PEP 503): ``ruamel.yaml`` and ``ruamel-yaml`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def pins(path: Path) -> set[str]:
    """The distributions a requirements file pins (an ``-r`` line is not followed)."""
    lines = [line for line in requirement_lines(path) if not line.startswith("-")]
    assert all("==" in line for line in lines), f"{path.name}: every line pins one version (name==version)"
    return {dist(line.split("==")[0]) for line in lines}


def third_party_imports(files: list[Path], local: set[str], root: Path) -> tuple[dict[str, str], list[str]]:
    """The distributions the files import (absolute imports, outside the standard library and the ``local``
    packages) → the first file importing each; and the imports no installed distribution provides."""
    providers = importlib.metadata.packages_distributions()
    found: dict[str, str] = {}
    unknown: list[str] = []
    for path in files:
        where = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in local or top == "__future__":
                    continue
                if top not in providers:
                    unknown.append(f"{where}: import {module}")
                for name in providers.get(top, []):
                    found.setdefault(dist(name), where)
    return found, unknown


def with_dependencies(names: set[str]) -> set[str]:
    """The distributions and everything they need on this platform (no extras)."""
    needed, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(dist(requirement.name))
    return needed
