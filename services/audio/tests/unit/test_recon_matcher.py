"""Audio Recon's matcher, in process: a clip cut anywhere from a stored track is found at the right place, also
re-encoded to MP3 at 128 kbit/s by the renditions' encoder; 50 unrelated clips match nothing. The "index" is a
list of ``Hit`` built by ``index_entries`` from each track's real Chromaprint fingerprint, as the database holds
it (services/audio/tests/integration/test_recon.py runs the same search against the database)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from devtools.audio import beat as looped_beat
from devtools.audio import song
from services.audio.analysis import fingerprint
from services.audio.analysis.clip import check_clip
from services.audio.analysis.fingerprint import ITEM_S
from services.audio.analysis.locate import (MIN_VOTES, Candidate, ClipPrint, Hit, Located, align, index_entries,
                                            locate, query_values, score_of, signed, vote)
from services.audio.analysis.render import render_cbr_mp3
from services.contracts.vocabularies import RECON_MIN_SCORE

from .signals import beat as patterned_beat

RATE = 44100
TRACK_S = 40.0
CLIP_S = 11.0


class Catalog:
    """Generated tracks, their stored fingerprints and their inverted index, searched like the service does."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.audio: dict[str, np.ndarray] = {}
        self.stored: dict[str, np.ndarray] = {}
        self.index: dict[int, list[Hit]] = {}

    def add(self, track_id: str, samples: np.ndarray) -> None:
        path = self.directory / f"{track_id}.wav"
        sf.write(path, samples, RATE, subtype="PCM_24")
        raw = np.asarray(fingerprint(path).raw, dtype=np.uint32)
        self.audio[track_id], self.stored[track_id] = samples, raw
        for position, value in index_entries(raw):
            self.index.setdefault(value, []).append(Hit(track_id, value, position))

    def search(self, clip_path: Path, scratch: Path) -> list[Located]:
        scratch.mkdir(exist_ok=True)
        clip = check_clip(clip_path, scratch)
        prints = [ClipPrint(np.asarray(fingerprint(path).raw, dtype=np.uint32), shift_s)
                  for path, shift_s in clip.shifted]
        hits = [hit for value in query_values(prints) for hit in self.index.get(value, ())]
        candidates = vote(prints, hits)
        return locate(prints, candidates, {c.track_id: self.stored[c.track_id] for c in candidates})


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    catalog = Catalog(tmp_path_factory.mktemp("catalog"))
    for n in range(6):
        catalog.add(f"track-{n}", song(TRACK_S, RATE, 2, seed=500 + n))
    return catalog


def cut(catalog: Catalog, track_id: str, start_s: float, path: Path, seconds: float = CLIP_S) -> Path:
    samples = catalog.audio[track_id][int(round(start_s * RATE)):int(round((start_s + seconds) * RATE))]
    sf.write(path, samples, RATE, subtype="PCM_16")
    return path


# the offsets fall between fingerprint items (≈ 0.124 s) on purpose
@pytest.mark.parametrize("track_id, start_s", [("track-0", 0.0), ("track-1", 3.37), ("track-2", 12.611),
                                               ("track-3", 20.05), ("track-4", 28.93)])
def test_a_clip_cut_from_a_track_is_found_where_it_was_cut(catalog, tmp_path, track_id, start_s):
    matches = catalog.search(cut(catalog, track_id, start_s, tmp_path / "clip.wav"), tmp_path / "scratch")
    assert [m.track_id for m in matches] == [track_id], matches
    assert matches[0].offset_s == pytest.approx(start_s, abs=0.5)
    assert matches[0].offset_s == pytest.approx(start_s, abs=0.1)  # the shifted prints refine it this far
    assert matches[0].score >= 0.85


@pytest.mark.parametrize("track_id, start_s", [("track-1", 7.43), ("track-5", 17.77), ("track-2", 26.2)])
def test_a_clip_re_encoded_to_mp3_at_128_kbps_is_found(catalog, tmp_path, track_id, start_s):
    wav = cut(catalog, track_id, start_s, tmp_path / "clip.wav")
    mp3 = tmp_path / "clip.mp3"
    render_cbr_mp3(wav, mp3, 128)
    assert sf.info(mp3).format == "MP3"
    assert 110 < mp3.stat().st_size * 8 / CLIP_S / 1000 < 150  # really 128 kbit/s
    matches = catalog.search(mp3, tmp_path / "scratch")
    assert [m.track_id for m in matches] == [track_id], matches
    assert matches[0].offset_s == pytest.approx(start_s, abs=0.5)
    assert matches[0].score >= RECON_MIN_SCORE


