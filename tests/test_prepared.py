"""Prepared queries (articles.prepared): compiled once, and still the ORM's own answers."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections, models
from django.utils import timezone

from articles.models import Article, Section, Status
from articles.prepared import Param, Prepared


@pytest.fixture
def builds():
    """A prepared lookup of a story by slug, and the shapes it was compiled for."""
    shapes = []

    def build(*shape):
        shapes.append(shape)
        return Article.objects.select_related("section").filter(
            slug=Param("slug", models.SlugField())
        )

    return Prepared(build), shapes


def test_the_answers_are_the_querysets_own_with_new_values_each_run(
    builds, make_article, django_assert_num_queries
):
    by_slug, _ = builds
    first, second = make_article(), make_article()
    for story in (first, second, first):
        with django_assert_num_queries(1):
            [found] = by_slug(slug=story.slug)
            # select_related came along: no query for the section.
            assert found.section.name == story.section.name
        assert (found.pk, found.headline) == (story.pk, story.headline)
    assert by_slug(slug="no-such-story") == []


def test_it_is_compiled_once_per_shape(builds, make_article):
    by_slug, shapes = builds
    story = make_article()
    for _ in range(3):
        by_slug(slug=story.slug)
        by_slug("other", slug=story.slug)
    assert shapes == [(), ("other",)]


def test_a_query_that_can_match_nothing_asks_the_database_nothing(db, django_assert_num_queries):
    nothing = Prepared(lambda: Article.objects.none())
    with django_assert_num_queries(0):
        assert nothing() == [] and nothing() == []


def test_values_are_converted_as_the_field_would(make_article, make_section):
    """Times, ids and text pass through their field: a later `now` finds a scheduled story."""
    section = make_section()
    soon = timezone.now() + timedelta(hours=1)
    story = make_article(section=section, publish_at=soon)
    published_in = Prepared(
        lambda: (
            Article.objects.published(now=Param("now", models.DateTimeField()))
            .filter(section_id=Param("section", models.IntegerField()))
            .values_list("slug", flat=True)
        )
    )
    assert published_in(now=timezone.now(), section=section.pk) == []
    assert published_in(now=soon, section=str(section.pk)) == [story.slug]


def test_the_public_story_follows_the_clock_and_the_workflow(make_article):
    """The story page's own prepared lookup: published() decides, at the time of asking."""
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

    rows = Article.objects.related(story, tag_ids)
    assert {row.pk for row in rows} == {same_section.pk, same_tag.pk}
    cards = Article.objects.related(story, tag_ids, cards=True)
    assert [card.pk for card in cards] == [row.pk for row in rows]
    assert draft.pk not in {row.pk for row in rows}
    # Without tags or section, only what the remaining one gives.
    assert [row.pk for row in Article.objects.related(story, [])] == [same_section.pk]
    story.section = None
    assert [row.pk for row in Article.objects.related(story, tag_ids)] == [same_tag.pk]
    assert Article.objects.related(story, []) == []


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_it_on_its_own_connection():
    """Compiled on one thread's connection, run on another's (runserver's threads, say)."""
    names = Prepared(
        lambda: Section.objects.filter(slug=Param("slug", models.SlugField())).values_list(
            "name", flat=True
        )
    )
    Section.objects.create(name="World", slug="world")
    assert names(slug="world") == ["World"]
    found = []

    def other_thread():
        try:
            found.extend(names(slug="world"))
        finally:
            # The database connection itself: Django never closes an in-memory SQLite one.
            if (own := connections["default"].connection) is not None:
                own.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    # Django refuses a connection made on another thread: this raised there, when it was.
    assert found == ["World"]


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
def test_postgresql_plans_the_prepared_queries_once_and_search_every_time(
    client, make_article, settings
):
    settings.NEWSROOM_STORE_PAGES = False  # every request runs the page's queries
    story = make_article(headline="Harbour reopens")
    for _ in range(8):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get("/search/?q=harbour").status_code == 200
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    # The story by its address, among others.
    assert any('"articles_article"."slug" = ($' in statement for statement in prepared), prepared
    # Search's best plan depends on its words: planned for each.
    assert not [statement for statement in prepared if "@@" in statement]
