"""WSGI entry point for gunicorn and other servers: `gunicorn wsgi:app`."""

from app import create_app
from app.cli import settle_for_serving

app = create_app()
settle_for_serving()  # a long-lived server process, as `stepladder serve` runs (app/cli.py)
