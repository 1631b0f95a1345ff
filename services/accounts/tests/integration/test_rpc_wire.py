"""Over the real broker, as the gateway calls it: replies and errors survive JSON serialisation."""
import json

import pytest
from nameko.exceptions import RemoteError, serialize
from nameko.standalone.rpc import ServiceRpcProxy

from services.accounts.tests.integration.conftest import PASSWORD, new_email, new_ip, new_username
from services.contracts.errors import InvalidField

pytestmark = pytest.mark.integration


def test_register_and_errors_over_rpc(accounts, rabbit_config):
    with ServiceRpcProxy("accounts", rabbit_config) as proxy:
        assert proxy.ping() == "pong"
        user = proxy.register(email=new_email(), password=PASSWORD, username=new_username(), client_ip=new_ip())
        assert proxy.get_user(actor_id=user["id"]) == user
        with pytest.raises(RemoteError) as caught:
            proxy.register(email=new_email(), password="short", username=new_username(), client_ip=new_ip())
    assert caught.value.exc_type == "InvalidField"


def test_error_details_travel_in_exc_args():
    wire = json.loads(json.dumps(serialize(InvalidField("invalid password", {"password": ["too short"]}))))
    assert wire["exc_type"] == "InvalidField"
    assert wire["exc_args"] == ["invalid password", {"password": ["too short"]}]
