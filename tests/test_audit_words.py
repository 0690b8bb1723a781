"""The audit trail in words: who, what, and which person by name; the phones' offline copies
hidden unless asked for (on the page and in its export alike)."""

import csv
import io


def test_the_trail_reads_in_words_with_the_person_named(client, auth, w):
    auth.sign_in(w.worker)
    client.get(f"/people/{w.person.id}")
    client.post("/sign-out", data={"csrf_token": auth.csrf("/people")})
    auth.sign_in(w.admin)
    page = client.get("/audit/?action=person.view").get_data(as_text=True)
    assert f"{w.worker.name} (worker)" in page
    assert "opened Ada L.&#39;s page" in page or "opened Ada L.'s page" in page


def test_offline_copies_are_hidden_unless_asked_for(client, auth, w):
    auth.sign_in(w.worker)
    client.get(f"/people/{w.person.id}", headers={"X-Stepladder-Prefetch": "1"})
    client.get(f"/people/{w.person.id}")
    client.post("/sign-out", data={"csrf_token": auth.csrf("/people")})
    auth.sign_in(w.admin)
    hidden = client.get("/audit/").get_data(as_text=True)
    assert "kept an offline copy" not in hidden and "opened Ada L." in hidden
    shown = client.get("/audit/?copies=show").get_data(as_text=True)
    assert "kept an offline copy of Ada L." in shown

    def rows(url):
        return list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))

    assert "person.offline_copy" not in {r["action"] for r in rows("/audit/events.csv")}
    assert "person.offline_copy" in {r["action"] for r in rows("/audit/events.csv?copies=show")}


def test_another_organisations_person_is_never_named(client, auth, w):
    auth.sign_in(w.other_admin)
    client.get(f"/people/{w.other_person.id}")
    client.post("/sign-out", data={"csrf_token": auth.csrf("/audit/")})
    auth.sign_in(w.admin)
    page = client.get("/audit/").get_data(as_text=True)
    assert w.other_person.display_name not in page