def unrelated_clip(n: int, directory: Path) -> Path:
    kind = n % 5
    if kind in (0, 1):
        samples = song(CLIP_S, RATE, 2, seed=9000 + n)
    elif kind == 2:
        samples = looped_beat(CLIP_S, RATE, 2, seed=9000 + n)
    elif kind == 3:
        samples = np.stack([patterned_beat(9000 + n, CLIP_S)] * 2, axis=1)
    else:
        samples = np.random.default_rng(n).uniform(-0.3, 0.3, (int(CLIP_S * RATE), 2)).astype(np.float32)
    path = directory / f"other-{n}.wav"
    sf.write(path, samples, RATE, subtype="PCM_16")
    if kind == 1:
        render_cbr_mp3(path, path.with_suffix(".mp3"), 128)
        path = path.with_suffix(".mp3")
    return path


def test_fifty_unrelated_clips_match_nothing(catalog, tmp_path):
    """Other songs, looped beats, patterned beats and noise, as WAV or (one in five) MP3 128k: none matches."""
    def search(n: int) -> list[Located]:
        return catalog.search(unrelated_clip(n, tmp_path), tmp_path / f"scratch-{n}")

    with ThreadPoolExecutor(2) as pool:
        found = {n: matches for n, matches in enumerate(pool.map(search, range(50))) if matches}
    assert found == {}


def test_a_loop_that_repeats_exactly_is_reported_at_its_earliest_best_place(tmp_path):
    """``devtools.audio.beat`` repeats a 4-second melody: the clip fits every 4 s, and one of those places is
    reported (the best-scoring, the earliest of equals) — never a place in between."""
    catalog = Catalog(tmp_path)
    catalog.add("loop", looped_beat(30.0, RATE, 2, seed=3))
    matches = catalog.search(cut(catalog, "loop", 16.0, tmp_path / "clip.wav"), tmp_path / "scratch")
    assert [m.track_id for m in matches] == ["loop"]
    phase = matches[0].offset_s % 4.0
    assert min(phase, 4.0 - phase) < 0.5, matches


# -- the parts, without audio --------------------------------------------------------------------------------------

def test_index_entries_keep_a_value_where_it_changes_as_a_signed_32_bit_integer():
    values = np.array([5, 5, 0xFFFFFFFF, 7, 7, 7, 5], dtype=np.uint32)
    assert index_entries(values) == [(0, 5), (2, -1), (3, 7), (6, 5)]
    assert signed([0x80000000]).tolist() == [-(2 ** 31)]
    assert index_entries([]) == []


def test_votes_need_two_values_at_one_offset_and_rank_by_votes():
    rng = np.random.default_rng(0)
    track = rng.integers(0, 2 ** 32, 200, dtype=np.uint64).astype(np.uint32)
    clip = ClipPrint(track[50:130].copy(), 0.0)
    hits = [Hit("t", v, p) for p, v in index_entries(track)]
    lone = [Hit("stray", index_entries(clip.values)[0][1], 999)]  # one shared value: not a candidate
    candidates = vote([clip], hits + lone)
    assert [(c.track_id, c.offset) for c in candidates] == [("t", 50)]
    assert candidates[0].votes >= MIN_VOTES


def test_alignment_scores_one_minus_twice_the_bit_error_rate():
    rng = np.random.default_rng(1)
    track = rng.integers(0, 2 ** 32, 300, dtype=np.uint64).astype(np.uint32)
    clip = track[100:180].copy()
    clip ^= np.uint32(0x0000000F)  # 4 bits of 32 differ everywhere: BER 0.125
    located = align([ClipPrint(clip, 0.0)], Candidate("t", 5, 0, 101), track)
    assert located is not None
    assert (located.bit_error_rate, located.score) == (0.125, score_of(0.125)) == (0.125, 0.75)
    assert located.offset_s == pytest.approx(100 * ITEM_S, abs=0.01)
    unrelated = rng.integers(0, 2 ** 32, 80, dtype=np.uint64).astype(np.uint32)
    assert align([ClipPrint(unrelated, 0.0)], Candidate("t", 5, 0, 100), track) is None  # BER ≈ 0.5


def test_a_shifted_print_reports_where_the_untrimmed_clip_starts():
    rng = np.random.default_rng(2)
    track = rng.integers(0, 2 ** 32, 300, dtype=np.uint64).astype(np.uint32)
    shift_s = ITEM_S / 3
    located = align([ClipPrint(track[40:120].copy(), shift_s)], Candidate("t", 9, 0, 40), track)
    assert located is not None and located.offset_s == pytest.approx(40 * ITEM_S - shift_s, abs=0.01)
