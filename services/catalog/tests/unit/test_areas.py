"""The catalog's areas depend one way: every area may use ``shared``, the other areas may use ``tracks``
(a like, a play or a response is about a track), ``audience`` sits above all of them (its reports count plays
and likes and become notifications), and no area uses another otherwise. The service,
the CLI and the erasure of a deleted account sit above them all (docs/catalog-areas.md)."""
import ast
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2]
#: area → the areas its code may import
ALLOWED = {
    "shared": set(),
    "tracks": {"shared"},
    "plays": {"shared", "tracks"},
    "community": {"shared", "tracks"},
    "beat_requests": {"shared", "tracks"},
    # following and the monthly analytics reports: counts plays and likes, writes notifications
    "audience": {"shared", "tracks", "plays", "community", "beat_requests"},
}


def catalog_areas_imported(path: Path) -> set[str]:
    """The catalog packages ``path`` imports (``services.catalog.<area>…``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module] + ([f"{node.module}.{alias.name}" for alias in node.names]
                                       if node.module == "services.catalog" else [])
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found |= {module.split(".")[2] for module in modules
                  if module.startswith("services.catalog.") and len(module.split(".")) > 2}
    return found


def area_modules(area: str) -> list[Path]:
    return [path for path in sorted((CATALOG / area).rglob("*.py")) if "tests" not in path.parts]


def test_every_area_folder_is_listed():
    folders = {path.parent.name for path in CATALOG.glob("*/__init__.py")} - {"tests", "migrations"}
    assert folders == set(ALLOWED)


@pytest.mark.parametrize("area", sorted(ALLOWED))
def test_an_area_imports_only_the_areas_below_it(area):
    for path in area_modules(area):
        others = catalog_areas_imported(path) - {area}
        assert others <= ALLOWED[area], f"{path.relative_to(CATALOG)} imports {sorted(others - ALLOWED[area])}"
