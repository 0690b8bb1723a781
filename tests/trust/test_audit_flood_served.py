"""The cap on anonymous audit rows is exact in the shipped server: many anonymous requests
from one address, arriving at once in several processes, write exactly the cap, never more.

Started as the README does (its default process count) and with --workers 4; the servers
trust one proxy hop, so the requests come from an address of the test's choosing.
"""

import threading

import pytest
import requests
from sqlalchemy import create_engine, func, select

from app.audit import trail
from app.models import AuditEvent
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer

AT_ONCE = trail.ANONYMOUS_ROWS_PER_MINUTE * 2


@pytest.fixture(scope="module", params=[None, 4], ids=["default-processes", "4-workers"])
def server(request, tmp_path_factory):
    """A demo server started as the README does, and the URL of its database."""
    with fresh_database(tmp_path_factory.mktemp("audit-flood-db")) as url:
        live = LiveServer(
            url,
            str(tmp_path_factory.mktemp("audit-flood-instance")),
            workers=request.param,
            extra_env={"STEPLADDER_TRUSTED_PROXIES": "1"},
        ).start()
        yield live, url
        live.stop()


def rows_from(database_url: str, address: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.address == address)
            )
    finally:
        engine.dispose()


def test_anonymous_requests_at_once_from_one_address_write_exactly_the_cap(server):
    live, database_url = server
    barrier = threading.Barrier(AT_ONCE)
    statuses = [None] * AT_ONCE

    def lost_visitor(i):
        headers = {"X-Forwarded-For": "10.9.0.1", "Connection": "close"}
        barrier.wait()
        statuses[i] = requests.get(f"{live.url}/no-such-page-{i}", headers=headers).status_code

    threads = [threading.Thread(target=lost_visitor, args=(i,)) for i in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [404] * AT_ONCE  # the visitor is answered; only the trail is capped
    assert rows_from(database_url, "10.9.0.1") == trail.ANONYMOUS_ROWS_PER_MINUTE
    # Another address still has its own allowance.
    requests.get(f"{live.url}/no-such-page", headers={"X-Forwarded-For": "10.9.0.2"})
    assert rows_from(database_url, "10.9.0.2") == 1
