"""The OpenAPI 3 document, built from the app's routes and the same marshmallow schemas that validate.

Every view carries an :func:`doc` description; :func:`build` walks ``app.url_map`` and refuses to
start if a route has none, so the document cannot silently miss an endpoint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema
from marshmallow.fields import Nested

from gateway import examples, schemas
from gateway.errors import BY_STATUS

F = TypeVar("F", bound=Callable[..., Any])

RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
PARAMETER_TYPES = {"uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer"}}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Operation:
    summary: str
    ok: tuple[int, type[Schema] | None]
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    errors: tuple[int, ...] = ()  # refusals the service may answer with (403, 404, 409, 429, …)
    rpc: bool = True
    description: str = ""
    content_type: str = "application/json"
    body_type: str = "application/json"  # multipart/form-data for uploads
    example: Any = None  # the request body's example, when not the body schema's own (gateway.examples)
    response_example: Any = None  # the success body's example, when not the response schema's own


MULTIPART = "multipart/form-data"


def doc(summary: str, *, ok: tuple[int, type[Schema] | None] = (200, None), body: type[Schema] | None = None,
        query: type[Schema] | None = None, errors: tuple[int, ...] = (), rpc: bool = True,
        description: str = "", content_type: str = "application/json",
        body_type: str = "application/json", example: Any = None, response_example: Any = None) -> Callable[[F], F]:
    """Describe a view for the OpenAPI document (``body_type=MULTIPART`` for uploads). Examples come from
    ``gateway.examples`` by schema; ``example`` / ``response_example`` give a route its own."""

    def decorate(view: F) -> F:
        view.openapi = Operation(summary, ok, body, query, errors, rpc, description,  # type: ignore[attr-defined]
                                 content_type, body_type, example, response_example)
        return view

    return decorate


def _component_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


def _unmodelled(content_type: str) -> dict[str, Any]:
    """The schema of a success body no marshmallow schema describes: JSON, text, or a file's bytes."""
    if content_type == "application/json":
        return {"type": "object"}
    return {"type": "string"} if content_type.startswith("text/") else {"type": "string", "format": "binary"}


def _error_statuses(op: Operation, secured: bool) -> list[int]:
    statuses = set(op.errors) | {500}
    if op.body is not None:
        statuses |= {400, 413, 415, 422}
    if op.body_type == MULTIPART:
        statuses.add(408)
    if op.query is not None:
        statuses.add(422)
    if secured:
        statuses.add(401)
    if op.rpc:
        statuses |= {503, 504}
    return sorted(statuses)


def _operation(endpoint: str, op: Operation, secured: bool, path_params: list[dict[str, Any]]) -> dict[str, Any]:
    status, schema = op.ok
    success: dict[str, Any] = {"description": op.summary}
    example = op.response_example if op.response_example is not None else \
        examples.response_example(schema) if schema is not None else None
    if status != 204:
        media: dict[str, Any] = {"schema": schema if schema is not None else _unmodelled(op.content_type)}
        if example is not None:
            media["example"] = example
        success["content"] = {op.content_type: media}
    responses: dict[str, Any] = {str(status): success}
    for error_status in _error_statuses(op, secured):
        responses[str(error_status)] = _component_name(BY_STATUS[error_status].code)
    operation: dict[str, Any] = {
        "tags": [endpoint.split(".")[0]],
        "summary": op.summary,
        "operationId": endpoint.replace(".", "_"),
        "responses": responses,
        "security": [{"bearer": []}] if secured else [],
    }
    if op.description:
        operation["description"] = op.description
    parameters = list(path_params)
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    if parameters:
        operation["parameters"] = parameters
    if op.body is not None:
        content: dict[str, Any] = {"schema": op.body}
        if op.body_type == MULTIPART:
            # file parts are binary; object parts (the JSON metadata) travel as application/json
            content["encoding"] = {name: {"contentType": "application/json"}
                                   for name, fld in op.body._declared_fields.items() if isinstance(fld, Nested)}
        bodies = {"default": op.example} if op.example is not None else examples.request_examples(op.body)
        if bodies is not None:
            content["examples"] = {name: {"value": body} for name, body in bodies.items()}
        operation["requestBody"] = {"required": True, "content": {op.body_type: content}}
    return operation


def _parameter_schema(match: re.Match) -> dict[str, Any]:
    if match["converter"] == "any":  # <any(a, b):name> matches only those words
        return {"type": "string", "enum": [word.strip(" '\"") for word in match["args"].split(",")]}
    return PARAMETER_TYPES.get(match["converter"] or "", {"type": "string"})


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = [{"in": "path", "name": match["name"], "required": True, "schema": _parameter_schema(match)}
              for match in RULE_ARGUMENT.finditer(rule)]
    return RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule), params


def build(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="BeatPass API", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Beat subscriptions. Errors are `{error, message, details}`; lists are "
                             "`{items, total, next}` paged with `cursor` and `limit` (1–100)."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=schemas.Error)
    for status, row in sorted(BY_STATUS.items()):
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = {"schema": {"type": "string"}, "description": "Bearer challenge."}
        if status == 429:
            headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        content["application/json"]["example"] = examples.error_example(row.code)
        response: dict[str, Any] = {"description": row.description, "content": content}
        if headers:
            response["headers"] = headers
        spec.components.response(_component_name(row.code), response)

    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        op: Operation | None = getattr(view, "openapi", None)
        if op is None:
            raise RuntimeError(f"route {rule.rule} ({rule.endpoint}) has no OpenAPI description; add @doc")
        path, path_params = _path(rule.rule)
        methods = sorted((rule.methods or set()) - IGNORED_METHODS)
        for method in methods:
            endpoint = rule.endpoint if len(methods) == 1 else f"{rule.endpoint}.{method.lower()}"
            paths.setdefault(path, {})[method.lower()] = _operation(
                endpoint, op, bool(getattr(view, "login_required", False)), path_params)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
