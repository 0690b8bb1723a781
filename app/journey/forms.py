"""Forms for changing an entry: a void and a correction, each with a required reason."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

CORRECTABLE_KINDS = [
    SelectChoice("step", "Step"),
    SelectChoice("seen", "Seen today"),
    SelectChoice("setback", "Setback"),
    SelectChoice("note", "Note"),
]


class VoidForm(FlaskForm):
    # The void's own entry id, drawn with the page so a double submit is stored once.
    id = HiddenField(validators=[DataRequired()])
    reason = StringField(
        "Reason for removing it",
        validators=[DataRequired("Give a reason for removing this entry."), Length(max=2000)],
    )


class CorrectionForm(FlaskForm):
    id = HiddenField(validators=[DataRequired()])
    kind = SelectField("What happened", choices=CORRECTABLE_KINDS)
    rung = SelectField("Step reached", coerce=int, validate_choice=False, validators=[Optional()])
    outcome = SelectField(
        "Outcome (for a setback)", coerce=int, validate_choice=False, validators=[Optional()]
    )
    activity = SelectField("Activity", coerce=int, validate_choice=False, validators=[Optional()])
    note = TextAreaField("Note", validators=[Length(max=2000)])
    reason = StringField(
        "Reason for the correction",
        validators=[DataRequired("Give a reason for the correction."), Length(max=2000)],
    )
