"""Covers: which picture a track or a collection shows, the owner replacing a track's, and the preset covers'
files (docs/covers.md). A cover is an image of its own (``covers/`` in the media store) or a preset, whose image
catalog draws into ``presets/`` the first time it is asked for (presets.py)."""
from __future__ import annotations

from services.catalog.tracks.models import REJECTED, WITHDRAWN, Collection
from services.catalog.tracks import images, presets, repository, thumbnails, tracks, views
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.contracts.errors import NotFound
from services.contracts.vocabularies import preset_for_genres, resolve_cover_preset


def preset_source(media: MediaStore, preset_id: str, size: int | None = None) -> dict[str, str]:
    """The preset's image (drawn into the store if it is not there yet): ``{"key", "content_type", "preset"}``;
    with ``size``, its thumbnail's (thumbnails.py)."""
    return thumbnails.sized(media, {"key": presets.ensure_rendered(media, preset_id),
                                    "content_type": presets.CONTENT_TYPE, "preset": preset_id}, size)


def _stored_preset(value: str, genres: list[str] | None) -> str:
    """The preset a stored ``cover_preset`` names (rows written before presets were ids hold a genre name)."""
    return resolve_cover_preset(value) or preset_for_genres(genres or [])


def track_cover_source(uow: UnitOfWork, media: MediaStore, track_id: str, size: int | None = None) -> dict[str, str]:
    """The track's own cover image, else its preset, else its collection's cover (image or preset). A rejected
    track's cover is deleted, a withdrawn one's is no longer public: NotFound."""
    row = repository.find_track(uow.session, track_id)
    if row is None or not (views.has_cover(row) or row.cover_preset) or row.status in (REJECTED, WITHDRAWN):
        raise NotFound("cover not found", {"track_id": str(track_id)})
    if row.cover_key is not None:
        return _image_source(media, row.cover_key, row.cover_content_type, size)
    if row.cover_preset:
        return preset_source(media, _stored_preset(row.cover_preset, row.genres), size)
    return collection_source(media, repository.require_collection(uow.session, row.collection_id), size)


def collection_cover_source(uow: UnitOfWork, media: MediaStore, collection_id: str,
                            size: int | None = None) -> dict[str, str]:
    return collection_source(media, repository.require_collection(uow.session, collection_id), size)


def collection_source(media: MediaStore, row: Collection, size: int | None = None) -> dict[str, str]:
    if row.cover_key:
        return _image_source(media, row.cover_key, row.cover_content_type, size)
    return preset_source(media, _stored_preset(row.cover_preset or "", row.genres), size)


def _image_source(media: MediaStore, key: str, content_type: str | None, size: int | None) -> dict[str, str]:
    return thumbnails.sized(media, dict(views.Source(key=key, content_type=content_type or "image/jpeg")), size)


def replace_track_cover(uow: UnitOfWork, media: MediaStore, actor_id: str, track_id: str,
                        cover_key: str) -> views.TrackView:
    """The owner's new cover image (judged by its content) in place of the track's image or preset; the old image
    is deleted once committed. Someone else's published track is Forbidden, their unpublished one NotFound."""
    session = uow.session
    content_type = images.content_type_of(media, cover_key, "cover")
    row = repository.own_track(session, actor_id, track_id)
    old = row.cover_key
    row.cover_key, row.cover_content_type, row.cover_preset = cover_key, content_type, None
    if old:
        uow.after_commit(lambda: media.delete(*thumbnails.with_thumbnails(old)))
    tracks.refresh_completeness(uow, row)
    session.flush()
    return views.track(row, owner=True)
