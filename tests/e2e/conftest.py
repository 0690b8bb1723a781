"""Browser tests: the real app served by `stepladder serve --demo`, driven in Debian's Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.fixtures.databases import fresh_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = dict(
    viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
)
# The office roles' screen: a laptop, 1280 × 800.
OFFICE = {"width": 1280, "height": 800}
DEMO_PASSWORD = "stepladder-demo"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A `stepladder serve --demo` process on a free port with its own fresh database."""

    def __init__(
        self,
        database_url: str,
        instance: str,
        workers: int | None = 2,
        extra_env: dict | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            STEPLADDER_DATABASE_URL=database_url,
            STEPLADDER_INSTANCE_PATH=instance,
            STEPLADDER_SECRET_KEY="e2e-secret",
            **(extra_env or {}),
        )
        self.workers = workers
        self.log_path = os.path.join(instance, "server.log")
        self.process = None

    def start(self) -> "LiveServer":
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "serve",
                "--demo",
                "--port",
                str(self.port),
                # None: serve's own default process count, exactly as the README starts it.
                *(["--workers", str(self.workers)] if self.workers else []),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.output())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        output = self.output()
        self.stop()  # nothing may outlive a server that never answered
        raise RuntimeError("server did not start:\n" + output)

    def output(self) -> str:
        with open(self.log_path) as log:
            return log.read()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # A loaded machine can take longer than that to stop gunicorn gracefully:
                # kill it, and wait, so no process outlives its test (an unwaited one warns
                # later, in whichever test happens to be running).
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One demo server for the browser tests of a session; tests add their own entries."""
    with fresh_database(tmp_path_factory.mktemp("e2e-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("e2e-instance"))).start()
        yield server
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page (360 × 740) in a fresh browser context, service workers allowed."""
    context = browser.new_context(base_url=live_server.url, service_workers="allow", **PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def office(browser, live_server):
    """An office-sized page (1280 × 800) in a fresh browser context."""
    context = browser.new_context(base_url=live_server.url, viewport=OFFICE)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, the way a person does."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
