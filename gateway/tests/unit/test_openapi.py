"""The OpenAPI document: valid, complete, generated from the validating schemas; the docs page."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from openapi_spec_validator import validate

from gateway import openapi
from gateway.openapi import IGNORED_METHODS, RULE_ARGUMENT


@pytest.fixture
def spec(http) -> dict:
    response = http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_route_of_the_app_is_documented(app, spec):
    routes = {(RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() for method in rule.methods - IGNORED_METHODS}
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert routes == documented
    assert len(routes) >= 18


def test_an_undocumented_route_stops_the_app_from_building():
    app = Flask(__name__)
    app.add_url_rule("/secret", view_func=lambda: "x")
    with pytest.raises(RuntimeError, match="/secret"):
        openapi.build(app)


def test_bearer_security_and_private_operations(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer",
                                                               "bearerFormat": "JWT"}
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    assert me["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    assert register["security"] == []
    assert {"201", "400", "409", "413", "415", "422", "429"} <= set(register["responses"])


def test_request_schemas_come_from_the_validating_ones(spec):
    schemas = spec["components"]["schemas"]
    register = schemas["RegisterRequest"]
    assert register["additionalProperties"] is False
    assert set(register["required"]) == {"email", "password", "username"}
    assert register["properties"]["username"]["maxLength"] == 30
    application = schemas["ProducerApplicationRequest"]
    assert application["properties"]["type"]["enum"] == ["become_producer", "claim_artist", "get_verified"]
    assert application["properties"]["accept_terms"]["enum"] == [True]
    assert schemas["ProfilePatch"]["properties"]["links"]["maxItems"] == 10


def test_lists_document_the_envelope_and_paging(spec):
    page = spec["components"]["schemas"]["ApplicationPage"]
    assert set(page["properties"]) == {"items", "total", "next"}
    assert page["properties"]["next"]["nullable"] is True
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/me/applications"]["get"]["parameters"]}
    assert parameters["limit"]["schema"] == {"type": "integer", "default": 20, "minimum": 1, "maximum": 100}
    # base64url only: a generated cursor of percent-encoded text would overflow the request line (HTML 414)
    assert parameters["cursor"]["schema"] == {"type": "string", "maxLength": 512, "pattern": "^[A-Za-z0-9_-]*$"}


def test_errors_share_one_schema(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "details"}
    for response in spec["components"]["responses"].values():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in spec["components"]["responses"]["TooManyRequests"]["headers"]


def test_the_docs_page_is_self_contained(http, spec):
    response = http.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    # no external scripts, styles, fonts or images
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "/api/v1/users/{user_id}/follow" in page  # the document travels inside the page
    assert page.count("<script") == 2 and "</script>" in page


def test_the_embedded_document_cannot_close_its_script_element(app):
    app.extensions["openapi"] = {**app.extensions["openapi"], "info": {"title": "</script><b>x", "version": "1"}}
    page = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    assert "</script><b>" not in page


def test_path_parameters_carry_their_converter_types(spec):
    like = spec["paths"]["/api/v1/likes/{kind}/{item_id}"]["put"]["parameters"]
    by_name = {param["name"]: param["schema"] for param in like}
    assert by_name["kind"] == {"type": "string", "enum": ["tracks", "collections", "producers"]}
    assert by_name["item_id"] == {"type": "string", "format": "uuid"}
