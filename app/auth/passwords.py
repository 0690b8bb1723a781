"""Password hashing with argon2id, and the password policy."""

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
# The product's own words, which anyone guessing a Stepladder password tries first (the demo's
# password among them), refused alongside the organisation's own name and the user's email.
OWN_WORDS = ("stepladder", "demo recovery centre", "recovery", "stepladder-demo")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from breach corpora, as zxcvbn ships them (its
    frequency list, from Xato's 10 million passwords), plus the product's own words."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(OWN_WORDS)


def _core(password: str) -> str:
    """The password without the digits and symbols people add to a word to pass a rule
    ("Password2024!" is "password")."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def account_words(organisation_name: str, name: str, email: str) -> list[str]:
    """Words anyone could guess for one account: its organisation's name and each word of
    it, the holder's name, and the part of the email before the @."""
    return [organisation_name, *organisation_name.split(), name, email.split("@")[0]]


def words_of(user) -> list[str]:
    """The guessable words of an existing account (`user`, a User)."""
    return account_words(user.organisation.name, user.name, user.email)


def context_words() -> list[str]:
    """Words of the signed-in user's account (none outside a request or signed out)."""
    from flask import has_request_context
    from flask_login import current_user

    if not has_request_context() or not current_user.is_authenticated:
        return []
    return words_of(current_user)


class PasswordRule:
    """The one rule for every form field that sets a password: `policy_problem` with the
    words of the account the password is for. A form sets `account` when that is not the
    signed-in user (a link from an email has nobody signed in; an admin resets a colleague)."""

    def __call__(self, form, field) -> None:
        from wtforms.validators import ValidationError

        account = getattr(form, "account", None)
        words = words_of(account) if account is not None else None
        if problem := policy_problem(field.data or "", words):
            raise ValidationError(problem)


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def policy_problem(password: str, own_words: list[str] | None = None) -> str | None:
    """Why this password is not acceptable, or None when it is.

    Length and a real-size list of breached passwords, not composition rules (NCSC and NIST
    guidance); also refused: a password built on the organisation's or the user's own words
    (`own_words`, by default those of the signed-in user).
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _core(password) in common or len(set(password)) < 4:
        return "That password is too easy to guess. Try a few unrelated words."
    words = [*OWN_WORDS, *(context_words() if own_words is None else own_words)]
    for word in (w.lower() for w in words if len(w) >= 4):
        rest = lowered.replace(word, "")
        if len(rest) != len(lowered) and len(re.sub(r"[\W\d_]", "", rest)) < 6:
            return "That password is built on a name anyone could guess. Try unrelated words."
    return None
