"""The glossary says what the app's words mean, in the words the screens use."""

from pathlib import Path

import app as package

TEMPLATES = Path(package.__file__).parent / "templates"
TAG = "sent later from an offline phone"


def test_the_glossary_names_an_offline_entry_as_the_screens_tag_it(client, auth, w):
    auth.sign_in(w.worker)
    page = client.get("/help/words").get_data(as_text=True)
    assert "Sent later from an offline phone" in page
    assert "arrived late" not in page.lower()
    # Every screen that flags such an entry does it with the one macro that holds the words
    # the glossary explains.
    assert TAG in (TEMPLATES / "macros/entries.html").read_text()
    for name in ("overview/index.html", "week/index.html", "journey/person.html"):
        assert "late_tag(e" in (TEMPLATES / name).read_text(), name


def test_the_glossary_says_the_current_rung_is_where_someone_stands_now(client, auth, w):
    """After going back, the current rung is the lower one, not the highest reached."""
    auth.sign_in(w.worker)
    page = client.get("/help/words").get_data(as_text=True)
    assert "current rung is where they stand now" in page
    assert "current rung is the highest they have reached" not in page
