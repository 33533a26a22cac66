from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from articles import views
from articles.models import Article, Status
from articles.search import NEWEST, ORDERS, RELEVANCE, clean_query, search


def ids(stories):
    return [story.pk for story in stories]


def found(text, order=RELEVANCE):
    return list(search(Article.objects.published(), text, order=order))


@pytest.mark.parametrize(
    "fields",
    [
        {"headline": "Harbour strike ends"},
        {"standfirst": "The harbour strike is over"},
        {"body": "<p>Workers ended the harbour strike on Monday.</p>"},
    ],
)
def test_search_finds_words_in_headline_standfirst_or_body(make_article, fields):
    story = make_article(**fields)
    make_article(headline="Budget talks")
    assert found("harbour strike") == [story]
    assert found("HARBOUR") == [story]


def test_every_word_must_match_somewhere(make_article):
    both = make_article(headline="Harbour news", body="<p>The strike goes on.</p>")
    make_article(headline="Harbour news", body="<p>Ships arrive.</p>")
    assert found("harbour strike") == [both]


def test_search_finds_only_public_stories(make_article):
    story = make_article(headline="Harbour strike")
    make_article(headline="Harbour strike draft", status=Status.DRAFT)
    make_article(headline="Harbour strike later", publish_at=timezone.now() + timedelta(hours=1))
    make_article(
        headline="Harbour strike embargoed", embargo_until=timezone.now() + timedelta(hours=1)
    )
    assert found("harbour") == [story]


def test_headline_matches_rank_above_body_matches(make_article):
    now = timezone.now()
    in_body = make_article(
        body="<p>A word about the harbour.</p>", publish_at=now - timedelta(hours=1)
    )
    in_headline = make_article(headline="Harbour reopens", publish_at=now - timedelta(days=2))
    assert found("harbour") == [in_headline, in_body]
    assert found("harbour", order=NEWEST) == [in_body, in_headline]


def test_relevance_is_headline_then_standfirst_then_body_and_equals_newest_first(make_article):
    now = timezone.now()
    in_body_older = make_article(body="<p>At the harbour.</p>", publish_at=now - timedelta(hours=3))
    in_body = make_article(body="<p>At the harbour.</p>", publish_at=now - timedelta(hours=1))
    in_standfirst = make_article(standfirst="At the harbour", publish_at=now - timedelta(days=1))
    in_headline = make_article(headline="Harbour reopens", publish_at=now - timedelta(days=2))
    assert found("harbour") == [in_headline, in_standfirst, in_body, in_body_older]


def test_empty_queries_find_nothing_without_asking_the_database(
    make_article, django_assert_num_queries
):
    make_article()
    with django_assert_num_queries(0):
        assert found("   ") == [] and found("") == [] and found(None) == []


def test_queries_are_trimmed_and_bounded():
    assert clean_query("  harbour \n strike ") == "harbour strike"
    assert len(clean_query("x" * 1000)) == 200


def test_markup_in_the_body_is_not_searched(make_article):
    make_article(
        body="<p><strong>Bold</strong> claims.</p><blockquote><p>Quoted &amp; said.</p>"
        '</blockquote><p>See <a href="https://example.org/harbour">the figures</a>.</p>'
    )
    # Tag names, attributes and entities are in the stored HTML, not words readers see.
    for markup in ["strong", "blockquote", "href", "harbour", "amp", "example"]:
        assert found(markup) == [], markup
    assert len(found("bold claims")) == 1
    assert len(found("quoted figures")) == 1


def test_only_whole_words_match(make_article):
    report = make_article(headline="Port report", body="<p>Support for the port.</p>")
    airport = make_article(
        headline="Airport reopens", standfirst="A passport queue", body="<p>Reports.</p>"
    )
    assert found("port") == [report]
    assert found("PORT") == [report]
    assert found("sport") == []
    # A plural is the same word, as PostgreSQL's stemming has it.
    assert set(found("report")) == {report, airport}


def test_the_database_keeps_the_search_vector(make_article):
    story = make_article(headline="Ships sailing", standfirst="", body="<p>Harbours reopened.</p>")
    vector = Article.objects.filter(pk=story.pk).values_list("search_vector", flat=True).get()
    if connection.vendor == "postgresql":
        # Stemmed, weighted by field, and stored by the database itself on every write.
        assert "'ship':1A" in vector and "'sail':2A" in vector and "'harbour':3C" in vector
        Article.objects.filter(pk=story.pk).update(headline="Planes landing")
        vector = Article.objects.filter(pk=story.pk).values_list("search_vector", flat=True).get()
        assert "'plane':1A" in vector and "ship" not in vector
    else:
        # SQLite has no full-text types: the column stays empty and search reads the fields.
        assert vector is None


def test_the_search_vector_is_indexed_where_the_database_can(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Article._meta.db_table)
    index = constraints.get("article_search_idx")
    if connection.vendor == "postgresql":
        assert index["type"] == "gin" and index["columns"] == ["search_vector"]
    else:
        assert index is None


def test_search_page_lists_results_most_relevant_first(client, make_article):
    now = timezone.now()
    in_body = make_article(body="<p>About the harbour.</p>", publish_at=now - timedelta(hours=1))
    in_headline = make_article(headline="Harbour reopens", publish_at=now - timedelta(days=2))
    response = client.get("/search/", {"q": "harbour"})
    assert ids(response.context["article_list"]) == ids([in_headline, in_body])
    html = response.content.decode()
    assert "2 stories found." in html
    assert '<option value="relevance" selected>' in html
    newest = client.get("/search/", {"q": "harbour", "sort": "newest"})
    assert ids(newest.context["article_list"]) == ids([in_body, in_headline])
    assert '<option value="newest" selected>' in newest.content.decode()
    # An unknown order falls back to relevance rather than failing.
    odd = client.get("/search/", {"q": "harbour", "sort": "sideways"})
    assert ids(odd.context["article_list"]) == ids([in_headline, in_body])


def test_search_page_says_when_nothing_matches(client, make_article):
    make_article(headline="Budget talks")
    html = client.get("/search/", {"q": "volcano"}).content.decode()
    assert "0 stories found." in html
    assert "No stories match “volcano”." in html


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, make_article, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_LIMIT", 3)
    now = timezone.now()
    # The oldest match has the word in its headline: it would rank first if it were ranked.
    oldest = make_article(headline="Harbour news", publish_at=now - timedelta(days=9))
    newer = [
        make_article(body="<p>The harbour.</p>", publish_at=now - timedelta(hours=h))
        for h in range(1, 4)
    ]
    make_article(body="<p>Nothing to see.</p>")
    response = client.get("/search/", {"q": "harbour"})
    assert ids(response.context["article_list"]) == ids(newer)
    assert oldest.pk not in ids(response.context["article_list"])
    html = response.content.decode()
    assert "3 or more stories found: the newest 3, most relevant first." in html
    # A narrower search under the bound counts exactly.
    assert "1 story found." in client.get("/search/", {"q": "harbour news"}).content.decode()


def test_large_counts_are_written_with_thousands_separators(rf, db):
    page = render_to_string(
        "articles/search.html",
        {
            "query": "harbour",
            "paginator": SimpleNamespace(count=1000),
            "search_limit": 1000,
            "order": RELEVANCE,
            "orders": ORDERS,
        },
        request=rf.get("/search/", {"q": "harbour"}),
    )
    assert "1,000 or more stories found: the newest 1,000, most relevant first." in page
