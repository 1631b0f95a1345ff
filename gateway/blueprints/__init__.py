"""One blueprint per area of the API."""
from flask import Blueprint

from gateway.blueprints import admin, artists, auth, collections, docs, health, me, producer_program, tracks, users

ALL: tuple[Blueprint, ...] = (auth.bp, me.bp, users.bp, producer_program.bp, admin.bp, tracks.bp, artists.bp,
                              collections.bp, health.bp, docs.bp)

from gateway.blueprints import plays  # noqa: E402 - appended per area, so parallel edits do not collide

ALL += (plays.bp,)

from gateway.blueprints import beat_requests  # noqa: E402

ALL += (beat_requests.bp,)

from gateway.blueprints import billing, webhooks  # noqa: E402

ALL += (billing.bp, webhooks.bp)

from gateway.blueprints import comments, likes, playlists, profile_tabs  # noqa: E402

ALL += (likes.bp, playlists.bp, comments.bp, profile_tabs.bp)

from gateway.blueprints import pages  # noqa: E402

ALL += (pages.bp,)

from gateway.blueprints import files, licenses  # noqa: E402

ALL += (licenses.bp, files.bp)

from gateway.blueprints import stems  # noqa: E402

ALL += (stems.bp,)

from gateway.blueprints import finances, payouts  # noqa: E402

ALL += (payouts.bp, finances.bp)

from gateway.blueprints import backstage, leaderboards, progress  # noqa: E402

ALL += (progress.bp, leaderboards.bp, backstage.bp)

from gateway.blueprints import covers  # noqa: E402

ALL += (covers.bp,)
from gateway.blueprints import artist_follows  # noqa: E402

ALL += (artist_follows.bp,)
from gateway.blueprints import recon  # noqa: E402

ALL += (recon.bp,)
from gateway.blueprints import web_app  # noqa: E402

ALL += (web_app.bp,)
