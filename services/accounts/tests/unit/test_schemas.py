"""Input validation of the RPC methods: what is refused, and how the refusal names each field."""
import pytest

from services.accounts import schemas
from services.common.persistence import parse_id
from services.contracts.errors import InvalidField

VALID_APPLICATION = {
    "type": "become_producer", "producer_name": "DJ Test", "beats_link": "https://example.com/beats",
    "first_name": "Ada", "last_name": "Lovelace", "accept_terms": True, "owns_beats": True,
    "grants_distribution_license": True, "commits_two_beats_per_month": True,
}
ARTIST_ID = "6f1c1f0e-8a4e-4a43-9d1f-2a7b3c9e5d10"


def refusal(load, *args) -> dict:
    with pytest.raises(InvalidField) as caught:
        load(*args)
    return caught.value.details


# --- registration ----------------------------------------------------------------------------------

def test_registration_is_trimmed_into_a_command():
    command = schemas.load_registration(" Ada@Example.com ", "0123456789", " ada_l ", " 10.0.0.1 ")
    assert (command.account.email, command.account.username, command.client_ip) == (
        "Ada@Example.com", "ada_l", "10.0.0.1")
    assert command.account.password == "0123456789"


def test_every_bad_registration_field_is_named_at_once():
    details = refusal(schemas.load_registration, "not-an-email", "short", "a!", None)
    assert set(details) == {"email", "password", "username", "client_ip"}
    assert details["password"] == ["must be at least 10 characters"]


def test_password_equal_to_the_email_is_refused_case_insensitively():
    details = refusal(schemas.load_registration, "ada@example.com", "ADA@example.COM", "ada_l", "10.0.0.1")
    assert details == {"password": ["must not be or contain your email address"]}


@pytest.mark.parametrize("username", ["ab", "x" * 31, "has space", "émile", "semi;colon"])
def test_bad_usernames_are_refused(username):
    assert "username" in refusal(schemas.load_registration, "ada@example.com", "0123456789", username, "1.1.1.1")


@pytest.mark.parametrize("username", ["abc", "x" * 30, "Ada.L-ove_1"])
def test_good_usernames_pass(username):
    assert schemas.load_registration("ada@example.com", "0123456789", username, "1.1.1.1").account.username == username


def test_credentials_need_strings_only():
    assert schemas.load_credentials("whatever", "pw", "1.1.1.1").email == "whatever"
    assert set(refusal(schemas.load_credentials, None, 5, "1.1.1.1")) == {"email", "password"}


# --- profile ---------------------------------------------------------------------------------------

def test_profile_changes_keep_only_what_was_sent():
    assert schemas.load_profile_changes({"city": " Montréal "}).values == {"city": "Montréal"}


def test_blank_or_null_clears_a_profile_field():
    assert schemas.load_profile_changes({"name": "  ", "country": None}).values == {"name": None, "country": None}


@pytest.mark.parametrize("field", ["roles", "plan", "id", "email", "tokens", "password_hash"])
def test_profile_changes_cannot_touch_anything_else(field):
    assert refusal(schemas.load_profile_changes, {field: "admin"}) == {field: ["Unknown field."]}


def test_links_must_be_web_urls_and_at_most_ten():
    assert refusal(schemas.load_profile_changes, {"links": ["https://ok.example.com", "javascript:alert(1)"]}) == {
        "links": ["[1] Not a valid URL."]}
    assert "links" in refusal(schemas.load_profile_changes, {"links": ["https://a.example.com"] * 11})


def test_profile_changes_must_be_an_object():
    assert refusal(schemas.load_profile_changes, ["name"]) == {"changes": ["Invalid input type."]}


def test_description_is_limited():
    assert "description" in refusal(schemas.load_profile_changes, {"description": "x" * 2001})


# --- producer applications ------------------------------------------------------------------------

def test_a_complete_application_loads_without_its_confirmations():
    application = schemas.load_application(VALID_APPLICATION)
    assert application.type == "become_producer" and application.producer_name == "DJ Test"
    assert not hasattr(application, "accept_terms")


