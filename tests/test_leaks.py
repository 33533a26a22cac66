"""Every public surface, walked for stories readers must not see yet or any more.

Each hidden story has its own section, tag, author and month, and shares a tag with a public
"anchor" story (so that it would show among the anchor's related stories). Every surface is
requested before the moment the story goes public, so a stale cached page would show here too.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import LiveEntry, Status

HEADLINE = "Zanzibar ferry sinks"


def hidden_states():
    soon = timedelta(hours=1)
    return {
        "draft": {"status": Status.DRAFT},
        "in review": {"status": Status.IN_REVIEW},
        "approved": {"status": Status.APPROVED},
        "spiked": {"status": Status.SPIKED},
        "scheduled": {"publish_at": timezone.now() + soon},
        "embargoed": {"embargo_until": timezone.now() + soon},
        "withdrawn": {"status": Status.WITHDRAWN, "first_published_at": timezone.now() - soon},
    }


@pytest.fixture
def anchor(make_article, make_section, make_author):
    # In a month of its own, long ago: any month sitemap the hidden story adds shows up.
    return make_article(
        headline="Anchor story",
        section=make_section(slug="world"),
        authors=[make_author(slug="anchor-author")],
        tags=["shared"],
        publish_at=datetime(2000, 1, 15, tzinfo=UTC),
    )


@pytest.fixture
def make_hidden(make_article, make_section, make_author, make_photo):
    def make(**fields):
        return make_article(
            **{
                "headline": HEADLINE,
                "slug": "zanzibar-ferry",
                "section": make_section(slug="hidden-section"),
                "authors": [make_author(slug="hidden-author")],
                "tags": ["shared", "only-hidden"],
                "lead_photo": make_photo(),
                "publish_at": timezone.now() - timedelta(hours=1),
            }
            | fields
        )

    return make


def surfaces(anchor, hidden):
    """(surface, address, what would give the hidden story away there)."""
    story = hidden.get_absolute_url()
    month = f"/sitemap-articles-{timezone.localtime(hidden.publish_at):%Y-%m}.xml"
    return [
        ("front page", "/", story),
        ("latest stories", "/latest/", story),
        ("section page", "/section/hidden-section/", story),
        ("shared tag page", "/tag/shared/", story),
        ("own tag page", "/tag/only-hidden/", story),
        ("author page", "/author/hidden-author/", story),
        ("search", "/search/?q=zanzibar", story),
        ("site RSS", "/feed/", story),
        ("site Atom", "/feed/atom/", story),
        ("section RSS", "/section/hidden-section/feed/", story),
        ("section Atom", "/section/hidden-section/feed/atom/", story),
        ("tag RSS", "/tag/shared/feed/", story),
        ("tag Atom", "/tag/only-hidden/feed/atom/", story),
        ("sitemap index", "/sitemap.xml", month.removeprefix("/")),
        ("month sitemap", month, story),
        ("sections sitemap", "/sitemap-sections.xml", "/section/hidden-section/"),
        ("tags sitemap", "/sitemap-tags.xml", "/tag/only-hidden/"),
        ("authors sitemap", "/sitemap-authors.xml", "/author/hidden-author/"),
        ("news sitemap", "/news-sitemap.xml", story),
        ("related stories and JSON-LD", anchor.get_absolute_url(), story),
    ]


# The pages of a tag or an author only hidden stories carry: not found, as if they did not exist.
OWN_PAGES = [
    "/tag/only-hidden/",
    "/tag/only-hidden/feed/",
    "/tag/only-hidden/feed/atom/",
    "/author/hidden-author/",
]


def assert_hidden(client, anchor, hidden):
    for surface, url, marker in surfaces(anchor, hidden):
        response = client.get(url)
        assert response.status_code == (404 if url in OWN_PAGES else 200), surface
        content = response.content.decode()
        assert marker not in content, surface
        assert HEADLINE not in content, surface
    for url in OWN_PAGES:
        assert client.get(url).status_code == 404, url
    page = client.get(hidden.get_absolute_url())
    assert page.status_code == (410 if hidden.status == Status.WITHDRAWN else 404)
    assert HEADLINE not in page.content.decode()
    assert "application/ld+json" not in page.content.decode()


def assert_shown(client, anchor, hidden):
    for surface, url, marker in surfaces(anchor, hidden):
        assert marker in client.get(url).content.decode(), surface
    for url in OWN_PAGES:
        assert client.get(url).status_code == 200, url
    page = client.get(hidden.get_absolute_url())
    assert page.status_code == 200
    assert f'"headline": "{HEADLINE}"' in page.content.decode()  # its JSON-LD


@pytest.mark.parametrize("state", hidden_states().keys())
def test_hidden_stories_are_on_no_public_surface(client, anchor, make_hidden, state):
    hidden = make_hidden(**hidden_states()[state])
    assert_hidden(client, anchor, hidden)


def test_the_surfaces_would_show_a_public_story(client, anchor, make_hidden):
    # The walk above proves something only if the same walk finds a story that is public.
    assert_shown(client, anchor, make_hidden())


@pytest.mark.parametrize("state", ["scheduled", "embargoed"])
def test_a_held_story_appears_everywhere_at_its_moment(
    client, anchor, make_hidden, state, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 24 * 3600  # the cache must not simply have expired
    hidden = make_hidden(**hidden_states()[state])
    moment = hidden.embargo_until or hidden.publish_at
    assert_hidden(client, anchor, hidden)
    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert_hidden(client, anchor, hidden)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert_shown(client, anchor, hidden)


@pytest.mark.parametrize("state", ["draft", "in review", "approved", "spiked"])
def test_an_unpublished_story_stays_hidden_however_late(client, anchor, make_hidden, state):
    hidden = make_hidden(**hidden_states()[state])
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert_hidden(client, anchor, hidden)


def test_a_withdrawn_story_disappears_from_every_surface_at_once(client, anchor, make_hidden):
    hidden = make_hidden(first_published_at=timezone.now() - timedelta(hours=1))
    assert_shown(client, anchor, hidden)  # ...and every surface is now cached
    hidden.status = Status.WITHDRAWN
    hidden.save()
    assert_hidden(client, anchor, hidden)


def test_a_tag_page_shows_once_its_first_story_is_published(client, anchor, make_hidden, editor):
    hidden = make_hidden(status=Status.APPROVED)
    assert_hidden(client, anchor, hidden)
    hidden.publish(by=editor)
    assert_shown(client, anchor, hidden)


def test_notes_on_a_story_are_on_no_public_surface(client, anchor, make_hidden, editor):
    # Notes are the newsroom's conversation: a public story's notes appear nowhere readers look.
    hidden = make_hidden()
    for story in [hidden, anchor]:
        story.add_note(by=editor, text="Lawyers cleared paragraph four")
    for surface, url, _marker in surfaces(anchor, hidden):
        assert "Lawyers cleared" not in client.get(url).content.decode(), surface
    page = client.get(hidden.get_absolute_url())
    assert page.status_code == 200 and "Lawyers cleared" not in page.content.decode()
    assert_shown(client, anchor, hidden)


# The partner API: the same states, through a partner's key.


@pytest.fixture
def partner_client(client, db):
    from articles.models import Partner

    partner = Partner(name="Aggregator", requests_per_minute=1000)
    key = partner.issue_key()
    partner.save()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def assert_api_hidden(client, hidden):
    assert HEADLINE not in client.get("/api/ninjs/").content.decode()
    item = client.get(f"/api/ninjs/{hidden.pk}")
    assert HEADLINE not in item.content.decode()
    if hidden.status == Status.WITHDRAWN:
        assert item.json()["pubStatus"] == "canceled"
    else:
        assert item.status_code == 404


def assert_api_shown(client, hidden):
    assert HEADLINE in client.get("/api/ninjs/").content.decode()
    assert client.get(f"/api/ninjs/{hidden.pk}").json()["pubStatus"] == "usable"


@pytest.mark.parametrize("state", hidden_states().keys())
def test_hidden_stories_never_leave_by_the_api(partner_client, make_hidden, state):
    assert_api_hidden(partner_client, make_hidden(**hidden_states()[state]))


def test_the_api_would_send_a_public_story(partner_client, make_hidden):
    assert_api_shown(partner_client, make_hidden())


@pytest.mark.parametrize("state", ["scheduled", "embargoed"])
def test_a_held_story_leaves_by_the_api_at_its_moment(partner_client, make_hidden, state):
    hidden = make_hidden(**hidden_states()[state])
    moment = hidden.embargo_until or hidden.publish_at
    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert_api_hidden(partner_client, hidden)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert_api_shown(partner_client, hidden)


def test_a_withdrawn_story_is_canceled_by_the_api_at_once(partner_client, make_hidden):
    hidden = make_hidden(first_published_at=timezone.now() - timedelta(hours=1))
    assert_api_shown(partner_client, hidden)  # ...and its item is now kept
    hidden.status = Status.WITHDRAWN
    hidden.save()
    assert_api_hidden(partner_client, hidden)


# Live coverage: a hidden story's entries, and a public story's held ones


def live_surfaces(story):
    return [
        story.get_absolute_url(),
        f"/live/{story.slug}/updates/",
        f"/live/{story.slug}/feed/",
    ]


@pytest.mark.parametrize("state", hidden_states().keys())
def test_a_hidden_storys_live_entries_are_on_no_public_surface(
    client, anchor, make_hidden, state, editor
):
    coverage = {"coverage_starts_at": timezone.now() - timedelta(hours=2)}
    hidden = make_hidden(**coverage | hidden_states()[state])
    LiveEntry.post(hidden, by=editor, text="<p>Divers reach the wreck.</p>")
    gone = hidden.status == Status.WITHDRAWN
    for url in live_surfaces(hidden):
        response = client.get(url)
        assert response.status_code in ({404, 410} if gone else {404}), url
        assert "Divers reach" not in response.content.decode(), url


@pytest.mark.parametrize("state", ["scheduled", "embargoed"])
def test_a_held_live_storys_entries_appear_at_its_moment(
    client, anchor, make_hidden, state, editor, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 24 * 3600
    coverage = {"coverage_starts_at": timezone.now() - timedelta(hours=2)}
    hidden = make_hidden(**coverage | hidden_states()[state])
    LiveEntry.post(hidden, by=editor, text="<p>Divers reach the wreck.</p>")
    moment = hidden.embargo_until or hidden.publish_at
    for url in live_surfaces(hidden):
        assert client.get(url).status_code == 404, url
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        for url in live_surfaces(hidden):
            assert "Divers reach" in client.get(url).content.decode(), url


def test_an_entry_held_for_approval_is_on_no_public_surface(
    client, anchor, make_hidden, writer, editor
):
    story = make_hidden(coverage_starts_at=timezone.now() - timedelta(hours=2))
    LiveEntry.post(story, by=editor, text="<p>Confirmed: ferry capsized.</p>")
    LiveEntry.post(story, by=writer, text="<p>Unconfirmed: captain arrested.</p>")
    for url in live_surfaces(story):
        content = client.get(url).content.decode()
        assert "ferry capsized" in content, url
        assert "captain arrested" not in content, url
