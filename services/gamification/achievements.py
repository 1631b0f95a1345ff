"""The achievement catalog, as data: each reads one number of a page's facts (``Facts``) against a target.
Earned achievements stay earned and their XP is an entry of the ledger (reason ``achievement``, source the
code), so an achievement pays once (docs/gamification.md "Achievements")."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    """What achievements read about a page, all from stored facts."""

    uploads: int = 0  # tracks ever published (deleted ones too: re-uploading the same audio is refused)
    plays: int = 0
    downloads: int = 0  # licences issued
    exclusive_sales: int = 0
    earnings_credits: int = 0  # positive credits received (pool shares, sales)
    verified: int = 0
    metadata_complete: int = 0
    collaborations: int = 0  # credits received as collaborator
    month_streak: int = 0  # longest run of consecutive months with an upload


@dataclass(frozen=True)
class Achievement:
    code: str
    name: str
    description: str
    xp: int
    fact: str  # the ``Facts`` field it counts
    target: int

    def current(self, facts: Facts) -> int:
        return min(getattr(facts, self.fact), self.target)

    def met(self, facts: Facts) -> bool:
        return getattr(facts, self.fact) >= self.target


CATALOG: tuple[Achievement, ...] = (
    Achievement("first_upload", "First upload", "Publish your first track.", 50, "uploads", 1),
    Achievement("uploads_10", "Ten tracks", "Publish 10 tracks.", 200, "uploads", 10),
    Achievement("uploads_50", "Fifty tracks", "Publish 50 tracks.", 1_000, "uploads", 50),
    Achievement("uploads_100", "Hundred tracks", "Publish 100 tracks.", 2_500, "uploads", 100),
    Achievement("plays_100", "Heard", "Reach 100 counted plays.", 100, "plays", 100),
    Achievement("plays_1000", "On repeat", "Reach 1,000 counted plays.", 500, "plays", 1_000),
    Achievement("plays_10000", "Crowd favourite", "Reach 10,000 counted plays.", 2_000, "plays", 10_000),
    Achievement("first_license", "First licence", "Have a track licensed for the first time.", 100, "downloads", 1),
    Achievement("downloads_100", "In demand", "Have tracks licensed 100 times.", 400, "downloads", 100),
    Achievement("first_exclusive_sale", "Sold!", "Sell your first exclusive.", 500, "exclusive_sales", 1),
    Achievement("first_earnings", "First earnings", "Receive your first earnings.", 100, "earnings_credits", 1),
    Achievement("verified", "Verified", "Get your producer account verified.", 250, "verified", 1),
    Achievement("metadata_perfectionist", "Metadata perfectionist", "Complete the metadata of 10 tracks.", 300,
                "metadata_complete", 10),
    Achievement("first_collaboration", "First collaboration", "Be credited on someone's track.", 50,
                "collaborations", 1),
    Achievement("collaborations_10", "Team player", "Be credited on 10 tracks.", 300, "collaborations", 10),
    Achievement("streak_3_months", "Three-month streak", "Publish in 3 consecutive months.", 300, "month_streak", 3),
    Achievement("streak_6_months", "Six-month streak", "Publish in 6 consecutive months.", 800, "month_streak", 6),
    Achievement("streak_12_months", "Year-long streak", "Publish in 12 consecutive months.", 2_000,
                "month_streak", 12),
)
BY_CODE = {achievement.code: achievement for achievement in CATALOG}
#: the play counts at which an achievement may fall due (the play consumer checks only when crossing one)
PLAY_TARGETS = tuple(sorted({a.target for a in CATALOG if a.fact == "plays"}))


def newly_met(facts: Facts, earned: set[str]) -> list[Achievement]:
    return [achievement for achievement in CATALOG if achievement.code not in earned and achievement.met(facts)]
