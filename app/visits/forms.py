"""Setting a next visit: a day in one tap, or a date with an optional time and activity."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TimeField
from wtforms.validators import Length, Optional


class NextVisitForm(FlaskForm):
    # Like an entry's: made on the phone at the tap, so the outbox can keep and replay it.
    id = HiddenField(validators=[Optional(), Length(max=40)])
    # When the worker tapped, from the phone: "Today" means the day of the tap, however
    # late a phone without signal sends it.
    recorded_at = HiddenField(validators=[Optional(), Length(max=40)])
    # Which quick button was pressed: "today", "tomorrow", "week", or "date" for the fields.
    when = StringField(validators=[Length(max=10)])
    due_on = DateField("Another day", validators=[Optional()])
    at = TimeField("Time (optional)", validators=[Optional()])
    activity = SelectField("Activity (optional)", coerce=int, validators=[Optional()])
