"""The listener's pages in a real browser: a track's like, repost, comments and add-to-playlist; the library and a
playlist; an artist page followed; a user profile's tabs and follow button; notifications with the header's
unread count."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import POSTGRES_ONLY, axe_violations, screenshot
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_beat_requests import request_body
from tests.e2e.test_licensing import publish
from tests.e2e.test_uploads import make_producer
from tests.support import audio
from tests.support.api import Api

pytestmark = POSTGRES_ONLY
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def producer(platform) -> Api:
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return make_producer(platform, admin)


@pytest.fixture(scope="module")
def beat(producer, tmp_path_factory) -> dict:
    wav = audio.make_wav(tmp_path_factory.mktemp("web-listener") / "beat.wav", seed=uuid.uuid4().int % 10**6)
    return publish(producer, wav, name=f"Listener Beat {uuid.uuid4().hex[:6]}")


def new_listener(platform) -> Api:
    listener = Api(platform.url)
    listener.register()
    return listener


def log_in(page: Page, account: Api) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(account.user["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=account.user["username"])).to_be_visible()


def clean(page: Page, *expected: int) -> None:
    """No accessibility violation, and no console error but the browser's note of an answer the test provoked."""
    violations = axe_violations(page)
    assert violations == [], violations
    assert [problem for problem in page.problems
            if not any(f"status of {status} " in problem for status in expected)] == []
    page.problems.clear()  # each check covers what happened since the previous one


def cut_off(page: Page, path: str) -> list[str]:
    """Make the API's paths matching ``path`` fail (until ``page.unroute_all()``): the URLs asked are listed."""
    asked: list[str] = []

    def refuse(route) -> None:
        asked.append(route.request.url)
        route.abort()
    page.route(re.compile(r"^[^?]*" + path + r"(\?.*)?$"), refuse)
    return asked


