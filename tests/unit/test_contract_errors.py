"""Contract errors keep their message and typed details through nameko's serialisation and pickling."""
from __future__ import annotations

import pickle

from nameko.exceptions import serialize

from services.contracts.errors import PaymentRequired, details_from_wire

DETAILS = {"cost": 3, "balance": 1, "resets_at": None, "refundable": True, "reasons": ["short"]}


def test_nameko_serialisation_keeps_numbers_booleans_and_nulls():
    message, sent = serialize(PaymentRequired("not enough tokens", DETAILS))["exc_args"]
    assert message == "not enough tokens"
    assert details_from_wire(sent) == DETAILS


def test_details_from_an_older_sender_or_garbage_are_read_safely():
    assert details_from_wire({"cost": "3"}) == {"cost": "3"}
    assert details_from_wire("not json") == {}
    assert details_from_wire("[1, 2]") == {}


def test_a_pickled_error_comes_back_whole():
    copy = pickle.loads(pickle.dumps(PaymentRequired("not enough tokens", DETAILS)))
    assert type(copy) is PaymentRequired
    assert (copy.message, copy.details) == ("not enough tokens", DETAILS)
