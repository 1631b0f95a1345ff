"""The Producer Program: applying, the admin review, and the roles an approval grants."""
import time
import uuid

import pytest

from services.accounts import producer_program
from services.accounts.schemas import CONFIRMATIONS
from services.contracts.errors import Conflict, Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration

APPLICATION_KEYS = {"id", "user_id", "username", "type", "status", "producer_name", "beats_link", "first_name", "last_name",
                    "label", "instagram", "artist_id", "rejection_reason", "created_at", "decided_at"}
CONFIRMED = {name: True for name in CONFIRMATIONS}


def become_producer(**overrides) -> dict:
    return {"type": "become_producer", "producer_name": "DJ Test", "beats_link": "https://beats.example.com/dj",
            "first_name": "Ada", "last_name": "Lovelace", **CONFIRMED, **overrides}


def claim_artist(artist_id: str | None = None) -> dict:
    return become_producer(type="claim_artist", artist_id=artist_id or str(uuid.uuid4()))


def page_available(artist_id: str) -> str:
    """The catalog's answer for use cases called directly: every page exists and is unclaimed."""
    return "available"


def get_verified() -> dict:
    return {"type": "get_verified", **CONFIRMED}


def make_producer(accounts, admin: dict) -> dict:
    user = accounts.register_user()
    application = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    accounts.approve_application(actor_id=admin["id"], application_id=application["id"])
    return user


@pytest.fixture
def admin(accounts) -> dict:
    return accounts.make_admin()


def test_apply_returns_a_pending_application(accounts):
    user = accounts.register_user()
    application = accounts.apply_producer_program(actor_id=user["id"], application=become_producer(
        label="Indie", instagram="@djtest"))
    assert set(application) == APPLICATION_KEYS
    assert (application["user_id"], application["type"], application["status"]) == (
        user["id"], "become_producer", "pending")
    assert (application["label"], application["instagram"], application["artist_id"]) == ("Indie", "@djtest", None)
    assert application["decided_at"] is None and application["rejection_reason"] is None


@pytest.mark.parametrize("confirmation", CONFIRMATIONS)
@pytest.mark.parametrize("how", ["missing", "false"])
def test_each_confirmation_is_required(accounts, confirmation, how):
    user = accounts.register_user()
    application = become_producer(**{confirmation: False})
    if how == "missing":
        del application[confirmation]
    with pytest.raises(InvalidField) as caught:
        accounts.apply_producer_program(actor_id=user["id"], application=application)
    assert list(caught.value.details) == [confirmation]
    assert accounts.list_my_applications(actor_id=user["id"])["total"] == 0


def test_a_client_cannot_set_the_status(accounts):
    user = accounts.register_user()
    with pytest.raises(InvalidField) as caught:
        accounts.apply_producer_program(actor_id=user["id"], application=become_producer(status="approved"))
    assert caught.value.details == {"status": ["Unknown field."]}


def test_one_pending_application_per_type(accounts, catalog):
    user = accounts.register_user()
    accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    with pytest.raises(Conflict) as caught:
        accounts.apply_producer_program(actor_id=user["id"], application=become_producer(producer_name="Other"))
    assert caught.value.details == {"type": "become_producer"}
    # another type is still allowed
    claim = claim_artist(catalog.unclaimed_artist())
    assert accounts.apply_producer_program(actor_id=user["id"], application=claim)["status"] == "pending"


def test_a_rejected_application_can_be_followed_by_a_new_one(accounts, admin):
    user = accounts.register_user()
    first = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    accounts.reject_application(actor_id=admin["id"], application_id=first["id"], reason="link is empty")
    assert accounts.apply_producer_program(actor_id=user["id"], application=become_producer())["status"] == "pending"


def test_get_verified_is_forbidden_to_non_producers(accounts):
    user = accounts.register_user()
    with pytest.raises(Forbidden):
        accounts.apply_producer_program(actor_id=user["id"], application=get_verified())


def test_get_verified_is_refused_once_verified(accounts, admin):
    producer = make_producer(accounts, admin)
    application = accounts.apply_producer_program(actor_id=producer["id"], application=get_verified())
    approved = accounts.approve_application(actor_id=admin["id"], application_id=application["id"])
    assert approved["status"] == "approved"
    assert accounts.get_user(actor_id=producer["id"])["roles"] == ["listener", "producer", "verified"]
    with pytest.raises(Conflict):
        accounts.apply_producer_program(actor_id=producer["id"], application=get_verified())


