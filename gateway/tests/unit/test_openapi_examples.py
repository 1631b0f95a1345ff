"""The OpenAPI document's examples: one for every operation, true to the schemas, and accepted by the server."""
from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from gateway.tests.unit.support import bearer
from gateway.tests.unit.uploads_support import PNG, post_form

BODY_METHODS = ("post", "put", "patch")
REFUSALS = {400, 413, 415, 422}
WAV = b"RIFF" + b"\x00" * 4 + b"WAVEfmt " + bytes(range(64))
FILE_PARTS = {"audio": ("track.wav", WAV, "audio/wav"), "cover": ("cover.png", PNG, "image/png"),
              "image": ("image.png", PNG, "image/png"), "stems": ("stems.zip", b"PK\x05\x06" + bytes(18),
                                                                  "application/zip")}
EXAMPLE_IDS = {"uuid": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "integer": "1"}


@pytest.fixture
def spec(http) -> dict:
    return http.get("/api/v1/openapi.json").get_json()


def operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def success(op: dict) -> tuple[str, dict]:
    status = next(code for code in op["responses"] if code.startswith("2"))
    return status, op["responses"][status]


def is_file(media: dict) -> bool:
    return media["schema"].get("format") == "binary"


def check(instance: Any, schema: dict, spec: dict) -> None:
    """Validate against a schema of the document, its $refs resolved within it."""
    OAS30Validator({"allOf": [schema], "components": spec["components"]}).validate(instance)


def test_every_operation_has_a_response_example_and_a_request_example_when_it_takes_a_body(spec):
    missing = []
    for path, method, op in operations(spec):
        status, response = success(op)
        if status == "204":
            assert "content" not in response, (method, path)
        for content_type, media in response.get("content", {}).items():
            if not is_file(media) and "example" not in media:  # file bytes (audio, images) have no JSON example
                missing.append(f"{method.upper()} {path}: {status} {content_type}")
        for content_type, media in op.get("requestBody", {}).get("content", {}).items():
            if not media.get("examples"):
                missing.append(f"{method.upper()} {path}: request {content_type}")
    assert missing == []
    with_bodies = [op for _, method, op in operations(spec) if "requestBody" in op]
    assert len(with_bodies) >= 19


def test_every_response_example_fits_its_schema(spec):
    for path, method, op in operations(spec):
        for content_type, media in success(op)[1].get("content", {}).items():
            if "example" in media and content_type == "application/json":
                check(media["example"], media["schema"], spec)
    for name, response in spec["components"]["responses"].items():
        media = response["content"]["application/json"]
        check(media["example"], media["schema"], spec)
        assert media["example"]["error"] != "", name


def test_every_request_example_fits_its_schema(spec):
    for path, method, op in operations(spec):
        for content_type, media in op.get("requestBody", {}).get("content", {}).items():
            for name, example in media["examples"].items():
                check(example["value"], media["schema"], spec)


def _url(path: str, op: dict) -> str:
    for parameter in op.get("parameters", []):
        if parameter["in"] == "path":
            schema = parameter["schema"]
            value = schema["enum"][0] if "enum" in schema else EXAMPLE_IDS[schema.get("format", schema["type"])]
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def _send(http, method: str, url: str, content_type: str, body: dict[str, Any]):
    if content_type == "multipart/form-data":
        parts = [(name, FILE_PARTS[name] if name in FILE_PARTS else
                  value if isinstance(value, str) else json.dumps(value)) for name, value in body.items()]
        return post_form(http, url, parts, method=method.upper())
    return http.open(url, method=method.upper(), json=body, headers=bearer())


def example_requests(spec: dict) -> list[tuple[str, str, str, str, dict]]:
    return [(method, _url(path, op), content_type, name, example["value"])
            for path, method, op in operations(spec) if method in BODY_METHODS
            for content_type, media in op.get("requestBody", {}).get("content", {}).items()
            for name, example in media["examples"].items()]


def test_requests_built_from_the_examples_pass_the_gateways_validation(http, rpc, spec):
    """Each example reaches its service: nothing in the gateway refused it (the fake service's empty answer
    may make the response itself fail afterwards; what counts is that the request got through)."""
    requests = example_requests(spec)
    assert {content_type for _, _, content_type, _, _ in requests} == {"application/json", "multipart/form-data"}
    for method, url, content_type, name, body in requests:
        rpc.calls.clear()
        response = _send(http, method, url, content_type, body)
        assert response.status_code not in REFUSALS, (method, url, name, response.get_json())
        assert rpc.calls, (method, url, name, response.status_code)


def _upload_example(spec: dict, name: str) -> dict[str, Any]:
    media = spec["paths"]["/api/v1/tracks"]["post"]["requestBody"]["content"]["multipart/form-data"]
    return json.loads(json.dumps(media["examples"][name]["value"]))


def test_the_upload_spec_states_the_conditional_rules(spec):
    metadata = spec["components"]["schemas"]["TrackMetadata"]
    assert {"name", "bpm", "key", "scale"} <= set(metadata["required"])
    for rule in ("`artists`", "`collection_id`", "`cover_preset`", "`cover` part", "`exclusive`"):
        assert rule in metadata["description"]
    assert "collection_id" in metadata["properties"]["artists"]["description"]
    form = spec["components"]["schemas"]["TrackUploadForm"]
    assert "cover_preset" in form["properties"]["cover"]["description"]
    media = spec["paths"]["/api/v1/tracks"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert set(media["examples"]) == {"preset_cover", "cover_file", "in_collection", "exclusive"}


@pytest.mark.parametrize("example, remove, refused", [
    ("preset_cover", ("metadata", "cover_preset"), "cover"),
    ("preset_cover", ("metadata", "artists"), "metadata.artists"),
    ("cover_file", ("cover", None), "cover"),
    ("in_collection", ("metadata", "collection_id"), "metadata.artists"),
    ("exclusive", ("metadata", "exclusive"), "metadata.exclusive"),
])
def test_each_conditional_part_of_an_upload_example_is_needed(http, rpc, spec, example, remove, refused):
    """What the spec marks as conditionally required is exactly what the server asks for."""
    body = _upload_example(spec, example)
    part, field = remove
    if field is None:
        del body[part]
    else:
        del body[part][field]
    response = _send(http, "post", "/api/v1/tracks", "multipart/form-data", body)
    assert response.status_code == 422
    assert refused in response.get_json()["details"]
    assert rpc.calls == []
