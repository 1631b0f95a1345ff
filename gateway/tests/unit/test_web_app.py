"""The browser app's serving rules (gateway/web.py): its index for the app's own paths, never for the API's."""
import pytest

INDEX = "<!doctype html><title>BeatPass</title><div id=app></div>"


@pytest.fixture
def built(web_dist):
    (web_dist / "assets").mkdir(parents=True)
    (web_dist / "index.html").write_text(INDEX)
    (web_dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    return web_dist


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/tracks/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                                  "/artists/x", "/users/x", "/backstage", "/backstage/activity",
                                  "/billing/success?session_id=cs_1", "/billing/cancel",
                                  "/exclusive/success?session_id=cs_2", "/exclusive/cancel", "/plans",
                                  "/account/billing", "/library/licenses", "/beat-requests"])
def test_the_apps_paths_answer_its_index_with_a_content_security_policy(http, built, path):
    response = http.get(path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == INDEX
    assert response.headers["Cache-Control"] == "no-cache"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/tracks/not-a-uuid/cover", "/healthz/x",
                                  "/health/x", "/ready/x", "/verify-license/x/y", "/favicon.ico", "/robots.txt"])
def test_the_apis_paths_and_files_keep_the_json_404(http, built, path):
    response = http.get(path)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"] == "not_found"


def test_a_post_to_an_unknown_path_is_not_the_app(http, built):
    response = http.post("/tracks/x", json={})
    assert response.status_code in (404, 405) and response.is_json


def test_assets_are_cached_for_a_year(http, built):
    response = http.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "console.log('app')"
    assert "immutable" in response.headers["Cache-Control"]
    assert http.get("/assets/nope.js").status_code == 404


def test_without_a_build_the_gateway_pages_answer(http):
    response = http.get("/")
    assert response.status_code == 200 and "BeatPass" in response.get_data(as_text=True)
    assert "Content-Security-Policy" not in response.headers
    assert http.get("/tracks/x").status_code == 404
    assert http.get("/assets/index-abc123.js").status_code == 404
    # where the billing portal sends a customer back is a page even then
    back = http.get("/account/billing")
    assert back.status_code == 200 and back.mimetype == "text/html" and "BeatPass" in back.get_data(as_text=True)
