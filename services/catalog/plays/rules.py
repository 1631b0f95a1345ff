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
