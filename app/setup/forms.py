"""Set-up forms. Every state-changing button sits in a form, so CSRF always applies."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.form_fields import RouteCheckedCheckboxes
from app.models.user import ROLE_LABELS

EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def strip(value):
    """Trim spaces, so a name of only spaces counts as empty."""
    return value.strip() if isinstance(value, str) else value


def named_uniquely(form, rows, kind: str, except_id: int | None = None) -> bool:
    """Validate `form`, whose name must also differ, ignoring case, from every row's that
    `rows()` reads (retired ones too) but `except_id`'s; "There is already {kind} called …"
    when it does not. True when the form may be saved."""
    if form.validate() and any(
        r.name.lower() == form.name.data.lower() and r.id != except_id for r in rows()
    ):
        form.name.errors.append(f"There is already {kind} called “{form.name.data}”.")
    return not form.errors


def add_text_field(form_class, name: str, label: str, max_length: int, **kwargs) -> None:
    """Give a form class built for one request (one field per template activity, per
    outcome) an optional text field, trimmed, of at most `max_length` characters."""
    field = StringField(label, [Length(max=max_length)], filters=[strip], **kwargs)
    setattr(form_class, name, field)


def options(pairs) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def offered(field) -> set:
    """The values a choice field offers."""
    return {choice.value for choice in field.choices or []}


def required(what: str) -> DataRequired:
    return DataRequired(message=f"Give the {what}.")


class ButtonForm(FlaskForm):
    """An empty form behind a single button (retire, restore, finish, deactivate)."""


class ActivityForm(FlaskForm):
    name = StringField(
        "Activity name", [required("activity's name"), Length(max=120)], filters=[strip]
    )


class OutcomeForm(FlaskForm):
    name = StringField(
        "Outcome name", [required("outcome's name"), Length(max=120)], filters=[strip]
    )
    description = TextAreaField("Description (optional)", [Length(max=1000)], filters=[strip])


class RungForm(FlaskForm):
    text = StringField(
        "New step", [required("step in plain words"), Length(max=200)], filters=[strip]
    )


class LibraryForm(FlaskForm):
    outcomes = RouteCheckedCheckboxes("Outcomes from the ready-made template")


class LinksForm(FlaskForm):
    links = RouteCheckedCheckboxes("Which activities serve which outcomes")


class StarterActivitiesForm(FlaskForm):
    """The template's activities, each with a keep box and a name; fields added per template."""


class PersonForm(FlaskForm):
    """A person's record; demographic fields and plan wording are added per organisation."""

    display_name = StringField(
        "Name or pseudonym", [required("name or pseudonym"), Length(max=120)], filters=[strip]
    )
    reference = StringField("Reference", [required("reference"), Length(max=40)], filters=[strip])
    status = RadioField(
        "Status",
        choices=options([("active", "Active"), ("waiting", "Waiting"), ("closed", "Closed")]),
        default="active",
    )
    closed_on = DateField("Closed on (if closed)", [Optional()])
    consent_date = DateField("Consent given on", [Optional()])
    consent_stories = BooleanField("Agreed that anonymised stories about them may be shared")
    key_workers = RouteCheckedCheckboxes("Key workers", coerce=int)
    outcomes = RouteCheckedCheckboxes("Outcomes they are working on", coerce=int)


class NewStaffForm(FlaskForm):
    name = StringField("Name", [required("name"), Length(max=200)], filters=[strip])
    email = EmailField(
        "Email",
        # The shape of an address is enough here: the admin knows the person, and the
        # email_validator package would be one more dependency for no real gain.
        [
            required("email"),
            Regexp(EMAIL_SHAPE, message="Give a valid email address."),
            Length(max=254),
        ],
        filters=[strip],
    )
    role = SelectField("Role", choices=options(ROLE_LABELS.items()), default="worker")
    password = PasswordField("Initial password", [required("initial password"), Length(max=200)])


class StaffForm(FlaskForm):
    name = StringField("Name", [required("name"), Length(max=200)], filters=[strip])
    role = SelectField("Role", choices=options(ROLE_LABELS.items()))


class CaseloadForm(FlaskForm):
    people = RouteCheckedCheckboxes("People on their caseload", coerce=int)


class SettingsForm(FlaskForm):
    name = StringField(
        "Organisation name", [required("organisation's name"), Length(max=200)], filters=[strip]
    )
    not_seen_days = IntegerField(
        "Days before someone counts as not seen",
        [
            DataRequired(message="Give a number of days."),
            NumberRange(min=1, max=365, message="Give a number of days from 1 to 365."),
        ],
    )
    demographic_fields = StringField(
        "Demographic fields collected", [Length(max=500)], filters=[strip]
    )
    demographic_options = TextAreaField(
        "Answers to choose from",
        [Length(max=4000)],
        filters=[strip],
    )
    workers_see_everyone = BooleanField(
        "Workers can find anyone in the organisation, not only their caseload"
    )
