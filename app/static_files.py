"""Static files named by their content, so a phone never runs yesterday's script on today's page.

At start-up every file under `static/` is hashed once. `url_for("static", ...)` (and so every
template) appends `?v=<sha256 prefix>`; a request carrying the current hash of its file is
cached for a year, immutable, and any other static request is revalidated. The service
worker's cache version is derived from the hashes of the files it caches (and its own), so a
change to any shell file changes the worker's bytes, the browser installs the new one, and
the old shell cache is deleted.
"""

import hashlib
import json
from pathlib import Path

import rjsmin
from flask import Flask, current_app, request

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# What the service worker precaches: the app shell a page needs with no signal.
SHELL_STATIC = (
    "css/app.css",
    "js/app.js",
    "js/outbox.js",
    "js/sync.js",
    "js/offline.js",
    "js/going_back.js",
    "js/measure.js",
    "vendor/htmx/htmx-2.0.11.min.js",
    "icons/mark.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/apple-touch-icon.png",
)
# Pages and files outside static/ that the shell also holds (the manifest names its icons
# without a hash, so those are revalidated rather than kept for a year).
SHELL_OTHER = ("/offline", "/manifest.webmanifest")
# The scripts the service worker imports itself.
WORKER_SCRIPTS = ("js/outbox.js", "js/sync.js")
# Templates drawn into the precached offline page: a change to them is a new build too.
SHELL_TEMPLATES = ("base.html", "offline/offline.html", "offline/outbox.html")


def file_hash(path: Path) -> str:
    """The first characters of a file's SHA-256, enough to tell two versions apart."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]


def hash_folder(folder: str | Path) -> dict[str, str]:
    """Every file under `folder`, by its path relative to it (with forward slashes)."""
    root = Path(folder)
    return {
        path.relative_to(root).as_posix(): file_hash(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def static_url(filename: str, hashes: dict[str, str] | None = None) -> str:
    """The URL of a static file with its content hash, as pages and the service worker use it."""
    hashes = current_app.extensions["static_hashes"] if hashes is None else hashes
    version = hashes.get(filename)
    return f"/static/{filename}?v={version}" if version else f"/static/{filename}"


def worker_build(static_folder: str | Path, template_folder: str | Path) -> dict:
    """What the service worker needs to know of this build: its version and hashed URLs.

    The version covers sw.js itself, every file it precaches or imports, and the templates of
    the precached offline page, so changing any one of them changes the cache name.
    """
    hashes = hash_folder(static_folder)
    parts = [("sw.js", file_hash(Path(static_folder) / "sw.js"))]
    parts += [(name, hashes[name]) for name in SHELL_STATIC + WORKER_SCRIPTS]
    parts += [("manifest.webmanifest", hashes["manifest.webmanifest"])]
    parts += [(name, file_hash(Path(template_folder) / name)) for name in SHELL_TEMPLATES]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:HASH_LENGTH]
    return {
        "version": digest,
        "shell": [static_url(name, hashes) for name in SHELL_STATIC] + list(SHELL_OTHER),
        "scripts": [static_url(name, hashes) for name in WORKER_SCRIPTS],
    }


def worker_source(static_folder: str | Path, template_folder: str | Path) -> str:
    """sw.js, minified, with its build prepended: the bytes change whenever the build does."""
    build = worker_build(static_folder, template_folder)
    source = (Path(static_folder) / "sw.js").read_text()
    return f"self.STEPLADDER_BUILD = {json.dumps(build)};\n{rjsmin.jsmin(source)}"


def cache_control() -> str:
    """A year for a static URL carrying its file's current hash; revalidate anything else."""
    filename = (request.view_args or {}).get("filename", "")
    current = current_app.extensions["static_hashes"].get(filename)
    return IMMUTABLE if current and request.args.get("v") == current else REVALIDATE


def init_app(app: Flask) -> None:
    """Hash the static files once and version every `url_for("static", ...)` with them."""
    app.extensions["static_hashes"] = hash_folder(app.static_folder)
    source = worker_source(
        app.static_folder, Path(app.root_path) / (app.template_folder or "templates")
    )
    app.extensions["service_worker"] = source
    app.extensions["service_worker_version"] = hashlib.sha256(source.encode()).hexdigest()

    @app.url_defaults
    def add_content_hash(endpoint, values):
        """Append the file's content hash to every static URL the app draws."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = app.extensions["static_hashes"].get(values["filename"])
            if version:
                values["v"] = version
