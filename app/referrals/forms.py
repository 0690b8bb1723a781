"""Referral forms: the public front door, staff's own, and the supervisor's decisions."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.models.referral import DISCHARGE_REASONS, SOURCES
from app.setup.forms import EMAIL_SHAPE, options

# Control characters other than tab and line breaks have no place in a name or a reason
# (and PostgreSQL cannot store NUL): refused with a message rather than stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(_form, field) -> None:
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError("This contains characters that cannot be stored. Please retype it.")


def text(label: str, max_length: int, required: str | None = None, **kwargs):
    """A trimmed text field of at most `max_length` characters, required if `required` says why."""
    checks = [DataRequired(message=required)] if required else [Optional()]
    return StringField(
        label,
        [*checks, Length(max=max_length), plain_text],
        filters=[strip],
        **kwargs,
    )


class ReferralForm(FlaskForm):
    """One referral: the person, the reason, who is referring, and consent."""

    name = text("Name", 120, "Give the name of the person being referred.")
    contact = text(
        "How we can contact them",
        200,
        "Say how we can contact them (a phone number, email or address).",
        description="A phone number, an email address or a postal address.",
    )
    contact_preference = text("How they prefer to be contacted", 60)
    language = text("Preferred language", 60)
    reason = TextAreaField(
        "Reason for referral",
        [
            DataRequired(message="Say briefly why you are referring them."),
            Length(max=4000),
            plain_text,
        ],
        filters=[strip],
    )
    source = RadioField(
        "Who is referring",
        choices=options(
            [
                ("self", "I am referring myself"),
                *[(key, label) for key, label in SOURCES.items() if key != "self"],
            ]
        ),
        validators=[InputRequired(message="Say who is referring.")],
    )
    referrer_name = text("Your name", 120)
    referrer_organisation = text("Your organisation", 200)
    referrer_role = text("Your role", 120)
    referrer_email = EmailField(
        "Your email",
        [
            Optional(),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message="That email address does not look right."),
            plain_text,
        ],
        filters=[strip],
        description="We tell you the outcome of the referral by email (no clinical details).",
    )
    referrer_phone = text("Your phone", 40)
    consent = BooleanField(
        "They agree to this referral and to us keeping these details to contact them",
        [DataRequired(message="The person must agree to the referral before it is sent.")],
    )
    # A honeypot: hidden from people (and from screen readers); only robots fill it in.
    website = StringField("Leave this empty", filters=[strip])

    def validate_referrer_name(self, field) -> None:
        if self.source.data not in (None, "self") and not field.data:
            raise ValidationError("Give your name, so we know who referred them.")


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason for declining",
        [DataRequired(message="Give a reason for declining."), Length(max=2000), plain_text],
        filters=[strip],
    )


class ReferOnForm(FlaskForm):
    where = text("Referred on to", 200, "Say where they were referred on to.")


class KeyWorkerForm(FlaskForm):
    key_worker = SelectField("Key worker", coerce=str, validate_choice=False)


class DischargeForm(FlaskForm):
    reason = RadioField(
        "Reason for closing",
        choices=options(DISCHARGE_REASONS.items()),
        validators=[InputRequired(message="Choose why their time with the service ended.")],
    )
    summary = TextAreaField(
        "Closing summary (optional)", [Optional(), Length(max=4000), plain_text], filters=[strip]
    )


class FormSettingsForm(FlaskForm):
    referrals_open = BooleanField("The public referral form is open")
    slug = text(
        "Address of the form",
        60,
        "Give the form an address.",
        description="Letters, numbers and hyphens; the form is at /refer/<address>.",
    )
    referral_intro = TextAreaField(
        "Introduction on the form", [Optional(), Length(max=2000), plain_text], filters=[strip]
    )
    waiting_target_days = IntegerField(
        "Waiting target (days)",
        [InputRequired(message="Give the waiting target in days."), NumberRange(1, 365)],
    )
    referral_reply = TextAreaField(
        "Email to the referrer about the outcome",
        [Optional(), Length(max=4000), plain_text],
        filters=[strip],
        description="You may use {reference}, {outcome} and {organisation}. Leave empty for the "
        "standard wording. Never add clinical details.",
    )

    def validate_slug(self, field) -> None:
        if field.data and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", field.data):
            raise ValidationError("Use lower-case letters, numbers and hyphens only.")
