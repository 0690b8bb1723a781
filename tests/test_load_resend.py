"""The open-loop load run resends a request once when the server drops its connection before
answering, as a browser does, and counts it; anything else stays an error."""

import socket
import struct
import threading

import pytest
import requests

from benchmarks.load import Tally
from benchmarks.load_open import send


class DroppingServer:
    """A localhost HTTP server that resets the first `drops` connections once a request has
    arrived on them (closed with SO_LINGER 0, so the client sees a reset) and answers "ok" on
    the rest."""

    def __init__(self, drops: int):
        self.drops, self.seen = drops, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/overview/"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                self.seen += 1
                if self.seen <= self.drops:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def close(self):
        self.listener.close()


@pytest.fixture
def server(request):
    found = DroppingServer(request.param)
    yield found
    found.close()


@pytest.mark.parametrize("server", [1], indirect=True)
def test_a_dropped_connection_is_resent_once_and_counted(server):
    tally = Tally()
    response = send(requests.Session(), tally, "GET", server.url)
    assert (response.status_code, response.text) == (200, "ok")
    assert server.seen == 2
    assert len(tally.resent) == 1 and tally.resent[0].startswith("GET overview/")


@pytest.mark.parametrize("server", [2], indirect=True)
def test_a_second_drop_is_an_error(server):
    tally = Tally()
    with pytest.raises(requests.ConnectionError):
        send(requests.Session(), tally, "GET", server.url)
    assert server.seen == 2 and len(tally.resent) == 1


def test_a_refused_connection_is_not_resent():
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    listener.close()  # nothing listens there now
    tally = Tally()
    with pytest.raises(requests.ConnectionError):
        send(requests.Session(), tally, "GET", url)
    assert tally.resent == []
