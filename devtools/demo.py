"""``make demo``: make a fresh, running platform look alive.

Creates sample listeners and producers (through the Producer Program, approved by an admin), profiles with
generated avatars, a collection each with a preset cover (matched to the producer's genre), generated beats uploaded
as WAV and published by the audio pipeline (each producer's second beat credits the producer before, and every page
pins its newest beat), follows of users and artist pages, paid subscriptions (through make run's local fake
Stripe), counted plays, likes, reposts, comments, playlists, a beat request and the last finished month's analytics
reports — all through
the public API at ``BEATPASS_URL`` (default http://127.0.0.1:8000), so it exercises what a real client does.
Safe to run twice: existing demo accounts are logged in, not duplicated. It ends by printing the accounts it
used and made (the admin, the producers, the paid listeners), with their passwords: they are demo accounts.

The admin is ``BEATPASS_ADMIN_EMAIL`` / ``BEATPASS_ADMIN_PASSWORD`` (an admin of the platform), else the local admin
this checkout's ``make run`` made (``devtools/local_admin.py``). Nothing runs on this machine but HTTP calls, so the platform may be
anywhere.
"""
from __future__ import annotations

import io
import json
import os
import random
import sys
import time
from dataclasses import dataclass

import requests
from rich.console import Console
from rich.progress import track

from devtools import local_admin
from services.common import config  # first of ours: also silences eventlet's import-time deprecation warning

console = Console()
PASSWORD = "demo-passphrase-2026"
PRODUCERS = [("Nightshade", "Toronto"), ("Loop Theory", "Montréal"), ("Kairo Beats", "Vancouver"),
             ("Velvet 808", "Calgary"), ("Mono Lisa", "Halifax")]
GENRES = ["trap", "boom bap", "lo-fi", "drill", "r&b"]
KEYS = ["C", "D", "E", "F#", "A", "A#"]
TRACKS_PER_PRODUCER = 2
#: each producer's beats, in upload order (the catalog shows titles and artists apart)
TITLES = [("Midnight Ledger", "Cold Harbour"), ("Saint-Denis Dusk", "Paper Lanterns"),
          ("Rain on Granville", "Slow Tide"), ("Concrete Roses", "Red Line"), ("Gallery Hours", "Soft Focus")]
LISTENERS = ["ava", "ben", "chloe", "dev", "emma", "felix", "gia", "hugo", "isla", "jules"]


#: what every Producer Program application confirms (docs/business-rules.md "Producer Program")
CONFIRMATIONS = {"accept_terms": True, "owns_beats": True, "grants_distribution_license": True,
                 "commits_two_beats_per_month": True}


class DemoError(RuntimeError):
    pass


