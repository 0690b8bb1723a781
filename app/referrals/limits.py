"""Limits on the public, signed-out forms (referrals, forgot password).

They go through `app.throttle`, as sign-in does: attempts are counted in the database, so
the limits hold however many server processes run and however many posts arrive at once.
"""

from datetime import timedelta

from flask import request

from app.audit.trail import client_address
from app.throttle import Limit

# Per address: generous enough for a GP practice behind one address, not for a flood.
REFERRAL_PER_ADDRESS = Limit(20, timedelta(hours=1))
FORGOT_PER_ADDRESS = Limit(10, timedelta(hours=1))
# Per account asked about, whoever asks: nobody's inbox is flooded with reset links.
FORGOT_PER_ACCOUNT = Limit(3, timedelta(hours=1))


def referral_keys() -> dict:
    """Each referral post counts against the address it came from."""
    return {"address:" + client_address(): [REFERRAL_PER_ADDRESS]}


def forgot_keys() -> dict:
    """A reset request counts against its address and the account it names."""
    email = request.form.get("email", "").strip().lower()[:254]
    return {
        "address:" + client_address(): [FORGOT_PER_ADDRESS],
        ("account:" + email) if email else "": [FORGOT_PER_ACCOUNT],
    }
