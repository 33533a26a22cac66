from datetime import timedelta

import time_machine
from django.utils import timezone

from articles.models import Article, Status, format_credit


def test_published_holds_only_stories_readers_may_see(trio):
    assert list(Article.objects.published()) == [trio["published"]]


def test_published_is_chainable(trio, make_section):
    section = trio["published"].section
    assert list(Article.objects.filter(section=section).published()) == [trio["published"]]
    assert not Article.objects.published().filter(section=make_section()).exists()


def test_scheduled_story_goes_live_at_its_minute_without_any_job(trio):
    later = trio["scheduled"].publish_at + timedelta(seconds=1)
    assert trio["scheduled"] in Article.objects.published(now=later)


def test_embargo_hides_a_published_story_until_it_lifts(make_article):
    lifts = timezone.now() + timedelta(hours=1)
    story = make_article(embargo_until=lifts)
    assert story not in Article.objects.published()
    assert not story.is_published
    assert story in Article.objects.published(now=lifts)


def test_instance_mirrors_the_queryset(trio):
    assert trio["published"].is_published
    assert not trio["draft"].is_published
    assert not trio["scheduled"].is_published


def test_bylines_keep_their_order(make_article, make_author):
    first, second, third = (make_author(name=n) for n in ["Zoe", "Adam", "Mia"])
    story = make_article(authors=[first, second, third])
    assert [a.name for a in story.bylines] == ["Zoe", "Adam", "Mia"]
    assert story.byline_text == "Zoe, Adam and Mia"


def test_story_copyright_falls_back_to_the_site_notice(make_article, settings):
    settings.NEWSROOM_COPYRIGHT_HOLDER = "Example Media"
    story = make_article(publish_at=timezone.now().replace(year=2024))
    assert story.copyright_line == "© 2024 Example Media. All rights reserved."
    story.copyright_notice = "© Copyright 2023. All Rights Reserved"
    assert story.copyright_line == "© Copyright 2023. All Rights Reserved"


def test_body_is_sanitised_whatever_the_way_in(make_article):
    story = make_article(
        body='<p onclick="x()">Hi <strong>there</strong><script>alert(1)</script></p>'
        '<img src=x onerror="alert(1)"><h2>Sub</h2><a href="javascript:alert(1)">bad</a>'
        '<a href="https://example.com">good</a><blockquote><p>q</p></blockquote>'
    )
    story.refresh_from_db()
    assert "<script" not in story.body
    assert "onerror" not in story.body and "onclick" not in story.body
    assert "javascript:" not in story.body
    assert "<img" not in story.body
    assert "<strong>there</strong>" in story.body
    assert "<h2>Sub</h2>" in story.body
    assert 'href="https://example.com"' in story.body
    assert "<blockquote>" in story.body


def test_article_address_is_dated_and_readable(make_article):
    story = make_article(
        slug="kim-putin-summit",
        publish_at=timezone.now().replace(year=2023, month=9, day=13, hour=12),
    )
    assert story.get_absolute_url() == "/2023/09/13/kim-putin-summit/"


def test_credit_has_one_display_format():
    assert format_credit("Reuters") == "Photo: Reuters"
    assert format_credit("  AP Photo/Jane Doe ") == "Photo: AP Photo/Jane Doe"
    assert format_credit("") == ""


def test_new_stories_start_as_drafts(db):
    assert Article.objects.create(headline="x", slug="x").status == Status.DRAFT


def test_the_public_story_follows_the_clock_and_the_workflow(make_article):
    """The story page's lookup: published() decides, at the time of asking."""
    publish_at = timezone.now() + timedelta(hours=2)
    story = make_article(publish_at=publish_at)
    with time_machine.travel(publish_at - timedelta(seconds=1), tick=False):
        assert Article.objects.public_story(story.slug) is None
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert Article.objects.public_story(story.slug) == story
        story.status = Status.WITHDRAWN
        story.save()
        assert Article.objects.public_story(story.slug) is None


def test_related_stories_by_section_and_tag(make_article, make_section):
    section, elsewhere = make_section(), make_section()
    story = make_article(section=section, tags=["floods"])
    same_section = make_article(section=section)
    same_tag = make_article(section=elsewhere, tags=["floods"])
    make_article(section=elsewhere, tags=["budget"])  # shares nothing
    draft = make_article(section=section, status=Status.DRAFT)
    tag_ids = list(story.tags.values_list("pk", flat=True))

    related = Article.objects.related(story, tag_ids)
    assert set(related) == {same_section.pk, same_tag.pk}
    assert draft.pk not in set(related)
    # Without tags or section, only what the remaining one gives.
    assert Article.objects.related(story, []) == [same_section.pk]
    story.section = None
    assert Article.objects.related(story, tag_ids) == [same_tag.pk]
    assert Article.objects.related(story, []) == []
