"""An uploaded file between its steps (map columns, check, import), kept on the server.

The rows are kept in the instance folder, not in the browser, so a large file is uploaded
once; a pending import belongs to the admin who uploaded it and is removed once imported.
"""

import json
import secrets
from pathlib import Path

from flask import abort, current_app
from flask_login import current_user


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def save(filename: str, headers: list[str], rows: list[list[str]]) -> str:
    """Keep the file's rows for the signed-in admin; returns the token that names them."""
    token = secrets.token_urlsafe(18)
    payload = dict(
        organisation_id=current_user.organisation_id,
        user_id=current_user.id,
        filename=filename,
        headers=headers,
        rows=rows,
    )
    path = _folder() / f"{token}.json"
    path.write_text(json.dumps(payload), "utf-8")
    path.chmod(0o600)
    return token


def load(token: str) -> dict:
    """The pending import with this token, if the signed-in admin uploaded it; 404 otherwise."""
    if not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    path = _folder() / f"{token}.json"
    if not path.is_file():
        abort(404)
    payload = json.loads(path.read_text("utf-8"))
    if (
        payload["organisation_id"] != current_user.organisation_id
        or payload["user_id"] != current_user.id
    ):
        abort(404)
    return payload


def discard(token: str) -> None:
    (_folder() / f"{token}.json").unlink(missing_ok=True)