def test_a_producer_may_apply_again_for_another_artist_page(accounts, admin, catalog):
    """A producer running a second alias applies again (a new page, or a claim); one pending of each kind."""
    producer = make_producer(accounts, admin)
    alias = accounts.apply_producer_program(actor_id=producer["id"], application=become_producer(
        producer_name="Second Alias"))
    assert alias["status"] == "pending"
    with pytest.raises(Conflict) as caught:
        accounts.apply_producer_program(actor_id=producer["id"], application=become_producer(producer_name="Third"))
    assert caught.value.details == {"type": "become_producer"}
    claim = accounts.apply_producer_program(actor_id=producer["id"],
                                            application=claim_artist(catalog.unclaimed_artist()))
    approved = accounts.approve_application(actor_id=admin["id"], application_id=alias["id"])
    assert approved["status"] == "approved"
    assert accounts.approve_application(actor_id=admin["id"], application_id=claim["id"])["status"] == "approved"
    assert accounts.get_user(actor_id=producer["id"])["roles"] == ["listener", "producer"]


def test_approval_grants_the_producer_role_at_once(accounts, admin):
    user = accounts.register_user()
    application = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    approved = accounts.approve_application(actor_id=admin["id"], application_id=application["id"])
    assert approved["status"] == "approved" and approved["decided_at"] is not None
    assert accounts.get_user(actor_id=user["id"])["roles"] == ["listener", "producer"]
    assert accounts.get_public_profile(user_id=user["id"])["roles"] == ["listener", "producer"]


def test_approving_a_claim_grants_producer_and_the_artist_cannot_be_claimed_twice(accounts, admin, catalog):
    artist_id = catalog.unclaimed_artist()
    first, second = accounts.register_user(), accounts.register_user()
    claim = accounts.apply_producer_program(actor_id=first["id"], application=claim_artist(artist_id))
    rival = accounts.apply_producer_program(actor_id=second["id"], application=claim_artist(artist_id))
    assert accounts.approve_application(actor_id=admin["id"], application_id=claim["id"])["artist_id"] == artist_id
    assert "producer" in accounts.get_user(actor_id=first["id"])["roles"]
    with pytest.raises(Conflict):
        accounts.approve_application(actor_id=admin["id"], application_id=rival["id"])
    with pytest.raises(Conflict):
        accounts.apply_producer_program(actor_id=accounts.register_user()["id"], application=claim_artist(artist_id))


def test_a_claim_of_an_unknown_artist_page_is_invalid(accounts, catalog):
    user = accounts.register_user()
    with pytest.raises(InvalidField) as caught:
        accounts.apply_producer_program(actor_id=user["id"], application=claim_artist(str(uuid.uuid4())))
    assert caught.value.details == {"artist_id": ["no such artist page"]}
    assert accounts.list_my_applications(actor_id=user["id"])["total"] == 0


def test_a_claim_of_a_page_the_catalog_says_is_claimed_is_a_conflict(accounts, admin, catalog, monkeypatch):
    artist_id = catalog.unclaimed_artist()
    first = accounts.register_user()
    claim = accounts.apply_producer_program(actor_id=first["id"], application=claim_artist(artist_id))
    accounts.approve_application(actor_id=admin["id"], application_id=claim["id"])
    # producer_approved reaches the catalog, which links the page to the claimant
    deadline = time.monotonic() + 15
    while catalog.claim_status(artist_id)["status"] != "claimed":
        assert time.monotonic() < deadline, "the catalog never linked the claimed page"
        time.sleep(0.05)
    # and the catalog's artist_page_changed reaches accounts' copy
    catalog.wait_for_accounts_copy(artist_id, claimed=True)
    # a page claimed in the catalog is refused even without an approved claim in accounts
    monkeypatch.setattr(producer_program, "_refuse_claimed_artist", lambda *args: None)
    with pytest.raises(Conflict) as caught:
        accounts.apply_producer_program(actor_id=accounts.register_user()["id"], application=claim_artist(artist_id))
    assert caught.value.details == {"field": "artist_id"}


