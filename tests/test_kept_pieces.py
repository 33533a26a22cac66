"""Each story's cards and page parts are kept between requests (articles.caching): what
readers see must still change the moment anything it shows changes, and only then."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from articles.cards import Card, draw_cards
from articles.models import Article
from articles.models.article import ArticleQuerySet
from articles.models.status import Status


@pytest.fixture(autouse=True)
def _pages_built_every_time(settings):
    # What is under test is the pieces: no page comes whole from the cache here.
    settings.NEWSROOM_STORE_PAGES = False
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 7 * 24 * 3600


@pytest.fixture
def drawn(monkeypatch):
    """The ids of the stories whose cards had to be drawn, request after request."""
    ids = []
    load = ArticleQuerySet.cards_by_id

    def spy(self, wanted, **kwargs):
        ids.extend(wanted)
        return load(self, wanted, **kwargs)

    monkeypatch.setattr(ArticleQuerySet, "cards_by_id", spy)
    return ids


def html(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_cards_are_drawn_once_and_shared_by_every_page(client, make_article, make_section, drawn):
    section = make_section(slug="world")
    stories = [make_article(section=section, tags=["port"]) for _ in range(3)]
    html(client, "/")
    assert sorted(drawn) == sorted(story.pk for story in stories)
    drawn.clear()
    html(client, "/")
    html(client, "/latest/")
    html(client, "/tag/port/")
    # The front page's cards are level 3 and the listings' level 2: drawn once more each.
    assert sorted(drawn) == sorted(story.pk for story in stories)
    drawn.clear()
    html(client, "/section/world/")
    assert drawn == []


def test_publishing_a_story_draws_only_its_own_card(
    client, make_article, make_section, make_author, drawn
):
    section, author = make_section(), make_author()
    make_article(headline="Older story", section=section, authors=[author])
    html(client, "/latest/")
    drawn.clear()
    new = make_article(headline="Breaking story", section=section, authors=[author])
    page = html(client, "/latest/")
    assert "Breaking story" in page and "Older story" in page
    assert drawn == [new.pk]


def test_an_edit_shows_on_every_page_at_once(client, make_article, make_section, make_author):
    section, author = make_section(slug="world"), make_author(slug="ann")
    story = make_article(
        headline="Harbour reopens", section=section, authors=[author], tags=["port"]
    )
    neighbour = make_article(section=section)
    pages = [
        "/",
        "/latest/",
        "/section/world/",
        "/tag/port/",
        "/author/ann/",
        "/search/?q=harbour",
        "/feed/",
        "/section/world/feed/atom/",
        "/news-sitemap.xml",
        neighbour.get_absolute_url(),  # among its related stories
        story.get_absolute_url(),
    ]
    for url in pages:
        assert "Harbour reopens" in html(client, url), url
    story.headline = "Harbour reopens after the strike"
    story.save()
    for url in pages:
        assert "Harbour reopens after the strike" in html(client, url), url


def test_shared_things_show_their_change_on_every_card_and_story(
    client, make_article, make_photo, make_section, make_author
):
    photo, section, author = (
        make_photo(credit="Reuters", copyright_notice="© Reuters 2023"),
        make_section(name="World"),
        make_author(name="Ann"),
    )
    story = make_article(lead_photo=photo, section=section, authors=[author])
    url = story.get_absolute_url()
    for page in [html(client, "/"), html(client, "/latest/"), html(client, url)]:
        assert "Photo: Reuters" in page and ">World<" in page and "Ann" in page
    assert "© Reuters 2023" in html(client, url)
    photo.credit, photo.copyright_notice = "AP", "© AP 2024"
    photo.save()
    section.name = "Planet"
    section.save()
    author.name = "Ann Lee"
    author.save()
    for page in [html(client, "/"), html(client, "/latest/"), html(client, url)]:
        assert "Photo: AP" in page and ">Planet<" in page and "Ann Lee" in page
        assert "Reuters" not in page and ">World<" not in page
    assert "© AP 2024" in html(client, url)


def test_a_renamed_tag_shows_on_its_stories_at_once(client, make_article):
    story = make_article(tags=["Port"])
    url = story.get_absolute_url()
    assert ">Port</a>" in html(client, url)
    tag = Tag.objects.get(name="Port")
    tag.name = "Harbour"
    tag.save()
    story_page = html(client, url)
    assert ">Harbour</a>" in story_page and ">Port</a>" not in story_page


def related(client, story):
    page = html(client, story.get_absolute_url())
    if 'class="related"' not in page:
        return []
    return re.findall(
        r'<h3[^>]*><a href="[^"]*">([^<]*)</a>', page[page.index('class="related"') :]
    )


def test_which_stories_are_related_is_kept_until_their_section_or_tags_change(
    client, make_article, make_section, drawn
):
    section = make_section()
    make_article(headline="Older neighbour", section=section)
    story = make_article(headline="The story", section=section, tags=["port"])
    assert related(client, story) == ["Older neighbour"]
    drawn.clear()
    assert related(client, story) == ["Older neighbour"]
    assert drawn == []  # neither which stories nor their cards worked out again

    tagged = make_article(headline="Tagged elsewhere", tags=["port"])
    assert set(related(client, story)) == {"Tagged elsewhere", "Older neighbour"}
    newer = make_article(
        headline="Newer neighbour",
        section=section,
        publish_at=timezone.now() - timedelta(seconds=1),
    )
    assert related(client, story)[0] == "Newer neighbour"
    newer.status = Status.WITHDRAWN
    newer.save()
    assert "Newer neighbour" not in related(client, story)
    tagged.tags.remove("port")
    assert related(client, story) == ["Older neighbour"]
    story.tags.add("harbour")
    make_article(headline="Harbour news", tags=["harbour"])
    assert set(related(client, story)) == {"Harbour news", "Older neighbour"}


def test_a_scheduled_story_joins_the_related_stories_when_it_goes_live(
    client, make_article, make_section
):
    section = make_section()
    story = make_article(headline="The story", section=section)
    due = timezone.now() + timedelta(hours=1)
    make_article(headline="Scheduled neighbour", section=section, publish_at=due)
    assert related(client, story) == []
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert related(client, story) == ["Scheduled neighbour"]


def test_the_story_at_an_address_is_kept_only_until_it_changes(client, make_article):
    story = make_article(headline="Harbour reopens", first_published_at=timezone.now())
    url = story.get_absolute_url()
    assert "<title>Harbour reopens ·" in html(client, url)
    story.headline = "Harbour reopens at dawn"
    story.save()
    assert "<title>Harbour reopens at dawn ·" in html(client, url)
    story.slug = "harbour-reopens-at-dawn"
    story.save()
    moved = client.get(url)
    assert moved.status_code == 301 and moved["Location"] == story.get_absolute_url()
    story.status = Status.WITHDRAWN
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 410


def test_a_scheduled_story_is_found_at_its_address_from_its_minute(client, make_article):
    due = timezone.now() + timedelta(hours=1)
    story = make_article(headline="Scheduled", publish_at=due)
    assert client.get(story.get_absolute_url()).status_code == 404
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert "<title>Scheduled ·" in html(client, story.get_absolute_url())


def listed(client, url):
    """The headlines of the stories a list's page shows, in order."""
    return re.findall(r'class="card-headline"><a href="[^"]+">([^<]+)<', html(client, url))


