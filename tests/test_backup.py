import io
import os
import stat
import tarfile
import threading
import time

import pytest
import reversion
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from reversion.models import Version

from articles import backups
from articles.models import Article, AuditEntry, Author, Byline, Correction, Photo, Section
from articles.roles import sync_roles


def everything():
    """What a newsroom would miss: stories, credits, rights, history, people, photos."""
    return {
        "stories": sorted(
            Article.objects.values_list(
                "slug",
                "headline",
                "status",
                "body",
                "copyright_notice",
                "source",
                "first_published_at",
                "version",
            )
        ),
        "bylines": sorted(
            (a.slug, tuple(x.name for x in a.bylines)) for a in Article.objects.all()
        ),
        "tags": sorted((a.slug, tuple(sorted(a.tags.names()))) for a in Article.objects.all()),
        "photos": sorted(
            Photo.objects.values_list("image", "credit", "copyright_notice", "alt_text", "licence")
        ),
        "audit": sorted(
            AuditEntry.objects.values_list("article__slug", "action", "by__username", "note", "at")
        ),
        "corrections": sorted(
            Correction.objects.values_list("article__slug", "text", "created_at")
        ),
        "revisions": Version.objects.count(),
        "groups": sorted((g.name, g.permissions.count()) for g in Group.objects.all()),
    }


@pytest.fixture
def restorable_db(transactional_db):
    # `restore --replace` flushes, as it would on a live site: PostgreSQL only allows that
    # outside a test's wrapping transaction. A flush remakes content types under new ids.
    # The backup's snapshot needs a transaction of its own too. An earlier transactional test
    # may have flushed the role groups the migrations made: a migrated site has them.
    sync_roles(django_apps)
    yield
    ContentType.objects.clear_cache()


def test_a_populated_site_round_trips(restorable_db, tmp_path, settings):
    call_command("load_demo", stdout=io.StringIO())
    story = Article.objects.get(slug="port-traffic-rebounds")
    story.correct(by=story.published_by, text="The figure was 12%, not 21%.")
    before = everything()
    media_before = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes()
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    }
    assert before["audit"] and before["corrections"] and media_before

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    for path in settings.MEDIA_ROOT.rglob("*.jpg"):
        path.unlink()
    call_command("restore", str(archive), replace=True, stdout=io.StringIO())

    assert everything() == before
    media_after = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes()
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    }
    assert media_after == media_before


def test_restore_refuses_to_mix_into_a_site_with_content(restorable_db, tmp_path, make_article):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    make_article()
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(bogus), stdout=io.StringIO())


