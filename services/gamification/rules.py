"""The numbers of gamification, without I/O (docs/gamification.md; docs/business-rules.md "XP, levels,
achievements, leaderboards"): XP per fact, the level table, rarity bands, month buckets, the Quality and Overall
formulas."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

# XP per fact, by the reason written in the ledger
TRACK_PUBLISHED, TRACK_DELETED, PLAY, METADATA_COMPLETE, COLLABORATION, ACHIEVEMENT = (
    "track_published", "track_deleted", "play", "metadata_complete", "collaboration", "achievement")
XP = {TRACK_PUBLISHED: 100, TRACK_DELETED: -100, PLAY: 1, METADATA_COMPLETE: 50, COLLABORATION: 25}

#: (floor XP, title), lowest first; level n is the n-th row
LEVELS = ((0, "Novice"), (500, "Apprentice"), (1_500, "Rising"), (4_000, "Skilled"), (10_000, "Expert"),
          (25_000, "Master"), (60_000, "Legend"))

#: (largest share of holders, rarity), rarest first; anything above is common
RARITY_BANDS = ((0.01, "legendary"), (0.05, "epic"), (0.15, "rare"), (0.40, "uncommon"))

#: a page is ranked on Quality from this many published tracks
QUALITY_MIN_TRACKS = 3
#: Overall = points + OVERALL_QUALITY_WEIGHT × quality (0–1, only when ranked on Quality)
OVERALL_QUALITY_WEIGHT = 1_000
DEFAULT_CURRENCY = "CAD"


def level_of(xp: int) -> dict:
    """``{level, title, level_floor_xp, next_level_xp}``; negative XP is still Novice."""
    index = 0
    for i, (floor, _) in enumerate(LEVELS):
        if xp >= floor:
            index = i
    floor, title = LEVELS[index]
    following = LEVELS[index + 1][0] if index + 1 < len(LEVELS) else None
    return {"level": index + 1, "title": title, "level_floor_xp": floor, "next_level_xp": following}


def rarity(share: float) -> str:
    """The band of an achievement held by ``share`` (0–1) of the producers with any XP."""
    for limit, name in RARITY_BANDS:
        if share < limit:
            return name
    return "common"


def month_of(moment: datetime | date) -> str:
    """The month bucket, ``YYYY-MM`` (UTC: the datetimes here are all UTC)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def quality(published: int, complete: int) -> float | None:
    """The share of published tracks that are metadata-complete; None (unranked) below the threshold."""
    if published < QUALITY_MIN_TRACKS:
        return None
    return complete / published


def overall(points: float, quality_share: float | None) -> float:
    return points + OVERALL_QUALITY_WEIGHT * (quality_share or 0.0)


def longest_month_streak(months: Iterable[str]) -> int:
    """The longest run of consecutive calendar months among ``YYYY-MM`` buckets."""
    indexes = sorted({int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months})
    best = run = 0
    previous = None
    for index in indexes:
        run = run + 1 if previous is not None and index == previous + 1 else 1
        best, previous = max(best, run), index
    return best


def engagement(plays: int, downloads: int) -> float | None:
    """Downloads per 100 counted plays (None before any play: no placeholder number)."""
    if plays <= 0:
        return None
    return round(downloads * 100 / plays, 2)
