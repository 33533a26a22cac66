import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from taggit.models import Tag, TaggedItem

from articles.management.commands.bench_seed import SEARCH_WORDS, SECTIONS, WORDS
from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section


def seed(stories, **options):
    out = io.StringIO()
    call_command("bench_seed", stories=stories, stdout=out, **options)
    return out.getvalue()


def test_seeds_published_stories_with_what_their_pages_show(db):
    out = seed(40, batch_size=15)
    assert "Seeded 40 published stories" in out
    assert Article.objects.count() == Article.objects.published().count() == 40
    assert Section.objects.count() == len(SECTIONS)
    assert Author.objects.count() == 10
    assert Photo.objects.count() == 10
    assert Tag.objects.count() > 200

    bylines = Byline.objects.values("article").annotate(n=Count("pk"))
    assert len(bylines) == 40 and all(1 <= row["n"] <= 3 for row in bylines)
    tags = TaggedItem.objects.values("object_id").annotate(n=Count("pk"))
    assert len(tags) == 40 and all(2 <= row["n"] <= 5 for row in tags)
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


def test_seeded_pages_render(db, client):
    seed(30)
    story = Article.objects.filter(lead_photo__isnull=False).first()
    html = client.get(story.get_absolute_url()).content.decode()
    assert story.headline in html and f"Photo: {story.lead_photo.credit}" in html
    assert client.get("/").status_code == 200
    assert client.get(story.section.get_absolute_url()).status_code == 200


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
    with pytest.raises(CommandError, match="throwaway"):
        seed(5)
    assert Article.objects.count() == 1
