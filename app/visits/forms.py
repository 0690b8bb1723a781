"""Setting a next visit: a day in one tap, or a date with an optional time and activity."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TimeField
from wtforms.validators import Length, Optional


class NextVisitForm(FlaskForm):
    # Which quick button was pressed: "today", "tomorrow", "week", or "date" for the fields.
    when = StringField(validators=[Length(max=10)])
    due_on = DateField("Another day", validators=[Optional()])
    at = TimeField("Time (optional)", validators=[Optional()])
    activity = SelectField("Activity (optional)", coerce=int, validators=[Optional()])