def test_restore_never_writes_outside_its_folder(db, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(CommandError):
        call_command("restore", str(evil), stdout=io.StringIO())
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_backup_taken_while_stories_are_written_restores(restorable_db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    section, author = Section.objects.first(), Author.objects.first()
    stop, written = threading.Event(), []

    def write():
        # A newsroom at work: a story and its byline in one transaction, every few ms.
        try:
            while not stop.is_set():
                n = len(written)
                try:
                    with transaction.atomic():
                        story = Article.objects.create(
                            headline=f"Live {n}", slug=f"live-{n}", section=section
                        )
                        Byline.objects.create(article=story, author=author, position=0)
                except OperationalError:
                    # SQLite's shared in-memory test database locks whole tables.
                    continue
                written.append(story.pk)
                time.sleep(0.005)
        finally:
            connection.close()
            if connection.connection is not None:
                # Django keeps an in-memory SQLite database open; this thread's link is done.
                connection.connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 3:
            time.sleep(0.01)
        during = len(written)
        archive = tmp_path / "backup.tar.gz"
        call_command("backup", str(archive), stdout=io.StringIO())
        assert len(written) > during + 3, "the writer should have written during the backup"
    finally:
        stop.set()
        writer.join()

    call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    restored = set(Article.objects.filter(slug__startswith="live-").values_list("pk", flat=True))
    assert restored and restored <= set(written)
    assert all(Byline.objects.filter(article_id=pk).exists() for pk in restored)


def test_an_archive_is_private_from_the_moment_it_exists(restorable_db, tmp_path, monkeypatch):
    modes = []
    write = backups.write

    def watched(out, storage):
        modes.append(stat.S_IMODE(os.fstat(out.fileno()).st_mode))
        return write(out, storage)

    monkeypatch.setattr(backups, "write", watched)
    archive = tmp_path / "backup.tar.gz"
    umask = os.umask(0)
    try:
        call_command("backup", str(archive), stdout=io.StringIO())
    finally:
        os.umask(umask)
    assert modes == [0o600]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_a_backup_that_does_not_restore_fails_and_is_not_kept(restorable_db, tmp_path, monkeypatch):
    count_rows = backups.count_rows

    def one_story_too_many(using):
        return count_rows(using) | {"articles.article": 1}

    monkeypatch.setattr(backups, "count_rows", one_story_too_many)
    archive = tmp_path / "backup.tar.gz"
    with pytest.raises(CommandError, match=r"articles\.article: 0 restored, 1 backed up"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert not archive.exists()
    failed = tmp_path / "backup.tar.gz.failed"
    assert failed.exists() and stat.S_IMODE(failed.stat().st_mode) == 0o600


@pytest.fixture
def archive_of_a_site(restorable_db, tmp_path, make_article):
    make_article(headline="From the archive", tags=["harbour"])
    get_user_model().objects.create_user("erin", password="archived-password-1")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    sync_roles(django_apps)  # what `migrate` leaves in an empty database
    return archive


def test_a_just_migrated_site_takes_a_restore(archive_of_a_site):
    call_command("restore", str(archive_of_a_site), stdout=io.StringIO())
    assert Article.objects.get().headline == "From the archive"
    assert get_user_model().objects.get().check_password("archived-password-1")


@pytest.mark.parametrize("content", ["section", "user", "group"])
def test_restore_refuses_a_site_with_any_content(archive_of_a_site, content):
    if content == "section":
        Section.objects.create(name="Local", slug="local")
    elif content == "user":
        get_user_model().objects.create_superuser("erin", password="live-password-1")
    else:
        Group.objects.create(name="Interns")
    before = everything(), sorted(get_user_model().objects.values_list("username", "password"))
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive_of_a_site), stdout=io.StringIO())
    assert (
        everything(),
        sorted(get_user_model().objects.values_list("username", "password")),
    ) == before


def test_a_site_on_object_storage_restores_into_an_empty_site_and_bucket(
    restorable_db, s3_media, tmp_path
):
    call_command("load_demo", stdout=io.StringIO())
    before, files_before = everything(), s3_media.bucket.files()
    assert any(name.startswith("photos/") for name in files_before)
    assert any(name.startswith("renditions/") for name in files_before)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # A new site: migrated, nothing else, and an empty bucket.
    call_command("flush", interactive=False, verbosity=0)
    sync_roles(django_apps)
    ContentType.objects.clear_cache()
    bucket = s3_media.use_new_bucket()
    call_command("restore", str(archive), stdout=io.StringIO())

    assert everything() == before
    assert bucket.files() == files_before


def a_row_in_every_model(make_article, make_photo, make_alert, editor):
    """At least one row of each archived model, made the way the newsroom makes them."""
    from django.conf import settings
    from django.contrib.redirects.models import Redirect
    from django.utils import timezone

    from articles.models import (
        AlertChange,
        ArticlePhoto,
        Embed,
        FormerSlug,
        Front,
        Layout,
        LiveChange,
        LiveEntry,
        Partner,
        Slot,
        WorkingCopy,
    )
    from articles.models.bodies import BodyLink, BodyPhoto
    from articles.models.embeds import BodyEmbed

    now = timezone.now()
    photo, other = make_photo(), make_photo()
    background = make_article(headline="Background")
    story = make_article(lead_photo=photo, tags=["harbour"], coverage_starts_at=now)
    ArticlePhoto.objects.create(article=story, photo=other)
    BodyPhoto.objects.create(article=story, photo=other, position=0)
    BodyLink.objects.create(article=story, story=background, position=0)
    embed = Embed.objects.create(url="https://www.youtube.com/watch?v=abc", provider="youtube")
    BodyEmbed.objects.create(article=story, embed=embed, position=0)
    story.correct(by=editor, text="The figure was 12%, not 21%.")  # an audit entry
    with reversion.create_revision():
        reversion.set_user(editor)
        story.save()
    story.add_note(by=editor, text="Lawyers cleared it")
    other.credit = "AP"
    other.edit(by=editor)
    entry = LiveEntry.objects.create(
        article=story, text="<p>Crowds.</p>", photo=photo, status=LiveEntry.Status.PUBLISHED
    )
    LiveChange.record(story, entry, LiveChange.Action.POST, by=editor)
    alert = make_alert()
    AlertChange.record(alert, AlertChange.Action.ADD, by=editor)
    FormerSlug.objects.create(article=story, slug="old-address", replaced_at=now)
    WorkingCopy.objects.create(user=editor, article=story, values={"headline": "X"}, taken_at=now)
    layout = Layout.objects.create(front=Front.objects.get(section=None), live_from=now)
    Slot.objects.create(area=layout.areas.create(places=1), story=story)
    partner = Partner(name="Aggregator", requests_per_minute=60)
    partner.issue_key()
    partner.save()
    Redirect.objects.create(site_id=settings.SITE_ID, old_path="/old/", new_path="/new/")


def test_every_kind_of_row_round_trips(
    restorable_db, tmp_path, client, make_article, make_photo, make_alert, editor
):
    a_row_in_every_model(make_article, make_photo, make_alert, editor)
    before = backups.count_rows("default")
    # A model added later joins this test, or its rows may not survive a backup unnoticed.
    assert [label for label, count in before.items() if not count] == []
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    # The hand-made redirect still belongs to this site.
    assert client.get("/old/").get("Location") == "/new/"
    assert backups.count_rows("default") == before


def test_an_archive_from_before_sites_were_kept_apart_still_restores(archive_of_a_site, tmp_path):
    older = tmp_path / "format-2.tar.gz"
    with tarfile.open(archive_of_a_site) as new, tarfile.open(older, "w:gz") as old:
        for member in new:
            if member.name != backups.SITES:
                old.addfile(member, new.extractfile(member))
    call_command("restore", str(older), stdout=io.StringIO())
    assert Article.objects.get().headline == "From the archive"
