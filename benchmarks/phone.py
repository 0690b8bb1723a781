"""The phone's experience of the worker's pages, on a throttled profile, in Debian's Chromium.

    python benchmarks/phone.py [--database-url sqlite:///benchmarks/bench.sqlite]

Serves the app with `stepladder serve` on the benchmark database (run benchmarks/run.py
first, or `stepladder generate-data`), slows the page's CPU 4× and adds 150 ms to every
round trip through the DevTools Protocol, then signs in as a worker and measures: bytes
transferred on the first (cold) and a repeat load, JavaScript and CSS gzipped, Largest
Contentful Paint and layout shift of My people and a person's page, and the time from a
tap on "Seen today" to "Saved" in the status region, online and (when the service worker
and outbox are present) offline. The entries it records are removed afterwards.
"""

import gzip
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

from app.config import normalise_database_url  # noqa: E402
from app.models import Entry, User  # noqa: E402
from app.models.clock import utcnow  # noqa: E402
from benchmarks.data import PASSWORD, remove_entries_at  # noqa: E402
from benchmarks.report import machine, verdict, write_section  # noqa: E402
from benchmarks.server import Server  # noqa: E402

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
WORKER = "worker1@bench.example.org"
TAPS = 7

# Largest Contentful Paint and layout shift, collected by the browser's own observers.
VITALS = """
window.__vitals = {lcp: 0, cls: 0};
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__vitals.lcp = e.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__vitals.cls += e.value;
}).observe({type: "layout-shift", buffered: true});
"""
# Timestamps taken inside the page: the tap, and the moment the status region says `word`.
TAP_TIMER = """word => {
  const status = document.getElementById("status");
  status.replaceChildren();  // start empty, so only the answer to this tap can match
  let tapped = 0;
  document.addEventListener("click", () => { tapped = performance.now(); },
                            {capture: true, once: true});
  window.__tap = new Promise(resolve => {
    const seen = new MutationObserver(() => {
      if (tapped && status.textContent.includes(word)) {
        seen.disconnect();
        resolve(performance.now() - tapped);
      }
    });
    seen.observe(status, {childList: true, subtree: true, characterData: true});
  });
}"""


class Traffic:
    """Bytes that crossed the network (the page's and its service worker's own fetches), and
    how many of the page's responses the service worker answered."""

    def __init__(self, context):
        self.bytes = 0
        self.worker_bytes = 0  # of those, fetched by the service worker (precaching included)
        self.responses = 0
        self.from_worker = 0
        context.on("requestfinished", self._finished)

    def reset(self) -> None:
        self.bytes = self.worker_bytes = self.responses = self.from_worker = 0

    def _finished(self, request) -> None:
        response = request.response()
        if response is None:
            return
        if request.service_worker is None:
            self.responses += 1
        if response.from_service_worker:
            self.from_worker += 1
            return  # answered by the service worker; its own network fetch is counted apart
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.bytes += size
        if request.service_worker is not None:
            self.worker_bytes += size


