"""A pull-style, streaming multipart/form-data reader over Werkzeug's sans-IO decoder.

``next_part()`` moves to the next part; ``read()`` returns the current part's data a chunk at a
time (``b""`` at its end), so a file part can be copied straight into the media store without
ever being held whole in memory or spooled to a temporary file. The deadline is checked before
every read from the client.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import BinaryIO

from werkzeug.sansio.multipart import (NEED_DATA, Data, Epilogue, Event, Field, File, MultipartDecoder,
                                       Preamble)

from werkzeug.exceptions import RequestEntityTooLarge

from services.common.media import TooSlow
from services.contracts.errors import BadRequest

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None  # None for a plain field
    content_type: str | None


class MultipartReader:
    def __init__(self, stream: BinaryIO, boundary: bytes, deadline: float, max_seconds: float,
                 max_field_bytes: int, max_parts: int = 16):
        self._stream = stream
        self._deadline = deadline
        self._max_seconds = max_seconds
        # no max_form_memory_size: it would count the file data we feed too; see _event instead
        self._decoder = MultipartDecoder(boundary, max_parts=max_parts)
        self._max_pending = max_field_bytes
        self._eof = False
        self._in_part = False
        self._finished = False

    def _event(self) -> Event:
        while True:
            try:
                event = self._decoder.next_event()
            except ValueError:
                raise BadRequest("the multipart body is malformed or ends early") from None
            if event is not NEED_DATA:
                return event
            if self._eof:
                raise BadRequest("the multipart body ends early")
            if len(self._decoder.buffer) > self._max_pending:  # e.g. part headers that never end
                raise RequestEntityTooLarge(f"a multipart part header may be at most {self._max_pending} bytes")
            if time.monotonic() > self._deadline:
                raise TooSlow(self._max_seconds)
            chunk = self._stream.read(CHUNK)
            self._eof = not chunk
            self._decoder.receive_data(chunk or None)

    def next_part(self) -> Part | None:
        """The next part's header, or None after the last one (its unread data is skipped)."""
        while self._in_part:
            self.read()
        if self._finished:
            return None
        event = self._event()
        while isinstance(event, Preamble):
            event = self._event()
        if isinstance(event, Epilogue):
            self._finished = True
            return None
        if isinstance(event, (Field, File)):
            self._in_part = True
            filename = event.filename if isinstance(event, File) else None
            return Part(event.name, filename, event.headers.get("Content-Type"))
        raise BadRequest("the multipart body is malformed")

    def read(self, _size: int = -1) -> bytes:
        """The current part's next chunk; ``b""`` once it is exhausted (file-like for save_stream)."""
        while self._in_part:
            event = self._event()
            if not isinstance(event, Data):
                raise BadRequest("the multipart body is malformed")
            if not event.more_data:
                self._in_part = False
            if event.data:
                return event.data
        return b""

    def read_all(self, limit: int) -> bytes:
        """The current part whole, for small fields (at most ``limit`` bytes, else BadRequest)."""
        chunks: list[bytes] = []
        size = 0
        while chunk := self.read():
            size += len(chunk)
            if size > limit:
                raise BadRequest(f"a form field may be at most {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
