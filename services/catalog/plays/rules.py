"""Pure rules of plays and listening history (no I/O). docs/business-rules.md "Streaming and plays": a play counts
at 80 % of the track or 30 s, whichever comes first, at most once per listener per track per hour, and
never for the track's own producer. The tolerances are our choices (README "Plays and history")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.contracts.vocabularies import PLAY_REASONS

COUNT_AFTER_S = 30.0
COUNT_AT_SHARE = 0.8
#: the anti-repeat window, measured from the listener's last counted play of the track
REPEAT_WINDOW = timedelta(hours=1)
#: a player may report a position slightly past the end it knows (rounding, the last buffer)
POSITION_TOLERANCE_S = 1.0
#: how far the player's idea of the duration may be from the analysed one (decoders differ a little)
DURATION_TOLERANCE_S = 2.0
#: no real track is longer (audio refuses more than AUDIO_MAX_SECONDS, 15 min by default)
MAX_DURATION_S = 86_400.0
#: reports for the listener's latest history entry within this time continue that session
SESSION_GAP = timedelta(hours=1)

REASONS = PLAY_REASONS  # why a report counted or not (services/contracts/vocabularies.py)
COUNTED, TOO_EARLY, ALREADY_COUNTED, OWN_TRACK = REASONS


@dataclass(frozen=True)
class Verdict:
    counted: bool
    reason: str
    #: when the anti-repeat window ends (a later report may count), or None when no window is running
    next_count_at: datetime | None


def count_threshold_s(duration_s: float) -> float:
    """The position at which a play of a ``duration_s`` track counts (rounded to the millisecond, so
    80 % of 5 s is exactly 4 s)."""
    return round(min(COUNT_AFTER_S, duration_s * COUNT_AT_SHARE), 3)


def position_fits(position_s: float, duration_s: float) -> bool:
    return position_s <= duration_s + POSITION_TOLERANCE_S


def duration_agrees(reported_s: float, actual_s: float) -> bool:
    return abs(reported_s - actual_s) <= DURATION_TOLERANCE_S


def window_end(last_counted_at: datetime | None, now: datetime) -> datetime | None:
    """The end of the running anti-repeat window, or None when none runs at ``now``."""
    if last_counted_at is None or last_counted_at + REPEAT_WINDOW <= now:
        return None
    return last_counted_at + REPEAT_WINDOW


def judge(position_s: float, duration_s: float, own_track: bool, last_counted_at: datetime | None,
          now: datetime) -> Verdict:
    """Whether a report of ``position_s`` seconds into a track of ``duration_s`` seconds counts a play.

    The producer's own listening never counts; then the position decides, then the window."""
    if own_track:
        return Verdict(False, OWN_TRACK, None)
    running = window_end(last_counted_at, now)
    if position_s < count_threshold_s(duration_s):
        return Verdict(False, TOO_EARLY, running)
    if running is not None:
        return Verdict(False, ALREADY_COUNTED, running)
    return Verdict(True, COUNTED, now + REPEAT_WINDOW)


def continues_session(latest_track_id: str | None, latest_listened_at: datetime | None, track_id: str,
                      now: datetime) -> bool:
    """A report continues the listener's latest history entry when it is the same track, heard within
    the last hour; otherwise it starts a new entry."""
    return latest_track_id == track_id and latest_listened_at is not None and \
        now - latest_listened_at <= SESSION_GAP


# --- growth (the producer's Backstage beats list) ----------------------------------------------------------

#: the two periods compared: the last 30 days against the 30 before them
GROWTH_PERIOD = timedelta(days=30)
#: the change (of the previous period's plays) beyond which a track is rising or falling
GROWTH_THRESHOLD_PERCENT = 10
RISING, STEADY, FALLING = "rising", "steady", "falling"


def growth_status(last: int, previous: int) -> str:
    """``rising`` when the last period's counted plays exceed the previous period's by more than 10 %,
    ``falling`` when they are more than 10 % below, else ``steady`` (exactly ±10 % is steady). In integers,
    so no rounding decides: from 0, any play is rising and none is steady."""
    if last * 100 > previous * (100 + GROWTH_THRESHOLD_PERCENT):
        return RISING
    if last * 100 < previous * (100 - GROWTH_THRESHOLD_PERCENT):
        return FALLING
    return STEADY


@dataclass(frozen=True)
class Collaboration:
    shared_tracks: int
    plays: int
    share_of_plays: float


def collaborations(tracks: list[tuple[list[str], int]]) -> dict[str, Collaboration]:
    """Per collaborator credited on a page's published tracks (``tracks``: each track's collaborator page ids
    and counted plays): how many of the tracks credit them, those tracks' plays, and that as a share of the
    page's plays on all its tracks with any collaborator (0 when those have none). A track with two
    collaborators counts for both, so the shares may add up to more than 1."""
    shared = [(list(dict.fromkeys(collaborators)), plays) for collaborators, plays in tracks if collaborators]
    total = sum(plays for _, plays in shared)
    counts: dict[str, list[int]] = {}
    for collaborators, plays in shared:
        for artist_id in collaborators:
            tally = counts.setdefault(artist_id, [0, 0])
            tally[0] += 1
            tally[1] += plays
    return {artist_id: Collaboration(shared_tracks, plays, round(plays / total, 4) if total else 0.0)
            for artist_id, (shared_tracks, plays) in counts.items()}


# --- similar artists (an artist page's Similar Artists; docs/business-rules.md "Similar artists") ---------------

#: how many similar pages an artist page shows
SIMILAR_MAX = 10
#: the counted plays compared: those of the last 90 days
SIMILAR_PLAYS_WINDOW = timedelta(days=90)
#: the page's listeners compared: its most recent ones in that window, at most this many
SIMILAR_LISTENERS_SAMPLED = 300
#: the pages scored: at most this many sharing the most genres, and as many sharing the most listeners
SIMILAR_CANDIDATES_PER_SIGNAL = 200


@dataclass(frozen=True)
class Similarity:
    artist_id: str
    score: float
    shared_genres: tuple[str, ...]
    shared_listeners: int


def genre_similarity(shared: int, own: int, theirs: int) -> float:
    """The Jaccard index of two pages' genre sets, from their sizes and their intersection's: 0 when neither
    has a genre."""
    union = own + theirs - shared
    return shared / union if union else 0.0


def listener_similarity(shared: int, own: int) -> float:
    """The share of the page's (sampled) listeners who also played the other page: 0 with no listeners."""
    return min(shared / own, 1.0) if own else 0.0


def similarity(artist_id: str, shared_genres: set[str], own_genres: int, their_genres: int, shared_listeners: int,
               own_listeners: int) -> Similarity:
    """score = genre similarity + listener similarity, each 0–1, so 0–2, rounded to 4 places."""
    score = genre_similarity(len(shared_genres), own_genres, their_genres) + \
        listener_similarity(shared_listeners, own_listeners)
    return Similarity(artist_id, round(score, 4), tuple(sorted(shared_genres)), shared_listeners)


def most_similar(candidates: list[Similarity], limit: int = SIMILAR_MAX) -> list[Similarity]:
    """The best ``limit`` of those sharing anything: highest score first, then more shared listeners, then more
    shared genres, then by id (a stable order for equal pages)."""
    sharing = [c for c in candidates if c.score > 0]
    return sorted(sharing, key=lambda c: (-c.score, -c.shared_listeners, -len(c.shared_genres), c.artist_id))[:limit]


def strongest(counts: dict[str, int], limit: int = SIMILAR_CANDIDATES_PER_SIGNAL) -> list[str]:
    """The ``limit`` keys with the highest counts (ties by key)."""
    return [key for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]]
