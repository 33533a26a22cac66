import pytest
from django.db import connection

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
