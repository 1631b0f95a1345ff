"""Plays and listening history: when a play report counts (``rules``: 30 s or 80 % of the track, once
an hour per listener and track, never the producer's own), the counted plays payouts will read, and a
listener's history. docs/business-rules.md "Streaming and plays" states the rules."""
