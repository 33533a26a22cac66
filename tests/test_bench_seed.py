import io
import os
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section
from articles.richtext import sanitize_body
from bench.seed.archive import SEARCH_WORDS, WORDS
from bench.seed.fill import SECTIONS, SeedRefused, fill

ROOT = Path(__file__).resolve().parent.parent

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY streams and set-aside indexes"
)


def seed(stories, **options):
    out = io.StringIO()
    fill(stories=stories, out=out, **options)
    return out.getvalue()


def test_seeds_published_stories_with_what_their_pages_show(db):
    out = seed(40, batch_size=15)
    assert "Seeded 40 published stories" in out and "stories/s" in out
    assert Article.objects.count() == Article.objects.published().count() == 40
    assert Section.objects.count() == len(SECTIONS)
    assert Author.objects.count() == 10
    assert Photo.objects.count() == 10
    assert Tag.objects.count() > 200

    bylines = Byline.objects.values("article").annotate(n=Count("pk"))
    assert len(bylines) == 40 and all(1 <= row["n"] <= 3 for row in bylines)
    tags = TaggedItem.objects.values("object_id").annotate(n=Count("pk"))
    assert len(tags) == 40 and all(2 <= row["n"] <= 4 for row in tags)
    assert Article.objects.filter(lead_photo__isnull=False).count() > 20
    assert ArticlePhoto.objects.exists()
    for photo in Photo.objects.all():
        assert photo.credit and photo.copyright_notice and photo.alt_text
        assert default_storage.exists(photo.image.name)


def test_seeded_stories_spread_back_in_time_newest_first(db):
    seed(30)
    times = list(Article.objects.published().values_list("publish_at", flat=True))
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == 30


def test_seeded_rows_are_what_saving_through_the_model_would_store(db):
    seed(30)
    for article in Article.objects.all():
        assert sanitize_body(article.body) == article.body
        assert article.version == 1 and article.first_published_at == article.publish_at
        assert article.created_at <= article.publish_at <= article.updated_at
        article.full_clean()
    # The loader chose the primary keys: the database picks the next one after them.
    assert Article.objects.create(headline="After the load", slug="after-the-load").pk == 31


def test_seeded_pages_render(db, client):
    seed(30)
    story = Article.objects.filter(lead_photo__isnull=False).first()
    html = client.get(story.get_absolute_url()).content.decode()
    assert story.headline in html and f"Photo: {story.lead_photo.credit}" in html
    assert client.get("/").status_code == 200
    assert client.get(story.section.get_absolute_url()).status_code == 200


def test_the_site_serves_bulk_loaded_stories(db, client):
    seed(200, batch_size=64)
    story = (
        Article.objects.annotate(authors_count=Count("authors", distinct=True))
        .filter(authors_count__gte=2, lead_photo__isnull=False, photos__isnull=False)
        .first()
    )
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for author in story.authors.all():
        assert escape(author.name) in html
    assert story.tags.count() >= 2
    for tag in story.tags.all():
        assert f">{escape(tag.name)}</a>" in html
    assert f"Photo: {escape(story.lead_photo.credit)}" in html
    for use in story.photos.exclude(photo=story.lead_photo):
        assert f"Photo: {escape(use.photo.credit)}" in html

    newest = Article.objects.filter(section=story.section).order_by("-publish_at").first()
    listing = client.get(story.section.get_absolute_url()).content.decode()
    assert escape(newest.headline) in listing

    news = client.get("/news-sitemap.xml").content.decode()
    assert Article.objects.first().get_absolute_url() in news


def test_search_words_occur_in_the_stories(db):
    assert set(SEARCH_WORDS) <= set(WORDS)
    seed(40)
    for word in SEARCH_WORDS:
        assert Article.objects.filter(body__contains=word).exists(), word


def test_the_same_seed_gives_the_same_stories(db):
    seed(10, seed=7)
    first = list(Article.objects.order_by("slug").values_list("slug", "body"))
    Article.objects.all().delete()
    for model in (Photo, Author, Section, Tag):
        model.objects.all().delete()
    seed(10, seed=7)
    assert list(Article.objects.order_by("slug").values_list("slug", "body")) == first


def test_refuses_a_database_that_already_has_stories(make_article):
    make_article()
    with pytest.raises(SeedRefused, match="throwaway"):
        seed(5)
    assert Article.objects.count() == 1


def index_definitions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [["articles_article", "articles_byline", "taggit_taggeditem", "articles_articlephoto"]],
        )
        return sorted(cursor.fetchall())


@postgresql_only
def test_indexes_set_aside_for_the_load_are_built_again_as_they_were(db):
    before = index_definitions()
    assert any(name == "article_search_idx" for name, _definition in before)
    seed(20)
    assert index_definitions() == before
    assert Article.objects.filter(search_vector="harbour").exists()


@postgresql_only
def test_parallel_streams_write_what_one_stream_writes(transactional_db):
    seed(50, batch_size=7, jobs=1)
    one = list(Article.objects.order_by("pk").values_list("slug", "body", "section__slug"))
    bylines = list(Byline.objects.order_by("article", "position").values_list("author__slug"))
    Article.objects.all().delete()
    for model in (Photo, Author, Section, Tag):
        model.objects.all().delete()
    out = seed(50, batch_size=7, jobs=2)
    assert "stories (2 streams)" in out
    assert list(Article.objects.order_by("pk").values_list("slug", "body", "section__slug")) == one
    assert list(Byline.objects.order_by("article", "position").values_list("author__slug")) == (
        bylines
    )


def test_seeding_runs_on_its_own_with_no_management_command(tmp_path):
    """`python -m bench.seed` sets Django up itself, on the database the environment names."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def run(*command):
        return subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
        )

    assert run("manage.py", "migrate", "--no-input").returncode == 0
    seeded = run("-m", "bench.seed", "--stories", "12")
    assert seeded.returncode == 0, seeded.stderr
    assert "Seeded 12 published stories" in seeded.stdout
    again = run("-m", "bench.seed", "--stories", "12")
    assert again.returncode == 1 and "throwaway" in again.stderr
