"""Over the real broker, as the gateway calls it: replies and errors survive JSON serialisation."""
import json

import pytest
from nameko.exceptions import RemoteError, serialize
from nameko.standalone.rpc import ServiceRpcProxy

from services.accounts.conftest import PASSWORD, new_email, new_ip, new_username
from services.contracts.errors import InvalidField, details_from_wire

pytestmark = pytest.mark.integration


def test_register_and_errors_over_rpc(accounts, rabbit_config):
    with ServiceRpcProxy("accounts", rabbit_config) as proxy:
        assert proxy.ping() == "pong"
        user = proxy.register(email=new_email(), password=PASSWORD, username=new_username(), client_ip=new_ip())
        assert proxy.get_user(actor_id=user["id"]) == user
        with pytest.raises(RemoteError) as caught:
            proxy.register(email=new_email(), password="short", username=new_username(), client_ip=new_ip())
    assert caught.value.exc_type == "InvalidField"


def test_error_details_travel_in_exc_args_as_json_text_keeping_their_types():
    details = {"password": ["too short"], "retry_after": 7, "cost": 3, "renewable": False, "reset_at": None}
    wire = json.loads(json.dumps(serialize(InvalidField("invalid password", details))))
    assert wire["exc_type"] == "InvalidField"
    message, sent = wire["exc_args"]
    assert message == "invalid password"
    assert details_from_wire(sent) == details  # nameko would have made 7 into "7" inside a dict
