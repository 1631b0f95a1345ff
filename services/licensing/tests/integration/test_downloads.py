"""Downloads, the library, certificates and verification on the real PostgreSQL database, with catalog's and
accounts' replies stood in for (conftest.py ``FakeNeighbours``)."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound, Unauthorized
from services.licensing import downloads, library, schemas
from services.licensing.neighbours import RecentNeighbours
from services.licensing.recent import RecentAnswers
from services.licensing.models import DELETED_ACCOUNT, License
from services.licensing.tests.integration.conftest import PUBLIC, new_id, now, outbox
from services.licensing.terms import STANDARD_TERMS_VERSION

pytestmark = pytest.mark.integration


def eligibility(uow, neighbours, actor, facts) -> dict:
    return downloads.download_eligibility(uow, neighbours, actor, facts["track_id"])


# --- eligibility -----------------------------------------------------------------------------------------

def test_each_refusal_reason_and_each_way_in(uow, neighbours):
    subscriber = neighbours.add_user()["id"]
    explorer = neighbours.add_user(can_download=False, subscription_status=None)["id"]
    overdue = neighbours.add_user(can_download=False, subscription_status="past_due")["id"]
    open_track = neighbours.add_track()
    cases = [
        (explorer, open_track, False, "free_plan"),
        (overdue, open_track, False, "payment_overdue"),
        (subscriber, open_track, True, "subscriber"),
        (open_track["producer_user_id"], open_track, True, "own_track"),
        (subscriber, neighbours.add_track(licensing_model="exclusive_only"), False, "exclusive_only"),
        (subscriber, neighbours.add_track(exclusive={"price_cents": 1, "currency": "USD", "status": "sold"}), False,
         "exclusive_sold"),
        (subscriber, neighbours.add_track(withdrawn=True), False, "not_published"),
    ]
    for actor, facts, allowed, reason in cases:
        answer = eligibility(uow, neighbours, actor, facts)
        assert (answer["allowed"], answer["reason"]) == (allowed, reason), reason
        assert answer["message"]
    assert "Classic, Plus and Pro" in eligibility(uow, neighbours, explorer, open_track)["message"]


def test_unknown_and_hidden_tracks_are_not_found(uow, neighbours):
    subscriber = neighbours.add_user()["id"]
    hidden = neighbours.add_track(status="processing")
    for track_id in (new_id(), "not-a-uuid", hidden["track_id"]):
        with pytest.raises(NotFound):
            downloads.download_eligibility(uow, neighbours, subscriber, track_id)
    assert eligibility(uow, neighbours, hidden["producer_user_id"], hidden)["reason"] == "not_published"


def test_a_caller_whose_account_is_gone_is_unauthorized_whatever_the_track(uow, neighbours):
    """The gateway leaves the account check to licensing on these routes: the account is asked every time."""
    gone = new_id()
    for facts in (neighbours.add_track(), neighbours.add_track(licensing_model="exclusive_only")):
        with pytest.raises(Unauthorized):
            eligibility(uow, neighbours, gone, facts)
        with pytest.raises(Unauthorized):
            downloads.download(uow, neighbours, gone, facts["track_id"], now())
    for track_id in (new_id(), "not-a-uuid"):
        with pytest.raises(Unauthorized):
            downloads.download_eligibility(uow, neighbours, gone, track_id)


def test_the_button_may_answer_from_inputs_seconds_old_but_a_download_asks_afresh(uow, neighbours):
    clock = [0.0]
    recent = RecentNeighbours(neighbours, RecentAnswers(5.0, lambda: clock[0]))
    subscriber = neighbours.add_user()
    facts = neighbours.add_track()
    assert eligibility(uow, recent, subscriber["id"], facts)["allowed"] is True
    subscriber.update(can_download=False, subscription_status="past_due")  # the payment failed meanwhile
    neighbours.users[subscriber["id"]].update(subscriber)
    assert eligibility(uow, recent, subscriber["id"], facts)["allowed"] is True  # within ELIGIBILITY_CACHE_S
    with pytest.raises(Forbidden) as refused:
        downloads.download(uow, neighbours, subscriber["id"], facts["track_id"], now())
    assert refused.value.details["reason"] == "payment_overdue"
    clock[0] += 5.0
    assert eligibility(uow, recent, subscriber["id"], facts)["reason"] == "payment_overdue"


def test_asking_has_no_side_effect(uow, neighbours):
    subscriber = neighbours.add_user()["id"]
    eligibility(uow, neighbours, subscriber, neighbours.add_track())
    uow.commit()
    assert uow.session.query(License).count() == 0 and outbox(uow, "license_issued") == []


# --- downloading -------------------------------------------------------------------------------------------

def test_every_download_issues_a_new_standard_licence_and_its_event(uow, neighbours):
    buyer = neighbours.add_user(email="jane@example.com")
    facts = neighbours.add_track()
    first = downloads.download(uow, neighbours, buyer["id"], facts["track_id"], now())
    second = downloads.download(uow, neighbours, buyer["id"], facts["track_id"], now())
    uow.commit()
    licence = first["license"]
    assert licence["id"] != second["license"]["id"]
    assert (licence["type"], licence["status"], licence["licensee_user_id"]) == ("standard", "valid", buyer["id"])
    assert licence["licensee_email_masked"] == "j***@example.com"
    assert (licence["track_id"], licence["artist_id"], licence["producer_name"]) == \
        (facts["track_id"], facts["artist_id"], "Ana Beats")
    assert licence["terms_version"] == STANDARD_TERMS_VERSION == licence["terms"]["version"]
    assert licence["terms"]["credit"] == "Produced by Ana Beats" and licence["price"] is None
    assert licence["fingerprint_hash"] == facts["fingerprint_hash"]
    files = first["files"]
    assert files["original"] == {"key": facts["original"]["key"], "content_type": "audio/wav",
                                 "filename": "Night Drive (original).wav", "format": "wav"}
    assert files["mp3_320"]["key"] == facts["mp3_320"]["key"] and files["mp3_320"]["format"] == "mp3"
    assert files["stems"] is None
    events = outbox(uow, "license_issued")
    assert [e["license_id"] for e in events] == [licence["id"], second["license"]["id"]]
    assert events[0]["licensee_user_id"] == buyer["id"] and events[0]["producer_user_id"] == \
        facts["producer_user_id"] and events[0]["license_type"] == "standard"


def test_a_refused_download_is_forbidden_with_its_reason_and_issues_nothing(uow, neighbours):
    explorer = neighbours.add_user(can_download=False, subscription_status=None)["id"]
    with pytest.raises(Forbidden) as refused:
        downloads.download(uow, neighbours, explorer, neighbours.add_track()["track_id"], now())
    assert refused.value.details == {"reason": "free_plan"}
    assert uow.session.query(License).count() == 0


def test_the_producer_downloads_their_own_track_without_a_licence_stems_included(uow, neighbours):
    stems = {"key": "stems/2026/12/abc.zip", "size_bytes": 10, "members": []}
    facts = neighbours.add_track(licensing_model="exclusive_only", stems=stems)
    collaborator = neighbours.add_user()["id"]
    facts["owner_user_ids"].append(collaborator)
    for owner in (facts["producer_user_id"], collaborator):
        answer = downloads.download(uow, neighbours, owner, facts["track_id"], now())
        assert answer["license"] is None
        assert answer["files"]["stems"]["key"] == stems["key"] and answer["files"]["stems"]["format"] == "zip"
    assert outbox(uow, "license_issued") == []


# --- the library, one licence, its files ---------------------------------------------------------------------

def test_my_licences_newest_first_page_by_page(uow, neighbours):
    buyer = neighbours.add_user()["id"]
    issued = [downloads.download(uow, neighbours, buyer, neighbours.add_track()["track_id"], now())["license"]["id"]
              for _ in range(5)]
    downloads.download(uow, neighbours, neighbours.add_user()["id"], neighbours.add_track()["track_id"], now())
    uow.commit()
    first = library.list_my_licenses(uow, buyer, schemas.load_page(None, 2))
    assert first["total"] == 5 and [item["id"] for item in first["items"]] == issued[::-1][:2]
    rest = library.list_my_licenses(uow, buyer, schemas.load_page(first["next"], 10))
    assert [item["id"] for item in rest["items"]] == issued[::-1][2:] and rest["next"] is None
    with pytest.raises(InvalidField):
        schemas.load_page("garbage", 10)


def test_a_licence_is_seen_by_its_licensee_and_the_tracks_owners_only(uow, neighbours):
    buyer = neighbours.add_user()["id"]
    facts = neighbours.add_track()
    collaborator = new_id()
    facts["owner_user_ids"].append(collaborator)
    licence = downloads.download(uow, neighbours, buyer, facts["track_id"], now())["license"]
    for reader in (buyer, facts["producer_user_id"], collaborator):
        assert library.get_license(uow, neighbours, reader, licence["id"])["id"] == licence["id"]
    for stranger_or_unknown in ((new_id(), licence["id"]), (buyer, new_id()), (buyer, "nope")):
        with pytest.raises(NotFound):
            library.get_license(uow, neighbours, *stranger_or_unknown)


def test_a_licence_gives_its_files_again_to_its_holder_only(uow, neighbours, media):
    buyer = neighbours.add_user()["id"]
    facts = neighbours.add_track(stems={"key": "stems/2026/12/x.zip", "size_bytes": 1, "members": []})
    licence = downloads.download(uow, neighbours, buyer, facts["track_id"], now())["license"]
    again = downloads.license_files(uow, neighbours, media, buyer, licence["id"])
    assert again["original"]["key"] == facts["original"]["key"] and again["stems"] is None  # standard: no stems
    assert "tagged_wav" not in again and "wav" not in again  # the exclusive terms' deliverables only
    with pytest.raises(NotFound):
        downloads.license_files(uow, neighbours, media, facts["producer_user_id"], licence["id"])
    uow.session.get(License, licence["id"]).status = "revoked"
    with pytest.raises(Conflict):
        downloads.license_files(uow, neighbours, media, buyer, licence["id"])


# --- verification and the certificate ------------------------------------------------------------------------

def test_verification_tells_public_facts_only_and_unknown_ids_say_so(uow, neighbours):
    buyer = neighbours.add_user(email="jane@example.com")["id"]
    facts = neighbours.add_track()
    licence = downloads.download(uow, neighbours, buyer, facts["track_id"], now())["license"]
    uow.commit()
    shown = library.verify_license(uow, licence["id"])
    assert shown["status"] == "valid" and shown["license_type"] == "standard"
    assert shown["track"] == {"id": facts["track_id"], "title": "Night Drive"}
    assert shown["producer"] == {"artist_id": facts["artist_id"], "name": "Ana Beats"}
    assert shown["licensee_email_masked"] == "j***@example.com" and buyer not in str(shown)
    for unknown in (new_id(), "not-a-uuid"):
        with pytest.raises(NotFound) as missing:
            library.verify_license(uow, unknown)
        assert missing.value.details == {"status": "unknown"}


def test_the_certificate_is_rendered_once_and_prints_the_licence(uow, neighbours, media):
    buyer = neighbours.add_user(email="jane@example.com")["id"]
    facts = neighbours.add_track()
    licence = downloads.download(uow, neighbours, buyer, facts["track_id"], now())["license"]
    uow.commit()
    source = library.certificate_source(uow, neighbours, media, buyer, licence["id"])
    uow.commit()
    assert source["key"].startswith("certificates/") and source["content_type"] == "application/pdf"
    assert source["filename"] == f"beatpass-licence-{licence['id']}.pdf"
    pdf = media.path(source["key"]).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for printed in (licence["id"], "j***@example.com", "Night Drive", "Ana Beats", f"{PUBLIC}/verify-license/"):
        assert printed in text.replace("\n", ""), printed
    again = library.certificate_source(uow, neighbours, media, facts["producer_user_id"], licence["id"])
    assert again["key"] == source["key"] and media.keys("certificates") == [source["key"]]
    with pytest.raises(NotFound):
        library.certificate_source(uow, neighbours, media, new_id(), licence["id"])


def test_a_missing_certificate_file_is_rendered_again(uow, neighbours, media):
    buyer = neighbours.add_user()["id"]
    licence = downloads.download(uow, neighbours, buyer, neighbours.add_track()["track_id"], now())["license"]
    first = library.certificate_source(uow, neighbours, media, buyer, licence["id"])["key"]
    media.path(first).unlink()
    second = library.certificate_source(uow, neighbours, media, buyer, licence["id"])["key"]
    assert media.exists(second) and second != first
    assert uow.session.get(License, licence["id"]).licensee_email_masked != DELETED_ACCOUNT
