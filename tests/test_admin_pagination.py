from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone

from articles.admin.pagination import EstimatedCountPaginator
from articles.models import Article


@pytest.fixture
def stories(make_article, make_section):
    section = make_section()
    return [make_article(section=section, authors=[]) for _ in range(30)]


def test_small_lists_are_counted_exactly(stories, settings):
    settings.NEWSROOM_EXACT_COUNT_LIMIT = 1000
    assert EstimatedCountPaginator(Article.objects.all(), 10).count == 30


def test_large_lists_use_the_planner_estimate_on_postgresql(
    stories, settings, django_assert_num_queries
):
    settings.NEWSROOM_EXACT_COUNT_LIMIT = 0
    paginator = EstimatedCountPaginator(Article.objects.filter(headline__contains="Head"), 10)
    if connection.vendor != "postgresql":
        assert paginator.count == 30  # SQLite has no estimate: it counts
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    with django_assert_num_queries(1) as captured:
        estimate = paginator.count
    assert captured.captured_queries[0]["sql"].startswith("EXPLAIN")
    assert 1 <= estimate <= 100


def test_the_story_list_never_counts_twice(editor_client, stories):
    response = editor_client.get("/admin/articles/article/?q=Headline")
    assert response.status_code == 200
    assert response.context["cl"].full_result_count is None


def test_stories_filter_by_year_from_two_index_lookups(editor_client, make_article):
    for year in (2019, 2021):
        make_article(
            headline=f"Story of {year}", publish_at=timezone.make_aware(datetime(year, 6, 1))
        )
    html = editor_client.get("/admin/articles/article/").content.decode()
    # Every year between the first and the last, newest first, even one with no story.
    assert html.index("?year=2021") < html.index("?year=2020") < html.index("?year=2019")
    response = editor_client.get("/admin/articles/article/", {"year": "2019"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Story of 2019"]
    for junk in ["abc", "0", "99999"]:
        assert editor_client.get("/admin/articles/article/", {"year": junk}).status_code == 200


def test_admin_search_uses_the_full_text_index_on_postgresql(editor_client, make_article):
    make_article(headline="Harbour cranes", body="<p>The dockers went on strike.</p>")
    make_article(headline="Budget talks")
    response = editor_client.get("/admin/articles/article/", {"q": "docker"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Harbour cranes"]
    if connection.vendor == "postgresql":
        # The query asks the vector, never the bodies themselves.
        where = str(response.context["cl"].queryset.query).split(" WHERE ")[1]
        assert "search_vector" in where and "body" not in where
