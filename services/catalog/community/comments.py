"""Comments on published tracks: plain text (trimmed, otherwise stored exactly as sent — never escaped
or rendered by us), listed newest first to anyone, deleted by their author or the track's producer."""
from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func, select

from services.catalog.community.models import Comment
from services.catalog.shared.queries import newest_first
from services.catalog.shared.references import gone_as_not_found
from services.catalog.tracks.models import Track
from services.catalog.tracks import repository
from services.common.clock import iso, utcnow
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest
from services.common.persistence import parse_id
from services.contracts.errors import Forbidden, NotFound
from services.contracts.events import COMMENT_DELETED, COMMENT_POSTED

COMMENTS = "comments"


class CommentView(TypedDict):
    id: str
    track_id: str
    author_id: str
    body: str
    created_at: str


def post_comment(uow: UnitOfWork, actor_id: str, track_id: str, body: str) -> CommentView:
    session = uow.session
    track = repository.visible_track(session, track_id)  # published tracks only
    row = Comment(track_id=track.id, author_id=actor_id, body=body, created_at=utcnow())
    session.add(row)
    with gone_as_not_found(Comment, {"track_id": track.id}):  # deleted meanwhile: 404
        session.flush()
    uow.emit(COMMENT_POSTED, {"comment_id": row.id, "track_id": track.id, "author_id": actor_id,
                              "producer_user_id": track.producer_user_id})
    return comment(row)


def list_comments(uow: UnitOfWork, track_id: str, page: PageRequest) -> Envelope:
    session = uow.session
    track = repository.visible_track(session, track_id)
    total = session.scalar(select(func.count()).select_from(Comment).where(Comment.track_id == track.id)) or 0
    return newest_first(session, select(Comment).where(Comment.track_id == track.id), Comment.created_at,
                        Comment.id, page, COMMENTS, total, lambda rows: [comment(row) for row in rows])


def delete_comment(uow: UnitOfWork, actor_id: str, comment_id: str) -> None:
    session = uow.session
    row = repository.find(session, Comment, comment_id)
    if row is None:
        raise NotFound("comment not found", {"comment_id": str(comment_id)})
    producer = session.scalar(select(Track.producer_user_id).where(Track.id == row.track_id))
    if parse_id(actor_id) not in (row.author_id, producer):
        raise Forbidden("only the comment's author or the track's producer can delete it")
    session.delete(row)
    session.flush()
    uow.emit(COMMENT_DELETED, {"comment_id": row.id, "track_id": row.track_id, "deleted_by": actor_id})


def comment(row: Comment) -> CommentView:
    return CommentView(id=row.id, track_id=row.track_id, author_id=row.author_id, body=row.body,
                       created_at=iso(row.created_at))
