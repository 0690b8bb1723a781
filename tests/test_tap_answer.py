"""A tap on a person's page is answered with only what it changed: the status message, the
tapped ladder and the entry's timeline line, each swapped in by id (the main swap is off)."""

import re
import uuid
from html.parser import HTMLParser

import pytest

from app.extensions import db
from tests.fixtures.factories import make_entry, make_outcome

HTMX = {"HX-Request": "true", "HX-Target": "recorder"}


class _Swaps(HTMLParser):
    """The top-level elements of an answer that carry hx-swap-oob, by id or target, with the
    text and attributes found inside each."""

    def __init__(self):
        super().__init__()
        self.swaps: dict[str, dict] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self._open and "hx-swap-oob" in attrs:
            how = attrs["hx-swap-oob"]
            key = how.split(":", 1)[1] if ":" in how else f"#{attrs['id']}"
            self.swaps[key] = {"how": how, "text": "", "buttons": []}
        if self.swaps and (self._open or "hx-swap-oob" in attrs):
            if tag == "button":
                self.swaps[next(reversed(self.swaps))]["buttons"].append(attrs)
            if tag not in {"input", "br", "img", "meta", "link"}:
                self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.swaps[next(reversed(self.swaps))]["text"] += data


def _swaps(html: str) -> dict[str, dict]:
    parser = _Swaps()
    parser.feed(html)
    return parser.swaps


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def tap(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}")

    def post(action, **fields):
        data = {"csrf_token": token, "id": str(uuid.uuid4()), "action": action, **fields}
        return client.post(f"/people/{w.person.id}/entries", data=data, headers=HTMX)

    return post


def _rung_states(swap: dict) -> dict[str, str]:
    """Rung id -> its class on the redrawn ladder (current, next, reached or plain)."""
    return {
        b["data-rung"]: b["class"].replace("rung", "").strip()
        for b in swap["buttons"]
        if "data-rung" in b
    }


def test_a_step_answers_with_its_ladder_its_line_and_the_status_only(tap, w):
    make_entry(w.person, w.worker, "step", rung=w.outcome.rungs[0])
    second = make_outcome(w.org, "Keeping well", ("Slept well",))
    w.person.plans.append(type(w.person.plans[0])(outcome=second))
    db.session.commit()
    rungs = w.outcome.rungs
    response = tap(f"step:{rungs[1].id}", activity=w.activity.id, mode="phone", minutes="20")
    assert response.status_code == 201
    assert response.headers["HX-Reswap"] == "none"
    html = response.get_data(as_text=True)
    assert 'id="recorder"' not in html and "<html" not in html
    swaps = _swaps(html)
    # The tapped ladder alone, redrawn with the tapped rung current; the other ladder untouched.
    assert f"#ladder-{second.id}" not in swaps
    ladder = swaps[f"#ladder-{w.outcome.id}"]
    assert _rung_states(ladder) == {
        str(rungs[2].id): "next",
        str(rungs[1].id): "current",
        str(rungs[0].id): "reached",
    }
    # The new line goes on top of the timeline, with what was recorded.
    line = _words(swaps["#timeline"]["text"])
    assert swaps["#timeline"]["how"] == "afterbegin:#timeline"
    assert line.startswith("Left home with support")
    assert "Doorstep support" in line and "20 min" in line and w.worker.name in line
    assert _words(swaps["#status"]["text"]).startswith("Saved · Left home with support")
    # Minutes are for one contact: the field comes back empty; a leftover question goes.
    assert 'id="minutes"' in html and 'value=""' in html
    assert swaps["#confirm-back"]["text"].strip() == ""


def test_seen_today_redraws_no_ladder(tap, w):
    response = tap("seen")
    swaps = _swaps(response.get_data(as_text=True))
    assert response.status_code == 201
    assert not [key for key in swaps if key.startswith("#ladder-")]
    assert _words(swaps["#timeline"]["text"]).startswith("Seen")
    assert "Undo" in swaps["#status"]["text"]


def test_undo_strikes_the_line_through_and_puts_the_ladder_back(tap, w):
    rungs = w.outcome.rungs
    make_entry(w.person, w.worker, "step", rung=rungs[0])
    db.session.commit()
    step_id = tap(f"step:{rungs[1].id}").get_data(as_text=True)
    entry_id = re.search(r'value="void:([0-9a-f-]{36})"', step_id).group(1)
    response = tap(f"void:{entry_id}", reason="Undone straight away")
    assert response.status_code == 201
    swaps = _swaps(response.get_data(as_text=True))
    assert _words(swaps["#status"]["text"]) == "Removed"
    struck = swaps[f"#entry-{entry_id}"]
    assert struck["how"] == "true" and "removed" in struck["text"]
    assert "#timeline" not in swaps  # the undo itself adds no line
    ladder = swaps[f"#ladder-{w.outcome.id}"]
    assert _rung_states(ladder)[str(rungs[0].id)] == "current"
    assert _rung_states(ladder)[str(rungs[1].id)] == "next"


def test_the_page_carries_the_ids_the_short_answer_swaps_into(client, auth, w):
    """Each id a short answer names is in the full page, once: otherwise the swap is lost."""
    entry = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    for element_id in (
        "status",
        "timeline",
        "confirm-back",
        "minutes",
        f"ladder-{w.outcome.id}",
        f"entry-{entry.id}",
    ):
        assert page.count(f'id="{element_id}"') == 1, element_id


def test_a_note_still_answers_with_the_whole_recorder(tap, w):
    """Its box must come back empty and closed, so the note is not saved twice."""
    response = tap("note", note="Talked about the bus")
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert '<div id="recorder">' in html and "HX-Reswap" not in response.headers
    assert "Talked about the bus</textarea>" not in html


def test_reaching_the_top_folds_the_ladder_while_another_is_climbed(tap, w):
    second = make_outcome(w.org, "Keeping well", ("Slept well", "Cooked a meal"))
    w.person.plans.append(type(w.person.plans[0])(outcome=second))
    db.session.commit()
    top = w.outcome.rungs[-1]
    html = tap(f"step:{top.id}").get_data(as_text=True)
    slot = _swaps(html)[f"#ladder-{w.outcome.id}"]
    assert "top step reached" in _words(slot["text"])
    assert '<details class="finished-ladder">' in html
    # Gone back below the top, it opens again.
    html = tap(f"goback:{w.outcome.rungs[0].id}").get_data(as_text=True)
    assert "top step reached" not in _words(_swaps(html)[f"#ladder-{w.outcome.id}"]["text"])
    assert "<details" not in html


def test_the_keep_activity_box_is_drawn_again_as_it_now_stands(tap, w):
    """Ticked on one tap and unticked on the next, with no full redraw between: both count."""
    keep = {"activity": w.activity.id, "keep_activity": "y", "keep_activity_drawn": ""}
    html = tap("seen", **keep).get_data(as_text=True)
    assert 'id="keep_activity_drawn" name="keep_activity_drawn" value="1"' in html
    assert db.session.get(type(w.worker), w.worker.id).carries_activity
    html = tap("seen", activity=w.activity.id, keep_activity_drawn="1").get_data(as_text=True)
    assert 'id="keep_activity_drawn" name="keep_activity_drawn" value=""' in html
    assert not db.session.get(type(w.worker), w.worker.id).carries_activity
