"""One blueprint per area of the API."""
from flask import Blueprint

from gateway.blueprints import admin, auth, docs, health, me, producer_program, users

ALL: tuple[Blueprint, ...] = (auth.bp, me.bp, users.bp, producer_program.bp, admin.bp, health.bp, docs.bp)
