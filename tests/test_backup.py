import io
import tarfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles.models import Article, AuditEntry, Correction, Photo


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
        "groups": sorted(
            (g.name, g.permissions.count())
            for g in __import__(
                "django.contrib.auth.models"
            ).contrib.auth.models.Group.objects.all()
        ),
    }


@pytest.fixture
def restorable_db(transactional_db):
    # `restore --replace` flushes, as it would on a live site: PostgreSQL only allows that
    # outside a test's wrapping transaction. A flush remakes content types under new ids.
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


def test_restore_refuses_to_mix_into_a_site_with_content(db, tmp_path, make_article):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    make_article()
    with pytest.raises(CommandError, match="already has stories"):
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
