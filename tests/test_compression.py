"""Static files go out compressed when the browser accepts it; pages never do (BREACH).
Our own scripts go out minified (app/compression.py), compressed or not."""

import gzip
from pathlib import Path

import brotli
import pytest
import rjsmin

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"


def _as_served(path: str) -> bytes:
    source = (STATIC / path.removeprefix("/static/")).read_bytes()
    ours = path.endswith(".js") and not path.endswith(".min.js")
    return rjsmin.jsmin(source, keep_bang_comments=True) if ours else source


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
@pytest.mark.parametrize(
    "path", ["/static/js/app.js", "/static/css/app.css", "/static/vendor/htmx/htmx-2.0.11.min.js"]
)
def test_static_files_are_compressed_for_browsers_that_accept_it(
    client, path, encoding, decompress
):
    with client.get(path, headers={"Accept-Encoding": encoding}) as response:
        body = response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    original = _as_served(path)
    assert decompress(body) == original
    assert len(body) < len(original)


def test_the_service_worker_and_manifest_are_compressed(client):
    for path in ("/sw.js", "/manifest.webmanifest"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip", path
        assert gzip.decompress(response.get_data())


def test_a_browser_that_accepts_no_compression_gets_the_plain_file(client):
    response = client.get("/static/js/app.js")
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == _as_served("/static/js/app.js")


def test_pages_are_never_compressed(client, auth, w):
    """A page holds its CSRF token beside text from the URL: compressed, its size would leak
    the token (BREACH)."""
    sign_in = client.get("/sign-in", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in sign_in.headers
    auth.sign_in(w.worker)
    page = client.get("/people?q=Ada", headers={"Accept-Encoding": "gzip, br"})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers
    assert "csrf_token" in page.get_data(as_text=True)
