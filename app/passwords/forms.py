"""Forms for invitations, forgotten passwords and setting a password from a link."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.auth.passwords import PasswordRule
from app.models.user import ROLE_LABELS
from app.setup.forms import EMAIL_SHAPE, options, strip


class ForgotForm(FlaskForm):
    email = EmailField("Email", [DataRequired(message="Give your email."), Length(max=254)])


class SetPasswordForm(FlaskForm):
    """Nobody is signed in on a link from an email: the rule is checked against the words of
    `account`, the account the link is for."""

    new_password = PasswordField("New password", [DataRequired(), Length(max=200), PasswordRule()])
    confirm = PasswordField(
        "New password again",
        [DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )

    def __init__(self, account, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


class InviteForm(FlaskForm):
    name = StringField(
        "Name", [DataRequired(message="Give their name."), Length(max=200)], filters=[strip]
    )
    email = EmailField(
        "Email",
        [
            DataRequired(message="Give their email."),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message="That email address does not look right."),
        ],
        filters=[strip],
    )
    role = SelectField("Role", choices=options(ROLE_LABELS.items()), default="worker")