def test_a_list_is_kept_until_a_story_joins_leaves_or_moves_in_it(
    client, make_article, make_section, make_author
):
    world, sport = make_section(slug="world"), make_section(slug="sport")
    ann = make_author(slug="ann")
    now = timezone.now()
    make_article(headline="First", section=world, tags=["port"], publish_at=now - timedelta(1))
    lists = ["/latest/", "/section/world/", "/tag/port/", "/author/ann/"]
    assert [listed(client, url) for url in lists[:3]] == [["First"], ["First"], ["First"]]
    assert client.get("/author/ann/").status_code == 404  # no public story bylines Ann yet
    second = make_article(headline="Second", section=world, authors=[ann], publish_at=now)
    assert [listed(client, url) for url in lists] == [
        ["Second", "First"],
        ["Second", "First"],
        ["First"],
        ["Second"],
    ]
    second.section = sport
    second.save()
    assert listed(client, "/section/world/") == ["First"]
    assert listed(client, "/section/sport/") == ["Second"]
    second.publish_at = now - timedelta(2)  # moved below First
    second.save()
    assert listed(client, "/latest/") == ["First", "Second"]
    second.status = Status.WITHDRAWN
    second.save()
    assert listed(client, "/latest/") == ["First"]
    # No public story bylines Ann, nor carries the tag, any longer: neither page is there.
    assert client.get("/author/ann/").status_code == 404
    Article.objects.get(headline="First").tags.remove("port")
    assert client.get("/tag/port/").status_code == 404


def test_a_scheduled_story_joins_its_lists_at_its_minute(client, make_article, make_section):
    world = make_section(slug="world")
    due = timezone.now() + timedelta(hours=1)
    make_article(headline="Now", section=world)
    make_article(headline="Scheduled", section=world, publish_at=due)
    assert listed(client, "/section/world/") == ["Now"]
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert listed(client, "/section/world/") == ["Scheduled", "Now"]


def test_search_results_are_kept_until_a_public_story_changes(client, make_article):
    due = timezone.now() + timedelta(hours=1)
    make_article(headline="Harbour strike ends", publish_at=due - timedelta(hours=2))
    scheduled = make_article(headline="Harbour strike anniversary", publish_at=due)
    draft = make_article(headline="Harbour strike costs", status=Status.DRAFT)
    assert listed(client, "/search/?q=harbour") == ["Harbour strike ends"]
    assert listed(client, "/search/?q=strike") == ["Harbour strike ends"]
    draft.status = Status.PUBLISHED
    draft.save()
    assert listed(client, "/search/?q=harbour") == ["Harbour strike costs", "Harbour strike ends"]
    draft.status = Status.WITHDRAWN
    draft.save()
    assert listed(client, "/search/?q=harbour") == ["Harbour strike ends"]
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert listed(client, "/search/?q=strike&sort=newest") == [
            scheduled.headline,
            "Harbour strike ends",
        ]


