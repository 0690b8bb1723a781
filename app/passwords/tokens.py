"""One-time links: a random token goes in the email, only its hash is stored, and it works
once, before it expires."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import AccountToken, User, UserSession
from app.models.clock import utcnow

LIFETIMES = {"invitation": timedelta(days=7), "password_reset": timedelta(hours=1)}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str) -> str:
    """A new link token for `user` (in this transaction); returns the token for the email."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    return token


def find(token: str) -> AccountToken | None:
    """The unused, unexpired token row for this link, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def redeem(row: AccountToken, password_hash: str) -> bool:
    """Use the token to set the password: once only (a second, concurrent use gets False);
    every other link of the user's stops working and every session of theirs ends."""
    now = utcnow()
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == row.user_id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    db.session.execute(
        update(User).where(User.id == row.user_id).values(password_hash=password_hash)
    )
    db.session.execute(delete(UserSession).where(UserSession.user_id == row.user_id))
    db.session.commit()
    return True