@dataclass(frozen=True)
class Account:
    """A line of the closing summary."""
    role: str
    email: str
    password: str
    note: str = ""


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        self.email = ""

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200, 201), **kwargs) -> dict:
        response = self.http.request(method, self.base + path, timeout=30, **kwargs)
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} → {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else {}

    def sign_in(self, email: str, username: str, password: str = PASSWORD) -> dict:
        """Log in, registering first only when the account is new (registrations are rate-limited per address)."""
        credentials = {"email": email, "password": password}
        login = self.call("POST", "/auth/login", expect=(200, 401), json=credentials)
        if "access_token" not in login:
            self.call("POST", "/auth/register", expect=(201, 409), json={**credentials, "username": username})
            login = self.call("POST", "/auth/login", json=credentials)
        token = login["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.email = email
        return self.call("GET", "/me")


def admin_credentials() -> tuple[str, str]:
    """The admin the platform ensures at start; the demo has no other way in (it may run on another machine)."""
    email, password = os.environ.get("BEATPASS_ADMIN_EMAIL", ""), os.environ.get("BEATPASS_ADMIN_PASSWORD", "")
    if not (email or password):  # this checkout's own make run made one (devtools/local_admin.py)
        email, password = local_admin.load(config.var_dir()) or ("", "")
    if not (email and password):
        raise DemoError(
            "no admin to approve producers with: against this checkout's make run, start it once (it makes a local "
            "admin); else set BEATPASS_ADMIN_EMAIL and BEATPASS_ADMIN_PASSWORD to an admin of the platform (the demo approves "
            "its producers as that admin). The platform creates that admin when its accounts service starts with "
            "the same two variables, e.g. BEATPASS_ADMIN_EMAIL=admin@example.com "
            "BEATPASS_ADMIN_PASSWORD='a long passphrase' make run, then the same two for make demo.")
    return email, password


def admin_client(base: str, email: str, password: str) -> Client:
    client = Client(base)
    login = client.call("POST", "/auth/login", expect=(200, 401), json={"email": email, "password": password})
    if "access_token" not in login:
        raise DemoError(f"the platform at {base} refused BEATPASS_ADMIN_EMAIL / BEATPASS_ADMIN_PASSWORD ({email}): "
                        "start it with the same two variables (its accounts service ensures that admin at start), "
                        "or give the credentials of an existing admin.")
    client.http.headers["Authorization"] = f"Bearer {login['access_token']}"
    client.email = email
    if "admin" not in client.call("GET", "/me")["roles"]:
        raise DemoError(f"{email} is not an admin at {base}: give an admin's credentials in BEATPASS_ADMIN_EMAIL / "
                        "BEATPASS_ADMIN_PASSWORD (make create-admin, or the platform's own BEATPASS_ADMIN_* at start).")
    return client


def make_producer(base: str, admin: Client, name: str, city: str) -> tuple[Client, dict]:
    handle = name.lower().replace(" ", "_")
    client = Client(base)
    me = client.sign_in(f"{handle}@demo.beatpass.local", handle)
    client.call("PATCH", "/me/profile", json={"name": name, "city": city, "country": "CA",
                                              "description": f"{name} makes beats in {city}.",
                                              "links": [f"https://example.com/{handle}"]})
    if "producer" not in me["roles"]:
        application = client.call("POST", "/producer-program/applications", expect=(201, 409), json={
            "type": "become_producer", "producer_name": name, "beats_link": f"https://example.com/{handle}/beats",
            "first_name": name.split()[0], "last_name": "Demo", **CONFIRMATIONS})
        if "id" in application:
            admin.call("POST", f"/admin/producer-applications/{application['id']}/approve")
    return client, client.call("GET", "/me")


def generated_wav(seed: int, bpm: int) -> bytes:
    import soundfile as sf

    from devtools.audio import beat

    buffer = io.BytesIO()
    sf.write(buffer, beat(14.0, seed=seed, bpm=bpm), 44100, subtype="PCM_16", format="WAV")
    return buffer.getvalue()


def ensure_collection(producer: Client, artist_id: str, name: str, index: int) -> dict:
    """The producer's tape (their page's Albums tab): made once, with the second preset cover of their genre."""
    existing = producer.call("GET", f"/artists/{artist_id}/collections")["items"]
    if existing:
        return existing[0]
    genre = GENRES[index % len(GENRES)]
    presets = producer.call("GET", "/cover-presets", params={"genre": genre})["items"]
    metadata = {"name": f"{name} Tape Vol. 1", "artists": [name], "genres": [genre], "tags": ["demo", "tape"],
                "description": f"{name}'s first {genre} tape.", "cover_preset": presets[1]["id"]}
    return producer.call("POST", "/collections", expect=(201,),
                         files={"metadata": (None, json.dumps(metadata), "application/json")})


def upload_tracks(producer: Client, artist_id: str, name: str, index: int, rng: random.Random,
                  collection_id: str | None = None, collaborator: str | None = None) -> list[str]:
    """The producer's beats; the second one credits ``collaborator`` (the previous producer's page), so that page's
    Discography shows a track it is credited on."""
    mine = producer.call("GET", "/tracks", params={"producer": artist_id})
    if mine["total"] >= TRACKS_PER_PRODUCER:
        return []
    ids = []
    for n in range(TRACKS_PER_PRODUCER):
        genre, bpm = GENRES[index % len(GENRES)], rng.randint(70, 160)
        # the first beat shows its tape's cover, the second a preset of its own (a genre names its first preset)
        cover = {"collection_id": collection_id} if n == 0 and collection_id else {"cover_preset": genre}
        metadata = {"name": TITLES[index % len(TITLES)][n % 2], "artists": [name], "bpm": bpm,
                    "key": rng.choice(KEYS),
                    "scale": rng.choice(["major", "minor"]), "genres": [genre], "tags": ["demo", genre],
                    "description": f"A generated {genre} beat by {name}.", **cover,
                    "sample_clearance": "cleared", **licensing(n, index, producer.email)}
        if n == 1 and collaborator:
            metadata["collaborators"] = [collaborator]
        files = {"metadata": (None, json.dumps(metadata), "application/json"),
                 "audio": ("beat.wav", generated_wav(1000 * index + n, bpm), "audio/wav")}
        ids.append(producer.call("POST", "/tracks", expect=(202,), files=files)["id"])
    return ids


def licensing(n: int, index: int, contact_email: str) -> dict:
    """Every producer's second beat also sells an exclusive (in Canadian dollars), the others are standard only."""
    if n != 1:
        return {"licensing_model": "standard"}
    return {"licensing_model": "standard_exclusive",
            "exclusive": {"price_cents": 25_000 + 5_000 * index, "currency": "CAD", "contact_email": contact_email}}


def wait_published(uploads: list[tuple[Client, str]], timeout: float = 180) -> None:
    """Poll as each track's owner: only the owner sees a track before it is published."""
    deadline = time.monotonic() + timeout
    pending = set(uploads)
    while pending and time.monotonic() < deadline:
        for client, track_id in list(pending):
            status = client.call("GET", f"/tracks/{track_id}")["status"]
            if status != "processing":
                pending.discard((client, track_id))
                if status != "published":
                    console.print(f"[yellow]track {track_id} was {status}[/yellow]")
        time.sleep(1)
    if pending:
        raise DemoError(f"{len(pending)} track(s) still processing after {timeout:.0f}s: is the audio service up?")


def pin_newest_beat(producer: Client, artist_id: str) -> None:
    """The page pins the newest track of its Discography (which may be one it is credited on); repeat-safe."""
    newest = producer.call("GET", f"/artists/{artist_id}/tracks", params={"limit": 1})["items"]
    if newest:
        producer.call("PATCH", f"/artists/{artist_id}", json={"pinned_track_id": newest[0]["id"]})


#: avatar colours, one per demo account in turn
COLOURS = [(0x8e, 0x44, 0xad), (0x16, 0xa0, 0x85), (0xe6, 0x7e, 0x22), (0x29, 0x80, 0xb9), (0xc0, 0x39, 0x2b),
           (0x27, 0xae, 0x60), (0xf3, 0x9c, 0x12), (0x2c, 0x3e, 0x50)]


def avatar_png(colour: tuple[int, int, int], size: int = 96) -> bytes:
    """A plain square PNG of ``colour`` with a lighter diagonal band: a real image, made without an imaging
    library."""
    import struct
    import zlib

    light = tuple(min(255, c + 70) for c in colour)
    rows = b"".join(b"\x00" + b"".join(bytes(light if abs(x - y) < size // 6 else colour) for x in range(size))
                    for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def set_avatar(client: Client, index: int) -> None:
    """A generated avatar for the account, unless it has one (a second run keeps it)."""
    if client.call("GET", "/me").get("avatar_url"):
        return
    client.call("PUT", "/me/avatar", files={"image": ("avatar.png", avatar_png(COLOURS[index % len(COLOURS)]),
                                                      "image/png")})


def wait_for_artist_page(client: Client, timeout: float = 30) -> dict:
    """The producer's artist page, once the catalog has made it."""
    deadline = time.monotonic() + timeout
    while (response := client.http.get(client.base + "/me/artist", timeout=10)).status_code != 200:
        if time.monotonic() > deadline:
            raise DemoError("no artist page was created: is the catalog service up?")
        time.sleep(0.5)
    return response.json()


def main() -> int:
    base = os.environ.get("BEATPASS_URL", "http://127.0.0.1:8000")
    try:
        admin_email, admin_password = admin_credentials()
    except DemoError as exc:
        console.print(f"[red]Demo not started:[/red] {exc}")
        return 1
    try:
        requests.get(base + "/ready", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        console.print(f"[red]BeatPass is not ready at {base} ({exc}).[/red] Start it with `make run` in another "
                      "terminal, or set BEATPASS_URL.")
        return 1
    rng = random.Random(2026)
    try:
        admin = admin_client(base, admin_email, admin_password)
        producers = [make_producer(base, admin, name, city)
                     for name, city in track(PRODUCERS, description="Producers (applied and approved)…")]
        uploaded, tapes, pages = [], [], []
        for index, ((client, _), (name, _city)) in enumerate(track(list(zip(producers, PRODUCERS)),
                                                                    description="Uploading generated beats…")):
            artist = wait_for_artist_page(client)
            pages.append(artist["id"])
            client.call("PATCH", f"/artists/{artist['id']}", json={"genres": [GENRES[index % len(GENRES)]]})
            previous = pages[-2] if len(pages) > 1 else None  # the page before this one (pages holds ids)
            tape = ensure_collection(client, artist["id"], name, index)
            tapes.append(tape)
            uploaded += [(client, track_id) for track_id in upload_tracks(client, artist["id"], name, index, rng,
                                                                          tape["id"], previous)]
        alias = f"{PRODUCERS[0][0]} {ALIAS_SUFFIX}"
        uploaded += [(producers[0][0], track_id) for track_id in second_alias(producers[0][0], admin, alias)]
        with console.status(f"Waiting for {len(uploaded)} track(s) to be validated and published…"):
            wait_published(uploaded)
        for index, ((client, _), artist_id) in enumerate(zip(producers, pages)):
            pin_newest_beat(client, artist_id)
            set_avatar(client, index)
        verify(producers[0][0], admin)
        recon(producers[0][0], producers[0][1]["id"])
        listeners, paid = {}, []
        for name in track(LISTENERS, description="Listeners following producers and their artist pages…"):
            listener = listeners[name] = Client(base)
            listener.sign_in(f"{name}@demo.beatpass.local", f"{name}_listens")
            set_avatar(listener, len(producers) + LISTENERS.index(name))
            followed = rng.sample(range(len(producers)), k=rng.randint(1, len(producers)))
            for index in followed:
                listener.call("PUT", f"/users/{producers[index][1]['id']}/follow")
            for index in sorted({0, *followed}):  # everyone follows the verified producer's page
                listener.call("PUT", f"/artists/{pages[index]}/follow")
            if name in SUBSCRIPTIONS:
                paid.append(Account("listener", listener.email, PASSWORD, subscribe(listener, SUBSCRIPTIONS[name])))
        catalog = Client(base).call("GET", "/tracks", params={"limit": 100})["items"]
        for name, listener in track(listeners.items(), description="Listeners playing, liking, commenting…"):
            listen_and_react(listener, name, catalog, rng)
        request_beat(listeners["ava"])
        license_beats({name: listeners[name] for name in SUBSCRIPTIONS}, catalog, rng)
        report = analytics_reports(admin)
    except (DemoError, requests.RequestException) as exc:
        console.print(f"[red]Demo stopped:[/red] {exc}")
        return 1
    console.print(f"[green]Done.[/green] {len(producers)} producers with {TRACKS_PER_PRODUCER} beats each and "
                  f"{len(LISTENERS)} listeners at {base}.")
    console.print(f"{len(tapes)} collections with preset covers, one on each producer's Albums tab, e.g. "
                  f"{base}/api/v1/artists/{tapes[0]['artist_id']}/collections (cover: "
                  f"{base}{tapes[0]['links']['cover']})", highlight=False, soft_wrap=True)
    console.print(f"{PRODUCERS[0][0]} (verified) has {len(LISTENERS)} followers of their artist page, a \"New "
                  f"follower\" notification for each and an analytics report per page of {report['month']} (GET "
                  "/api/v1/me/notifications).", highlight=False, soft_wrap=True)
    admin_source = "BEATPASS_ADMIN_EMAIL / _PASSWORD" if os.environ.get("BEATPASS_ADMIN_EMAIL") else \
        f"make run's local admin, var/{local_admin.FILE_NAME}"
    accounts = [Account("admin", admin_email, admin_password, admin_source),
                *(Account("producer", client.email, PASSWORD, name + (", verified" if index == 0 else ""))
                  for index, ((client, _), (name, _city)) in enumerate(zip(producers, PRODUCERS))), *paid]
    print_accounts(accounts, len(LISTENERS) - len(paid))
    print_pages(producers[0][0], PRODUCERS[0][0])
    console.print(f"[bold]Open {base}/ in a browser[/bold]: the catalog is there for anyone. Log in as "
                  f"ava@demo.beatpass.local to play, like and download (Library → Licences), or as "
                  f"nightshade@demo.beatpass.local for Backstage ({base}/backstage) and Upload.",
                  highlight=False, soft_wrap=True)
    return 0


ALIAS_SUFFIX = "After Dark"


def second_alias(producer: Client, admin: Client, alias: str, timeout: float = 30) -> list[str]:
    """The first producer runs a second alias: applies again (a new artist page on the same account), and uploads
    a beat to it with ``artist=`` (docs/business-rules.md "Producer Program"). Once: a second run finds the page."""
    pages = producer.call("GET", "/me/artists")["items"]
    if len(pages) < 2:
        application = producer.call("POST", "/producer-program/applications", expect=(201, 409), json={
            "type": "become_producer", "producer_name": alias, "beats_link": "https://example.com/after-dark",
            "first_name": "Nightshade", "last_name": "Demo", **CONFIRMATIONS})
        if "id" in application:
            admin.call("POST", f"/admin/producer-applications/{application['id']}/approve")
        deadline = time.monotonic() + timeout
        while len(pages := producer.call("GET", "/me/artists")["items"]) < 2:
            if time.monotonic() > deadline:
                raise DemoError("the alias page was not created: is the catalog service up?")
            time.sleep(0.5)
    page = pages[1]
    if producer.call("GET", "/producer/beats", params={"artist": page["id"]})["total"]:
        return []
    metadata = {"name": "Night Shift", "artists": [alias], "bpm": 88, "key": "F#", "scale": "minor",
                "genres": ["lo-fi"], "tags": ["demo", "alias"], "cover_preset": "lo-fi", "licensing_model": "standard"}
    files = {"metadata": (None, json.dumps(metadata), "application/json"),
             "audio": ("beat.wav", generated_wav(9000, 88), "audio/wav")}
    return [producer.call("POST", "/tracks", expect=(202,), params={"artist": page["id"]}, files=files)["id"]]


def print_pages(producer: Client, name: str) -> None:
    """The producer's pages with this month's uploads beside the two-beats-a-month commitment."""
    console.print(f"{name} manages these artist pages (GET /api/v1/me/artists; artist=<id> switches Backstage):")
    for page in producer.call("GET", "/me/artists")["items"]:
        console.print(f"  {page['name']:<24} {page['id']}  uploads this month: {page['uploads_this_month']} of "
                      f"{page['monthly_commitment']}", highlight=False, soft_wrap=True)


def print_accounts(accounts: list[Account], free_listeners: int) -> None:
    """Plain lines, not a table that wraps: people copy an email and a password from here."""
    console.print("Accounts (sign in at POST /api/v1/auth/login):")
    for account in accounts:
        note = f"  ({account.note})" if account.note else ""
        console.print(f"  {account.role:<9} {account.email}  password: {account.password}{note}",
                      highlight=False, soft_wrap=True)
    console.print(f"  and {free_listeners} listeners on the free plan, e.g. dev@demo.beatpass.local, "
                  f"password: {PASSWORD}", highlight=False, soft_wrap=True)


COMMENTS = ["This one hits.", "Bassline is crazy 🔥", "Need this for my next single.", "Clean mix!",
            "Loop it for an hour."]


def verify(producer: Client, admin: Client, timeout: float = 30) -> None:
    """The first producer gets the blue badge, so beat requests in their genre notify them, and so do new
    followers of their artist page and the monthly analytics report; waits until the catalog knows it."""
    application = producer.call("POST", "/producer-program/applications", expect=(201, 409),
                                json={"type": "get_verified", **CONFIRMATIONS})
    if "id" in application:
        admin.call("POST", f"/admin/producer-applications/{application['id']}/approve")
    deadline = time.monotonic() + timeout
    while not producer.call("GET", "/me/artist")["verified"]:
        if time.monotonic() > deadline:
            raise DemoError("the verified producer's artist page is still unverified: is the catalog service up?")
        time.sleep(0.5)


def analytics_reports(admin: Client) -> dict:
    """The admin asks for the last finished month's analytics reports (the catalog makes them every hour once a
    month has ended): the verified producer gets one, with that month's plays, likes and new followers — zeros
    on a platform the demo filled this month — beside their followers now. Asking again makes none."""
    return admin.call("POST", "/admin/analytics-reports", json={})


def recon(producer: Client, user_id: str) -> None:
    """Audio Recon: the verified producer cuts 12 s out of their first beat's stream, re-encodes it as a 128 kbit/s
    MP3, and asks where it comes from (docs/recon.md). The answer is printed; a miss is reported, not fatal."""
    import tempfile
    from pathlib import Path

    import soundfile as sf

    from services.audio.analysis.render import render_cbr_mp3

    beats = producer.call("GET", "/tracks", params={"producer": user_id, "limit": 1})["items"]
    if not beats:
        return
    stream = producer.http.get(f"{producer.base}/tracks/{beats[0]['id']}/stream", timeout=30)
    if stream.status_code != 200:
        raise DemoError(f"GET /tracks/{beats[0]['id']}/stream → {stream.status_code}")
    with tempfile.TemporaryDirectory(prefix="demo-recon-") as scratch:
        whole, clip = Path(scratch) / "stream.mp3", Path(scratch) / "clip.wav"
        whole.write_bytes(stream.content)
        samples, rate = sf.read(whole, always_2d=True)
        sf.write(clip, samples[int(1.5 * rate):int(13.5 * rate)], rate, subtype="PCM_16")
        render_cbr_mp3(clip, clip.with_suffix(".mp3"), 128)
        response = producer.http.post(producer.base + "/recon", timeout=180, files={
            "audio": ("clip.mp3", clip.with_suffix(".mp3").read_bytes(), "audio/mpeg")})
    if response.status_code != 200:
        raise DemoError(f"POST /recon → {response.status_code}: {response.text[:300]}")
    matches = response.json()["matches"]
    if matches:
        best = matches[0]
        console.print(f"Audio Recon: a 12 s MP3 clip of “{beats[0]['name']}” matches “{best['title']}” by "
                      f"{best['artist']} from {best['offset_s']:.1f} s (score {best['score']:.2f}).")
    else:
        console.print(f"[yellow]Audio Recon found no match for a clip of “{beats[0]['name']}”.[/yellow]")


def listen_and_react(listener: Client, name: str, catalog: list[dict], rng: random.Random) -> None:
    """Counted plays (past 30 s or 80 %), likes, a repost, a comment and a playlist; repeat-safe."""
    picks = rng.sample(catalog, k=min(len(catalog), rng.randint(3, 6)))
    for beat in picks:
        duration = beat["audio"]["duration_s"]
        listener.call("POST", f"/tracks/{beat['id']}/plays", json={"position_s": duration, "duration_s": duration})
    for beat in picks[:2]:
        listener.call("PUT", f"/likes/tracks/{beat['id']}")
        listener.call("PUT", f"/likes/producers/{beat['artist_id']}")
    listener.call("PUT", f"/tracks/{picks[0]['id']}/repost")
    mine = listener.call("GET", "/me/playlists")
    if mine["total"] == 0:
        listener.call("POST", f"/tracks/{picks[-1]['id']}/comments", json={"body": rng.choice(COMMENTS)})
        playlist = listener.call("POST", "/playlists", json={"name": f"{name.title()}'s rotation",
                                                              "public": rng.random() < 0.7})
        for beat in picks[:3]:
            listener.call("POST", f"/playlists/{playlist['id']}/tracks", json={"track_id": beat["id"]})


def license_beats(subscribers: dict[str, Client], catalog: list[dict], rng: random.Random) -> None:
    """Each subscriber downloads a beat (a standard licence with its certificate), the first one a beat of the
    verified producer; ben buys an exclusive through the local fake Stripe, the verified producer's where there is
    one — so the producer the demo suggests signing in as sees downloads and a sale in Backstage. Repeat-safe: a
    second run adds licences, and finds the exclusive sold."""
    def verified_first(tracks: list[dict]) -> list[dict]:
        return sorted(tracks, key=lambda t: t["artists"] != [PRODUCERS[0][0]])

    standard = verified_first([t for t in catalog if t["licensing_model"] != "exclusive_only"
                               and (t.get("exclusive") or {}).get("status") != "sold"])
    for n, (name, subscriber) in enumerate(track(subscribers.items(), description="Subscribers downloading beats…")):
        if standard and subscriber.call("GET", "/me").get("can_download"):
            chosen = standard[0] if n == 0 else rng.choice(standard)
            subscriber.call("POST", f"/tracks/{chosen['id']}/download", expect=(201,))
    for_sale = verified_first([t for t in catalog if (t.get("exclusive") or {}).get("status") == "available"])
    if for_sale and "ben" in subscribers:
        buy_exclusive(subscribers["ben"], for_sale[0])


def buy_exclusive(buyer: Client, item: dict) -> None:
    from devtools.stripe_setup import complete_local_checkout

    response = buyer.http.post(f"{buyer.base}/tracks/{item['id']}/exclusive/checkout", timeout=30)
    if response.status_code != 201:  # billing unavailable, or sold in an earlier run: nothing to buy
        return
    complete_local_checkout(response.json()["url"])


def request_beat(ava: Client) -> None:
    """ava (Plus) asks for a trap beat: the verified trap producer gets a notification."""
    if ava.call("GET", "/me/beat-requests")["total"] == 0:
        ava.call("POST", "/beat-requests", expect=(201, 402), json={
            "genre": GENRES[0], "bpm_min": 130, "bpm_max": 150, "mood": "dark, cinematic",
            "budget_cents": 25000, "lifetime_hours": 48})


#: demo listeners on paid plans (paid through the local fake Stripe that make run starts)
SUBSCRIPTIONS = {"ava": "plus", "ben": "pro", "chloe": "classic"}


def subscribe(listener: Client, plan: str, timeout: float = 30) -> str:
    """Check out ``plan`` and, on a local fake Stripe, pay; already subscribed: nothing to do. Says how it went."""
    from devtools.stripe_setup import complete_local_checkout

    response = listener.http.post(listener.base + "/billing/checkout", json={"plan": plan}, timeout=30)
    if response.status_code == 503:
        return f"{plan}: not subscribed, billing is unavailable on this platform"
    if response.status_code not in (201, 409):  # 409: subscribed already (a second run)
        raise DemoError(f"POST /billing/checkout → {response.status_code}: {response.text[:300]}")
    url = response.json().get("url") if response.status_code == 201 else None
    if url is not None and not complete_local_checkout(url):
        return f"{plan}: not paid yet, pay the checkout at {url}"
    # the plan changes when the platform has handled Stripe's webhook
    deadline = time.monotonic() + timeout
    while (current := listener.call("GET", "/me")["plan"]) != plan and time.monotonic() < deadline:
        time.sleep(0.5)
    return f"{plan}, paid" if current == plan else f"{plan}: paid, but the plan is still {current}"


if __name__ == "__main__":
    sys.exit(main())
