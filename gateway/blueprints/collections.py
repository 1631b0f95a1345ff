"""Collections (beat packs, tapes): created with their cover, listed with their visible tracks."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import optional_login, producer_required
from gateway.catalog_schemas import Collection, CollectionForm, CollectionMetadata
from gateway.blueprints.tracks import upload_artist
from gateway.openapi import MULTIPART, doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.rpc import remote
from gateway.uploads import FileSpec, body_limit, form_body_limit, json_field, receive

bp = Blueprint("collections", __name__, url_prefix="/api/v1/collections")

COLLECTION_FILES = {"cover": FileSpec("covers", "COVER_MAX_BYTES", image=True)}


@bp.post("")
@doc("Create a collection (producer)", ok=(201, Collection), body=CollectionForm, body_type=MULTIPART,
     errors=(403, 404), description="Parts: `cover` (PNG, JPEG or WebP) and `metadata` (JSON: name, artists, genres, "
                                "tags, description); errors name metadata fields as `metadata.<field>`. "
                                "A non-producer gets 403 before the body is read. `artist` picks the page "
                                "the collection belongs to (default: the one you have had longest); a page you "
                                "do not manage is a 404 before the body is read.", query=ArtistQuery)
@body_limit(form_body_limit("COVER_MAX_BYTES"))
@producer_required
def create_collection() -> ResponseReturnValue:
    artist = upload_artist()
    form = receive(COLLECTION_FILES, {"metadata": json_field(CollectionMetadata(), "metadata")},
                   required=("cover", "metadata"))
    with form.cleanup_on_error():
        created = remote("catalog").create_collection(actor_id=g.user_id, data=form.fields["metadata"],
                                                      cover_key=form.files["cover"].key, artist_id=artist)
    return Collection().dump(created), 201, {"Location": url_for("collections.get_collection",
                                                                 collection_id=created["id"])}


@bp.get("/<uuid:collection_id>")
@doc("A collection with the tracks the caller may see", ok=(200, Collection), errors=(404,))
def get_collection(collection_id: UUID) -> ResponseReturnValue:
    found = remote("catalog").get_collection(collection_id=str(collection_id), actor_id=optional_login())
    return Collection().dump(found)
