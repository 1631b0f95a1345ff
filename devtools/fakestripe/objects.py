"""Stripe's example objects (fixtures3.json) and the helpers every resource of the fake is built with."""

from __future__ import annotations

import copy
import json
import os
import random
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

Obj = dict[str, Any]

API_VERSION = "2026-10-28.endive"  # the version stripe 16.1.0 pins; events carry it as Stripe's do
_DEFAULT_FIXTURES = Path(__file__).resolve().parent / "stripe_fixtures" / "fixtures3.json"


def fixtures_path() -> Path:
    return Path(os.environ.get("FAKESTRIPE_FIXTURES", _DEFAULT_FIXTURES))


@lru_cache(maxsize=1)
def _fixtures() -> dict[str, Obj]:
    with open(fixtures_path()) as fh:
        return json.load(fh)["resources"]


def fixture(name: str) -> Obj:
    """Stripe's example object for a resource (a fresh deep copy)."""
    return copy.deepcopy(_fixtures()[name])


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "_" + "".join(random.choices(string.ascii_letters + string.digits, k=length))


def list_object(data: list[Obj], url: str, has_more: bool = False) -> Obj:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}
