"""GET /api/v1/tracks/<id> through the gateway, anonymously, for a track published the way a producer's is:
Producer Program application approved by the bootstrap admin, a generated WAV uploaded and validated by the
audio pipeline (the helpers of ``make demo``)."""
from __future__ import annotations

import random

from bench.gateway_load import load_get
from bench.load import LoadResult
from devtools import demo

ROUTE = "GET /api/v1/tracks/<id>"
#: the platform's bootstrap admin (BEATPASS_ADMIN_EMAIL / BEATPASS_ADMIN_PASSWORD), who approves the producer
ADMIN = {"BEATPASS_ADMIN_EMAIL": "bench-admin@beatpass.local", "BEATPASS_ADMIN_PASSWORD": "bench admin passphrase"}
PUBLISH_TIMEOUT_S = 180


def published_track(base_url: str) -> str:
    """The id of a freshly published track (the audio pipeline has finished before the load starts)."""
    admin = demo.Client(base_url)
    admin.sign_in(ADMIN["BEATPASS_ADMIN_EMAIL"], "admin", ADMIN["BEATPASS_ADMIN_PASSWORD"])
    name, city = demo.PRODUCERS[0]
    producer, _ = demo.make_producer(base_url, admin, name, city)
    artist = demo.wait_for_artist_page(producer)
    uploads = demo.upload_tracks(producer, artist["id"], name, 0, random.Random(2026))  # fresh platform: never empty
    demo.wait_published([(producer, track_id) for track_id in uploads], timeout=PUBLISH_TIMEOUT_S)
    track = producer.call("GET", f"/tracks/{uploads[0]}")
    if track["status"] != "published":
        raise demo.DemoError(f"track {track['id']} is {track['status']}, not published")
    return track["id"]


def gateway_track(base_url: str, track_id: str, seconds: float) -> LoadResult:
    return load_get(f"gateway {ROUTE}", f"{base_url}/api/v1/tracks/{track_id}", seconds)
