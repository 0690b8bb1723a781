"""WSGI entry point for gunicorn and other servers: `gunicorn wsgi:app`."""

from app import create_app

app = create_app()
