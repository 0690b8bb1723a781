"""Rate limits for the public, signed-out forms (referrals, forgot password).

They use Flask-Limiter exactly as sign-in does, so they hold across processes whenever
STEPLADDER_RATELIMIT_STORAGE_URL names a shared store (Redis); when sign-in moves to a
shared mechanism of its own, these strings and keys are the only things to move with it.
"""

from flask import request

# Per address: generous enough for a GP practice behind one address, not for a flood.
REFERRAL_PER_ADDRESS = "20 per hour"
FORGOT_PER_ADDRESS = "10 per hour"
# Per account asked about, whoever asks: nobody's inbox is flooded with reset links.
FORGOT_PER_ACCOUNT = "3 per hour"


def forgot_account_key() -> str:
    return "forgot:" + request.form.get("email", "").strip().lower()[:254]
