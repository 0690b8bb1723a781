"""Static files named by their content: long-cached when hashed, and a service worker whose
cache version follows the build (app/static_files.py)."""

import hashlib
import json
import re
import shutil
from pathlib import Path

from app import static_files


def _build(sw_source: str) -> dict:
    """The build the server prepended to sw.js."""
    first_line = sw_source.splitlines()[0]
    assert first_line.startswith("self.STEPLADDER_BUILD = ")
    return json.loads(first_line.removeprefix("self.STEPLADDER_BUILD = ").rstrip(";"))


def test_every_static_url_on_a_page_carries_its_files_content_hash(app, client, auth, w):
    auth.sign_in(w.worker)
    page = client.get("/people").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(urls) >= 7
    static = Path(app.static_folder)
    for url in urls:
        path, version = re.fullmatch(r"/static/([^?]+)\?v=([0-9a-f]+)", url).groups()
        assert version == hashlib.sha256((static / path).read_bytes()).hexdigest()[:12]


def test_hashed_urls_are_cached_for_a_year_and_anything_else_is_revalidated(app, client):
    version = app.extensions["static_hashes"]["js/app.js"]
    with client.get(f"/static/js/app.js?v={version}") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/static/js/app.js", "/static/js/app.js?v=0123456789ab"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache"


def test_the_service_worker_is_never_long_cached_and_names_this_builds_files(app, client):
    with client.get("/sw.js") as response:
        assert response.headers["Cache-Control"] == "no-cache"
        source = response.get_data(as_text=True)
        etag = response.headers["ETag"]
    build = _build(source)
    hashes = app.extensions["static_hashes"]
    assert f"/static/css/app.css?v={hashes['css/app.css']}" in build["shell"]
    assert f"/static/js/offline.js?v={hashes['js/offline.js']}" in build["shell"]
    assert build["scripts"] == [
        f"/static/js/outbox.js?v={hashes['js/outbox.js']}",
        f"/static/js/sync.js?v={hashes['js/sync.js']}",
    ]
    assert "/offline" in build["shell"]
    assert '"stepladder-shell-"+BUILD.version' in source
    # Revalidation is cheap: the same build answers 304.
    assert client.get("/sw.js", headers={"If-None-Match": etag}).status_code == 304


def _copy_build(app, tmp_path) -> tuple[Path, Path]:
    static = tmp_path / "static"
    templates = tmp_path / "templates"
    shutil.copytree(app.static_folder, static)
    shutil.copytree(Path(app.root_path) / "templates", templates)
    return static, templates


def test_changing_a_shell_file_changes_its_url_and_the_service_workers_cache_name(app, tmp_path):
    static, templates = _copy_build(app, tmp_path)
    before = static_files.worker_build(static, templates)
    before_hashes = static_files.hash_folder(static)
    source_before = static_files.worker_source(static, templates)
    with (static / "css/app.css").open("a") as css:
        css.write("\n.changed { color: red; }\n")
    after = static_files.worker_build(static, templates)
    after_hashes = static_files.hash_folder(static)
    assert after_hashes["css/app.css"] != before_hashes["css/app.css"]
    assert static_files.static_url("css/app.css", after_hashes) != static_files.static_url(
        "css/app.css", before_hashes
    )
    assert after["version"] != before["version"]
    # Files that did not change keep their URL, so phones keep their copies of them.
    assert after_hashes["js/app.js"] == before_hashes["js/app.js"]
    # The worker's own bytes change too, which is what makes the browser install it.
    assert static_files.worker_source(static, templates) != source_before


def test_the_cache_name_follows_every_file_the_worker_caches(app, tmp_path):
    static, templates = _copy_build(app, tmp_path)
    versions = {static_files.worker_build(static, templates)["version"]}
    for changed in (
        static / "js/outbox.js",
        static / "sw.js",
        static / "manifest.webmanifest",
        static / "icons/mark.svg",
        templates / "offline/offline.html",
    ):
        with changed.open("a") as f:
            f.write("\n")
        versions.add(static_files.worker_build(static, templates)["version"])
    assert len(versions) == 6