@pytest.mark.parametrize("confirmation", schemas.CONFIRMATIONS)
def test_each_confirmation_must_be_given(confirmation):
    data = {key: value for key, value in VALID_APPLICATION.items() if key != confirmation}
    assert refusal(schemas.load_application, data) == {confirmation: ["Missing data for required field."]}


@pytest.mark.parametrize("confirmation", schemas.CONFIRMATIONS)
@pytest.mark.parametrize("value", [False, "true", 1, None])
def test_each_confirmation_must_be_json_true(confirmation, value):
    details = refusal(schemas.load_application, {**VALID_APPLICATION, confirmation: value})
    assert list(details) == [confirmation]


@pytest.mark.parametrize("handle, valid", [("@dj.test_1", True), ("djtest", True), ("dj test", False),
                                           ("@" + "x" * 31, False)])
def test_instagram_must_be_a_handle(handle, valid):
    if valid:
        assert schemas.load_application({**VALID_APPLICATION, "instagram": handle}).instagram == handle
    else:
        assert "instagram" in refusal(schemas.load_application, {**VALID_APPLICATION, "instagram": handle})


@pytest.mark.parametrize("field", ["producer_name", "beats_link", "first_name", "last_name"])
def test_become_producer_needs_its_fields(field):
    data = {**VALID_APPLICATION, field: "  "} if field != "beats_link" else {**VALID_APPLICATION, field: None}
    assert refusal(schemas.load_application, data) == {field: ["Missing data for required field."]}


def test_claim_artist_also_needs_a_uuid_artist_id():
    claim = {**VALID_APPLICATION, "type": "claim_artist"}
    assert refusal(schemas.load_application, claim) == {"artist_id": ["Missing data for required field."]}
    assert refusal(schemas.load_application, {**claim, "artist_id": "nope"}) == {"artist_id": ["Not a valid UUID."]}
    assert schemas.load_application({**claim, "artist_id": ARTIST_ID.upper()}).artist_id == ARTIST_ID


def test_get_verified_needs_only_the_confirmations():
    confirmations = {name: True for name in schemas.CONFIRMATIONS}
    assert schemas.load_application({"type": "get_verified", **confirmations}).type == "get_verified"


def test_beats_link_must_be_http_and_is_not_also_called_missing():
    details = refusal(schemas.load_application, {**VALID_APPLICATION, "beats_link": "ftp://example.com/beats"})
    assert details == {"beats_link": ["Not a valid URL."]}


def test_unknown_type_and_unknown_fields_are_refused():
    details = refusal(schemas.load_application, {**VALID_APPLICATION, "type": "be_famous", "status": "approved"})
    assert set(details) == {"type", "status"}


def test_rejection_needs_a_reason():
    assert refusal(schemas.load_reason, "   ") == {"reason": ["a reason is required"]}
    assert refusal(schemas.load_reason, None) == {"reason": ["Field may not be null."]}
    assert schemas.load_reason(" no beats behind the link ") == "no beats behind the link"


# --- pages -----------------------------------------------------------------------------------------

def test_page_defaults():
    page = schemas.load_page("followers", None, None)
    assert page.after is None and page.limit == 20


@pytest.mark.parametrize("limit", [0, 101, -1, "many"])
def test_limit_is_between_1_and_100(limit):
    assert "limit" in refusal(schemas.load_page, "followers", None, limit)


def test_status_filter_is_one_of_the_statuses():
    assert schemas.load_application_filter("applications", "pending", None, 5)[0] == "pending"
    assert "status" in refusal(schemas.load_application_filter, "applications", "done", None, 5)


def test_parse_id_canonicalises_uuids_and_rejects_the_rest():
    assert parse_id(ARTIST_ID.upper()) == ARTIST_ID
    assert parse_id("1 OR 1=1") is None
    assert parse_id(42) is None
