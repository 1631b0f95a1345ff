"""The media store's owners: each area is deleted by its one owner; a process deleting outside its own areas is
refused (and nothing of the call is deleted), so catalog and audio can never race over one file again."""
from __future__ import annotations

import pytest

from gateway.blueprints import artists, collections, me, recon, stems, tracks
from services.accounts import avatars
from services.audio import renditions
from services.catalog.tracks import presets, thumbnails
from services.licensing import deliverables
from services.licensing import library as licensing_library
from services.common.media import (ACCOUNTS, AREAS, AUDIO, CATALOG, GATEWAY, LICENSING, MediaError, MediaStore,
                                   NotOwner)

CATALOG_AREAS = ("uploads", "covers", "images", "stems")


def stored(root, *areas: str) -> tuple[MediaStore, list[str]]:
    writer = MediaStore(root)
    keys = []
    for area in areas:
        key = MediaStore.new_key(area, ".bin")
        writer.save_bytes(key, b"x")
        keys.append(key)
    return writer, keys


@pytest.mark.parametrize("area", CATALOG_AREAS)
def test_catalog_deletes_uploads_covers_and_images(tmp_path, area):
    store, [key] = stored(tmp_path, area)
    MediaStore(tmp_path, owner=CATALOG).delete(key)
    assert not store.exists(key)


def test_accounts_deletes_avatars_and_nothing_else(tmp_path):
    store, [avatar, image] = stored(tmp_path, "avatars", "images")
    with pytest.raises(NotOwner):
        MediaStore(tmp_path, owner=ACCOUNTS).delete(image)
    with pytest.raises(NotOwner):
        MediaStore(tmp_path, owner=CATALOG).delete(avatar)
    MediaStore(tmp_path, owner=ACCOUNTS).delete(avatar)
    assert not store.exists(avatar) and store.exists(image)


def test_audio_deletes_renditions(tmp_path):
    store, [key] = stored(tmp_path, "renditions")
    MediaStore(tmp_path, owner=AUDIO).delete(key)
    assert not store.exists(key)


@pytest.mark.parametrize("owner, area", [(CATALOG, "renditions"), (AUDIO, "uploads"), (AUDIO, "covers"),
                                         (AUDIO, "images"), (GATEWAY, "uploads"), (GATEWAY, "covers"),
                                         (GATEWAY, "images"), (GATEWAY, "renditions"), (None, "uploads"),
                                         (None, "renditions")])
def test_a_process_may_not_delete_outside_its_own_areas(tmp_path, owner, area):
    store, [own, foreign] = stored(tmp_path, "renditions" if owner == CATALOG else "uploads", area)
    with pytest.raises(NotOwner):
        MediaStore(tmp_path, owner=owner).delete(own, foreign)
    assert store.exists(foreign) and store.exists(own)  # refused whole: nothing of the call was deleted


@pytest.mark.parametrize("area", CATALOG_AREAS)
def test_the_gateway_discards_only_new_files_of_the_areas_it_writes(tmp_path, area):
    store, [key, rendition] = stored(tmp_path, area, "renditions")
    gateway = MediaStore(tmp_path, owner=GATEWAY)
    gateway.discard_unclaimed(key)
    assert not store.exists(key)
    with pytest.raises(NotOwner):
        gateway.discard_unclaimed(rendition)
    with pytest.raises(NotOwner):
        MediaStore(tmp_path, owner=CATALOG).discard_unclaimed(rendition)
    assert store.exists(rendition)


def test_only_the_gateway_removes_recon_clips(tmp_path):
    store, [clip] = stored(tmp_path, "recon")
    for other in (AUDIO, CATALOG):
        with pytest.raises(NotOwner):
            MediaStore(tmp_path, owner=other).delete(clip)
    MediaStore(tmp_path, owner=GATEWAY).delete(clip)
    assert not store.exists(clip)


def test_a_key_outside_every_area_is_refused(tmp_path):
    with pytest.raises(MediaError):
        MediaStore(tmp_path, owner=CATALOG).delete("elsewhere/2026/01/x.bin")


def test_every_area_the_code_writes_has_one_owner():
    written = {spec.area for files in (tracks.UPLOAD_FILES, artists.IMAGE_FILES, collections.COLLECTION_FILES,
                                       stems.STEMS_FILES, recon.RECON_FILES, me.AVATAR_FILES)
               for spec in files.values()} | {renditions.AREA, licensing_library.CERTIFICATES, presets.AREA,
                                             deliverables.AREA, thumbnails.AREA}
    assert written == set(AREAS)
    assert AREAS[presets.AREA].owner == AREAS[presets.AREA].writer == CATALOG
    assert AREAS[thumbnails.AREA].owner == AREAS[thumbnails.AREA].writer == CATALOG
    assert {area for area in written if AREAS[area].writer == GATEWAY} == {*CATALOG_AREAS, avatars.AREA, "recon"}
    assert AREAS[avatars.AREA].owner == ACCOUNTS
    assert AREAS["recon"].owner == GATEWAY  # a clip lives for one request: the gateway removes it after the call
    assert all(AREAS[area].owner == CATALOG for area in CATALOG_AREAS) and AREAS["renditions"].owner == AUDIO
    assert AREAS[licensing_library.CERTIFICATES].owner == AREAS[licensing_library.CERTIFICATES].writer == LICENSING
    assert AREAS[deliverables.AREA].owner == AREAS[deliverables.AREA].writer == LICENSING


def test_the_processes_open_the_store_as_themselves(monkeypatch, tmp_path):
    from gateway.app import create_app
    from services.catalog.service import media
    from services.licensing.service import media as licensing_media

    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    assert media().owner == CATALOG and licensing_media().owner == LICENSING and avatars.store().owner == ACCOUNTS
    app = create_app({"JWT_SECRET": "s" * 64, "MEDIA_ROOT": str(tmp_path)})
    assert app.extensions["media"].owner == GATEWAY