def throttle(context, page):
    """4× slower CPU and 150 ms round trips for this page, via the DevTools Protocol."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 150,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return cdp


def vitals(page) -> tuple[float, float]:
    page.wait_for_timeout(500)  # let the observers deliver their buffered entries
    result = page.evaluate("window.__vitals")
    return result["lcp"], result["cls"]


def gzipped(base: str, paths: set[str]) -> int:
    """Total gzipped size of these same-origin files, as a compressing proxy would send them."""
    total = 0
    for path in sorted(paths):
        with urllib.request.urlopen(base + path) as response:
            total += len(gzip.compress(response.read(), compresslevel=6))
    return total


def tap_to_status(page, word: str) -> float:
    """Milliseconds from the tap on "Seen today" to `word` in the status region."""
    page.evaluate(TAP_TIMER, word)
    page.get_by_role("button", name="Seen today").click()
    return page.evaluate("window.__tap")


def measure(base: str) -> dict:
    """Every phone figure, in one fresh browser profile."""
    figures: dict = {"absent": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, service_workers="allow", **PHONE)
        context.add_init_script(VITALS)
        page = context.new_page()
        throttle(context, page)
        traffic = Traffic(context)
        scripts, sheets = set(), set()

        def note_static(response) -> None:
            path = response.url[len(base) :]
            if response.request.resource_type == "script":
                scripts.add(path)
            elif response.request.resource_type == "stylesheet":
                sheets.add(path)

        page.on("response", note_static)
        page.goto("/sign-in")
        page.wait_for_load_state("load")
        figures["sign_in_lcp"], figures["sign_in_cls"] = vitals(page)
        page.get_by_label("Email").fill(WORKER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("list", name="My people").wait_for()
        page.wait_for_load_state("load")
        page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => 1) : 0")
        page.wait_for_timeout(1000)  # the service worker's install fetches finish
        figures["first_load_bytes"] = traffic.bytes
        figures["first_load_worker_bytes"] = traffic.worker_bytes

        # A full navigation (not htmx-boosted), so LCP counts from this page's own start.
        traffic.reset()
        page.goto("/people")
        page.get_by_role("list", name="My people").wait_for()
        page.wait_for_load_state("load")
        figures["my_people_lcp"], figures["my_people_cls"] = vitals(page)
        figures["repeat_load_bytes"] = traffic.bytes
        figures["repeat_worker_bytes"] = traffic.worker_bytes
        figures["repeat_from_worker"] = f"{traffic.from_worker} of {traffic.responses}"

        person = page.get_by_role("list", name="My people").get_by_role("link").first
        href = person.get_attribute("href")
        traffic.reset()
        page.goto(href)
        page.get_by_role("button", name="Seen today").wait_for()
        page.wait_for_load_state("load")
        figures["person_bytes"] = traffic.bytes
        figures["person_from_worker"] = f"{traffic.from_worker} of {traffic.responses}"
        figures["person_lcp"], figures["person_cls"] = vitals(page)
        figures["js_gzip"] = gzipped(base, scripts)
        figures["css_gzip"] = gzipped(base, sheets)
        figures["scripts"] = sorted(scripts)

        online = [tap_to_status(page, "Saved") for _ in range(TAPS)]
        figures["tap_online"] = online

        controlled = page.evaluate(
            "navigator.serviceWorker && !!navigator.serviceWorker.controller"
        )
        if not controlled:
            page.reload()
            page.get_by_role("button", name="Seen today").wait_for()
            controlled = page.evaluate(
                "navigator.serviceWorker && !!navigator.serviceWorker.controller"
            )
        if not controlled:
            figures["absent"]["Tap to “Saved on this phone” (offline)"] = (
                "no service worker controls the page"
            )
        else:
            context.set_offline(True)
            try:
                figures["tap_offline"] = [
                    tap_to_status(page, "Saved on this phone") for _ in range(TAPS)
                ]
            except Exception as problem:  # noqa: BLE001 - any failure here is the finding itself
                figures["absent"]["Tap to “Saved on this phone” (offline)"] = (
                    f"no offline save: {problem}"
                )
            context.set_offline(False)
            page.wait_for_timeout(3000)  # let the outbox send what it kept
        context.close()
        browser.close()
    return figures


def remove_entries(database_url: str, since) -> int:
    """Delete what this run recorded, so the dataset stays as the server benchmark left it."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as connection:
        worker = connection.scalar(select(User.id).where(User.email == WORKER))
        mine = Entry.worker_id == worker, Entry.received_at >= since
        ids = list(connection.scalars(select(Entry.id).where(*mine)))
    engine.dispose()
    remove_entries_at(database_url, ids)
    return len(ids)


