"""Time-based one-time codes (RFC 6238, via pyotp) for the optional second factor."""

import base64
import time

import pyotp
import segno

from app.models import User

ISSUER = "Stepladder"
# Accept the previous and next 30-second step too: phone clocks drift.
WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def spaced(secret: str) -> str:
    """The key in groups of four, easier to type into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """A QR code of the enrolment link as an SVG data URI (the CSP allows data: images)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _step_matching(secret: str, code: str) -> int | None:
    """The time step at which `code` is valid for `secret`, within the window, or None."""
    totp = pyotp.TOTP(secret)
    code = "".join(code.split())
    now_step = totp.timecode(time.time())
    for offset in range(-WINDOW, WINDOW + 1):
        step = now_step + offset
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def code_is_valid(secret: str, code: str) -> bool:
    return _step_matching(secret, code) is not None


def verify_for_user(user: User, code: str) -> bool:
    """Check a code for a user and mark its step used, so the same code cannot be replayed."""
    if not user.totp_secret:
        return False
    step = _step_matching(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True
