"""Audio Recon's matcher: where in which stored track does a clip occur (docs/recon.md).

A clip cut from a track has, item for item, the fingerprint values of the track from the place it
was cut — the same Chromaprint fingerprint (``fingerprint``) the duplicate check stores, one 32-bit
value per ``ITEM_S`` (≈ 0.124 s) of audio. Many of those values survive re-encoding unchanged,
so the search runs in two steps:

1. **Votes.** Every stored fingerprint is kept inverted (``index_entries``: value → track,
   position; a table indexed by value). Each clip value found at track position ``i`` while it sits
   at clip position ``j`` votes for "this track, clip starting at item ``i - j``". Unrelated
   audio almost never shares a whole 32-bit value, let alone several at one consistent offset; a
   clip of the track gathers dozens. Values repeated across more than ``MAX_HITS_PER_VALUE`` rows
   (silence, a sustained tone) say nothing and are ignored.
2. **Alignment.** The best-voted candidates are compared bit by bit at their voted offset (± 2
   items): the bit error rate (BER) over the whole clip, and ``score = 1 − 2 × BER`` (1: identical,
   0: unrelated noise). A candidate is a match from ``RECON_MIN_SCORE`` (0.7, a BER of 0.15 — the
   duplicate check's threshold, ``MATCH_MAX_BER``).

A clip is not cut on the fingerprint's item grid: when it starts half an item off, fewer values
survive exactly. It is therefore fingerprinted three times, trimmed by 0, ⅓ and ⅔ of an item
(``SHIFTS``); one of them lies within ⅙ item of the track's grid. Each print votes and aligns on its
own, the best one wins, and its trim refines the reported offset to ≈ 0.04 s.

Calibration (generated non-repeating music, unit tests in services/audio/tests/unit/test_recon_*):
clips of 10–15 s cut anywhere in a track, as WAV or re-encoded to MP3 at 128 kbit/s by the renditions'
encoder, align at BER 0.005–0.05 (score ≥ 0.9) with 10–60 votes; 50 unrelated clips get no two
votes at one offset, and unrelated audio aligned anyway scores below 0.45 (BER ≥ 0.277, see
``fingerprint``). A beat built from an exactly repeated loop matches at every repetition equally;
the earliest best-scoring place is reported.

Everything here is pure numpy: no I/O, no green primitive (``offhub.run`` may call it)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from services.contracts.vocabularies import RECON_MIN_SCORE

from .fingerprint import ITEM_S

#: the clip is fingerprinted trimmed by these fractions of an item
SHIFTS = (0.0, 1 / 3, 2 / 3)
#: a candidate needs this many votes within ±1 item of one offset
MIN_VOTES = 2
#: how many of the best-voted tracks are aligned bit by bit
MAX_CANDIDATES = 25
#: a value found at more places than this is ignored (silence, a held note)
MAX_HITS_PER_VALUE = 1000
#: offsets tried around the voted one, in items
ALIGN_SLACK = 2
#: the aligned part must cover this share of the clip
MIN_COVERAGE = 0.9


@dataclass(frozen=True)
class ClipPrint:
    """The clip's fingerprint after trimming ``shift_s`` seconds from its start."""
    values: np.ndarray  # uint32
    shift_s: float


@dataclass(frozen=True)
class Hit:
    track_id: str
    value: int  # signed, as stored
    position: int


@dataclass(frozen=True)
class Candidate:
    track_id: str
    votes: int
    print_index: int
    offset: int  # items: clip item 0 of that print is track item ``offset``


@dataclass(frozen=True)
class Located:
    track_id: str
    offset_s: float
    score: float
    bit_error_rate: float
    votes: int


def signed(values: np.ndarray | Iterable[int]) -> np.ndarray:
    """uint32 fingerprint values as the signed 32-bit integers the index stores (same bits)."""
    return np.asarray(values, dtype=np.int64).astype("<u4").view("<i4")


