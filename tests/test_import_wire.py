from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Photo, Status
from articles.models.wire_copy import save_wire_story
from articles.wire import WireError, WireStory
from tests.conftest import jpeg_bytes, with_iptc

SEED = Path(__file__).resolve().parent.parent / "articles/demo/wire/000_5ada4b7a9c93438c.txt"

STORY = """Storm closes ports along the coast

By Jane Doe and John Roe

SEOUL, Sept 13 (Reuters) - A storm closed ports along the coast on Wednesday.

Officials said the ports would reopen on Friday.
Photo: AP Photo/Jane Doe
© 2024 The Associated Press. All rights reserved.
"""


def run(*paths, **options):
    """The command's output and its failure, if any, as a user sees them."""
    out, err = _Buffer(), _Buffer()
    try:
        call_command("import_wire", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


class _Buffer:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


def test_seed_story_imports_cleanly(db):
    out, _err, failure = run(SEED)
    assert failure is None
    assert "created" in out
    story = Article.objects.get()
    assert story.status == Status.DRAFT
    assert not story.is_published
    assert story.headline.startswith("On Wednesday, North Korean leader Kim Jong Un")
    assert story.body.count("<p>") == 10
    assert story.body.startswith("<p>On Wednesday,")
    assert story.body.endswith("after its founding.</p>")
    for leftover in ["Photo:", "Reuters)", "©", "Copyright", "Vygr", "Powered by"]:
        assert leftover not in story.body
    assert story.lead_photo.credit == "Reuters"
    assert story.lead_photo.credit_line == "Photo: Reuters"
    assert not story.lead_photo.image
    assert story.copyright_notice == "© Copyright 2023. All Rights Reserved"
    assert story.copyright_year == 2023
    assert story.source == "Vygr Media"
    assert story.wire_key == SEED.name


def test_headline_byline_dateline_and_credits_become_fields(db, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(STORY)
    run(path)
    story = Article.objects.get()
    assert story.headline == "Storm closes ports along the coast"
    assert story.byline_text == "Jane Doe and John Roe"
    assert story.dateline == "SEOUL"
    assert story.source == "Reuters"
    assert story.body == (
        "<p>A storm closed ports along the coast on Wednesday.</p>"
        "<p>Officials said the ports would reopen on Friday.</p>"
    )
    assert story.lead_photo.credit == "AP Photo/Jane Doe"
    assert story.copyright_holder == "The Associated Press"
    assert story.copyright_year == 2024


def test_an_image_beside_the_text_becomes_the_lead_photo(db, tmp_path):
    (tmp_path / "storm.txt").write_text(STORY)
    (tmp_path / "storm.jpg").write_bytes(jpeg_bytes(size=(120, 80)))
    run(tmp_path)
    photo = Article.objects.get().lead_photo
    assert photo.image
    assert (photo.width, photo.height) == (120, 80)
    assert photo.credit == "AP Photo/Jane Doe"


def test_importing_again_creates_no_duplicate(db):
    run(SEED)
    out, _err, failure = run(SEED)
    assert failure is None
    assert "unchanged" in out
    assert Article.objects.count() == 1
    assert Photo.objects.count() == 1


def test_a_changed_file_updates_the_unpublished_draft(db, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(STORY)
    run(path)
    path.write_text(STORY.replace("reopen on Friday", "reopen on Saturday"))
    out, _err, _failure = run(path)
    assert "updated" in out
    assert Article.objects.count() == 1
    assert "Saturday" in Article.objects.get().body


def test_a_story_out_of_draft_is_never_overwritten_by_the_wire(db, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(STORY)
    run(path)
    Article.objects.update(status=Status.PUBLISHED)
    path.write_text(STORY.replace("Friday", "Saturday"))
    out, _err, _failure = run(path)
    assert "published" in out
    assert "Friday" in Article.objects.get().body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("Caf\u00e9 au lait is served here.".encode("latin-1"), "not UTF-8"),
        (b"(Photo: Reuters)\n\xc2\xa9 Copyright 2023. All Rights Reserved", "no body"),
    ],
)
def test_bad_files_fail_clearly_and_create_nothing(db, tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    _out, err, failure = run(bad, good)
    assert f"{bad}" in err and reason in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["good.txt"]
    assert Photo.objects.count() == 1


def test_a_fake_image_beside_the_text_fails_that_file_only(db, tmp_path):
    (tmp_path / "storm.txt").write_text(STORY)
    (tmp_path / "storm.jpg").write_bytes(b"not really a picture")
    _out, err, failure = run(tmp_path)
    assert "storm.jpg" in err and "not a readable image" in err
    assert failure is not None
    assert not Article.objects.exists()


def test_an_image_over_the_pixel_limit_fails_that_file_only(db, tmp_path, settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1000
    (tmp_path / "storm.txt").write_text(STORY)
    (tmp_path / "storm.jpg").write_bytes(jpeg_bytes(size=(120, 80)))
    _out, err, failure = run(tmp_path)
    assert "storm.jpg" in err and "120 × 80 pixels; the limit is" in err
    assert failure is not None
    assert not Article.objects.exists()


def test_an_imported_image_gets_its_renditions_and_its_files_credit(db, tmp_path):
    (tmp_path / "storm.txt").write_text(STORY.replace("Photo: AP Photo/Jane Doe\n", ""))
    (tmp_path / "storm.png").write_bytes(
        with_iptc(jpeg_bytes(size=(120, 80)), {(2, 110): "AP", (2, 80): "Jane Doe"})
    )
    run(tmp_path)
    photo = Article.objects.get().lead_photo
    assert photo.image.name.endswith(".jpg")  # what it is, not what it was called
    assert photo.credit == "AP" and photo.creator == "Jane Doe"
    assert photo.rendition(800).file.storage.exists(photo.rendition(800).file.name)


def test_the_exit_status_is_non_zero_when_a_file_fails(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_wire", "--dry-run", str(bad)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode != 0
    assert "empty" in result.stderr


def test_dry_run_writes_nothing(db):
    out, _err, failure = run(SEED, dry_run=True)
    assert failure is None
    assert "created" in out and "dry run" in out
    assert not Article.objects.exists()
    assert not Photo.objects.exists()


def test_a_big_folder_shows_progress_instead_of_a_line_per_file(db, tmp_path):
    for n in range(120):
        (tmp_path / f"story-{n:03}.txt").write_text(f"Story number {n} happened today.\n")
    out, _err, failure = run(tmp_path)
    assert failure is None
    lines = out.strip().splitlines()
    assert len(lines) <= 25
    assert "120/120 files" in out and "files/s" in out and "left" in out
    assert lines[-1] == "120 files: 120 created"
    assert Article.objects.count() == 120


def test_a_missing_path_is_an_error(db, tmp_path):
    _out, _err, failure = run(tmp_path / "nope.txt")
    assert "no such file or folder" in failure


def test_an_imported_story_goes_through_the_fields_validators(db):
    # The parser never gives a headline two lines; the model refuses one all the same.
    story = WireStory(
        headline="Two\nlines",
        headline_is_provisional=False,
        bylines=(),
        dateline="SEOUL",
        source="",
        paragraphs=("A paragraph.",),
        photo_credits=(),
        copyright=None,
    )
    with pytest.raises(WireError, match="headline: Keep this to one line"):
        save_wire_story(story, key="two-lines.txt", digest="0" * 64)
    assert not Article.objects.exists()
