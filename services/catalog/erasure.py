"""A deleted account (``user_deleted``): erase or anonymise everything catalog holds about that person
(docs/accounts-data.md says what and why).

Erased: their likes, reposts and follows of artist pages (the counters go down with them), playlists, comments, listening
history and play windows, beat requests (with the responses and match notifications they caused), their
own responses, their notifications and the "New follower" notifications their follows caused. Anonymised: their counted plays (payouts will count them) and
their published tracks, which are withdrawn — out of every list, stream and cover — and kept with their
files for the licences already issued. Unpublished uploads (processing or rejected) are deleted. Their
artist page stays, unclaimed and unverified, as an imported page would be.

Anonymised rows take one fresh id per deletion (``pseudonym``), an id no account has: it links to no one
but keeps one listener's plays together, so per-listener figures stay right. A second delivery — or a
second event for the same user — finds nothing under the old id and changes nothing.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select, update

from services.catalog.audience.models import ArtistFollow, FollowerNotice
from services.catalog.beat_requests.models import BeatRequest, BeatRequestResponse, Notification
from services.catalog.beat_requests.notifications import BEAT_REQUEST_MATCH
from services.catalog.community.models import CollectionLike, Comment, Playlist, ProducerLike, Repost, TrackLike
from services.catalog.plays.models import HistoryEntry, Play, PlayWindow
from services.catalog.tracks.models import PUBLISHED, WITHDRAWN, Artist, Collection, Track
from services.catalog.tracks import artists, page_genres, repository, tracks
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.persistence import new_id

log = logging.getLogger(__name__)


def on_user_deleted(uow: UnitOfWork, media: MediaStore, event: dict[str, Any]) -> None:
    user_id, pseudonym = str(event["user_id"]), new_id()
    _erase_marks(uow, user_id)
    _erase_follows(uow, user_id)
    _erase_own_content(uow, user_id)
    _anonymise_plays(uow, user_id, pseudonym)
    _erase_beat_requests(uow, user_id)
    _withdraw_as_producer(uow, media, user_id, pseudonym)
    uow.session.flush()
    log.info("erased catalog data of deleted user %s", user_id)


def _erase_marks(uow: UnitOfWork, user_id: str) -> None:
    """Likes and reposts, each item's counter lowered by the one mark this user had on it."""
    session = uow.session
    for mark, item, target, counter in ((TrackLike, TrackLike.track_id, Track, "like_count"),
                                        (Repost, Repost.track_id, Track, "repost_count"),
                                        (CollectionLike, CollectionLike.collection_id, Collection, "like_count")):
        marked = select(item).where(mark.user_id == user_id)
        session.execute(update(target).where(target.id.in_(marked))
                        .values({counter: getattr(target, counter) - 1}).execution_options(synchronize_session=False))
        session.execute(delete(mark).where(mark.user_id == user_id))
    session.execute(delete(ProducerLike).where(ProducerLike.user_id == user_id))  # counted from its index


def _erase_follows(uow: UnitOfWork, user_id: str) -> None:
    """Their follows of artist pages (each page's ``followers_count`` lowered by one), and the "New follower"
    notifications they caused, which name them (found by the ids their notices kept)."""
    session = uow.session
    followed = select(ArtistFollow.artist_id).where(ArtistFollow.user_id == user_id)
    session.execute(update(Artist).where(Artist.id.in_(followed))
                    .values(followers_count=Artist.followers_count - 1).execution_options(synchronize_session=False))
    session.execute(delete(ArtistFollow).where(ArtistFollow.user_id == user_id))
    told = select(FollowerNotice.notification_id).where(FollowerNotice.follower_id == user_id)
    session.execute(delete(Notification).where(Notification.id.in_(told)).execution_options(synchronize_session=False))
    session.execute(delete(FollowerNotice).where(FollowerNotice.follower_id == user_id))


def _erase_own_content(uow: UnitOfWork, user_id: str) -> None:
    """Playlists (their entries go with them), comments — deleted, not left unsigned: their text is the
    person's own words — listening history and notifications."""
    session = uow.session
    session.execute(delete(Playlist).where(Playlist.owner_id == user_id))
    session.execute(delete(Comment).where(Comment.author_id == user_id))
    session.execute(delete(HistoryEntry).where(HistoryEntry.listener_user_id == user_id))
    session.execute(delete(Notification).where(Notification.user_id == user_id))


def _anonymise_plays(uow: UnitOfWork, user_id: str, pseudonym: str) -> None:
    """Counted plays stay (track play counts and payouts' pool rely on them) under the pseudonym; the
    hourly windows only served this listener's next report."""
    session = uow.session
    session.execute(update(Play).where(Play.listener_user_id == user_id).values(listener_user_id=pseudonym)
                    .execution_options(synchronize_session=False))
    session.execute(delete(PlayWindow).where(PlayWindow.listener_user_id == user_id))


def _erase_beat_requests(uow: UnitOfWork, user_id: str) -> None:
    """Their requests (with the responses to them and the producers' match notifications, which quote
    the request) and their own responses to others' requests."""
    session = uow.session
    request_ids = session.scalars(select(BeatRequest.id).where(BeatRequest.requester_user_id == user_id)).all()
    if request_ids:
        # match notifications are few per request; the JSON look-up is a scan run once per deleted account
        session.execute(delete(Notification).where(
            Notification.kind == BEAT_REQUEST_MATCH,
            Notification.payload["beat_request_id"].as_string().in_(request_ids))
            .execution_options(synchronize_session=False))
        session.execute(delete(BeatRequest).where(BeatRequest.id.in_(request_ids)))  # responses cascade
    session.execute(delete(BeatRequestResponse).where(BeatRequestResponse.producer_user_id == user_id))


def _withdraw_as_producer(uow: UnitOfWork, media: MediaStore, user_id: str, pseudonym: str) -> None:
    """Published tracks → withdrawn (kept, anonymised, the exclusive contact email dropped); unpublished
    ones deleted with their files (``track_deleted`` lets audio forget them); its artist pages unclaimed."""
    session = uow.session
    withdrawn = []
    for row in session.scalars(select(Track).where(Track.producer_user_id == user_id).with_for_update()).all():
        if row.status == PUBLISHED:
            row.status, row.producer_user_id = WITHDRAWN, pseudonym
            if row.exclusive is not None:
                row.exclusive = {key: value for key, value in row.exclusive.items() if key != "contact_email"}
            withdrawn.append(row)
        else:
            tracks.remove_track(uow, media, row)
    page_genres.refresh_for(session, withdrawn)  # out of their pages' Discography: their genres too
    if withdrawn:  # a collaborator's page that pinned one of them no longer can
        session.execute(update(Artist).where(Artist.pinned_track_id.in_([row.id for row in withdrawn]))
                        .values(pinned_track_id=None).execution_options(synchronize_session=False))
    for page in repository.artists_of_user(session, user_id):  # every page the account managed
        page.user_id, page.verified, page.pinned_track_id = None, False, None
        artists.announce(uow, page)  # claimable again: accounts' copy learns it
