"""Artist pages: created (or linked, for a claim) when a producer is approved, edited by their
owner only. Every change of a page's owner is announced (``artist_page_changed``): accounts keeps a
copy to check claims against, without calling catalog (docs/architecture.md)."""
from __future__ import annotations

import logging
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.tracks.models import PUBLISHED, Artist, ArtistImage, TrackCredit
from services.catalog.tracks import images, repository, rules, views
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.persistence import parse_id
from services.common.validation import invalid
from services.contracts.errors import NotFound
from services.contracts.events import ARTIST_PAGE_CHANGED

log = logging.getLogger(__name__)

AVAILABLE = "available"
CLAIMED = "claimed"


class ClaimStatus(TypedDict):
    artist_id: str
    status: str


def on_producer_approved(uow: UnitOfWork, event: dict[str, Any]) -> Artist:
    """The approved producer's page: the claimed one when the application claimed an unclaimed
    page, else a new page named after the producer. A producer who already has a page keeps it."""
    session = uow.session
    user_id, claimed_id = str(event["user_id"]), event.get("artist_id")
    existing = repository.artist_of_user(session, user_id)
    if existing is not None:
        return existing
    if claimed_id is not None:
        page = session.scalars(select(Artist).where(Artist.id == str(claimed_id)).with_for_update()).first()
        if page is not None and page.user_id is None:
            page.user_id = user_id
            session.flush()
            announce(uow, page)
            return page
        log.warning("claimed artist page %s is missing or already owned; creating a new page for %s",
                    claimed_id, user_id)
    page = Artist(user_id=user_id, name=event["producer_name"][:100])
    session.add(page)
    session.flush()
    announce(uow, page)
    return page


def on_producer_verified(uow: UnitOfWork, event: dict[str, Any]) -> None:
    page = repository.artist_of_user(uow.session, str(event["user_id"]))
    if page is None:
        log.warning("producer_verified for %s, who has no artist page", event["user_id"])
        return
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


def get_my_artist(uow: UnitOfWork, actor_id: str) -> views.ArtistView:
    page = repository.artist_of_user(uow.session, actor_id)
    if page is None:
        raise NotFound(repository.NO_ARTIST_PROFILE, {"user_id": str(actor_id)})
    return views.artist(uow.session, page, owner=True)


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
    uow.after_commit(lambda: media.delete(*stale))
    return views.artist(session, page, owner=True)


def image_source(uow: UnitOfWork, artist_id: str, image_id: str) -> views.Source:
    """The image's file, only under the artist it belongs to: an image id under another artist's
    path is as unknown as a made-up one, so image URLs cannot be borrowed across artist pages."""
    image = repository.find(uow.session, ArtistImage, image_id)
    if image is None or image.artist_id != str(artist_id):
        raise NotFound("image not found", {"artist_id": str(artist_id), "image_id": str(image_id)})
    return views.Source(key=image.key, content_type=image.content_type)
