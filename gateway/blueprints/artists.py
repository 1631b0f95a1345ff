"""Artist pages (producer profiles): public view, the search by name, the pages a producer manages, the
owner's edits and images."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, optional_login, producer_required
from gateway.catalog_schemas import (IMAGE_KINDS, Artist, ArtistImageForm, ArtistMatchPage, ArtistPatch,
                                     ArtistSearchQuery, CoverQuery, DiscographyPage, MyArtistPage, SimilarArtistList,
                                     ViewedArtist)
from gateway.openapi import MULTIPART, doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.presenters import artist_view, page_view, send_media, viewed_artist_view
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.uploads import FileSpec, body_limit, choice_field, form_body_limit, receive
from gateway.validation import json_body, page_args, query_args

bp = Blueprint("artists", __name__, url_prefix="/api/v1")

IMAGE_FILES = {"image": FileSpec("images", "COVER_MAX_BYTES", image=True)}


@bp.get("/artists/<uuid:artist_id>")
@doc("An artist page", ok=(200, ViewedArtist), errors=(404,),
     description="Public. With a valid access token, `viewer` says whether you follow the page "
                 "(`{\"following\": bool}`); without one (or with an expired one) it is null.")
def get_artist(artist_id: UUID) -> ResponseReturnValue:
    return viewed_artist_view(remote("catalog").get_artist(artist_id=str(artist_id), actor_id=optional_login()))


@bp.get("/artists")
@doc("Search artist pages by name (the Claim Existing Artist picker)", ok=(200, ArtistMatchPage),
     query=ArtistSearchQuery,
     description="Public. Every page whose name contains `q` (2 to 100 characters once trimmed; shorter, blank or "
                 "missing → 422), ignoring case and accents, claimed or not, ordered by name, in pages of the list "
                 "envelope. Each item: `{id, name, verified, claim_status}` — `available` (nobody manages the page: "
                 "apply with `claim_artist`) or `claimed`.")
def search_artists() -> ResponseReturnValue:
    query = query_args(ArtistSearchQuery())
    found = remote("catalog").search_artists(q=query["q"], cursor=query.get("cursor"), limit=query["limit"])
    return ArtistMatchPage().dump(found)


@bp.get("/me/artist")
@doc("The signed-in producer's own artist page; 404 is the \"No Artist Profile\" state", ok=(200, Artist),
     query=ArtistQuery, errors=(404,),
     description="`artist` picks one of the pages the caller manages (default: the one they have had longest, first "
                 "in GET /me/artists); a page they do not manage → 404.")
@login_required
def my_artist() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return artist_view(remote("catalog").get_my_artist(actor_id=g.user_id, artist_id=artist))


@bp.get("/me/artists")
@doc("The artist pages the signed-in producer manages, with this month's uploads and the monthly commitment",
     ok=(200, MyArtistPage), errors=(403,),
     description="The page the account has had longest first (by `claimed_at`, when the account got the page: made "
                 "for it or claimed by it) — the first is the default page of every `artist=` parameter — all in "
                 "one answer (`next` is null: an account manages a handful of pages). Each item: `{id, name, "
                 "verified, claim_status, created_at, claimed_at, uploads_this_month, monthly_commitment}`; "
                 "`uploads_this_month` counts the "
                 "tracks uploaded to the page since the current UTC month began that still exist and were not "
                 "rejected, `monthly_commitment` the beats a month promised in the Producer Program (2). A "
                 "non-producer → 403.")
@producer_required
def my_artists() -> ResponseReturnValue:
    return MyArtistPage().dump(remote("catalog").my_artists(actor_id=g.user_id))


@bp.patch("/artists/<uuid:artist_id>")
@doc("Edit an artist page (owner): details, links, biography, credits, pinned track", ok=(200, Artist),
     body=ArtistPatch, errors=(403, 404),
     description="`pinned_track_id`: a published track of the page's Discography (uploaded by it or crediting it), "
                 "else 422 naming `pinned_track_id`; `null` clears it. Someone else's page → 403.")
@login_required
def update_artist(artist_id: UUID) -> ResponseReturnValue:
    changes = json_body(ArtistPatch())
    return artist_view(remote("catalog").update_artist(actor_id=g.user_id, artist_id=str(artist_id),
                                                       changes=changes))


@bp.post("/artists/<uuid:artist_id>/images")
@doc("Add an avatar, cover or gallery image (owner; gallery ≤ 20)", ok=(200, Artist), body=ArtistImageForm,
     body_type=MULTIPART, errors=(403, 404),
     description="Parts: `kind` (avatar, cover or gallery) and `image` (PNG, JPEG or WebP, ≤ COVER_MAX_BYTES). "
                 "A non-producer gets 403 before the body is read.")
@body_limit(form_body_limit("COVER_MAX_BYTES"))
@producer_required
def add_image(artist_id: UUID) -> ResponseReturnValue:
    form = receive(IMAGE_FILES, {"kind": choice_field("kind", IMAGE_KINDS)}, required=("kind", "image"))
    with form.cleanup_on_error():
        artist = remote("catalog").add_artist_image(actor_id=g.user_id, artist_id=str(artist_id),
                                                    kind=form.fields["kind"], image_key=form.files["image"].key)
    return artist_view(artist)


@bp.get("/artists/<uuid:artist_id>/images/<uuid:image_id>")
@doc("An artist image", ok=(200, None), errors=(404, 422), content_type="image/*", query=CoverQuery,
     description="404 unless the image belongs to this artist. `?size=160|320|640`: fitted into size × size as "
                 "WebP, as covers are (docs/covers.md \"Sizes\").")
def image(artist_id: UUID, image_id: UUID) -> ResponseReturnValue:
    size = query_args(CoverQuery()).get("size")
    source = remote("catalog").image_source(artist_id=str(artist_id), image_id=str(image_id), size=size)
    return send_media(source, max_age=86400)


@bp.get("/artists/<uuid:artist_id>/tracks")
@doc("The Discography: the page's published tracks, uploaded or credited on, newest first", ok=(200, DiscographyPage),
     query=PageQuery, errors=(404,),
     description="Each track as `GET /tracks/{id}` shows it, with `role`: `uploader` (the page uploaded it) or "
                 "`collaborator` (it is credited on it). A track appears once. Published tracks only, whoever asks "
                 "(the owner sees every status in the Backstage).")
def artist_tracks(artist_id: UUID) -> ResponseReturnValue:
    result = remote("catalog").list_artist_tracks(artist_id=str(artist_id), actor_id=optional_login(), **page_args())
    return page_view("discography", result)


@bp.get("/artists/<uuid:artist_id>/similar")
@doc("Similar Artists: up to 10 other pages sharing the page's genres and listeners, best first",
     ok=(200, SimilarArtistList), errors=(404,),
     description="`score` = genre similarity (Jaccard index of the two pages' genres, from their published tracks, "
                 "compared case- and accent-insensitively) + listener similarity (the share of this page's most recent "
                 "300 listeners of the last 90 days who also played the other page in those 90 days), 0–2. Pages "
                 "sharing nothing are left out, so a new page has an empty list. One page: `next` is always null.")
def similar_artists(artist_id: UUID) -> ResponseReturnValue:
    items = remote("catalog").similar_artists(artist_id=str(artist_id))
    return SimilarArtistList().dump({"items": items, "total": len(items), "next": None})
