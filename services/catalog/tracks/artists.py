"""Artist pages: created (or linked, for a claim) when a producer is approved, edited by their
owner only. Every change of a page's owner is announced (``artist_page_changed``): accounts keeps a
copy to check claims against, without calling catalog (docs/architecture.md)."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.tracks.models import PUBLISHED, REJECTED, Artist, ArtistImage, Track, TrackCredit, name_key
from services.catalog.tracks import images, repository, rules, schemas, thumbnails, views
from services.common.clock import as_utc, iso, iso_or_none, utcnow
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, Position, envelope, split
from services.common.sql import keyset_page
from services.common.media import MediaStore
from services.common.persistence import parse_id
from services.common.validation import invalid
from services.contracts.errors import NotFound
from services.contracts.events import ARTIST_PAGE_CHANGED
from services.contracts.vocabularies import MONTHLY_UPLOAD_COMMITMENT

log = logging.getLogger(__name__)

AVAILABLE = "available"
CLAIMED = "claimed"


class ClaimStatus(TypedDict):
    artist_id: str
    status: str


def on_producer_approved(uow: UnitOfWork, event: dict[str, Any]) -> Artist:
    """The page an approved application gives: the claimed one when it claimed an unclaimed page, else a
    new page named after the producer. An account may manage several pages (a producer approved again
    gets one more, docs/business-rules.md "Producer Program"); a new page of a verified account is
    verified too. Redeliveries are dropped by the event's id before this runs."""
    session = uow.session
    user_id, claimed_id = str(event["user_id"]), event.get("artist_id")
    verified = any(page.verified for page in repository.artists_of_user(session, user_id))
    if claimed_id is not None:
        page = session.scalars(select(Artist).where(Artist.id == str(claimed_id)).with_for_update()).first()
        if page is not None and page.user_id is None:
            page.user_id = user_id
            page.verified = page.verified or verified
            session.flush()
            announce(uow, page)
            return page
        if page is not None and page.user_id == user_id:
            return page
        log.warning("claimed artist page %s is missing or already owned; creating a new page for %s",
                    claimed_id, user_id)
    page = Artist(user_id=user_id, name=event["producer_name"][:100], verified=verified)
    session.add(page)
    session.flush()
    announce(uow, page)
    return page


def on_producer_verified(uow: UnitOfWork, event: dict[str, Any]) -> None:
    """Verification is the account's: every page it manages shows the badge."""
    pages = repository.artists_of_user(uow.session, str(event["user_id"]))
    if not pages:
        log.warning("producer_verified for %s, who has no artist page", event["user_id"])
    for page in pages:
        page.verified = True


def create_unclaimed(uow: UnitOfWork, name: str) -> views.ArtistView:
    """An artist page nobody owns yet (imported catalogues): a producer can apply to claim it."""
    page = Artist(name=name[:100])
    uow.session.add(page)
    uow.session.flush()
    announce(uow, page)
    return views.artist(uow.session, page)


def announce(uow: UnitOfWork, page: Artist) -> None:
    """``artist_page_changed`` with the page's owner, in the transaction that set it (outbox). The row
    is written (so locked) first: the event's ``occurred_at``, which orders the copies, is then later
    than that of any change to the page committed before."""
    uow.session.flush()
    uow.emit(ARTIST_PAGE_CHANGED, {"artist_id": page.id, "user_id": page.user_id})


def announce_all(uow: UnitOfWork, after_id: str = "", batch: int = 500) -> tuple[int, str | None]:
    """The backfill: ``artist_page_changed`` for up to ``batch`` pages after ``after_id`` (by id), each
    read under a row lock, so a claim committing meanwhile is announced after this snapshot, never
    before it. Returns how many were announced and the id to continue after (None when done)."""
    pages = _pages_after(uow.session, after_id, batch)
    for page in pages:
        announce(uow, page)
    return len(pages), (pages[-1].id if len(pages) == batch else None)


def _pages_after(session: Session, after_id: str, batch: int) -> list[Artist]:
    query = select(Artist).where(Artist.id > after_id).order_by(Artist.id).limit(batch)
    return list(session.scalars(query.with_for_update()).all())


def claim_status(uow: UnitOfWork, artist_id: str) -> ClaimStatus:
    page = repository.require_artist(uow.session, artist_id)
    return ClaimStatus(artist_id=page.id, status=CLAIMED if page.user_id is not None else AVAILABLE)


def get_artist(uow: UnitOfWork, artist_id: str) -> views.ArtistView:
    return views.artist(uow.session, repository.require_artist(uow.session, artist_id))


def artist_summaries(uow: UnitOfWork, artist_ids: list[str]) -> dict[str, views.ArtistSummary]:
    """Name and verification of each known page among ``artist_ids`` (loaded: UUIDs, at most 200), in
    one query; unknown ids are left out, so the caller shows what it has (a deleted page has no name)."""
    if not artist_ids:
        return {}
    rows = uow.session.execute(select(Artist.id, Artist.name, Artist.verified)
                               .where(Artist.id.in_(set(artist_ids)))).all()
    return {row.id: views.ArtistSummary(id=row.id, name=row.name, verified=bool(row.verified)) for row in rows}


def get_my_artist(uow: UnitOfWork, actor_id: str, artist_id: str | None = None) -> views.ArtistView:
    """The actor's page: the one named if they manage it (else NotFound, as for an unknown page), or
    their default, the one they have had longest (NotFound "no artist profile" when they have none)."""
    page = repository.managed_artist(uow.session, actor_id, artist_id)
    if page is None:
        raise NotFound(repository.NO_ARTIST_PROFILE, {"user_id": str(actor_id)})
    return views.artist(uow.session, page, owner=True)


