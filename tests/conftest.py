import io
import itertools
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Photo, Section, Status
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
            "publish_at": timezone.now() - timedelta(hours=n),
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
