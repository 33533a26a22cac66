import io
import itertools
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.caching import current_version
from articles.context_processors import nav_sections
from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Photo,
    Section,
    Status,
)
from articles.roles import sync_roles

_counter = itertools.count(1)


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


@pytest.fixture
def make_section(db):
    def make(**overrides):
        n = next(_counter)
        return Section.objects.create(
            **{"name": f"Section {n}", "slug": f"section-{n}"} | overrides
        )

    return make


@pytest.fixture
def make_author(db):
    def make(**overrides):
        n = next(_counter)
        return Author.objects.create(**{"name": f"Author {n}", "slug": f"author-{n}"} | overrides)

    return make


@pytest.fixture
def make_photo(db):
    def make(*, with_image=True, **overrides):
        n = next(_counter)
        photo = Photo(
            **{"caption": f"Caption {n}", "alt_text": f"Alt {n}", "credit": "Reuters"} | overrides
        )
        if with_image:
            photo.image.save(f"photo-{n}.jpg", ContentFile(jpeg_bytes()), save=False)
        photo.save()
        return photo

    return make


@pytest.fixture
def make_article(db, make_section, make_author):
    """A complete, published story unless overridden: `make_article(status=Status.DRAFT)`."""

    def make(*, authors=None, tags=(), **overrides):
        n = next(_counter)
        fields = {
            "headline": f"Headline {n}",
            "slug": f"headline-{n}",
            "dek": f"Standfirst {n}",
            "body": f"<p>Body of story {n}.</p>",
            "status": Status.PUBLISHED,
            # Minutes, not hours: stories stay recent (news sitemap) however many a run makes.
            "publish_at": timezone.now() - timedelta(minutes=n),
        } | overrides
        if "section" not in fields:
            fields["section"] = make_section()
        article = Article.objects.create(**fields)
        for position, author in enumerate(authors if authors is not None else [make_author()]):
            Byline.objects.create(article=article, author=author, position=position)
        if tags:
            article.tags.add(*tags)
        return article

    return make


@pytest.fixture
def trio(make_article):
    """The core of every visibility test: published, draft and scheduled."""
    return {
        "published": make_article(headline="Published story"),
        "draft": make_article(headline="Draft story", status=Status.DRAFT, publish_at=None),
        "scheduled": make_article(
            headline="Scheduled story", publish_at=timezone.now() + timedelta(hours=2)
        ),
    }


@pytest.fixture
def make_user(db, django_user_model):
    """A staff member in one of the newsroom's roles (groups made by the roles migration)."""

    def make(role=None, **fields):
        n = next(_counter)
        user = django_user_model.objects.create_user(
            f"user{n}", f"user{n}@example.com", "pw-for-tests-123", is_staff=True, **fields
        )
        if role:
            if not Group.objects.filter(name=role).exists():
                # A transactional test (the browser's live server) flushed the migration's rows.
                sync_roles(django_apps)
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def writer(make_user):
    return make_user("Writer", first_name="Will", last_name="Writer")


@pytest.fixture
def editor(make_user):
    return make_user("Editor", first_name="Erin", last_name="Editor")


@pytest.fixture
def managing_editor(make_user):
    return make_user("Managing editor", first_name="Mo", last_name="Managing")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads made by tests never land in the project's media folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second per user; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Reader pages are cached, and the local-memory cache outlives a test: start each one clean.
    cache.clear()


@pytest.fixture
def make_correction(db):
    def make(article, **overrides):
        return Correction.objects.create(
            **{
                "article": article,
                "text": "An earlier version misspelt a name.",
                "created_at": timezone.now(),
            }
            | overrides
        )

    return make


@pytest.fixture
def make_rich_story(make_article, make_author, make_photo, make_correction):
    """A story with everything that could cost a query per item: three bylines, three tags,
    a lead photo, a gallery photo and a correction."""

    def make(**overrides):
        n = next(_counter)
        story = make_article(
            **{
                "authors": [make_author() for _ in range(3)],
                "tags": [f"tag-{n}-{i}" for i in range(3)],
                "lead_photo": make_photo(),
            }
            | overrides
        )
        ArticlePhoto.objects.create(article=story, photo=make_photo())
        make_correction(story)
        return story

    return make


@pytest.fixture
def warm_site(db):
    """Fill what a running site keeps between requests, so query pins count a page's own.

    After any change to content, the first page of all also looks up when content next changes
    and loads the section menu (three queries, once per change, pinned in test_caching.py);
    the content type of stories is looked up once per process.
    """

    def warm():
        current_version()
        nav_sections()
        ContentType.objects.get_for_model(Article)

    return warm
