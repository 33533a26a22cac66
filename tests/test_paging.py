"""Listings page by cursor: every story once, at any depth, while the newsroom publishes."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Status
from articles.paging import Cursor
from tests.test_views import cards

OLDER = re.compile(r'<a rel="next" href="\?before=([^"]+)">Older stories</a>')
NEWER = re.compile(r'<a rel="prev" href="\?after=([^"]+)">Newer stories</a>')


@pytest.fixture
def page_size(settings):
    settings.NEWSROOM_PAGE_SIZE = 5
    return 5


def load(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    html = response.content.decode()
    older, newer = OLDER.search(html), NEWER.search(html)
    return cards(html), older and older[1], newer and newer[1]


def test_following_older_links_shows_every_story_once_while_stories_are_published(
    client, make_article, make_section, page_size
):
    section = make_section(slug="world")
    now = timezone.now()
    archive = [
        make_article(section=section, headline=f"Archive {n}", publish_at=now - timedelta(hours=n))
        for n in range(1, 18)
    ]
    seen, cursor, fresh = [], None, 0
    while True:
        shown, cursor, _newer = load(
            client, "/section/world/", **({"before": cursor} if cursor else {})
        )
        seen += shown
        # Between page loads the newsroom publishes: on an offset page each new story would
        # push one story back onto the page already read.
        for _ in range(2):
            fresh += 1
            make_article(section=section, headline=f"Fresh {fresh}", publish_at=timezone.now())
        if not cursor:
            break
    assert seen == [story.headline for story in archive]


def test_newer_links_lead_back_without_a_gap(client, make_article, make_section, page_size):
    section = make_section(slug="world")
    now = timezone.now()
    for n in range(1, 13):
        make_article(section=section, headline=f"Story {n}", publish_at=now - timedelta(hours=n))
    first, older, newer = load(client, "/section/world/")
    assert first == [f"Story {n}" for n in range(1, 6)] and newer is None
    second, _older, newer = load(client, "/section/world/", before=older)
    assert second == [f"Story {n}" for n in range(6, 11)]
    assert load(client, "/section/world/", after=newer)[0] == first
    # Published meanwhile, just above page two's first story: the newer page starts there.
    make_article(section=section, headline="Late", publish_at=now - timedelta(hours=5, minutes=30))
    back, _older, newer_still = load(client, "/section/world/", after=newer)
    assert back == ["Story 2", "Story 3", "Story 4", "Story 5", "Late"]
    assert newer_still is not None


def test_stories_published_in_the_same_microsecond_are_neither_lost_nor_repeated(
    client, make_article, make_section, page_size
):
    section = make_section(slug="world")
    moment = timezone.now() - timedelta(hours=1)
    stories = [make_article(section=section, publish_at=moment) for _ in range(12)]
    seen, cursor = [], None
    while True:
        shown, cursor, _ = load(client, "/section/world/", **({"before": cursor} if cursor else {}))
        seen += shown
        if not cursor:
            break
    assert seen == [story.headline for story in sorted(stories, key=lambda s: -s.pk)]


def test_the_last_page_has_no_older_link_and_an_empty_one_says_so(client, make_article, page_size):
    for _ in range(5):
        make_article()
    shown, older, newer = load(client, "/latest/")
    assert len(shown) == 5 and older is None and newer is None
    oldest = Cursor(datetime(2000, 1, 1, tzinfo=UTC), 1)
    html = client.get("/latest/", {"before": str(oldest)}).content.decode()
    assert "No more stories this way." in html
    assert 'href="/latest/">Newest stories</a>' in html


def test_unpublished_stories_never_fill_a_page(client, make_article, trio, page_size):
    make_article(headline="Withdrawn", status=Status.WITHDRAWN)
    cursor = Cursor.of(trio["published"])
    for params in [{}, {"after": str(Cursor(cursor.publish_at - timedelta(days=1), 1))}]:
        shown = load(client, "/latest/", **params)[0]
        assert shown == ["Published story"]


def test_a_deep_page_costs_the_queries_of_the_first(
    client, make_article, make_section, page_size, django_assert_num_queries, warm_site
):
    section = make_section(slug="world")
    now = timezone.now()
    stories = [
        make_article(section=section, publish_at=now - timedelta(hours=n)) for n in range(40)
    ]
    deep = Cursor.of(stories[30])
    # The section, one page of stories (one row more than shown), then the cards to draw and
    # their bylines: each built with nothing kept.
    for params in [{}, {"before": str(deep)}, {"after": str(deep)}]:
        cache.clear()
        warm_site()
        with django_assert_num_queries(4):
            client.get("/section/world/", params)


def test_a_cursor_reads_back_as_written():
    cursor = Cursor(datetime(2024, 1, 2, 10, 0, 0, 123456, tzinfo=UTC), 98765)
    assert str(cursor) == "2024-01-02T10:00:00.123456Z_98765"
    assert Cursor.parse(str(cursor)) == cursor
