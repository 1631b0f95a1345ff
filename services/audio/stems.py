"""Use case: check a track's stems archive (``check_stems``, services/contracts/rpc/audio.py; docs/stems.md).

The gateway stored the ZIP in the media store's ``stems`` area; we read it member by member and
answer its ``StemsManifest`` or refuse it with ``InvalidField`` ``{"stems": [...], "code": ...,
"member"?: ...}``. Nothing in the archive is trusted before it is checked: the entry count is read
from the end record before ``zipfile`` parses the central directory, every name is checked before
any byte is decompressed, and the bytes actually decompressed are counted against the limits while
they are read, so a header that lies about sizes gets no further than an honest one.

Each audio member is decompressed alone into a scratch file (deleted before the next one), then
judged by the upload's own checks (``analysis.read_claims``: lossless WAV/FLAC by content, a sound
header) and one decoding pass that counts its real length. Directory entries and the junk archivers
add (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``, ``desktop.ini``) are skipped unread, but their names
are checked and they count as entries.

The whole check runs in an OS thread (``offhub.run``) inside one of audio's heavy slots and gives
up at ``STEMS_CHECK_MAX_SECONDS`` (code ``check_timeout``). ``inspect`` and what it calls touch no
green primitive (offhub's rule): no logging there, and the scratch directory is made on the hub
(``tempfile`` takes a lock created at import time, a green one)."""
from __future__ import annotations

import logging
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from services.audio import offhub
from services.audio.analysis import Rejection
from services.audio.analysis.analyse import Claims, Decoding, open_decoder, read_claims
from services.common.config import env_float
from services.common.media import AUDIO, MediaError, MediaStore
from services.contracts.errors import InvalidField, NotFound
from services.contracts.vocabularies import (STEMS_DURATION_TOLERANCE_S, STEMS_MAX_COMPRESSION_RATIO,
                                             STEMS_MAX_MEMBERS, STEMS_MAX_UNCOMPRESSED_BYTES,
                                             STEMS_REJECTION_CODES)

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
HEAD_BYTES = 512  # enough for every archive magic below (tar's sits at offset 257)
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; the end record of an empty ZIP
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".lz",
                    ".lzma", ".cab", ".arj", ".z")
ARCHIVE_MAGICS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"PK\x03\x04", "zip"), (0, b"PK\x05\x06", "zip"), (0, b"PK\x07\x08", "zip"),
    (0, b"Rar!\x1a\x07", "rar"), (0, b"7z\xbc\xaf\x27\x1c", "7z"), (0, b"\x1f\x8b", "gzip"),
    (0, b"BZh", "bzip2"), (0, b"\xfd7zXZ\x00", "xz"), (0, b"\x28\xb5\x2f\xfd", "zstd"), (257, b"ustar", "tar"),
    (0, b"MSCF", "cab"),
)
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
LOSSLESS_HINT = "Put only the track's WAV or FLAC stems in the ZIP."


class StemsRefused(Exception):
    """An archive we refuse: ``code`` from STEMS_REJECTION_CODES, a message saying what to do next."""

    def __init__(self, code: str, message: str, member: str | None = None, **details: Any) -> None:
        if code not in STEMS_REJECTION_CODES:
            raise ValueError(f"unknown stems rejection code {code!r}")
        super().__init__(message)
        self.code, self.message, self.member, self.details = code, message, member, details

    def as_invalid_field(self) -> InvalidField:
        details: dict[str, Any] = {"stems": [self.message], "code": self.code}
        if self.member is not None:
            details["member"] = self.member
        return InvalidField(f"invalid stems archive: {self.code}", details)


@dataclass(frozen=True)
class StemsLimits:
    max_members: int = STEMS_MAX_MEMBERS
    max_uncompressed_bytes: int = STEMS_MAX_UNCOMPRESSED_BYTES
    max_ratio: float = STEMS_MAX_COMPRESSION_RATIO
    tolerance_s: float = STEMS_DURATION_TOLERANCE_S
    max_seconds: float = 240.0  # the whole check; keep it below the gateway's STEMS_CHECK_TIMEOUT_S

    @classmethod
    def from_env(cls) -> "StemsLimits":
        """The archive limits are business rules (contracts); only the time budget is an operator's."""
        return cls(max_seconds=env_float("STEMS_CHECK_MAX_SECONDS", cls.max_seconds))


