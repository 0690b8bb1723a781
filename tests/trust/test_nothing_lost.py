"""N concurrent clients × M entries through a real multi-process server arrive exactly once,
also when the server is killed (SIGKILL) and restarted in the middle of the load."""

import os
import re
import signal
import subprocess
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, select

from app.models import Entry
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.web import csrf_from

# A thousand concurrent entries (issue: "a thousand concurrent entries arrive exactly once");
# the kill-and-restart run uses fewer, since its point is the restart, not the volume.
CLIENTS = 10
ENTRIES = 100
KILL_CLIENTS = 4
KILL_ENTRIES = 25


class KillableServer(LiveServer):
    """A LiveServer in its own process group, so SIGKILL takes the master and its workers."""

    def start(self) -> "KillableServer":
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        real_popen = subprocess.Popen

        def popen(*args, **kwargs):
            return real_popen(*args, start_new_session=True, **kwargs)

        subprocess.Popen = popen
        try:
            return super().start()
        finally:
            subprocess.Popen = real_popen

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()


def _client(base: str) -> tuple[requests.Session, str, str]:
    """A signed-in demo worker: (session, path to record for their first person, CSRF token)."""
    session = requests.Session()
    page = session.get(base + "/sign-in").text
    session.post(
        base + "/sign-in",
        data={
            "email": "worker@example.org",
            "password": "stepladder-demo",
            "csrf_token": csrf_from(page),
        },
    )
    people = session.get(base + "/people").text
    person_path = re.search(r'href="(/people/\d+)"', people).group(1)
    return session, person_path + "/entries", csrf_from(session.get(base + person_path).text)


def _post_until_acknowledged(server_url, session, path, token, entry_id, acknowledged, stop_at):
    """Post one entry with the replay header; retry on any network error or non-2xx."""
    while time.monotonic() < stop_at:
        try:
            response = session.post(
                server_url() + path,
                data={"csrf_token": token, "id": entry_id, "action": "seen"},
                headers={"X-Stepladder-Replay": "1"},
                timeout=10,
            )
        except requests.RequestException:
            time.sleep(0.2)
            continue
        if response.status_code in (200, 201):
            acknowledged.append(entry_id)
            return
        time.sleep(0.2)
    raise AssertionError(f"entry {entry_id} never acknowledged")


def _run_load(server_url, clients, entries: int, on_halfway=None) -> list[str]:
    acknowledged: list[str] = []
    ids = [[str(uuid.uuid4()) for _ in range(entries)] for _ in clients]
    stop_at = time.monotonic() + 240
    errors = []

    def work(n):
        session, path, token = clients[n]
        try:
            for entry_id in ids[n]:
                _post_until_acknowledged(
                    server_url, session, path, token, entry_id, acknowledged, stop_at
                )
        except Exception as error:  # reported after join
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(clients))]
    for t in threads:
        t.start()
    if on_halfway:
        while len(acknowledged) < len(clients) * entries // 2 and any(
            t.is_alive() for t in threads
        ):
            time.sleep(0.05)
        on_halfway()
    for t in threads:
        t.join()
    assert errors == []
    return [i for batch in ids for i in batch]


def _stored(url: str, ids: list[str]) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Entry.id, func.count())
                .where(Entry.id.in_([uuid.UUID(i) for i in ids]))
                .group_by(Entry.id)
            ).all()
    finally:
        engine.dispose()
    return {str(entry_id): n for entry_id, n in rows}


def _entry_count(url: str) -> int:
    """Every entry the database holds, whatever its id: ids are the table's key and cannot
    repeat, so only this total shows an entry stored twice under two ids."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Entry))
    finally:
        engine.dispose()


@pytest.fixture
def database(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


def test_concurrent_clients_lose_and_duplicate_nothing(database, tmp_path):
    server = KillableServer(database, str(tmp_path / "server"), workers=3).start()
    try:
        clients = [_client(server.url) for _ in range(CLIENTS)]
        before = _entry_count(database)  # the demo's own entries
        ids = _run_load(lambda: server.url, clients, ENTRIES)
    finally:
        server.stop()
    stored = _stored(database, ids)
    assert len(stored) == CLIENTS * ENTRIES
    assert set(stored.values()) == {1}
    assert _entry_count(database) - before == CLIENTS * ENTRIES  # and nothing more


def test_killing_the_server_mid_load_loses_no_acknowledged_entry(database, tmp_path):
    server = KillableServer(database, str(tmp_path / "first"), workers=2).start()
    current = {"server": server}
    clients = [_client(server.url) for _ in range(KILL_CLIENTS)]
    before = _entry_count(database)  # the demo's own entries

    def kill_and_restart():
        current["server"].kill()
        replacement = KillableServer(database, str(tmp_path / "second"), workers=2)
        replacement.port, replacement.url = server.port, server.url  # the same address again
        current["server"] = replacement.start()

    try:
        ids = _run_load(
            lambda: current["server"].url, clients, KILL_ENTRIES, on_halfway=kill_and_restart
        )
    finally:
        current["server"].stop()
    stored = _stored(database, ids)
    assert len(stored) == KILL_CLIENTS * KILL_ENTRIES  # every entry, each retried until 2xx
    assert set(stored.values()) == {1}
    # And none twice, whatever the retries (the restart loads no demo: the database is not empty).
    assert _entry_count(database) - before == KILL_CLIENTS * KILL_ENTRIES
