"""The ``gamification`` service's RPC surface: XP, levels and achievements of artist pages, the seven
leaderboards, and the Backstage data built from events (dashboard, activity) (docs/gamification.md).

Producer methods act on the caller's artist page, or on ``artist_id`` when the caller manages that page;
someone else's page is ``NotFound``, an account without a page ``NotFound`` ("no artist profile"), an account
without the producer role ``Forbidden`` — as on catalog's producer pages."""
from __future__ import annotations

from marshmallow import Schema, fields

from services.contracts.rpc import RpcSurface, method, page_of

UUID = {"format": "uuid"}
DATE_TIME = {"format": "date-time"}

LEADERBOARD_CATEGORIES = ("overall", "quality", "uploads", "plays", "points", "earnings", "collab")
LEADERBOARD_PERIODS = ("all_time", "month")
GROWTH = ("rising", "steady", "falling")
RARITIES = ("common", "uncommon", "rare", "epic", "legendary")


class Progress(Schema):
    class Achievement(Schema):
        code = fields.String()
        name = fields.String()
        description = fields.String()
        xp = fields.Integer()
        rarity = fields.String(metadata={"enum": list(RARITIES)})
        holders_share = fields.Float(metadata={"description": "Share of producers who hold it (0–1)."})
        earned_at = fields.String(allow_none=True, metadata=DATE_TIME)
        progress = fields.Dict(metadata={"description": '`{"current", "target"}`'})

    artist_id = fields.String(metadata=UUID)
    level = fields.Integer()
    title = fields.String()
    xp = fields.Integer(metadata={"description": "Lifetime total."})
    level_floor_xp = fields.Integer()
    next_level_xp = fields.Integer(allow_none=True, metadata={"description": "null at the top level."})
    achievements = fields.List(fields.Nested(Achievement))


class XpEntry(Schema):
    id = fields.String(metadata=UUID)
    amount = fields.Integer(metadata={"description": "Signed: a deleted track's XP is taken back."})
    reason = fields.String(metadata={"example": "track_published"})
    track_id = fields.String(allow_none=True)
    achievement = fields.String(allow_none=True)
    event_id = fields.String(allow_none=True, metadata={"description": "The event it came from."})
    created_at = fields.String(metadata=DATE_TIME)


class LeaderboardArtist(Schema):
    id = fields.String(metadata=UUID)
    name = fields.String()
    verified = fields.Boolean()


class LeaderboardRow(Schema):
    rank = fields.Integer()
    artist = fields.Nested(LeaderboardArtist)
    value = fields.Float()


class MyRank(Schema):
    rank = fields.Integer(allow_none=True, metadata={"description": "null when unranked, never 0."})
    value = fields.Float(allow_none=True)


class Leaderboard(Schema):
    category = fields.String(metadata={"enum": list(LEADERBOARD_CATEGORIES)})
    period = fields.String(metadata={"enum": list(LEADERBOARD_PERIODS)})
    currency = fields.String(allow_none=True, metadata={"description": "Earnings only."})
    items = fields.List(fields.Nested(LeaderboardRow))
    total = fields.Integer()
    next = fields.String(allow_none=True)
    me = fields.Nested(MyRank, allow_none=True, metadata={"description": "For a signed-in caller."})


class Dashboard(Schema):
    artist_id = fields.String(metadata=UUID)
    greeting = fields.String()
    stats = fields.Dict(metadata={"description": "Quick stats: plays, downloads, uploads, xp, level."})
    shortcuts = fields.List(fields.Dict())


class ActivityDay(Schema):
    date = fields.String(metadata={"format": "date"})
    plays = fields.Integer()
    downloads = fields.Integer()
    uploads = fields.Integer()


class Activity(Schema):
    artist_id = fields.String(metadata=UUID)
    days = fields.List(fields.Nested(ActivityDay), metadata={"description": "Exactly 365, oldest first."})
    overview = fields.Dict()
    downloads = fields.Dict(metadata={"description": "Download engagement."})


XpPage = page_of(XpEntry)

GAMIFICATION = RpcSurface("gamification", (
    method("ping",
           summary='`"pong"`'),
    method("progress", "actor_id", "artist_id", reply=Progress,
           errors="`Forbidden` (not a producer), `NotFound` (no artist profile; someone else's page)"),
    method("refresh_progress", "actor_id", "artist_id", reply=Progress,
           summary="recomputes XP, level and achievements from the stored facts; the same numbers when nothing "
                   "was missed",
           errors="as `progress`"),
    method("xp_history", "actor_id", "artist_id cursor limit", reply=XpPage,
           summary="where every point came from, newest first",
           errors="as `progress`, `InvalidField`"),
    method("artist_achievements", "actor_id artist_id", reply=Progress,
           summary="the Achievements tab of an artist page: its owner and admins only",
           errors="`NotFound` (anyone else, or an unknown page)"),
    method("leaderboard", "category", "period currency cursor limit actor_id", reply=Leaderboard,
           summary="ranked rows (ties share a rank: 1, 1, 3) and, with `actor_id`, the caller's own rank",
           errors="`NotFound` (unknown category), `InvalidField` (period, currency, cursor, limit)"),
    method("dashboard", "actor_id", "artist_id", reply=Dashboard,
           errors="as `progress`"),
    method("activity", "actor_id", "artist_id", reply=Activity,
           summary="the yearly contribution graph (365 days ending today, UTC) and the performance overview",
           errors="as `progress`"),
), sections=(
    ("Progress", None),
    ("Leaderboards", "leaderboard"),
    ("Backstage", "dashboard"),
))