@dataclass(frozen=True)
class Track:
    """What the stems must match."""
    sample_rate: int
    duration_s: float


# --- on the hub ------------------------------------------------------------------------------------

def check_stems(stems_key: str, sample_rate: Any, duration_s: Any, limits: StemsLimits | None = None) -> dict:
    limits = limits or StemsLimits.from_env()
    deadline = time.monotonic() + limits.max_seconds  # from the call's start: the gateway's clock runs already
    track = _track(sample_rate, duration_s)
    path = _archive_path(stems_key)
    with tempfile.TemporaryDirectory(prefix="stems-") as scratch, offhub.heavy_slot():
        try:
            manifest = offhub.run(inspect, path, track, limits, deadline, Path(scratch))
        except StemsRefused as refused:
            log.info("stems refused: %s", refused.code, extra={"stems_key": stems_key, "member": refused.member})
            raise refused.as_invalid_field() from None
    log.info("stems accepted", extra={"stems_key": stems_key, "members": len(manifest["members"])})
    return manifest


def _track(sample_rate: Any, duration_s: Any) -> Track:
    problems: dict[str, list[str]] = {}
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
        problems["sample_rate"] = ["Must be a positive integer (the track's sample rate in Hz)."]
    if isinstance(duration_s, bool) or not isinstance(duration_s, (int, float)) or not duration_s > 0:
        problems["duration_s"] = ["Must be a positive number of seconds (the track's duration)."]
    if problems:
        raise InvalidField("invalid fields: " + ", ".join(problems), problems)
    return Track(int(sample_rate), float(duration_s))


def _archive_path(stems_key: str) -> Path:
    if not isinstance(stems_key, str) or not stems_key.startswith("stems/"):
        raise InvalidField("invalid field: stems_key", {"stems_key": ["Must be a key in the media store's stems area."]})
    try:
        path = MediaStore.from_env(owner=AUDIO).path(stems_key)
    except MediaError:
        raise InvalidField("invalid field: stems_key", {"stems_key": ["Not a valid media key."]}) from None
    if not path.is_file():
        raise NotFound(f"no stems archive at {stems_key}", {"stems_key": stems_key})
    return path


# --- in an OS thread (no green primitive from here on) ----------------------------------------------

def inspect(path: Path, track: Track, limits: StemsLimits, deadline: float, scratch: Path) -> dict:
    """The manifest of the archive at ``path``, or ``StemsRefused``."""
    with open(path, "rb") as raw:
        _check_container(raw, limits)
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise _not_a_zip() from None
        with archive:
            stems = _audio_entries(archive.infolist(), limits)
            budget = _Budget(limits, deadline)
            members = [_check_member(archive, info, track, budget, scratch / f"member-{n}")
                       for n, info in enumerate(stems)]
    return {"members": members, "size_bytes": path.stat().st_size, "uncompressed_bytes": budget.used}


def _not_a_zip() -> StemsRefused:
    return StemsRefused("not_a_zip", "The stems file is not a ZIP archive (or its directory is damaged). Put the "
                        "WAV or FLAC stems in a .zip file and upload that.")


def _check_container(raw: BinaryIO, limits: StemsLimits) -> None:
    """ZIP by content, and no more entries than allowed — counted from the end record, before zipfile
    builds an object per entry of a central directory that could list millions."""
    if raw.read(4) not in ZIP_MAGICS:
        raise _not_a_zip()
    end = zipfile._EndRecData(raw)  # the stdlib's own end-record reader (handles ZIP64)
    if end is None:
        raise _not_a_zip()
    _check_count(end[zipfile._ECD_ENTRIES_TOTAL], limits)
    raw.seek(0)


