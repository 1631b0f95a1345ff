"""``usernames``: the batch look-up the gateway makes once per list page that names people."""
import uuid

import pytest

from services.accounts.users import USERNAMES_MAX
from services.contracts.errors import InvalidField

pytestmark = pytest.mark.integration


def test_each_id_gets_its_username_and_an_unknown_one_null(accounts):
    first, second = accounts.register_user(), accounts.register_user()
    nobody, not_an_id = str(uuid.uuid4()), "not-an-id"
    answer = accounts.usernames(user_ids=[first["id"], second["id"], nobody, not_an_id, first["id"]])
    assert answer == {first["id"]: first["username"], second["id"]: second["username"], nobody: None,
                      not_an_id: None}
    assert accounts.usernames(user_ids=[]) == {}


@pytest.mark.parametrize("user_ids", [None, "one-id", [str(uuid.uuid4())] * (USERNAMES_MAX + 1)])
def test_anything_but_a_short_list_is_refused(accounts, user_ids):
    with pytest.raises(InvalidField) as caught:
        accounts.usernames(user_ids=user_ids)
    assert "user_ids" in caught.value.details