def my_artists(uow: UnitOfWork, actor_id: str, now: datetime | None = None) -> Envelope:
    """Every page the actor manages, the one managed longest first (``claimed_at``: when the account got it; the
    first is the default of every ``artist=``), in one
    envelope (an account manages a handful: no paging), each
    with its uploads in the current UTC month beside the monthly commitment (docs/business-rules.md
    "Producer Program"): tracks uploaded to the page since the month began that still exist and were
    not rejected (processing ones count; a deleted or rejected upload does not)."""
    session = uow.session
    pages = repository.artists_of_user(session, actor_id)
    if not pages:
        return Envelope(items=[], total=0, next=None)
    start = rules.month_start(as_utc(now or utcnow()))
    counts = dict(session.execute(
        select(Track.artist_id, func.count()).where(Track.artist_id.in_([page.id for page in pages]),
                                                    Track.created_at >= start, Track.status != REJECTED)
        .group_by(Track.artist_id)).tuples().all())
    items = [views.MyArtist(id=page.id, name=page.name, verified=bool(page.verified), claim_status=CLAIMED,
                            created_at=iso(page.created_at), claimed_at=iso_or_none(page.claimed_at),
                            uploads_this_month=counts.get(page.id, 0),
                            monthly_commitment=MONTHLY_UPLOAD_COMMITMENT) for page in pages]
    return Envelope(items=items, total=len(items), next=None)


def search_artists(uow: UnitOfWork, query: schemas.ArtistSearch) -> Envelope:
    """Pages whose name contains ``q`` (case-insensitively), claimed or not, ordered by name: what a
    "Claim Existing Artist" applicant picks from. On PostgreSQL the match is served by a trigram index."""
    session = uow.session
    condition = Artist.name_key.contains(name_key(query.q), autoescape=True)
    keys = (Artist.name_key, Artist.id)
    rows = session.execute(keyset_page(select(Artist.id, Artist.name, Artist.name_key, Artist.verified,
                                              Artist.user_id).where(condition),
                                       keys, query.page, descending=False)).all()
    kept, next_position = split(rows, query.page, lambda row: Position((row.name_key, row.id)))
    total = session.scalar(select(func.count()).select_from(Artist).where(condition)) or 0
    items = [views.ArtistMatch(id=row.id, name=row.name, verified=bool(row.verified),
                               claim_status=CLAIMED if row.user_id is not None else AVAILABLE) for row in kept]
    return envelope(schemas.ARTIST_SEARCH, items, total, next_position)


def update_artist(uow: UnitOfWork, actor_id: str, artist_id: str, changes: dict[str, Any]) -> views.ArtistView:
    session = uow.session
    page = repository.require_own_artist(session, actor_id, artist_id)
    pinned = changes.get("pinned_track_id")  # null clears it
    if pinned is not None and not _pinnable(session, page, pinned):
        raise invalid("pinned_track_id", NOT_PINNABLE)
    for name, value in changes.items():
        setattr(page, name, None if value == "" else value)
    session.flush()
    return views.artist(session, page, owner=True)


NOT_PINNABLE = "not a published track of this artist (uploaded by it or crediting it)"


def _pinnable(session: Session, page: Artist, track_id: str) -> bool:
    """A page pins one of its Discography's tracks: published, uploaded by the page or crediting it."""
    track = repository.find_track(session, track_id)
    if track is None or track.status != PUBLISHED:
        return False
    return track.artist_id == page.id or session.get(TrackCredit, (track.id, page.id)) is not None


def artists_managed_by(uow: UnitOfWork, user_id: str) -> list[views.ArtistSummary]:
    """The claimed artist pages ``user_id`` owns (oldest first), as ``{id, name, verified}``: what a user's
    public profile shows (its Producer Profile button). Nobody's, or not an id at all: an empty list."""
    canonical = parse_id(user_id)
    if canonical is None:
        return []
    rows = uow.session.execute(select(Artist.id, Artist.name, Artist.verified).where(Artist.user_id == canonical)
                               .order_by(Artist.created_at, Artist.id)).all()
    return [views.ArtistSummary(id=row.id, name=row.name, verified=bool(row.verified)) for row in rows]


def add_image(uow: UnitOfWork, media: MediaStore, actor_id: str, artist_id: str, kind: str,
              image_key: str) -> views.ArtistView:
    """Avatar and cover replace the previous one (whose file is deleted); the gallery holds 20."""
    session = uow.session
    page = repository.require_own_artist(session, actor_id, artist_id)
    content_type = images.content_type_of(media, image_key, "image_key")
    same_kind = [image for image in page.images if image.kind == kind]
    replaced: list[str] = []
    if kind == "gallery":
        if len(same_kind) >= rules.GALLERY_MAX:
            raise invalid("kind", f"the gallery holds at most {rules.GALLERY_MAX} images")
    else:
        for image in same_kind:
            replaced.append(image.key)
            page.images.remove(image)
    page.images.append(ArtistImage(kind=kind, key=image_key, content_type=content_type))
    session.flush()
    stale = [key for key in replaced if key != image_key]
    uow.after_commit(lambda: media.delete(*thumbnails.with_thumbnails(*stale)))
    return views.artist(session, page, owner=True)


def image_source(uow: UnitOfWork, artist_id: str, image_id: str) -> views.Source:
    """The image's file, only under the artist it belongs to: an image id under another artist's
    path is as unknown as a made-up one, so image URLs cannot be borrowed across artist pages."""
    image = repository.find(uow.session, ArtistImage, image_id)
    if image is None or image.artist_id != str(artist_id):
        raise NotFound("image not found", {"artist_id": str(artist_id), "image_id": str(image_id)})
    return views.Source(key=image.key, content_type=image.content_type)
