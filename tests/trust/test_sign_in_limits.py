"""Sign-in limits hold in the shipped server: its default process count, --workers 4, and
forty attempts arriving at once. PRODUCT.md: more than 10 failed sign-ins within a minute,
for one account or one address, get 429.

The servers trust one proxy hop, so each attempt can come from an address of the test's
choosing (X-Forwarded-For); everything else is `stepladder serve --demo` as the README runs it.
"""

import threading
from collections import Counter

import pyotp
import pytest
import requests

from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.web import csrf_from

DEMO_PASSWORD = "stepladder-demo"
AT_ONCE = 40


@pytest.fixture(scope="module", params=[None, 4], ids=["default-processes", "4-workers"])
def server(request, tmp_path_factory):
    """A demo server started as the README does, with its default process count or four."""
    with fresh_database(tmp_path_factory.mktemp("limits-db")) as url:
        live = LiveServer(
            url,
            str(tmp_path_factory.mktemp("limits-instance")),
            workers=request.param,
            extra_env={"STEPLADDER_TRUSTED_PROXIES": "1"},
        ).start()
        yield live
        live.stop()


class Browser:
    """One client with its own cookies, at one address, holding a fresh sign-in form."""

    def __init__(self, server, address: str, path: str = "/sign-in"):
        self.server = server
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = address
        # A fresh connection per request: a kept-alive one may be closed by the server's
        # keep-alive timeout just as the attempt is sent (a reset, not an answer).
        self.http.headers["Connection"] = "close"
        self.path = path
        self.token = csrf_from(self.http.get(server.url + path).text)

    def post(self, **data) -> int:
        response = self.http.post(
            self.server.url + self.path,
            data={"csrf_token": self.token, **data},
            allow_redirects=False,
        )
        return response.status_code


def _at_once(browsers, data) -> Counter:
    """Post `data(i)` from every browser `i` at the same moment; count the answers."""
    barrier = threading.Barrier(len(browsers))
    statuses = [None] * len(browsers)

    def attempt(i):
        barrier.wait()
        statuses[i] = browsers[i].post(**data(i))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


def test_forty_failures_at_once_for_one_account_let_exactly_ten_through(server):
    browsers = [Browser(server, f"10.1.0.{i}") for i in range(AT_ONCE)]
    answers = _at_once(browsers, lambda i: dict(email="worker@example.org", password="wrong"))
    assert answers == {401: 10, 429: AT_ONCE - 10}
    # The limit is the account's, not the addresses': even the right password now waits.
    assert (
        Browser(server, "10.1.1.1").post(email="worker@example.org", password=DEMO_PASSWORD) == 429
    )


def test_forty_failures_at_once_from_one_address_let_exactly_ten_through(server):
    browsers = [Browser(server, "10.2.0.1") for _ in range(AT_ONCE)]
    answers = _at_once(browsers, lambda i: dict(email=f"nobody{i}@example.org", password="x"))
    assert answers == {401: 10, 429: AT_ONCE - 10}
    assert Browser(server, "10.2.0.1").post(email="admin@example.org", password="x") == 429
    # Another address is not held back by this one.
    assert Browser(server, "10.2.0.2").post(email="someone@example.org", password="x") == 401


def test_one_after_another_the_eleventh_failure_and_every_later_one_get_429(server):
    statuses = [
        Browser(server, f"10.3.0.{i}").post(email="worker2@example.org", password="wrong one!")
        for i in range(16)
    ]
    assert statuses == [401] * 10 + [429] * 6  # no alternating between processes


def _enrol_two_factor(server, address: str) -> str:
    """Turn on two-factor for the demo supervisor; return the key."""
    browser = Browser(server, address)
    assert browser.post(email="supervisor@example.org", password=DEMO_PASSWORD) == 303
    page = browser.http.get(server.url + "/account/").text
    key = page.split('class="totp-key">')[1].split("<")[0].replace(" ", "")
    enrolled = browser.http.post(
        server.url + "/account/two-factor",
        data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(key).now()},
        allow_redirects=False,
    )
    assert enrolled.status_code == 303
    return key


def _wrong_code(key: str) -> str:
    """A six-digit code that no nearby time step accepts."""
    import time

    totp = pyotp.TOTP(key)
    near = {totp.at(time.time() + offset) for offset in range(-120, 121, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in near)


def test_forty_wrong_codes_at_once_let_exactly_ten_through(server):
    key = _enrol_two_factor(server, "10.4.0.250")
    browsers = []
    for i in range(AT_ONCE):
        browser = Browser(server, f"10.4.0.{i}")
        assert browser.post(email="supervisor@example.org", password=DEMO_PASSWORD) == 303
        browser.path = "/sign-in/code"
        browser.token = csrf_from(browser.http.get(server.url + "/sign-in/code").text)
        browsers.append(browser)
    code = _wrong_code(key)
    answers = _at_once(browsers, lambda i: dict(code=code))
    assert answers == {401: 10, 429: AT_ONCE - 10}