def _check_count(entries: int, limits: StemsLimits) -> None:
    if entries == 0:
        raise StemsRefused("empty_archive", f"The ZIP is empty. {LOSSLESS_HINT}")
    if entries > limits.max_members:
        raise StemsRefused("too_many_members", f"The ZIP holds {entries} entries; at most {limits.max_members} are "
                           "accepted. Merge or leave out some stems and upload it again.", entries=entries)


def _audio_entries(infos: list[zipfile.ZipInfo], limits: StemsLimits) -> list[zipfile.ZipInfo]:
    """The entries to check as stems, after refusing what no entry may be; junk and directories drop out."""
    _check_count(len(infos), limits)
    seen: set[str] = set()
    for info in infos:
        _check_name(info, seen)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed_bytes:
        raise _too_large(limits)
    stems = [info for info in infos if not info.is_dir() and not _is_junk(info.filename)]
    for info in stems:
        _check_declared(info, limits)
    if not stems:
        raise StemsRefused("empty_archive", f"The ZIP holds no audio files. {LOSSLESS_HINT}")
    return stems


def _check_name(info: zipfile.ZipInfo, seen: set[str]) -> None:
    """A plain relative path, given once: extracted anywhere, it could land nowhere but where it says."""
    name, raw = info.filename, info.orig_filename
    unsafe = ("\\" in raw or "\x00" in raw or raw.startswith("/") or ".." in PurePosixPath(name).parts
              or not name.strip("/") or raw[1:2] == ":")
    if unsafe:
        why = "is not a plain relative path (no “..”, absolute paths, drive letters or backslashes)"
    elif name.lower() in seen:
        why = "appears twice"
    else:
        seen.add(name.lower())
        return
    raise StemsRefused("unsafe_path", f"The ZIP entry “{raw}” {why}. Zip a folder holding only the stems and upload "
                       "that.", member=raw)


def _is_junk(name: str) -> bool:
    path = PurePosixPath(name)
    return path.parts[0] == "__MACOSX" or path.name.lower() in JUNK_NAMES or path.name.startswith("._")


def _check_declared(info: zipfile.ZipInfo, limits: StemsLimits) -> None:
    name = info.filename
    if info.filename.lower().endswith(ARCHIVE_SUFFIXES):
        raise _nested(name)
    if info.flag_bits & 0x1:
        raise StemsRefused("unsupported_format", f"{name} is encrypted. Zip the stems without a password.",
                           member=name)
    if info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise _ratio(name, limits)


def _nested(name: str) -> StemsRefused:
    return StemsRefused("nested_archive", f"{name} is an archive inside the archive. Put the WAV or FLAC files "
                        "directly in one ZIP.", member=name)


def _ratio(name: str, limits: StemsLimits) -> StemsRefused:
    return StemsRefused("compression_ratio", f"{name} is compressed more than {limits.max_ratio:g} to 1, as ZIP "
                        "bombs are. Zip the stems without compression (“store”) or export them as FLAC, then "
                        "upload again.", member=name)


def _too_large(limits: StemsLimits) -> StemsRefused:
    return StemsRefused("too_large_uncompressed", f"The stems add up to more than "
                        f"{limits.max_uncompressed_bytes:,} bytes uncompressed. Export them as FLAC or leave some "
                        "out, then upload again.", limit_bytes=limits.max_uncompressed_bytes)


