"""Emailed links start at the configured origin (STEPLADDER_BASE_URL), never the Host header."""

import pytest

from app import create_app
from app.cli import _served_origin
from app.links import BaseUrlError, origin


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", ""),
        ("https://stepladder.example.org", "https://stepladder.example.org"),
        ("https://stepladder.example.org/", "https://stepladder.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_a_base_url_is_kept_as_its_origin(setting, expected):
    assert origin(setting) == expected


@pytest.mark.parametrize(
    "setting",
    [
        "stepladder.example.org",
        "ftp://stepladder.example.org",
        "https://stepladder.example.org/app",
        "https://stepladder.example.org?x=1",
        "https://user:pw@stepladder.example.org",
        "javascript:alert(1)",
    ],
)
def test_a_base_url_that_is_not_an_origin_stops_the_app_starting(setting):
    with pytest.raises(BaseUrlError):
        create_app({"SECRET_KEY": "test", "BASE_URL": setting})


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("0.0.0.0", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        ("stepladder.internal", "http://stepladder.internal:8000"),
    ],
)
def test_serve_without_a_base_url_links_to_its_own_address(host, expected):
    assert _served_origin(host, 8000) == expected
