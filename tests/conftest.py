import io
import itertools
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import uuid
import zlib
from datetime import timedelta
from xml.sax.saxutils import escape

import boto3
import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from PIL import Image

from articles import caching
from articles.context_processors import page_top
from articles.models import (
    Alert,
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
from tests.oembed_provider import oembed_provider  # noqa: F401 - a fixture, here for every test

_counter = itertools.count(1)


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), **save_options):
    return image_bytes("JPEG", size=size, colour=colour, **save_options)


def image_bytes(format="JPEG", *, size=(64, 48), colour=(200, 30, 30), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format, **options)
    return buffer.getvalue()


def with_iptc(jpeg, datasets, *, utf8=True, encoding="utf-8"):
    """A JPEG with an IPTC IIM block, written by hand as Photoshop does: an APP13 segment
    holding an 8BIM resource 0x0404. `datasets` maps (record, number) to text or a list."""
    records = [((1, 90), b"\x1b%G")] if utf8 else []
    for key, value in datasets.items():
        for item in value if isinstance(value, list) else [value]:
            records.append((key, item.encode(encoding)))
    iim = b"".join(
        bytes([0x1C, record, number]) + struct.pack(">H", len(data)) + data
        for (record, number), data in records
    )
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim))
    resource += iim + (b"\x00" if len(iim) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}


def xmp_packet(*, attributes=None, seq=None, alt=None, simple=None):
    """An XMP packet as Photoshop or Photo Mechanic write one: some properties as attributes
    of rdf:Description, some as elements; `seq` values are lists, `alt` values {lang: text}."""
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in (attributes or {}).items())
    body = "".join(
        f"<{name}><rdf:Seq>{''.join(f'<rdf:li>{escape(v)}</rdf:li>' for v in values)}"
        f"</rdf:Seq></{name}>"
        for name, values in (seq or {}).items()
    )
    body += "".join(
        f"<{name}><rdf:Alt>"
        + "".join(f'<rdf:li xml:lang="{lang}">{escape(v)}</rdf:li>' for lang, v in langs.items())
        + f"</rdf:Alt></{name}>"
        for name, langs in (alt or {}).items()
    )
    body += "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (simple or {}).items())
    namespaces = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in XMP_NAMESPACES.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about=""{namespaces}{attrs}>{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def with_exif(format="JPEG", tags=None, *, size=(64, 48), colour=(200, 30, 30), **options):
    exif = Image.Exif()
    for tag, value in (tags or {}).items():
        exif[tag] = value
    return image_bytes(format, size=size, colour=colour, exif=exif, **options)


def noisy_jpeg(size=(256, 192)):
    # Random pixels: a file large enough that cutting it loses real picture data.
    return image_bytes_of(Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)), "JPEG")


def image_bytes_of(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims a huge picture: what a decompression bomb looks like
    before anyone decodes it."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


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

    # Counted for each test: a run's count would date a late test's stories days back.
    made = itertools.count(1)

    def make(*, authors=None, tags=(), **overrides):
        n = next(_counter)
        fields = {
            "headline": f"Headline {n}",
            "slug": f"headline-{n}",
            "standfirst": f"Standfirst {n}",
            "body": f"<p>Body of story {n}.</p>",
            "status": Status.PUBLISHED,
            # Each older than the one before, by minutes: recent enough for the news sitemap.
            "publish_at": timezone.now() - timedelta(minutes=next(made)),
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
def make_alert(db):
    """A live breaking news alert unless overridden: started a minute ago, ends in an hour."""

    def make(**overrides):
        n = next(_counter)
        now = timezone.now()
        return Alert.objects.create(
            **{
                "text": f"Alert {n}",
                "link": f"/alert-{n}/",
                "starts_at": now - timedelta(minutes=1),
                "ends_at": now + timedelta(hours=1),
            }
            | overrides
        )

    return make


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
def login(client):
    """The test client, signed in as the user given: `login(editor).get(...)`."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user


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

    The first page of all looks up when readers next see something change with nothing saved
    (pinned in test_caching.py) and draws the masthead and the banner under it; the content
    type of stories and the site (which feeds ask for) are looked up once per process.
    """

    def warm():
        caching.keep_time(cache.get(caching.SCHEDULE))
        page_top()
        ContentType.objects.get_for_model(Article)
        Site.objects.get_current()

    return warm


_RESTORE_MIGRATION_ROWS = pytest.StashKey()


def _uses_database(item):
    # What pytest-django reads to decide whether to make the test database.
    fixtures = {"db", "transactional_db", "live_server", "django_db_serialized_rollback"}
    return item.get_closest_marker("django_db") or fixtures & set(getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def _rows_made_by_migrations(request, django_db_setup, django_db_blocker):
    """What the migrations put in the test database, to put back after each transactional test.

    A transactional test (a live server's, or one that commits as a request does) ends by
    emptying every table, and with them the rows that migrations made (content types,
    permissions, groups from data migrations). Tests that run after it would find them gone.
    Django's serialized rollback puts them back only at the start of the next test that asks
    for it; these tests leave the database as they found it instead.
    """
    if not any(_uses_database(item) for item in request.session.items):
        # No test database was made (tests/test_load.py run alone): nothing to snapshot.
        yield
        return
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()

    def restore():
        with django_db_blocker.unblock():
            # Emptied once more without post_migrate, which would make content types and
            # permissions again under new keys: the snapshot brings back the original ones.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(snapshot)
            ContentType.objects.clear_cache()

    request.config.stash[_RESTORE_MIGRATION_ROWS] = restore
    yield
    del request.config.stash[_RESTORE_MIGRATION_ROWS]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After every fixture's teardown, the transactional test's flush included.
    result = yield
    if _is_transactional(item) and _RESTORE_MIGRATION_ROWS in item.config.stash:
        item.config.stash[_RESTORE_MIGRATION_ROWS]()
    return result


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    committed = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(committed) or {"live_server", "transactional_db"} & set(item.fixturenames)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's) on loopback for the session; its endpoint URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto's S3 server did not answer on {endpoint} within 30 s")
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def s3_storage(bucket_name, endpoint):
    """What newsroom/settings.py builds from MEDIA_STORAGE=s3, AWS_STORAGE_BUCKET_NAME,
    AWS_S3_ENDPOINT_URL and AWS_S3_CUSTOM_DOMAIN=media.example.test (test_object_storage.py
    holds the two alike), with the test server's keys."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "region_name": None,
            "location": "",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            "endpoint_url": endpoint,
            "addressing_style": "path",
            "custom_domain": "media.example.test",
            "url_protocol": "https:",
            "access_key": "testing",
            "secret_key": "testing",
        },
    }


class Bucket:
    """A bucket on the loopback S3 server, and what it holds."""

    def __init__(self, endpoint):
        self.name = f"media-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.client.create_bucket(Bucket=self.name)

    def files(self):
        """{key: bytes} of every object."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {
            item["Key"]: self.client.get_object(Bucket=self.name, Key=item["Key"])["Body"].read()
            for page in pages
            for item in page.get("Contents", [])
        }


@pytest.fixture
def s3_media(settings, s3_server):
    """Media on a fresh, empty bucket; `s3_media.use_new_bucket()` moves to another one."""

    class Media:
        def use_new_bucket(self):
            self.bucket = Bucket(s3_server)
            settings.STORAGES = settings.STORAGES | {
                "default": s3_storage(self.bucket.name, s3_server)
            }
            settings.MEDIA_URL = "https://media.example.test/"
            return self.bucket

    media = Media()
    media.use_new_bucket()
    return media
