"""A change ends the kept pages and pieces that show it, and no others (articles.invalidation).

A page is served from the cache when its response has no template context: no view ran. (Feeds
render no template, so they are left to test_kept_pieces.py; they show what the front does.)
"""

import io

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Label, Status
from tests.conftest import jpeg_bytes

WIRE_STORY = """Storm closes ports along the coast

By Jane Doe

SEOUL, Sept 13 (Reuters) - A storm closed ports along the coast on Wednesday.

Officials said the ports would reopen on Friday.
Photo: AP Photo/Jane Doe
© 2024 The Associated Press. All rights reserved.
"""


@pytest.fixture(autouse=True)
def _long_page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 7 * 24 * 3600


@pytest.fixture
def newsroom(make_article, make_section, make_author, make_photo, warm_site):
    """Two sections of published stories with bylines, tags and photos, every page kept."""
    world, sport = (
        make_section(name="World", slug="world"),
        make_section(name="Sport", slug="sport"),
    )
    ann, bob = make_author(name="Ann Reporter", slug="ann"), make_author(name="Bob", slug="bob")
    stories = {
        "harbour": make_article(
            headline="Harbour reopens",
            section=world,
            authors=[ann],
            tags=["ports"],
            lead_photo=make_photo(credit="Reuters"),
        ),
        "ferry": make_article(
            headline="Ferry returns", section=world, authors=[ann], tags=["ports"]
        ),
        "final": make_article(
            headline="Cup final tonight", section=sport, authors=[bob], tags=["cup"]
        ),
        "coach": make_article(headline="Coach resigns", section=sport, authors=[bob], tags=["cup"]),
    }
    warm_site()
    return stories


def urls_of(stories):
    return {
        "front": "/",
        "world": "/section/world/",
        "sport": "/section/sport/",
        "ports": "/tag/ports/",
        "cup": "/tag/cup/",
        "ann": "/author/ann/",
        "bob": "/author/bob/",
        "news sitemap": "/news-sitemap.xml",
        **{name: story.get_absolute_url() for name, story in stories.items()},
    }


@pytest.fixture
def kept(client, newsroom):
    """Every page built once (so kept); then which of them were built again since."""
    urls = urls_of(newsroom)
    for url in urls.values():
        assert client.get(url).status_code == 200
    assert all(client.get(url).context is None for url in urls.values())

    def rebuilt():
        return {name for name, url in urls.items() if client.get(url).context is not None}

    return rebuilt


def test_a_wire_draft_with_a_photo_leaves_every_page_in_place(kept, tmp_path):
    (tmp_path / "storm.txt").write_text(WIRE_STORY)
    (tmp_path / "storm.jpg").write_bytes(jpeg_bytes(size=(120, 80)))
    call_command("import_wire", str(tmp_path), stdout=io.StringIO())
    draft = Article.objects.get(headline="Storm closes ports along the coast")
    assert draft.lead_photo.image and draft.status == Status.DRAFT
    assert kept() == set()


def test_work_readers_cannot_see_leaves_every_page_in_place(
    kept, make_article, make_author, make_photo, newsroom
):
    draft = make_article(
        headline="Not yet",
        status=Status.DRAFT,
        publish_at=None,
        tags=["ports"],
        section=newsroom["harbour"].section,  # a new section would be in every page's menu
        authors=newsroom["harbour"].bylines,
    )
    draft.tags.add("cup")
    draft.headline = "Still not yet"
    draft.save()
    make_photo(credit="An unused photo")
    make_author(name="Nobody public bylines")
    Tag.objects.create(name="Only on drafts")
    assert kept() == set()


def test_a_correction_ends_only_the_pages_that_show_its_story(kept, make_correction, newsroom):
    make_correction(newsroom["final"], text="The final is on Sunday.")
    # Its own page, and those showing every story's changes (the front, feeds, sitemaps).
    assert kept() == {"final", "front", "news sitemap"}


def test_a_new_standfirst_ends_its_page_and_the_lists_showing_its_card(kept, newsroom):
    story = newsroom["final"]
    story.standfirst = "Kick-off moved to eight."
    story.save()
    # Not the pages of the stories beside which it is a brief card (no standfirst there).
    assert kept() == {"final", "sport", "cup", "bob", "front", "news sitemap"}


def test_a_new_headline_ends_the_pages_where_it_is_a_related_story_too(kept, newsroom):
    story = newsroom["final"]
    story.headline = "Cup final moved to Sunday"
    story.save()
    assert kept() == {"final", "coach", "sport", "cup", "bob", "front", "news sitemap"}


def test_a_new_label_shows_at_once_wherever_the_story_or_its_cards_are(client, kept, newsroom):
    story = newsroom["final"]
    story.label, story.sponsor = Label.SPONSORED, "Acme Bank"
    story.save()
    # As a new headline does: its page, its cards, and its brief card beside "coach".
    everywhere = {"final", "coach", "sport", "cup", "bob", "front", "news sitemap"}
    assert kept() == everywhere
    urls = urls_of(newsroom)
    marked = 'Sponsored by Acme Bank<span class="visually-hidden">:</span></span> Cup final'
    # Not the front: its fills leave sponsored stories to the editors who place them.
    for name in everywhere - {"news sitemap", "front"}:
        assert marked in client.get(urls[name]).content.decode(), name
    assert "Cup final" not in client.get(urls["front"]).content.decode()

    story.sponsor = "Acme Bank plc"
    story.save()
    assert kept() == everywhere
    assert "Sponsored by Acme Bank plc" in client.get(urls["coach"]).content.decode()


def test_publishing_ends_the_lists_it_joins_and_no_others(kept, make_article, newsroom):
    story = Article.objects.get(
        pk=make_article(
            headline="Transfer window opens",
            section=newsroom["final"].section,
            tags=["cup"],
            status=Status.APPROVED,
            publish_at=None,
        ).pk
    )
    assert kept() == set()
    story.status = Status.PUBLISHED
    story.publish_at = story.created_at
    story.save()
    # Its section's and tag's stories may show it as related; the World section and its
    # stories do not show it.
    assert kept() == {"sport", "cup", "final", "coach", "front", "news sitemap"}


def test_withdrawing_ends_every_page_that_showed_it(kept, newsroom, editor):
    story = newsroom["harbour"]
    story.withdraw(by=editor, reason="Legal")
    assert kept() == {"world", "ports", "ann", "ferry", "front", "news sitemap"} | {"harbour"}


def test_a_photo_change_ends_the_pages_showing_the_photo(kept, newsroom):
    photo = newsroom["harbour"].lead_photo
    photo.credit = "AP"
    photo.save()
    assert kept() == {"harbour", "ferry", "world", "ports", "ann", "front", "news sitemap"}


def test_renaming_an_author_ends_the_pages_of_their_stories(kept, newsroom):
    author = newsroom["final"].bylines[0]
    author.name = "Robert"
    author.save()
    assert kept() == {"final", "coach", "sport", "cup", "bob", "front", "news sitemap"}