def test_a_card_loses_its_photo_when_the_licence_runs_out(client, make_article, make_photo):
    expires = timezone.now() + timedelta(hours=2)
    photo = make_photo(rights_expire_at=expires)
    make_article(lead_photo=photo)
    assert "<picture>" in html(client, "/latest/")
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        assert "<picture>" not in html(client, "/latest/")


def test_the_story_is_kept_apart_for_each_host(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    story = make_article()
    url = story.get_absolute_url()
    assert f'href="http://testserver{url}"' in html(client, url)
    other = html(client, url, host="news.example.com")
    assert f'href="http://news.example.com{url}"' in other and "testserver" not in other


def test_a_kept_story_page_turns_over_with_the_year(client, make_article):
    """Its footer's copyright carries the year."""
    story = make_article()
    year = timezone.localdate().year + 1
    new_year = timezone.make_aware(datetime(year, 1, 1, 0, 0, 1))
    with time_machine.travel(new_year - timedelta(seconds=2), tick=False):
        assert f"© {year - 1} " in html(client, story.get_absolute_url())
    with time_machine.travel(new_year, tick=False):
        assert f"© {year} " in html(client, story.get_absolute_url())


def test_a_kept_story_page_follows_a_deployment(client, make_article, settings):
    """A new stylesheet, a renamed site, a new copyright notice: seen at once."""
    story = make_article()
    url = story.get_absolute_url()
    page = html(client, url)
    assert 'href="/static/css/site.css"' in page and "· The Newsroom</title>" in page
    settings.STATIC_URL = "/assets/"
    assert 'href="/assets/css/site.css"' in html(client, url)
    settings.NEWSROOM_SITE_NAME = "The Daily Harbour"
    page = html(client, url)
    assert "· The Daily Harbour</title>" in page
    assert '<meta property="og:site_name" content="The Daily Harbour">' in page
    settings.NEWSROOM_COPYRIGHT_NOTICE = "Copyright {year} {holder}, all rights reserved."
    assert f"Copyright {timezone.localdate().year} " in html(client, url)


def test_pages_are_the_same_with_pieces_kept_or_not(client, make_rich_story, settings):
    stories = [make_rich_story() for _ in range(3)]
    urls = [
        "/",
        "/latest/",
        f"/section/{stories[0].section.slug}/",
        stories[0].get_absolute_url(),
        "/feed/",
        "/feed/atom/",
    ]
    kept = [html(client, url) for url in urls]
    assert kept == [html(client, url) for url in urls]  # now from the kept pieces
    settings.NEWSROOM_STORE_PIECES = False
    assert kept == [html(client, url) for url in urls]


def test_a_preview_is_always_drawn_afresh(editor_client, make_article):
    from articles.models import Status

    draft = make_article(headline="First draft", status=Status.DRAFT)
    preview = f"/preview/{draft.pk}/"
    assert "First draft" in editor_client.get(preview).content.decode()
    Article.objects.filter(pk=draft.pk).update(headline="Second draft")  # same version
    assert "Second draft" in editor_client.get(preview).content.decode()


def test_a_story_deleted_before_its_card_is_drawn_leaves_no_card(make_article):
    story = make_article()
    row = Article.objects.published().listed().get(pk=story.pk)
    story.delete()
    assert draw_cards([Card(row)], load=Article.objects.cards_by_id) == [""]


def test_feed_items_change_with_their_story_and_its_photo(
    client, make_article, make_photo, make_correction
):
    photo = make_photo(credit="Reuters")
    story = make_article(headline="Harbour reopens", lead_photo=photo)
    make_article(headline="Other story")
    feeds = ["/feed/", "/feed/atom/"]
    for url in feeds:
        feed = html(client, url)
        assert "Harbour reopens" in feed and "<media:credit>Reuters</media:credit>" in feed
    story.headline = "Harbour reopens after the strike"
    story.save()
    photo.credit = "AP"
    photo.save()
    for url in feeds:
        feed = html(client, url)
        assert "Harbour reopens after the strike" in feed and "Other story" in feed
        assert "<media:credit>AP</media:credit>" in feed and "Reuters" not in feed


def test_a_correction_dates_the_feed_and_its_item(client, make_article, make_correction):
    story = make_article(publish_at=timezone.now() - timedelta(days=1))

    def dates():
        feed = html(client, "/feed/")
        return [
            feed.split(f"<{name}>")[1].split("<")[0]
            for name in ("lastBuildDate", "dcterms:modified")
        ]

    before = dates()
    make_correction(story, created_at=timezone.now())
    after = dates()
    assert after[0] != before[0] and after[1] != before[1]
