from collections import Counter
from datetime import UTC, datetime, timedelta

from django.utils.text import slugify

from articles.richtext import sanitize_body
from bench.seed.archive import Archive, Cast

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CAST = Cast(
    sections=[11, 12, 13],
    section_shares=[60, 30, 10],
    authors=list(range(100, 120)),
    tags=list(range(200, 260)),
    photos=list(range(300, 310)),
    article_type=7,
)


def archive(stories=1_000, seed=3):
    return Archive(stories=stories, seed=seed, now=NOW, cast=CAST)


def test_stories_are_published_over_the_years_oldest_first_the_newest_minutes_ago():
    batch = archive(stories=20_000).batch(0, 20_000)
    times = [article["publish_at"] for article in batch.articles]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert NOW - timedelta(minutes=10) < times[-1] < NOW
    # About 150 stories a day, more by day than by night: 20,000 reach back over four months.
    assert timedelta(days=100) < times[-1] - times[0] < timedelta(days=170)
    by_hour = Counter(time.hour for time in times)
    assert by_hour[12] > 2 * by_hour[2]
    recent = [time for time in times if time > NOW - timedelta(days=2)]
    assert 200 < len(recent) < 400


def test_primary_keys_slugs_and_bodies_are_as_the_model_would_store_them():
    articles = archive().batch(0, 300).articles
    assert [article["id"] for article in articles] == list(range(1, 301))
    for article in articles:
        assert article["slug"] == f"{slugify(article['headline'])[:80].rstrip('-')}-{article['id']}"
        assert sanitize_body(article["body"]) == article["body"]
        assert 1_000 < len(article["body"]) < 5_000
    bodies = "".join(article["body"] for article in articles)
    assert "<h2>" in bodies and "<strong>" in bodies and '<a href="https://' in bodies


def test_each_story_has_one_to_three_authors_two_to_four_tags_and_sometimes_photos():
    batch = archive().batch(0, 1_000)
    authors = Counter(byline["article_id"] for byline in batch.bylines)
    assert set(authors.values()) == {1, 2, 3} and len(authors) == 1_000
    tags = Counter(tagged["object_id"] for tagged in batch.tagged)
    assert set(tags.values()) == {2, 3, 4} and len(tags) == 1_000
    assert {tagged["content_type_id"] for tagged in batch.tagged} == {7}
    leads = {article["id"]: article["lead_photo_id"] for article in batch.articles}
    assert 800 < sum(lead is not None for lead in leads.values()) < 900
    assert 50 < len({use["article_id"] for use in batch.gallery}) < 150
    assert all(use["photo_id"] != leads[use["article_id"]] for use in batch.gallery)
    assert 3 < sum(article["is_top_story"] for article in batch.articles) < 30
    sections = Counter(article["section_id"] for article in batch.articles)
    assert sections[11] > sections[12] > sections[13]


def test_a_batch_depends_only_on_the_seed_and_where_it_starts():
    first, second = archive(), archive()
    later = first.batch(500, 600)
    first.batch(0, 500)
    assert second.batch(500, 600) == later
    assert archive(seed=4).batch(500, 600) != later
