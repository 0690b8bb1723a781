"""Consent, erasure and bulk anonymisation forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class ConsentForm(FlaskForm):
    consent_date = DateField("Date consent was given", validators=[Optional()])
    records = BooleanField("Records of the support (needed to work with the person)")
    stories = BooleanField("Anonymised stories may be shared with funders")
    submit = SubmitField("Save consent")


class EraseForm(FlaskForm):
    confirm_reference = StringField(
        "Type the person's reference to confirm", validators=[DataRequired(), Length(max=40)]
    )
    submit = SubmitField("Erase identifying data")


class BulkAnonymiseForm(FlaskForm):
    people = SelectMultipleField(
        "People to anonymise",
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField("Anonymise selected")
