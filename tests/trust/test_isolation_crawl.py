"""A hostile admin of another organisation, and a curious colleague, crawl for the demo's data.

Every URL the demo's supervisor and admin can reach (links followed from their home pages,
plus every GET rule of the app filled with the demo's own ids) is requested by an admin of
another organisation; none may show a demo person's name or reference. The same for one
worker's caseload against a colleague.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from app.demo import load_demo
from app.extensions import db
from app.models import Person, Referral, User, caseload
from tests.fixtures.factories import make_org, make_user
from tests.fixtures.url_map import app_rules, fill_rule
from tests.fixtures.web import Auth

HREF = re.compile(r'href="([^"#]*)"')
SKIP = ("/static/", "/sw.js", "/manifest.webmanifest", "/sign-out")
MAX_PAGES = 250


def _client(app, email):
    client = app.test_client()
    assert Auth(client).sign_in(email, "stepladder-demo").status_code == 303
    return client


def crawl(client, start: str = "/") -> set[str]:
    """Follow every same-site link from `start` (GET only), breadth first."""
    seen, queue = set(), deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303) and response.location:
            queue.append(urljoin(url, response.location))
        if response.mimetype == "text/html":
            for href in HREF.findall(response.get_data(as_text=True)):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if not parts.netloc and target.startswith("/") and not target.startswith(SKIP):
                    queue.append(target)
        response.close()
    return seen


def rule_urls(app, organisation_id: int, people: list[int]) -> set[str]:
    """Every GET rule of the app with ids from the organisation; each person for person routes."""
    urls = set()
    for rule in app_rules(app):
        if "GET" not in rule.methods:
            continue
        for person_id in people if "person_id" in rule.arguments else [None]:
            prefer = {"person_id": person_id} if person_id else None
            urls.add(fill_rule(rule, organisation_id, prefer=prefer))
    return urls


def leaks(client, urls, secrets_: set[str]) -> list[str]:
    """The URLs whose response shows any of the secrets."""
    found = []
    for url in sorted(urls):
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        shown = sorted(s for s in secrets_ if s in body)
        if shown:
            found.append(f"{url} ({response.status_code}) shows {shown[:3]}")
    return found


@pytest.fixture
def demo(app):
    org = load_demo()
    other = make_org("Hostile Trust")
    make_user(other, "admin", email="admin@hostile.example.org", password="stepladder-demo")
    make_user(other, "worker", email="worker@hostile.example.org", password="stepladder-demo")
    db.session.commit()
    people = list(db.session.scalars(select(Person).where(Person.organisation_id == org.id)))
    return org, people


def test_another_organisations_admin_sees_none_of_the_demo(app, demo):
    org, people = demo
    urls = set()
    for email in ("supervisor@example.org", "admin@example.org"):
        urls |= crawl(_client(app, email))
    urls |= rule_urls(app, org.id, [p.id for p in people[:3]])
    assert any(f"/people/{people[0].id}" in u for u in urls)
    secrets_ = {p.display_name for p in people} | {p.reference for p in people}
    # Referrals not yet accepted are no one's person, but just as private.
    referrals = list(db.session.scalars(select(Referral).where(Referral.organisation_id == org.id)))
    secrets_ |= {r.name for r in referrals} | {r.reference for r in referrals}
    assert any("/referrals" in u for u in urls)
    for email in ("admin@hostile.example.org", "worker@hostile.example.org"):
        assert leaks(_client(app, email), urls, secrets_) == []


def test_a_worker_cannot_open_a_colleagues_people(app, demo):
    org, people = demo
    worker, colleague = (
        db.session.scalar(select(User).where(User.email == email))
        for email in ("worker@example.org", "worker2@example.org")
    )
    mine = set(
        db.session.scalars(select(caseload.c.person_id).where(caseload.c.user_id == worker.id))
    )
    theirs = set(
        db.session.scalars(select(caseload.c.person_id).where(caseload.c.user_id == colleague.id))
    )
    only_mine = [p for p in people if p.id in mine - theirs]
    assert len(only_mine) >= 10
    urls = crawl(_client(app, "worker@example.org"))
    urls |= rule_urls(app, org.id, [p.id for p in only_mine[:3]])
    assert any(f"/people/{only_mine[0].id}" in u for u in urls)
    secrets_ = {p.display_name for p in only_mine} | {p.reference for p in only_mine}
    assert leaks(_client(app, "worker2@example.org"), urls, secrets_) == []
    client = _client(app, "worker2@example.org")
    for person in only_mine:
        assert client.get(f"/people/{person.id}").status_code == 404
