"""The gamification service: XP, levels and achievements of artist pages, the leaderboards, and the Backstage
dashboard and activity, all built from events it consumes (docs/gamification.md)."""
