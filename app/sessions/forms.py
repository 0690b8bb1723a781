"""The forms of group sessions: starting one, and the register that saves it."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    TimeField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from app.entries.modes import MAX_MINUTES
from app.form_fields import CheckboxesField


class NewSessionForm(FlaskForm):
    activity = SelectField("Activity", coerce=int, validators=[DataRequired()])
    held_on = DateField("Date", validators=[DataRequired()])
    starts_at = TimeField("Time (optional)", validators=[Optional()])
    minutes = IntegerField(
        "How long, in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=MAX_MINUTES)],
    )
    facilitators = CheckboxesField("Facilitators", coerce=int)
    people = CheckboxesField("People on the register", coerce=int)
    left_early = BooleanField("Offer “Left early” on the register")
    regulars = BooleanField(
        "Add the regular members (those on the last register of the same group)"
    )


class RegisterForm(FlaskForm):
    # The register's UUID, made on the phone at the moment of saving (static/js/app.js, as
    # for any entry form); each person's entry id is derived from it (register.py).
    id = HiddenField(validators=[DataRequired()])
    recorded_at = HiddenField()
    anonymous = IntegerField(
        "Drop-in attendees not on the register",
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )


class AddPersonForm(FlaskForm):
    person = IntegerField(validators=[DataRequired()])
