"""Collections (beat packs, tapes): created with their cover (an image or a preset), listed on their artist page's
Albums tab with their visible tracks, edited and deleted by their owner (docs/covers.md). Their covers: covers.py."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, optional_login, producer_required
from gateway.blueprints.tracks import upload_artist
from gateway.catalog_schemas import Collection, CollectionForm, CollectionMetadata, CollectionPage, CollectionPatch
from gateway.openapi import MULTIPART, doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.presenters import collection_view, page_view
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.uploads import FileSpec, Received, body_limit, form_body_limit, json_field, receive
from gateway.validation import json_body, page_args

bp = Blueprint("collections", __name__, url_prefix="/api/v1")

COLLECTION_FILES = {"cover": FileSpec("covers", "COVER_MAX_BYTES", image=True)}
NEEDS_COVER = "Send a cover image, or metadata.cover_preset (GET /api/v1/cover-presets lists the presets)."


def cover_rule(received: Received) -> dict[str, list[str]]:
    """A cover part or a preset named in the metadata."""
    metadata = received.fields.get("metadata") or {}
    if "cover" in received.files or metadata.get("cover_preset"):
        return {}
    return {"cover": [NEEDS_COVER]}


@bp.post("/collections")
@doc("Create a collection (producer)", ok=(201, Collection), body=CollectionForm, body_type=MULTIPART,
     errors=(403, 404), query=ArtistQuery,
     description="Parts: `metadata` (JSON: name, artists, genres, tags, description, cover_preset) "
                 "and `cover` (PNG, JPEG or WebP) unless `metadata.cover_preset` names a preset "
                 "(a `cover` part wins over it); errors name metadata fields as `metadata.<field>`. "
                 "A non-producer gets 403 before the body is read. `artist` picks the page "
                 "the collection belongs to (default: the one you have had longest); a page you "
                 "do not manage is a 404 before the body is read.")
@body_limit(form_body_limit("COVER_MAX_BYTES"))
@producer_required
def create_collection() -> ResponseReturnValue:
    artist = upload_artist()
    form = receive(COLLECTION_FILES, {"metadata": json_field(CollectionMetadata(), "metadata")},
                   required=("metadata",), rule=cover_rule)
    with form.cleanup_on_error():
        cover = form.files.get("cover")
        created = remote("catalog").create_collection(actor_id=g.user_id, data=form.fields["metadata"],
                                                      cover_key=cover.key if cover else None, artist_id=artist)
    return collection_view(created), 201, {"Location": url_for("collections.get_collection",
                                                               collection_id=created["id"])}


@bp.get("/collections/<uuid:collection_id>")
@doc("A collection with the tracks the caller may see", ok=(200, Collection), errors=(404,))
def get_collection(collection_id: UUID) -> ResponseReturnValue:
    found = remote("catalog").get_collection(collection_id=str(collection_id), actor_id=optional_login())
    return collection_view(found)


@bp.patch("/collections/<uuid:collection_id>")
@doc("Edit a collection (owner): name, artists, genres, tags, description, preset cover", ok=(200, Collection),
     body=CollectionPatch, errors=(403, 404), description=(
         "A `cover_preset` replaces the collection's cover image; a new image goes through PUT "
         "/collections/{collection_id}/cover. The tracks already in the collection keep the artists, genres and tags "
         "they took from it. Someone else's collection → 403."))
@login_required
def update_collection(collection_id: UUID) -> ResponseReturnValue:
    changes = json_body(CollectionPatch())
    return collection_view(remote("catalog").update_collection(actor_id=g.user_id, collection_id=str(collection_id),
                                                               changes=changes))


@bp.delete("/collections/<uuid:collection_id>")
@doc("Delete a collection (owner); its tracks stay, as singles", ok=(204, None), errors=(403, 404), description=(
    "The collection, its likes and its cover image go; its tracks stay, without a collection. A track that showed "
    "the collection's cover takes a preset: the collection's own preset, else the first preset of the track's genre "
    "(docs/covers.md). Someone else's collection → 403."))
@login_required
def delete_collection(collection_id: UUID) -> ResponseReturnValue:
    remote("catalog").delete_collection(actor_id=g.user_id, collection_id=str(collection_id))
    return "", 204


@bp.get("/artists/<uuid:artist_id>/collections")
@doc("An artist page's collections (its Albums tab), newest first", ok=(200, CollectionPage), query=PageQuery,
     errors=(404,), description="Every collection of the page; each lists the tracks the caller may see (all of "
                                "them for the page's owner, the published ones for everyone else).")
def artist_collections(artist_id: UUID) -> ResponseReturnValue:
    page = page_args()
    return page_view("collections", remote("catalog").list_artist_collections(
        artist_id=str(artist_id), actor_id=optional_login(), **page))
