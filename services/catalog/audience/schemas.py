"""Validation of the audience RPCs' inputs: ids, the Followers tab's page. Failures are ``InvalidField``."""
from __future__ import annotations

from typing import Any

from services.catalog.audience.follows import FOLLOWERS
from services.catalog.community.schemas import load_user_id
from services.catalog.shared.schemas import load_page
from services.common.pagination import PageRequest


def load_actor_id(actor_id: Any) -> str:
    return load_user_id(actor_id, "actor_id")


def load_followers_page(cursor: Any, limit: Any) -> PageRequest:
    return load_page(FOLLOWERS, cursor, limit)
