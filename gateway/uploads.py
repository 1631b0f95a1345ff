"""Receiving multipart uploads: file parts stream into the media store, fields are validated as they arrive.

A form is described by :class:`FileSpec` (where a file part goes and how large it may be) and
field parsers (text → value, raising ``InvalidField``). A field that arrives before the files is
validated before any file byte is read; on any refusal — here or later in the view, see
:meth:`Received.cleanup_on_error` — every file already stored is deleted, so nothing is orphaned.

The gateway writes new files but owns none (docs/media-store.md): once catalog accepts their keys
they are catalog's to delete. Until then they are the gateway's own, removed on a refusal; after a
call whose outcome is unknown (a timeout, a lost broker) they are left alone, as catalog may hold them.
"""
from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge, RequestTimeout, UnsupportedMediaType

from gateway.multipart import MultipartReader
from gateway.rpc import RpcFailure
from gateway.schemas import MISSING
from gateway.validation import invalid_fields, refuse_unstorable_text
from services.common.images import HEAD_BYTES, image_content_type
from services.common.media import MediaStore, TooLarge, TooSlow
from services.contracts.errors import BadRequest, InvalidField

log = logging.getLogger(__name__)

FieldParser = Callable[[str], Any]

NOT_AN_IMAGE = "Must be a PNG, JPEG or WebP image."
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")


@dataclass(frozen=True)
class FileSpec:
    area: str  # media-store area, e.g. uploads, covers, images
    limit_setting: str  # config key of the part's byte limit
    image: bool = False  # must be PNG/JPEG/WebP by content


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str | None


@dataclass
class Received:
    store: MediaStore
    files: dict[str, StoredFile] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    def keys(self) -> list[str]:
        return [stored.key for stored in self.files.values()]

    def discard(self) -> None:
        self.store.discard_unclaimed(*self.keys())

    @contextlib.contextmanager
    def cleanup_on_error(self) -> Iterator["Received"]:
        """Delete the stored files if anything in the block raises (validation, a refusal by catalog, …),
        except a call that got no answer: catalog may have taken the files, and only it deletes them then."""
        try:
            yield self
        except RpcFailure:
            log.warning("catalog did not answer an upload's hand-over; its files stay: %s", ", ".join(self.keys()))
            raise
        except BaseException:
            self.discard()
            raise


def media_store(app: Flask | None = None) -> MediaStore:
    return (app or current_app).extensions["media"]


def json_field(schema: Schema, prefix: str) -> FieldParser:
    """Parse a JSON-object field through ``schema``; errors are named ``<prefix>.<field>``."""

    def parse(raw: str) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            raise InvalidField(f"{prefix} is not valid JSON", {prefix: ["Not valid JSON."]}) from None
        if not isinstance(data, dict):
            raise InvalidField(f"{prefix} must be a JSON object", {prefix: ["Must be a JSON object."]})
        refuse_unstorable_text(data, prefix)
        try:
            return schema.load(data)
        except ValidationError as error:
            raise invalid_fields(error, prefix) from None

    return parse


def choice_field(name: str, choices: tuple[str, ...]) -> FieldParser:
    def parse(raw: str) -> str:
        if raw not in choices:
            raise InvalidField(f"invalid field: {name}", {name: [f"Must be one of: {', '.join(choices)}."]})
        return raw

    return parse


def form_body_limit(*file_settings: str) -> Callable[[dict[str, Any]], int]:
    """A route's declared-body limit: its files' limits plus room for fields and multipart framing."""
    return lambda config: sum(int(config[name]) for name in file_settings) + int(config["MAX_BODY_BYTES"])


def body_limit(limit: Callable[[dict[str, Any]], int]) -> Callable:
    """Mark a view as accepting bodies up to ``limit(config)`` instead of MAX_BODY_BYTES (hooks.limit_body)."""

    def decorate(view: Callable) -> Callable:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return decorate


def receive(files: dict[str, FileSpec], fields: dict[str, FieldParser], required: tuple[str, ...],
            rule: Callable[[Received], dict[str, list[str]]] | None = None) -> Received:
    """Read the multipart body; 415 unless multipart, 413/408 past the limits, 422 for invalid parts.
    ``rule`` judges the parts received together (e.g. one of two parts is needed); its problems are
    reported in the same 422 as missing parts."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("send the body as multipart/form-data")
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1")
    if not boundary:
        raise BadRequest("the multipart body has no boundary")
    config = current_app.config
    seconds = float(config["UPLOAD_MAX_SECONDS"])
    reader = MultipartReader(request.stream, boundary, time.monotonic() + seconds, seconds,
                             max_field_bytes=int(config["MAX_BODY_BYTES"]))
    received = Received(media_store())
    with received.cleanup_on_error():
        try:
            _read_parts(reader, received, files, fields, seconds)
        except TooLarge as exc:
            raise RequestEntityTooLarge(f"a file part may be at most {exc.limit} bytes") from None
        except TooSlow:
            raise RequestTimeout(f"the upload was not received within {seconds:.0f} s") from None
        missing = {name: [MISSING] for name in required if name not in received.files and name not in received.fields}
        problems = {**missing, **(rule(received) if rule else {})}
        if problems:
            raise InvalidField(("missing parts: " if problems == missing else "invalid parts: ")
                               + ", ".join(problems), problems)
    return received


def _read_parts(reader: MultipartReader, received: Received, files: dict[str, FileSpec],
                fields: dict[str, FieldParser], seconds: float) -> None:
    config = current_app.config
    started = time.monotonic()
    while (part := reader.next_part()) is not None:
        if part.name in received.files or part.name in received.fields:
            raise InvalidField(f"duplicate part: {part.name}", {part.name: ["Sent more than once."]})
        if part.name in fields and part.filename is None:
            raw = reader.read_all(int(config["MAX_BODY_BYTES"]))
            received.fields[part.name] = fields[part.name](raw.decode("utf-8", "replace"))
        elif part.name in files and part.filename is not None:
            spec = files[part.name]
            remaining = max(seconds - (time.monotonic() - started), 0.001)
            key = received.store.new_key(spec.area, _suffix(part.filename))
            size = received.store.save_stream(key, reader, int(config[spec.limit_setting]), remaining)
            received.files[part.name] = StoredFile(key, size, part.content_type)
            if spec.image:
                _check_image(received, part.name)
        else:
            kind = "a file" if part.name in files else "a plain field" if part.name in fields else None
            reason = f"Must be sent as {kind}." if kind else "Unknown field."
            raise InvalidField(f"invalid part: {part.name}", {part.name: [reason]})


def _suffix(filename: str) -> str:
    """The client's file extension, when harmless (a hint for operators; content decides the format)."""
    suffix = Path(filename).suffix.lower()
    return suffix if SAFE_SUFFIX.fullmatch(suffix) else ""


def _check_image(received: Received, name: str) -> None:
    stored = received.files[name]
    mimetype = image_content_type(received.store.read_head(stored.key, HEAD_BYTES))
    if mimetype is None:
        raise InvalidField(f"invalid field: {name}", {name: [NOT_AN_IMAGE]})
    received.files[name] = StoredFile(stored.key, stored.size, mimetype)

