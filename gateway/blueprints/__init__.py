"""One blueprint per area of the API."""
from flask import Blueprint

from gateway.blueprints import admin, artists, auth, collections, docs, health, me, producer_program, tracks, users

ALL: tuple[Blueprint, ...] = (auth.bp, me.bp, users.bp, producer_program.bp, admin.bp, tracks.bp, artists.bp,
                              collections.bp, health.bp, docs.bp)