def test_rejection_needs_a_reason_and_grants_nothing(accounts, admin):
    user = accounts.register_user()
    application = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    with pytest.raises(InvalidField) as caught:
        accounts.reject_application(actor_id=admin["id"], application_id=application["id"], reason=" ")
    assert list(caught.value.details) == ["reason"]
    rejected = accounts.reject_application(actor_id=admin["id"], application_id=application["id"],
                                           reason="no beats at the link")
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "no beats at the link")
    assert accounts.get_user(actor_id=user["id"])["roles"] == ["listener"]


def test_a_decided_application_cannot_be_decided_again(accounts, admin):
    user = accounts.register_user()
    application = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    accounts.approve_application(actor_id=admin["id"], application_id=application["id"])
    with pytest.raises(Conflict):
        accounts.approve_application(actor_id=admin["id"], application_id=application["id"])
    with pytest.raises(Conflict):
        accounts.reject_application(actor_id=admin["id"], application_id=application["id"], reason="changed my mind")


@pytest.mark.parametrize("application_id", [str(uuid.uuid4()), "nope"])
def test_deciding_an_unknown_application_is_not_found(accounts, admin, application_id):
    with pytest.raises(NotFound):
        accounts.approve_application(actor_id=admin["id"], application_id=application_id)
    with pytest.raises(NotFound):
        accounts.reject_application(actor_id=admin["id"], application_id=application_id, reason="x")


def test_only_admins_review(accounts, admin):
    applicant, someone = accounts.register_user(), accounts.register_user()
    application = accounts.apply_producer_program(actor_id=applicant["id"], application=become_producer())
    for actor in (someone["id"], applicant["id"], str(uuid.uuid4())):
        with pytest.raises(Forbidden):
            accounts.list_applications(actor_id=actor)
        with pytest.raises(Forbidden):
            accounts.approve_application(actor_id=actor, application_id=application["id"])
        with pytest.raises(Forbidden):
            accounts.reject_application(actor_id=actor, application_id=application["id"], reason="no")
    assert accounts.get_user(actor_id=applicant["id"])["roles"] == ["listener"]
    mine = accounts.list_my_applications(actor_id=applicant["id"])["items"]
    assert [item["status"] for item in mine] == ["pending"]


def test_invalid_input_is_reported_before_the_permission_refusal(accounts):
    someone = accounts.register_user()
    with pytest.raises(InvalidField):
        accounts.reject_application(actor_id=someone["id"], application_id=str(uuid.uuid4()), reason="")
    with pytest.raises(InvalidField):
        accounts.list_applications(actor_id=someone["id"], status="archived")


def test_admin_lists_applications_oldest_first_with_a_status_filter(accounts, admin):
    users = [accounts.register_user() for _ in range(3)]
    created = [accounts.apply_producer_program(actor_id=u["id"], application=become_producer()) for u in users]
    accounts.reject_application(actor_id=admin["id"], application_id=created[1]["id"], reason="no")
    ours = {item["id"] for item in created}
    pending, cursor = [], None
    while True:
        page = accounts.list_applications(actor_id=admin["id"], status="pending", cursor=cursor, limit=2)
        pending += [item for item in page["items"] if item["id"] in ours]
        assert all(item["status"] == "pending" for item in page["items"])
        cursor = page["next"]
        if cursor is None:
            break
    assert [item["id"] for item in pending] == [created[0]["id"], created[2]["id"]]
    assert [item["username"] for item in pending] == [users[0]["username"], users[2]["username"]]  # who applied
    rejected = accounts.list_applications(actor_id=admin["id"], status="rejected", limit=100)
    assert created[1]["id"] in {item["id"] for item in rejected["items"]}
    everything = accounts.list_applications(actor_id=admin["id"], limit=1)
    assert everything["total"] >= 3 and len(everything["items"]) == 1 and everything["next"]


def test_my_applications_are_mine_only_newest_first(accounts, admin, catalog):
    user, other = accounts.register_user(), accounts.register_user()
    first = accounts.apply_producer_program(actor_id=user["id"], application=become_producer())
    second = accounts.apply_producer_program(actor_id=user["id"],
                                             application=claim_artist(catalog.unclaimed_artist()))
    accounts.apply_producer_program(actor_id=other["id"], application=become_producer())
    page = accounts.list_my_applications(actor_id=user["id"], limit=1)
    assert page["total"] == 2 and [item["id"] for item in page["items"]] == [second["id"]]
    rest = accounts.list_my_applications(actor_id=user["id"], cursor=page["next"], limit=1)
    assert [item["id"] for item in rest["items"]] == [first["id"]] and rest["next"] is None
