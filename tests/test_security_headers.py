"""Pages that answer htmx with a fragment chosen by its target say so to any cache between."""

import pytest


@pytest.mark.parametrize(("path", "target"), [("/people", "people-list"), ("/overview/", "live")])
def test_a_page_and_its_fragments_vary_by_htmx_request_and_target(client, auth, w, path, target):
    auth.sign_in(w.supervisor if path == "/overview/" else w.worker)
    page = client.get(path)
    fragment = client.get(path, headers={"HX-Request": "true", "HX-Target": target})
    assert page.get_data() != fragment.get_data()
    for response in (page, fragment):
        varies = {v.strip() for v in response.headers["Vary"].split(",")}
        assert {"HX-Request", "HX-Target"} <= varies
        assert response.headers["Cache-Control"] == "no-store"