class _Budget:
    """The bytes decompressed so far (against the archive's limit) and the time left."""

    def __init__(self, limits: StemsLimits, deadline: float):
        self.limits, self.deadline, self.used = limits, deadline, 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limits.max_uncompressed_bytes:
            raise _too_large(self.limits)
        self.tick()

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise StemsRefused("check_timeout", f"Checking the stems took longer than {self.limits.max_seconds:g} "
                               "s. Upload fewer or shorter stems (FLAC is smaller), or try again later.")


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, track: Track, budget: _Budget,
                  scratch: Path) -> dict:
    try:
        _extract(archive, info, budget, scratch)
        return _check_audio(info.filename, scratch, track, budget)
    finally:
        scratch.unlink(missing_ok=True)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, target: Path) -> None:
    """Decompress one member to ``target``, counting what really comes out (not what the header says)."""
    name, limit = info.filename, budget.limits.max_ratio * max(info.compress_size, 1)
    written = 0
    try:
        with archive.open(info) as member, open(target, "wb") as out:
            head = _read_head(member)
            if _archive_magic(head):
                raise _nested(name)
            chunk = head
            while chunk:
                written += len(chunk)
                budget.spend(len(chunk))
                if written > limit:
                    raise _ratio(name, budget.limits)
                out.write(chunk)
                chunk = member.read(CHUNK)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _corrupt(name, f"it could not be decompressed ({str(exc)[:120]})") from None
    except (NotImplementedError, RuntimeError):
        raise StemsRefused("unsupported_format", f"{name} is compressed with a method we cannot read. Zip the "
                           "stems with ordinary (deflate) compression or none.", member=name) from None
    if written != info.file_size:
        raise _corrupt(name, f"the ZIP says {info.file_size} bytes but it holds {written}")


def _read_head(member: BinaryIO) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES and (chunk := member.read(HEAD_BYTES - len(head))):
        head += chunk
    return head


def _archive_magic(head: bytes) -> str | None:
    for offset, magic, kind in ARCHIVE_MAGICS:
        if head[offset:offset + len(magic)] == magic:
            return kind
    return None


def _corrupt(name: str, why: str) -> StemsRefused:
    return StemsRefused("corrupt", f"{name} is damaged ({why}). Export it again and upload a new ZIP.", member=name)


def _check_audio(name: str, path: Path, track: Track, budget: _Budget) -> dict:
    try:
        claims = read_claims(path)
        if claims.rate != track.sample_rate:
            raise StemsRefused("bad_sample_rate", f"{name} is at {claims.rate} Hz but the track is at "
                               f"{track.sample_rate} Hz. Export every stem at {track.sample_rate} Hz from the "
                               "track's project.", member=name, sample_rate=claims.rate)
        if claims.frames is not None:
            _check_duration(name, claims.frames / claims.rate, track, budget.limits)  # before decoding it all
        seconds = _decoded_seconds(path, claims, track, budget)
    except Rejection as rejection:
        raise _from_upload_check(name, rejection) from None
    _check_duration(name, seconds, track, budget.limits)
    return {"name": name, "format": claims.format, "sample_rate": claims.rate, "channels": claims.channels,
            "bit_depth": claims.bit_depth, "duration_s": round(seconds, 3)}


def _decoded_seconds(path: Path, claims: Claims, track: Track, budget: _Budget) -> float:
    """The member's real length: one decoding pass, stopped once it is longer than the track allows."""
    stop_after = int((track.duration_s + budget.limits.tolerance_s) * claims.rate) + 1
    with open_decoder(path, claims) as f:
        decoding = Decoding(path, f, claims, on_block=budget.tick)
        for _ in decoding:
            if decoding.done > stop_after:
                return decoding.done / claims.rate
    decoding.check_complete()
    return decoding.done / claims.rate


def _check_duration(name: str, seconds: float, track: Track, limits: StemsLimits) -> None:
    if abs(seconds - track.duration_s) > limits.tolerance_s:
        raise StemsRefused("duration_mismatch", f"{name} lasts {seconds:.1f} s but the track lasts "
                           f"{track.duration_s:.1f} s (±{limits.tolerance_s:g} s allowed). Export every stem over "
                           "the whole length of the track.", member=name, duration_s=round(seconds, 3))


def _from_upload_check(name: str, rejection: Rejection) -> StemsRefused:
    """The upload's verdict on one member, in the stems' vocabulary (a cut-off file is ``corrupt`` here)."""
    code = rejection.code if rejection.code in ("unsupported_format", "lossy_format") else "corrupt"
    return StemsRefused(code, f"{name}: {rejection.message}", member=name)
