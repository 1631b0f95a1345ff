"""Tracks, artist pages and collections: uploads and the audio pipeline's verdicts (``pipeline``, with
the sweeper of stuck uploads), editing, the public list and its filters, streams, covers and artist
images. ``rules`` holds the vocabularies and limits (keys, scales, BPM range, licensing models …),
``schemas`` the input checks, ``repository`` the look-ups the other areas use too (a visible track, the
producer's artist page). Every other area refers to tracks; this one refers to none of them."""
