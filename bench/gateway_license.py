"""Licensing through the gateway: ``GET /tracks/<id>/download-eligibility`` under load (a subscriber asking about
a published track: gateway → licensing → catalog and accounts), and one licence issued end to end, timed from
the download request until its certificate PDF has been served."""
from __future__ import annotations

import statistics
import time

from bench.gateway_load import load_get
from bench.load import LoadResult
from devtools import demo

ROUTE = "GET /api/v1/tracks/<id>/download-eligibility"
ISSUE_ROUNDS = 10


def subscriber(base_url: str) -> demo.Client:
    """A listener on the Classic plan, paid through the platform's fake Stripe."""
    listener = demo.Client(base_url)
    suffix = str(time.monotonic_ns())[-8:]
    listener.sign_in(f"bench-subscriber-{suffix}@example.com", f"bench_sub_{suffix}")
    outcome = demo.subscribe(listener, "classic", timeout=60)
    if not listener.call("GET", "/me").get("can_download"):
        raise demo.DemoError(f"the bench subscriber cannot download ({outcome})")
    return listener


def eligibility(base_url: str, listener: demo.Client, track_id: str, seconds: float) -> LoadResult:
    url = f"{base_url}/api/v1/tracks/{track_id}/download-eligibility"
    return load_get(f"gateway {ROUTE}", url, seconds, {"Authorization": listener.http.headers["Authorization"]})


def issue_end_to_end(listener: demo.Client, track_id: str, rounds: int = ISSUE_ROUNDS) -> dict:
    """``rounds`` licences one after another: POST /download (201) then GET the certificate PDF (200)."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        issued = listener.call("POST", f"/tracks/{track_id}/download", expect=(201,))
        pdf = listener.http.get(f"{listener.base}/licenses/{issued['license']['id']}/certificate.pdf", timeout=30)
        if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
            raise demo.DemoError(f"certificate of {issued['license']['id']} → {pdf.status_code}")
        timings.append((time.perf_counter() - started) * 1000)
    return {"benchmark": "licence issued end to end (download → certificate PDF)", "rounds": rounds,
            "median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def issue_row(measured: dict) -> dict:
    return {"benchmark": measured["benchmark"], "project": f"{measured['median_ms']} ms median",
            "baseline": "—", "ratio": "—",
            "notes": f"{measured['rounds']} licences one after another, slowest {measured['max_ms']} ms",
            "raw": measured}
