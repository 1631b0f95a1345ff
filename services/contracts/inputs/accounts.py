"""Inputs of the ``accounts`` service: a registration, a profile's changes, a Producer Program application,
a checkout."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.contracts import passwords
from services.contracts.inputs import MISSING, StrictSchema, UUIDString, blank, must_be_true, text, web_url
from services.contracts.vocabularies import (APPLICATION_TYPES, EMAIL_MAX, FIELDS_BY_APPLICATION_TYPE,
                                             INSTAGRAM_PATTERN, PAID_PLAN_CODES, USERNAME_MAX, USERNAME_MIN,
                                             USERNAME_PATTERN)

PROFILE_TEXTS = ("name", "city", "country", "description")
APPLICATION_TEXTS = ("producer_name", "first_name", "last_name", "label", "instagram")


class Registration(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX))
    password = fields.String(required=True, metadata={
        "minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH,
        "description": f"{passwords.MIN_LENGTH}–{passwords.MAX_LENGTH} characters, not containing the email."})
    username = fields.String(required=True, validate=[validate.Length(min=USERNAME_MIN, max=USERNAME_MAX),
                                                      validate.Regexp(USERNAME_PATTERN)],
                             metadata={"pattern": USERNAME_PATTERN})

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def password_policy(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """Checked with the other fields, so one refusal names the password beside them."""
        password, email = data.get("password"), original.get("email") if isinstance(original, dict) else None
        if password is not None:
            if reasons := passwords.policy_violations(password, email if isinstance(email, str) else ""):
                raise ValidationError({"password": reasons})


class ProfileChanges(StrictSchema):
    name = text(100)
    city = text(100)
    country = text(100)
    description = text(2000)
    links = fields.List(web_url(), validate=validate.Length(max=10))

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one of name, city, country, description, links.")


class ProducerApplication(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(APPLICATION_TYPES))
    producer_name = text(100)
    beats_link = web_url("Public link to the producer's beats (http or https).")
    first_name = text(100)
    last_name = text(100)
    label = text(100, allow_none=True)
    instagram = fields.String(allow_none=True, validate=validate.Regexp(INSTAGRAM_PATTERN))
    artist_id = UUIDString(allow_none=True, metadata={"description": "The artist page claimed (claim_artist)."})
    accept_terms = must_be_true()
    owns_beats = must_be_true()
    grants_distribution_license = must_be_true()
    commits_two_beats_per_month = must_be_true()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def fields_for_type(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        # judged on the input, so a field that is present but malformed is not also called missing
        needed = FIELDS_BY_APPLICATION_TYPE.get(data.get("type", ""), ())
        missing = {name: [MISSING] for name in needed
                   if not isinstance(original, dict) or blank(original.get(name))}
        if missing:
            raise ValidationError(missing)


class CheckoutRequest(StrictSchema):
    """The plan a checkout buys (Explorer is free: there is nothing to check out)."""

    plan = fields.String(required=True, validate=validate.OneOf(PAID_PLAN_CODES, error="must be one of: {choices}"))