def render(f: dict) -> str:
    """The phone figures as a Markdown table with each target's verdict."""
    # fmt: off
    kb = lambda n: f"{n / 1024:.1f} KB"  # noqa: E731
    ms = lambda xs: f"median {statistics.median(xs):.0f} ms, worst {max(xs):.0f} ms"  # noqa: E731
    rows = [
        ("First load, cold cache (sign-in → My people), all bytes", kb(f["first_load_bytes"]),
         "< 100 KB", verdict(f["first_load_bytes"], 100 * 1024)),
        ("… of which the service worker fetched (precaching the caseload for offline use)",
         kb(f["first_load_worker_bytes"]), "", ""),
        ("… of which the page itself", kb(f["first_load_bytes"] - f["first_load_worker_bytes"]),
         "< 100 KB", verdict(f["first_load_bytes"] - f["first_load_worker_bytes"], 100 * 1024)),
        ("Repeat load of My people (full navigation)", kb(f["repeat_load_bytes"]),
         "served from the service worker",
         f"{f['repeat_from_worker']} responses from it; {kb(f['repeat_worker_bytes'])} it fetched"),
        ("Person page (full navigation, warm)", kb(f["person_bytes"]), "",
         f"{f['person_from_worker']} responses from the service worker"),
        ("JavaScript, gzipped", kb(f["js_gzip"]), "< 30 KB", verdict(f["js_gzip"], 30 * 1024)),
        ("CSS, gzipped", kb(f["css_gzip"]), "", ""),
        ("LCP, sign-in page (cold)", f"{f['sign_in_lcp']:.0f} ms", "< 1500 ms",
         verdict(f["sign_in_lcp"], 1500)),
        ("LCP, My people", f"{f['my_people_lcp']:.0f} ms", "< 1500 ms",
         verdict(f["my_people_lcp"], 1500)),
        ("LCP, person page", f"{f['person_lcp']:.0f} ms", "< 1500 ms",
         verdict(f["person_lcp"], 1500)),
        ("Layout shift (CLS), sign-in / My people / person",
         f"{f['sign_in_cls']:.3f} / {f['my_people_cls']:.3f} / {f['person_cls']:.3f}", "< 0.1",
         verdict(max(f["sign_in_cls"], f["my_people_cls"], f["person_cls"]), 0.1)),
        ("Tap to “Saved” (online)", ms(f["tap_online"]), "< 200 ms",
         verdict(statistics.median(f["tap_online"]), 200)),
    ]
    # fmt: on
    if "tap_offline" in f:
        rows.append(
            (
                "Tap to “Saved on this phone” (offline)",
                ms(f["tap_offline"]),
                "< 100 ms",
                verdict(statistics.median(f["tap_offline"]), 100),
            )
        )
    lines = [
        "## The phone: worker's pages on a throttled profile",
        "",
        f"Machine: {machine()}. Chromium at {CHROMIUM}, 360×740 phone viewport, CPU slowed 4× "
        "(`Emulation.setCPUThrottlingRate`), 150 ms added to each round trip "
        "(`Network.emulateNetworkConditions`); served by `stepladder serve` (gunicorn, 2 workers) "
        f"on the benchmark database; signed in as {WORKER}. Scripts: {', '.join(f['scripts'])}.",
        "Bytes are as sent by gunicorn, uncompressed; behind a compressing proxy (docs/deploy.md) "
        "text shrinks to about the gzipped figures.",
        "",
        "| measure | figure | target | verdict |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        *[f"| {name} | – | < 100 ms | not measured: {why} |" for name, why in f["absent"].items()],
    ]
    return "\n".join(lines)


@click.command()
@click.option(
    "--database-url",
    default=f"sqlite:///{Path(__file__).parent / 'bench.sqlite'}",
    show_default=True,
)
def main(database_url: str) -> None:
    """Measure the worker's pages on a throttled phone profile and write results.md."""
    since = utcnow()
    time.sleep(0.01)
    with Server(database_url) as server:
        try:
            figures = measure(server.url)
        finally:
            removed = remove_entries(database_url, since)
    section = (
        render(figures) + f"\n\nThe {removed} entries recorded by the taps were removed afterwards."
    )
    write_section("phone", section)
    click.echo(section)


if __name__ == "__main__":
    main()
