"""Password hashing with argon2id, and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
# The passwords people reach for first (from public breach-frequency lists); refused whatever
# their length. Length and this list, not composition rules (NCSC and NIST guidance).
COMMON = {
    "password",
    "password1",
    "password123",
    "123456789",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "passw0rd123",
    "abc1234567",
    "football123",
    "qwerty12345",
    "1q2w3e4r5t",
    "sunshine123",
    "princess123",
    "changeme123",
    "password12",
    "trustno1234",
    "stepladder",
    "stepladder1",
    "stepladder123",
}


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def policy_problem(password: str) -> str | None:
    """Why this password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    if password.lower() in COMMON or len(set(password)) < 4:
        return "That password is too easy to guess. Try a few unrelated words."
    return None
