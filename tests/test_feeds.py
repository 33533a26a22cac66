import calendar
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import feedparser
import pytest
from django.utils import timezone

from articles.feeds import FEED_SIZE, MEDIA_NS
from articles.models import Photo, Status

FEEDS = {
    "rss": "/feed/",
    "atom": "/feed/atom/",
    "section rss": "/section/world/feed/",
    "section atom": "/section/world/feed/atom/",
    "tag rss": "/tag/space/feed/",
    "tag atom": "/tag/space/feed/atom/",
}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


def timestamp(struct):
    return calendar.timegm(struct)


@pytest.fixture
def story(make_article, make_author, make_photo, make_section):
    photo = make_photo(
        credit="Reuters",
        creator="Jane Doe",
        copyright_notice="© 2023 Reuters",
        licence=Photo.Licence.CREATIVE_COMMONS,
        licence_url="https://creativecommons.org/licenses/by/4.0/",
    )
    photo.refresh_from_db()  # for its width and height
    first = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    return make_article(
        headline="Q&A: the <summit> in full",
        standfirst="Leaders meet & talk <quietly>",
        section=make_section(name="World", slug="world"),
        authors=[make_author(name="Ann Lee"), make_author(name="Bo Ma"), make_author(name="Cy Ng")],
        tags=["space", "Russia"],
        lead_photo=photo,
        first_published_at=first,
        publish_at=first + timedelta(hours=1),
        revised_at=first + timedelta(days=1),
    )


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_parse_and_carry_the_story(client, story, kind):
    feed = parse(client, FEEDS[kind])
    assert feed.version == ("atom10" if "atom" in kind else "rss20")
    [entry] = feed.entries
    assert entry.title == "Q&A: the <summit> in full"
    # The summary is HTML in both formats: the plain standfirst arrives escaped, as text.
    assert entry.summary_detail.type == "text/html"
    assert unescape(entry.summary) == "Leaders meet & talk <quietly>"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.author == "Ann Lee, Bo Ma and Cy Ng"
    assert timestamp(entry.published_parsed) == story.first_published_at.timestamp()
    assert timestamp(entry.updated_parsed) == story.revised_at.timestamp()
    assert [tag.term for tag in entry.tags] == ["World", "Russia", "space"]


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_carry_the_lead_photo_as_media_rss(client, story, kind):
    photo = story.lead_photo
    [entry] = parse(client, FEEDS[kind]).entries
    [content] = entry.media_content
    shared = photo.syndication_rendition
    assert content["url"] == f"http://testserver{shared.url}"
    assert content["medium"] == "image"
    assert content["type"] == "image/jpeg"
    assert (content["width"], content["height"]) == (str(shared.width), str(shared.height))
    assert entry.media_credit == [
        {"content": "Reuters"},
        {"role": "photographer", "scheme": "urn:ebu", "content": "Jane Doe"},
    ]
    assert entry.media_copyright == "© 2023 Reuters"
    assert entry.media_license["href"] == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_media_elements_are_in_the_media_rss_namespace(client, story, url):
    root = ET.fromstring(client.get(url).content)
    [content] = root.iter(f"{{{MEDIA_NS}}}content")
    assert [credit.text for credit in content.iter(f"{{{MEDIA_NS}}}credit")] == [
        "Reuters",
        "Jane Doe",
    ]
    assert content.find(f"{{{MEDIA_NS}}}copyright").text == "© 2023 Reuters"


def test_only_atom_carries_the_story_copyright(client, story):
    assert "rights" not in parse(client, "/feed/").entries[0]
    assert parse(client, "/feed/atom/").entries[0].rights == story.copyright_line


def test_atom_entries_always_have_updated(client, make_article):
    story = make_article(revised_at=None)
    [entry] = parse(client, "/feed/atom/").entries
    assert timestamp(entry.updated_parsed) == int(story.publish_at.timestamp())


def test_a_correction_updates_the_entry(client, story, make_correction):
    correction = make_correction(story, created_at=timezone.now().replace(microsecond=0))
    for url in ["/feed/", "/feed/atom/"]:
        [entry] = parse(client, url).entries
        assert timestamp(entry.updated_parsed) == correction.created_at.timestamp(), url


def test_a_photo_without_a_licence_to_show_is_left_out(client, make_article, make_photo):
    make_article(lead_photo=make_photo(rights_expire_at=timezone.now() - timedelta(hours=1)))
    make_article(lead_photo=make_photo(with_image=False))
    for url in ["/feed/", "/feed/atom/"]:
        assert all("media_content" not in entry for entry in parse(client, url).entries)


def test_feed_metadata(client, story, settings):
    settings.NEWSROOM_SITE_NAME = "Daily Example"
    section = parse(client, "/section/world/feed/atom/").feed
    assert section.title == "World · Daily Example"
    assert section.link == "http://testserver/section/world/"
    whole = parse(client, "/feed/").feed
    assert whole.title == "Daily Example"
    assert whole.language == "en-gb"
    assert "Daily Example" not in whole.rights  # the holder's notice, not the site name
    assert whole.rights.endswith("All rights reserved.")


def test_feeds_are_newest_first_and_bounded(client, make_article):
    now = timezone.now()
    stories = [make_article(publish_at=now - timedelta(minutes=m)) for m in range(FEED_SIZE + 2)]
    entries = parse(client, "/feed/").entries
    assert [entry.link for entry in entries] == [
        f"http://testserver{story.get_absolute_url()}" for story in stories[:FEED_SIZE]
    ]


def test_section_and_tag_feeds_hold_only_their_stories(client, story, make_article, make_section):
    make_article(section=make_section(), tags=["other"], headline="Elsewhere")
    make_article(section=story.section, tags=["space"], status=Status.DRAFT, headline="Draft")
    for url in ["/section/world/feed/", "/tag/space/feed/atom/"]:
        assert [entry.title for entry in parse(client, url).entries] == [story.headline], url


def test_unknown_section_or_tag_feed_is_not_found(client, db):
    for url in ["/section/nope/feed/", "/tag/nope/feed/atom/"]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_counts_are_constant(
    client, make_rich_story, make_section, warm_site, settings, django_assert_num_queries, count
):
    section = make_section(slug="world")
    for _ in range(count):
        make_rich_story(section=section, tags=["space", "Russia", "Ukraine"])
    settings.NEWSROOM_STORE_PAGES = False
    warm_site()
    # the stories, their bylines, their tags, the photos and embeds in their bodies; + the
    # section or tag
    for url, queries in {
        "/feed/": 5,
        "/section/world/feed/atom/": 6,
        "/tag/space/feed/": 6,
    }.items():
        with django_assert_num_queries(queries):
            feed = feedparser.parse(client.get(url).content)
        assert len(feed.entries) == count, url