def index_entries(values: np.ndarray | Iterable[int]) -> list[tuple[int, int]]:
    """(position, signed value) of every value that differs from the one before it."""
    v = signed(values)
    if v.size == 0:
        return []
    keep = np.ones(v.size, dtype=bool)
    keep[1:] = v[1:] != v[:-1]
    positions = np.nonzero(keep)[0]
    return [(int(p), int(v[p])) for p in positions]


def query_values(prints: Iterable[ClipPrint]) -> list[int]:
    """The distinct signed values of the clip's prints (what the index is asked for)."""
    found: set[int] = set()
    for clip in prints:
        found.update(value for _, value in index_entries(clip.values))
    return sorted(found)


def vote(prints: list[ClipPrint], hits: Iterable[Hit]) -> list[Candidate]:
    """The best offset of each track whose hits agree on one, most votes first (at most MAX_CANDIDATES)."""
    by_value: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_value[hit.value].append(hit)
    best: dict[str, Candidate] = {}
    for index, clip in enumerate(prints):
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for position, value in index_entries(clip.values):
            found = by_value.get(value, ())
            if len(found) > MAX_HITS_PER_VALUE:
                continue
            for hit in found:
                counts[(hit.track_id, hit.position - position)] += 1
        for (track_id, offset), _ in counts.items():
            votes = sum(counts.get((track_id, offset + d), 0) for d in (-1, 0, 1))
            current = best.get(track_id)
            if votes >= MIN_VOTES and (current is None or votes > current.votes):
                best[track_id] = Candidate(track_id, votes, index, offset)
    ranked = sorted(best.values(), key=lambda c: (-c.votes, c.track_id))
    return ranked[:MAX_CANDIDATES]


def bit_error_rate(track: np.ndarray, clip: np.ndarray, offset: int) -> float | None:
    """BER of ``clip`` laid on ``track`` from track item ``offset``; None when they overlap too little."""
    i0, j0 = max(0, offset), max(0, -offset)
    n = min(track.size - i0, clip.size - j0)
    if clip.size == 0 or n < MIN_COVERAGE * clip.size:
        return None
    errors = int(np.bitwise_count(track[i0:i0 + n] ^ clip[j0:j0 + n]).sum(dtype=np.int64))
    return errors / (32.0 * n)


def score_of(ber: float) -> float:
    return round(max(0.0, 1.0 - 2.0 * ber), 3)


def align(prints: list[ClipPrint], candidate: Candidate, track: np.ndarray) -> Located | None:
    """The candidate's best alignment over every print near its voted offset; None below RECON_MIN_SCORE."""
    track = np.asarray(track, dtype=np.uint32)
    base_s = candidate.offset * ITEM_S - prints[candidate.print_index].shift_s
    best: tuple[float, float] | None = None  # (ber, offset_s)
    for clip in prints:
        values = np.asarray(clip.values, dtype=np.uint32)
        centre = int(round((base_s + clip.shift_s) / ITEM_S))
        for offset in range(centre - ALIGN_SLACK, centre + ALIGN_SLACK + 1):
            ber = bit_error_rate(track, values, offset)
            if ber is None:
                continue
            offset_s = max(0.0, offset * ITEM_S - clip.shift_s)
            if best is None or (ber, offset_s) < best:
                best = (ber, offset_s)
    if best is None:
        return None
    score = score_of(best[0])
    if score < RECON_MIN_SCORE:
        return None
    return Located(candidate.track_id, round(best[1], 2), score, round(best[0], 4), candidate.votes)


def locate(prints: list[ClipPrint], candidates: list[Candidate], tracks: Mapping[str, np.ndarray]) -> list[Located]:
    """The candidates (``vote``'s result) that align, best first (score, then earliest offset).
    ``tracks``: their stored fingerprints as uint32 arrays; a candidate without one is skipped."""
    found = []
    for candidate in candidates:
        stored = tracks.get(candidate.track_id)
        if stored is None:
            continue
        located = align(prints, candidate, stored)
        if located is not None:
            found.append(located)
    return sorted(found, key=lambda m: (-m.score, m.offset_s, m.track_id))
