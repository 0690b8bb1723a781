"""Measure set-up forms. Every state-changing button sits in a form, so CSRF always applies."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.form_fields import RouteCheckedCheckboxes


class PlanForm(FlaskForm):
    """Switch one measure on (or change its plan): when it is due, and what it serves."""

    baseline = BooleanField("Due when someone starts (baseline)", default=True)
    every_weeks = IntegerField(
        "Then due every how many weeks (leave empty for none)",
        [Optional(), NumberRange(min=1, max=104, message="Give between 1 and 104 weeks.")],
    )
    at_discharge = BooleanField("Due at discharge", default=True)
    show_bands = BooleanField("Show the person their band when they finish")
    outcomes = RouteCheckedCheckboxes("Outcomes it serves")
    funders = RouteCheckedCheckboxes("Funders it reports to")
    accept_terms = BooleanField("We have read its terms and done any registration they ask for")


class SafeguardingForm(FlaskForm):
    """The service's safeguarding procedure, and who may read safeguarding concerns."""

    procedure = TextAreaField(
        "Safeguarding procedure (shown to the worker at once after a risk answer)",
        [Length(max=4000)],
    )
    readers = RouteCheckedCheckboxes("Staff who may read safeguarding concerns")


class ImportForm(FlaskForm):
    """An organisation's own licensed definition file (its wording kept verbatim)."""

    file = FileField("Definition file (JSON)")
