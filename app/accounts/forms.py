"""Forms for changing and resetting passwords and for turning two-factor on and off."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
)

from app.auth.passwords import PasswordRule


class _NewPassword(FlaskForm):
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=200), PasswordRule()]
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )


class PasswordChangeForm(_NewPassword):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField("Change password")


class PasswordResetForm(_NewPassword):
    """An admin sets a colleague's password; the view sets `account` to that colleague."""

    turn_off_two_factor = BooleanField("Also turn off two-factor (for a lost phone)")
    # Asked for when the reset reaches further than a colleague's password: another admin's
    # account, or anyone's two-factor (a stolen admin session must not take either alone).
    your_password = PasswordField("Your password", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Reset password")


CODE = [DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message="Enter the 6-digit code.")]


class TwoFactorOnForm(FlaskForm):
    code = StringField("Code from your app", validators=CODE)
    submit = SubmitField("Turn on two-factor")


class TwoFactorOffForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField("Turn off two-factor")
