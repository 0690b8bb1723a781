"""The one form on a person's page: every button records one kind of entry."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.entries import modes


class EntryForm(FlaskForm):
    # The entry's UUID. Drawn into the page only for posts with JavaScript off; with
    # JavaScript on, a fresh one is made at the moment of the tap (see static/js/app.js).
    id = HiddenField(validators=[DataRequired()])
    recorded_at = HiddenField()
    # Which button was pressed: "step:<rung>", "seen", "dna", "setback:<outcome>", "note",
    # "void:<entry>".
    action = StringField(validators=[DataRequired(), Length(max=60)])
    activity = RadioField("Activity", coerce=int, validate_choice=False, validators=[Optional()])
    # The worker's opt-in to carry the activity to the next person (its label sits in the
    # Activity group, which names what is kept). `keep_activity_drawn` is how the box was
    # drawn: only a change the worker made on this page changes the choice, so a kept
    # offline copy drawn before it was made cannot quietly undo it.
    keep_activity = BooleanField("Keep for the next person")
    keep_activity_drawn = HiddenField()
    note = TextAreaField("Note (optional)", validators=[Length(max=2000)])
    shareable = BooleanField("May be shared as an anonymised story")
    reason = StringField("Reason", validators=[Length(max=2000)])
    # How and how long: optional, defaulted from the worker's last choice, never required.
    mode = RadioField(
        "How", choices=modes.choices(), validate_choice=False, validators=[Optional()]
    )
    minutes = IntegerField("Minutes", validators=[Optional()])

    def parsed_action(self) -> tuple[str, str | None]:
        kind, _, arg = (self.action.data or "").partition(":")
        return kind, (arg or None)
