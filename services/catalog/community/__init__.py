"""Community: likes (of tracks, collections and artist pages), reposts, playlists and comments, with
the counters they keep on tracks and collections. Limits (playlist size, text lengths) are in
``schemas`` and ``models``; the per-user lists page newest first (shared/queries.py)."""
