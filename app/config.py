"""Configuration: defaults in code; the environment and the instance folder override them."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def kept_secret_key(instance_path: str) -> str:
    """A key generated once and kept in the instance folder (when none is configured)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: str) -> dict:
    """Build the default configuration for an app whose instance folder is `instance_path`."""
    default_db = f"sqlite:///{Path(instance_path) / 'stepladder.sqlite'}"
    return {
        # Empty: create_app keeps a generated key in the instance folder instead.
        "SECRET_KEY": os.environ.get("STEPLADDER_SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("STEPLADDER_DATABASE_URL", default_db)
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A PostgreSQL streaming replica for reports, exports and the Overview (app/replica.py).
        "REPLICA_DATABASE_URL": normalise_database_url(
            os.environ.get("STEPLADDER_REPLICA_DATABASE_URL", "")
        )
        or None,
        # Sessions live server-side (user_session rows) so sign-out really ends them.
        "SESSION_IDLE_TIMEOUT": timedelta(
            minutes=int(os.environ.get("STEPLADDER_IDLE_MINUTES", 120))
        ),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("STEPLADDER_HTTPS", "") == "1",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # A CSRF token lives as long as the server-side session that it is bound to, so an
        # entry queued offline can be replayed hours later; sign-out revokes both.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        "RATELIMIT_STORAGE_URI": os.environ.get("STEPLADDER_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Several deployments (or test runs) may share one Redis; each keeps its own counters.
        "RATELIMIT_KEY_PREFIX": os.environ.get("STEPLADDER_RATELIMIT_PREFIX", "stepladder"),
        # argon2id parameters (RFC 9106 second recommendation: 64 MiB, 3 passes).
        "PASSWORD_HASH": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
        "TIMEZONE": os.environ.get("STEPLADDER_TIMEZONE", "Europe/London"),
        # How many reverse proxies in front of the app to trust for the client's address and
        # scheme (X-Forwarded-For/-Proto): rate limits per address, HSTS and the audit trail's
        # "from where" depend on it. 0 when the app faces the network itself.
        "TRUSTED_PROXIES": int(os.environ.get("STEPLADDER_TRUSTED_PROXIES", "0")),
        "UNDO_WINDOW": timedelta(hours=24),
        # Email: smtp://user:pass@host:587?starttls=1 or smtps://…; empty means "not set up",
        # and the admin's Email page shows what would have been sent.
        "SMTP_URL": os.environ.get("STEPLADDER_SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("STEPLADDER_MAIL_FROM", "stepladder@localhost"),
        "MAIL_IN_BACKGROUND": True,
        # How soon an email that failed is tried again (then twice as long each time, at most
        # an hour), and how often each served process looks for one (app/mail/retry.py).
        "MAIL_RETRY_SECONDS": float(os.environ.get("STEPLADDER_MAIL_RETRY_SECONDS", "60")),
        # Where emailed links point (https://stepladder.example.org): never the request's
        # Host header, which the client chooses (app/links.py). `serve` fills it when unset.
        "BASE_URL": os.environ.get("STEPLADDER_BASE_URL", ""),
    }


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common `postgresql://` form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