def test_a_listener_likes_reposts_comments_and_saves_a_beat_to_a_new_playlist_then_edits_it(page, platform, beat):
    listener = new_listener(platform)
    log_in(page, listener)
    page.goto(f"/tracks/{beat['id']}")
    like = page.get_by_role("button", name="Like", exact=True)
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("like-count")).to_have_text(f"{beat['like_count'] + 1} like"
                                                           + ("" if beat["like_count"] == 0 else "s"))
    page.get_by_role("button", name="Repost", exact=True).click()
    expect(page.get_by_role("button", name="Repost", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("repost-count")).to_have_text("1 repost")

    # an empty comment: the API's reason is shown beside the field; then a real one appears in the list
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-error")).to_be_visible()
    page.get_by_label("Your comment").fill("Those drums <b>knock</b>")
    page.get_by_role("button", name="Post comment").click()
    comments = page.get_by_role("list", name="Comments")
    expect(comments).to_contain_text("Those drums <b>knock</b>")  # plain text, never HTML
    expect(comments).to_contain_text(listener.user["username"])

    name = f"Late night {uuid.uuid4().hex[:4]}"
    page.get_by_role("button", name="Add to playlist").click()
    expect(page.get_by_role("combobox", name="Playlist")).to_have_value("new")
    page.get_by_label("New playlist name").fill(name)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text(f"Added to {name}.")).to_be_visible()
    screenshot(page, "listener-track")
    clean(page, 422)  # the empty comment

    # the API agrees, and a reload remembers the like and the repost: the track says so itself (`viewer`), so
    # the caller's lists are never looked through (they are cut off here to prove it)
    track = listener.get(f"tracks/{beat['id']}").json()
    assert track["like_count"] == beat["like_count"] + 1 and track["repost_count"] == 1
    assert track["viewer"] == {"liked": True, "reposted": True}
    lists = cut_off(page, r"/api/v1/(me/likes|users/[^/?]+/reposts)")
    page.reload()
    expect(page.get_by_role("button", name="Like", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Repost", exact=True)).to_have_attribute("aria-pressed", "true")
    assert lists == []
    page.unroute_all()

    # the library: what they listened to, the playlist with the beat, the likes
    played = listener.post(f"tracks/{beat['id']}/plays",
                           json={"position_s": 5, "duration_s": beat["audio"]["duration_s"]})
    assert played.status_code == 200, played.text
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Your library")).to_be_visible()
    expect(page.get_by_role("list", name="Listening history")).to_contain_text(beat["name"])
    page.get_by_role("link", name="Playlists").click()
    playlists = page.get_by_role("list", name="Your playlists")
    expect(playlists.get_by_role("listitem").filter(has_text=name)).to_contain_text("1 beat")
    screenshot(page, "listener-library")
    clean(page)
    page.get_by_role("link", name="Likes").click()
    expect(page.get_by_role("list", name="Liked beats")).to_contain_text(beat["name"])

    page.get_by_role("link", name="Playlists").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("list", name=f"Beats in {name}")).to_contain_text(beat["name"])
    page.get_by_role("button", name="Rename or edit").click()
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#playlist-name-error")).to_be_visible()  # the API's reason for an empty name
    page.get_by_label("Name", exact=True).fill(f"{name} renamed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=f"{name} renamed")).to_be_visible()
    screenshot(page, "listener-playlist")
    clean(page, 422)  # the empty comment, the empty name
    page.get_by_role("button", name=f"Remove {beat['name']} from the playlist").click()
    expect(page.get_by_text("No beats in this playlist yet.")).to_be_visible()
    [playlist] = listener.get("me/playlists").json()["items"]
    assert playlist["name"] == f"{name} renamed" and playlist["track_count"] == 0


def test_following_an_artist_page_changes_its_count_and_its_tabs_show_beats_and_followers(page, platform, producer,
                                                                                           beat):
    listener = new_listener(platform)
    artist = producer.artist
    before = listener.get(f"artists/{artist['id']}").json()["followers_count"]
    log_in(page, listener)
    page.goto(f"/artists/{artist['id']}")
    expect(page.get_by_role("heading", name=artist["name"])).to_be_visible()
    count = page.get_by_test_id("followers-count")
    expect(count).to_have_text(str(before))
    follow = page.get_by_role("button", name="Follow", exact=True)
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(str(before + 1))
    assert listener.get(f"artists/{artist['id']}").json()["followers_count"] == before + 1
    expect(page.get_by_role("list", name=f"Beats by {artist['name']}")).to_contain_text(beat["name"])
    screenshot(page, "listener-artist")
    clean(page)

    # a reload remembers the follow: the page says so itself (`viewer`), its Followers tab is not looked through
    followers = cut_off(page, rf"/api/v1/artists/{artist['id']}/followers")
    page.reload()
    expect(page.get_by_role("button", name="Follow", exact=True)).to_have_attribute("aria-pressed", "true")
    assert followers == []
    page.unroute_all()
    sections = page.get_by_role("navigation", name=f"{artist['name']}'s sections")
    sections.get_by_role("link", name=re.compile("^Followers")).click()
    expect(page.get_by_role("list", name=f"Followers of {artist['name']}")).to_contain_text(listener.user["username"])
    sections.get_by_role("link", name="About").click()
    expect(page.get_by_text("On BeatPass since")).to_be_visible()
    sections.get_by_role("link", name=re.compile("^Gallery")).click()
    expect(page.get_by_text("No gallery images yet.")).to_be_visible()
    expect(sections.get_by_role("link", name="Achievements")).to_have_count(0)  # its owner's and admins' only
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(count).to_have_text(str(before))
    clean(page)


def test_a_profile_shows_its_seven_tabs_a_follow_button_and_the_producer_profile_button(page, platform, producer,
                                                                                         beat):
    fan = new_listener(platform)
    assert fan.put(f"likes/tracks/{beat['id']}").status_code == 200
    assert fan.put(f"tracks/{beat['id']}/repost").status_code == 200
    visitor = new_listener(platform)
    log_in(page, visitor)
    page.goto(f"/users/{fan.user['id']}")
    expect(page.get_by_role("heading", name=fan.user["username"])).to_be_visible()
    sections = page.get_by_role("navigation", name=f"{fan.user['username']}'s sections")
    for label in ("Liked Beats", "Public Playlists", "Reposts", "Liked Collections", "Liked Producers",
                  "Followers", "Following"):
        expect(sections.get_by_role("link", name=re.compile(f"^{label}"))).to_be_visible()
    expect(page.get_by_role("list", name="Liked beats")).to_contain_text(beat["name"])
    sections.get_by_role("link", name="Reposts").click()
    expect(page.get_by_role("list", name="Reposts")).to_contain_text(beat["name"])
    sections.get_by_role("link", name="Public Playlists").click()
    expect(page.get_by_text(f"{fan.user['username']} has no public playlist yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Producer Profile")).to_have_count(0)  # a listener runs no artist page

    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_test_id("followers-count")).to_have_text("1")
    # a reload remembers the follow: the profile says so itself (`viewer`), whom the visitor follows is not asked
    following = cut_off(page, r"/api/v1/users/[^/?]+/following")
    page.reload()
    expect(page.get_by_role("button", name="Follow", exact=True)).to_have_attribute("aria-pressed", "true")
    assert following == []
    page.unroute_all()
    sections.get_by_role("link", name=re.compile("^Followers")).click()
    expect(page.get_by_role("list", name=f"Followers of {fan.user['username']}")).to_contain_text(
        visitor.user["username"])
    assert fan.get(f"users/{fan.user['id']}").json()["followers_count"] == 1
    screenshot(page, "listener-profile")
    clean(page)

    # a producer's profile links to their artist page where the API names the pages a profile runs
    page.goto(f"/users/{producer.user['id']}")
    expect(page.get_by_role("heading", name=producer.user["username"])).to_be_visible()
    managed = producer.get(f"users/{producer.user['id']}").json().get("artists")
    button = page.get_by_role("link", name=re.compile("^Producer Profile"))
    if managed is None:  # this API does not name them yet: no button rather than a wrong one
        expect(button).to_have_count(0)
    else:
        expect(button).to_have_attribute("href", f"/artists/{producer.artist['id']}")


def test_notifications_are_said_in_words_with_the_unread_count_and_opening_them_reads_them(page, platform,
                                                                                            producer, beat):
    requester = new_listener(platform)
    created = requester.post("beat-requests", json=request_body())
    assert created.status_code == 201, created.text
    answered = producer.post(f"beat-requests/{created.json()['id']}/responses", json={"track_id": beat["id"]})
    assert answered.status_code == 201, answered.text

    log_in(page, requester)
    link = page.get_by_role("link", name="Notifications 1 unread")
    expect(link).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    screenshot(page, "listener-unread-badge")
    link.click()
    item = page.get_by_role("list", name="Notifications").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{producer.artist['name']} answered your beat request with {beat['name']}.")
    expect(item).to_contain_text("New")
    expect(item.get_by_role("link", name=beat["name"])).to_have_attribute("href", f"/tracks/{beat['id']}")
    # listed is read: the header's count drops, the API agrees, and a reload shows it read
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    assert requester.get("me/notifications/unread-count").json() == {"unread": 0}
    screenshot(page, "listener-notifications")
    clean(page)
    page.reload()
    expect(item).to_have_count(1)
    expect(item).not_to_contain_text("New")
    page.get_by_role("link", name="Unread").click()
    expect(page.get_by_text("No unread notifications.")).to_be_visible()


def test_an_anonymous_visitor_is_asked_to_log_in_to_act_and_sees_the_comments(page, platform, beat):
    commenter = new_listener(platform)
    assert commenter.post(f"tracks/{beat['id']}/comments", json={"body": "Anonymous can read me"}).status_code == 201
    page.goto(f"/tracks/{beat['id']}")
    expect(page.get_by_role("link", name="Log in to like, repost, comment or save this beat to a playlist")) \
        .to_have_attribute("href", f"/login?next=%2Ftracks%2F{beat['id']}")
    expect(page.get_by_role("link", name="Log in to comment")).to_be_visible()
    expect(page.get_by_role("list", name="Comments")).to_contain_text("Anonymous can read me")
    expect(page.get_by_role("button", name="Like", exact=True)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Library")).to_have_count(0)
    page.goto("/library")
    expect(page.get_by_role("link", name=re.compile("^Log in to see your listening history"))).to_be_visible()
    page.goto(f"/artists/{uuid.uuid4()}")
    expect(page.get_by_role("heading", name="No Artist Profile")).to_be_visible()
    clean(page, 404)  # the unknown artist page
