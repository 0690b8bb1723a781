"""Set-up forms: a funder (what it funds, who may view it) and its indicators."""

import math

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.entries.indicators import KINDS
from app.form_fields import CheckboxesField


def finite(form, field) -> None:
    """Refuse "NaN", "Infinity" and numbers too large to store, which Decimal reads as numbers."""
    if field.data is not None and not (field.data.is_finite() and math.isfinite(field.data)):
        raise StopValidation("Give a number, such as 40 or 12.5.")


class FunderForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("What the funding is for (optional)", validators=[Length(max=2000)])
    starts_on = DateField("Funding starts (optional)", validators=[Optional()])
    ends_on = DateField("Funding ends (optional)", validators=[Optional()])
    target_basis = SelectField(
        "Indicators' targets are for",
        choices=[
            SelectChoice("funding", "The whole funding period"),
            SelectChoice("year", "Each year of funding"),
        ],
        default="funding",
    )
    activities = CheckboxesField("Activities it funds", coerce=int)
    outcomes = CheckboxesField("Outcomes it funds (none ticked: every outcome)", coerce=int)
    viewers = CheckboxesField("Funder viewers who may see its reports", coerce=int)

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The funding cannot end before it starts.")


class IndicatorForm(FlaskForm):
    kind = SelectField(
        "What to count", choices=[SelectChoice(k, v.label) for k, v in KINDS.items()]
    )
    label = StringField("Name in the report", validators=[DataRequired(), Length(max=200)])
    outcome = SelectField("Outcome", coerce=int, validate_choice=False)
    rung = SelectField("Rung", coerce=int, validate_choice=False)
    activity = SelectField("Activity", coerce=int, validate_choice=False)
    measure = SelectField("Measure", validate_choice=False)
    rungs = IntegerField(
        "Rungs to climb (at least)", default=1, validators=[Optional(), NumberRange(min=1, max=20)]
    )
    target = DecimalField(
        "Target (optional)", places=None, validators=[Optional(), finite, NumberRange(min=0)]
    )


class IndicatorEditForm(FlaskForm):
    """An indicator's name and target, changed without losing what they were (its history)."""

    label = StringField("Name in the report", validators=[DataRequired(), Length(max=200)])
    target = DecimalField(
        "Target (optional)", places=None, validators=[Optional(), finite, NumberRange(min=0)]
    )
