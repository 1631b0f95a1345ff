"""Issue #13 items 4 and 7 through the gateway: the artist search of the Claim Existing Artist application,
an account managing several artist pages (a second approved application gives a second page; ``artist=``
switches every producer page, the oldest by default, and anyone else's page is a 404), and the monthly
commitment beside each page's uploads this month."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from typing import Any

import pytest

from services.common import config
from tests.e2e.test_uploads import CONFIRMATIONS, make_producer, publish
from tests.support import audio, service_db
from tests.support.api import Api
from tests.support.waiting import wait_until


def unclaimed_page(platform, name: str) -> str:
    """An imported artist page nobody manages (the catalog's operator command, on the platform's database)."""
    env = {**platform.env, "CATALOG_DATABASE_URL": service_db.database_url(platform, "catalog")}
    done = subprocess.run([sys.executable, "-m", "services.catalog.cli", "create-artist", "--name", name], env=env,
                          cwd=config.ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["id"]


def application(kind: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "producer_name": name, "beats_link": "https://soundcloud.com/someone",
            "first_name": "Jane", "last_name": "Doe", **CONFIRMATIONS, **fields}


def approved_again(api: Api, admin: Api, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply (waiting until accounts knows a claimed page), have an admin approve, and return the caller's pages
    once the catalog has added the new one."""
    before = len(api.get("me/artists").json()["items"])
    response = wait_until(lambda: (r := api.post("producer-program/applications", json=body)).status_code != 422
                          and r, what="accounts' copy of the claimed page")
    assert response.status_code == 201, response.text
    decided = admin.post(f"admin/producer-applications/{response.json()['id']}/approve")
    assert decided.status_code == 200, decided.text
    return wait_until(lambda: (pages := api.get("me/artists").json()["items"]) and len(pages) > before and pages,
                      what="the new page", timeout=30)


@pytest.fixture
def anonymous(platform) -> Api:
    return Api(platform.url)  # no token: the search is public


def test_the_search_finds_available_and_claimed_pages_and_a_claim_adds_a_page(platform, admin, anonymous):
    def search(q: str, **params: Any) -> Any:
        return anonymous.get("artists", params={"q": q, **params})

    token = uuid.uuid4().hex[:8]
    legacy = unclaimed_page(platform, f"Légacy {token} Tapes")
    producer = make_producer(platform, admin, name=f"{token.upper()} Crew")
    found = search(token)
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["total"], body["next"]) == (2, None)
    assert body["items"] == [
        {"id": producer.artist["id"], "name": f"{token.upper()} Crew", "verified": False, "claim_status": "claimed"},
        {"id": legacy, "name": f"Légacy {token} Tapes", "verified": False, "claim_status": "available"}]
    assert [item["id"] for item in search(f"legacy {token}").json()["items"]] == [legacy]  # case and accents
    first = search(token, limit=1).json()
    rest = search(token, limit=1, cursor=first["next"]).json()
    assert [first["items"][0]["id"], rest["items"][0]["id"]] == [producer.artist["id"], legacy]
    assert rest["next"] is None
    for bad in ({}, {"q": ""}, {"q": "x"}, {"q": "  x  "}, {"q": "x" * 101}):
        refused = anonymous.get("artists", params=bad)
        assert refused.status_code == 422 and list(refused.json()["details"]) == ["q"], refused.text

    # the producer claims the available page: a second page of the same account
    pages = approved_again(producer, admin, application("claim_artist", "Jane D", artist_id=legacy))
    assert [page["id"] for page in pages] == [producer.artist["id"], legacy]
    assert [item["claim_status"] for item in search(token).json()["items"]] == ["claimed", "claimed"]
    assert producer.get("me/artist").json()["id"] == producer.artist["id"]  # the oldest stays the default


def test_a_producer_with_two_pages_switches_between_them_and_nobody_else_reaches_them(platform, admin,
                                                                                     tmp_path):
    producer = make_producer(platform, admin)
    first = producer.artist["id"]
    pages = approved_again(producer, admin, application("become_producer", f"Alias {uuid.uuid4().hex[:6]}"))
    assert [page["id"] for page in pages][0] == first and len(pages) == 2
    second = pages[1]["id"]

    def wav(name: str) -> Any:
        return audio.make_wav(tmp_path / f"{name}.wav", channels=1, seed=uuid.uuid4().int % 10**6)

    on_first = publish(producer, wav("a"))  # no artist=: the oldest page
    on_second = [publish(producer, wav(name), artist=second) for name in ("b", "c")]
    assert on_first["artist_id"] == first and {track["artist_id"] for track in on_second} == {second}

    mine = producer.get("me/artists").json()
    assert (mine["total"], mine["next"]) == (2, None)
    assert [(page["id"], page["uploads_this_month"], page["monthly_commitment"], page["claim_status"])
            for page in mine["items"]] == [(first, 1, 2, "claimed"), (second, 2, 2, "claimed")]
    assert set(mine["items"][0]) == {"id", "name", "verified", "claim_status", "created_at", "claimed_at",
                                     "uploads_this_month", "monthly_commitment"}

    def beats(**params: Any) -> dict[str, Any]:
        response = producer.get("producer/beats", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    assert (beats()["artist_id"], beats()["total"]) == (first, 1)  # the default is the oldest page
    assert [track["id"] for track in beats(artist=first)["items"]] == [on_first["id"]]
    assert beats(artist=second)["total"] == 2
    assert {track["id"] for track in beats(artist=second)["items"]} == {track["id"] for track in on_second}
    assert producer.get("me/artist", params={"artist": second}).json()["id"] == second
    assert producer.get("producer/collections", params={"artist": second}).json()["artist_id"] == second
    finances = producer.get("producer/finances", params={"artist": second}).json()
    assert finances["artist_id"] == second and [page["id"] for page in finances["artists"]] == [first, second]
    for path in ("producer/dashboard", "producer/activity", "producer/progress"):
        shown = wait_until(lambda p=path: (r := producer.get(p, params={"artist": second})).status_code == 200 and r,
                           what=f"{path} of the second page", timeout=30)
        assert shown.json()["artist_id"] == second, path

    # another producer's page, or an unknown one, is a 404 everywhere; a listener has no pages at all
    other = make_producer(platform, admin)
    for artist in (other.artist["id"], str(uuid.uuid4())):
        for method, path in (("GET", "me/artist"), ("GET", "producer/beats"), ("GET", "producer/collections"),
                             ("GET", "producer/dashboard"), ("GET", "producer/activity"),
                             ("GET", "producer/progress"), ("POST", "producer/progress/refresh"),
                             ("GET", "producer/progress/history"), ("GET", "producer/finances"),
                             ("GET", "producer/finances/transactions")):
            refused = producer.request(method, path, params={"artist": artist})
            assert refused.status_code == 404, (method, path, refused.text)
        refused = producer.post("tracks", params={"artist": artist}, files=[("metadata", (None, "{}"))])
        assert refused.status_code == 404, refused.text
    listener = Api(platform.url)
    listener.register()
    assert listener.get("me/artists").status_code == 403
