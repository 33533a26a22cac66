import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.models import Article, Author, Photo, Status
from articles.wire.importer import WireIdentity, WireRefused, save_wire_story
from articles.wire.parser import WireStory
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
    assert (story.wire_feed, story.wire_key) == ("wire", SEED.name)


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


# Identity: the feed a file came from and its name there


def write(path, text=STORY):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_same_file_name_from_two_feeds_makes_two_stories(db, tmp_path):
    write(tmp_path / "reuters/story.txt")
    write(tmp_path / "ap/story.txt", STORY.replace("Storm closes", "Flood shuts"))
    out, _err, failure = run(tmp_path)
    assert failure is None
    assert out.endswith("2 files: 2 created\n")
    stories = Article.objects.order_by("wire_feed")
    assert [(a.wire_feed, a.wire_key) for a in stories] == [
        ("ap", "story.txt"),
        ("reuters", "story.txt"),
    ]
    assert [a.headline for a in stories] == [
        "Flood shuts ports along the coast",
        "Storm closes ports along the coast",
    ]


def test_another_feeds_file_of_the_same_name_never_touches_a_published_story(db, tmp_path):
    run(write(tmp_path / "reuters/story.txt"))
    Article.objects.update(status=Status.PUBLISHED)
    out, _err, _failure = run(write(tmp_path / "ap/story.txt", STORY.replace("Storm", "Flood")))
    assert "created" in out
    assert Article.objects.filter(status=Status.DRAFT, wire_feed="ap").exists()


def test_a_file_has_one_identity_however_it_is_named_on_the_command_line(db, tmp_path):
    path = write(tmp_path / "reuters/story.txt")
    run(tmp_path)
    for name in [path, tmp_path / "reuters", tmp_path / "reuters/../reuters/story.txt"]:
        out, _err, failure = run(name)
        assert failure is None and "unchanged" in out, name
    assert Article.objects.get().wire_feed == "reuters"


def test_the_feed_option_names_the_feed(db, tmp_path):
    run(write(tmp_path / "incoming/story.txt"), feed="reuters")
    assert (Article.objects.get().wire_feed, Article.objects.get().wire_key) == (
        "reuters",
        "story.txt",
    )


def test_two_files_with_one_identity_in_one_run_import_only_the_first(db, tmp_path):
    first = write(tmp_path / "a/reuters/story.txt")
    second = write(tmp_path / "b/reuters/story.txt", STORY.replace("Storm", "Flood"))
    _out, err, failure = run(first, second)
    assert f"refused    {second}: the same feed and name as {first}" in err
    assert failure == "1 of 2 files failed to import."
    assert Article.objects.get().headline.startswith("Storm")


def test_a_story_imported_before_feeds_were_recorded_is_known_by_identical_content(db, tmp_path):
    """Migrated stories have no feed: the same name with the same content is the same story."""
    run(write(tmp_path / "reuters/story.txt"))
    Article.objects.update(wire_feed="")
    out, _err, _failure = run(tmp_path / "reuters/story.txt")
    assert "unchanged" in out
    assert Article.objects.get().wire_feed == "reuters"
    # Other content under that name may be another agency's story: it never replaces it.
    Article.objects.update(wire_feed="")
    out, _err, _failure = run(write(tmp_path / "ap/story.txt", STORY.replace("Storm", "Flood")))
    assert "created" in out
    assert sorted(Article.objects.values_list("wire_feed", "headline")) == [
        ("", "Storm closes ports along the coast"),
        ("ap", "Flood closes ports along the coast"),
    ]


def test_a_file_name_that_is_not_utf8_is_refused_and_the_rest_import(db, tmp_path):
    bad = write(tmp_path / "feed" / os.fsdecode(b"caf\xe9.txt"))
    write(tmp_path / "feed/good.txt")
    _out, err, failure = run(tmp_path / "feed")
    assert f"refused    {bad}: 'caf\\udce9.txt' is not a printable UTF-8 name" in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["good.txt"]


# Refusals: what the models cannot hold is never cut to fit


LONG = " V" * 150
LONG_NOTICE = "© 2024 Reuters. All rights reserved. " + "Republication is prohibited. " * 9


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            STORY.replace("© 2024 The Associated Press. All rights reserved.", LONG_NOTICE),
            f"article copyright notice is {len(LONG_NOTICE.strip())} characters long; "
            "the limit is 255",
        ),
        (
            STORY.replace("SEOUL, Sept 13", "SEOUL" + "X" * 120 + ", Sept 13"),
            "article dateline is 125 characters long; the limit is 100",
        ),
        (
            STORY.replace(" (Reuters)", "").replace("reserved.", "reserved. Powered by" + LONG),
            "article source is 299 characters long; the limit is 200",
        ),
    ],
    ids=["copyright", "dateline", "source"],
)
def test_a_value_over_its_field_limit_refuses_that_file_and_the_rest_import(
    db, tmp_path, text, reason
):
    bad = write(tmp_path / "feed/bad.txt", text)
    write(tmp_path / "feed/good.txt")
    _out, err, failure = run(tmp_path / "feed")
    assert f"refused    {bad}: the {reason}" in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["good.txt"]
    assert Photo.objects.count() == 1


def test_a_dry_run_reports_the_same_refusals(db, tmp_path):
    bad = write(tmp_path / "feed/bad.txt", STORY.replace("SEOUL,", "SEOUL" + "X" * 120 + ","))
    _out, err, failure = run(bad, dry_run=True)
    assert f"refused    {bad}: the article dateline is" in err
    assert failure is not None


def parsed(**changes):
    from dataclasses import replace

    from articles.wire.parser import parse

    return replace(parse(STORY.encode()), **changes)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"headline": "H" * 300}, "the article headline is 300 characters long; the limit is 255"),
        ({"bylines": ("N" * 160,)}, "the author name is 160 characters long; the limit is 150"),
        ({"photo_credits": ("C" * 201,)}, "the photo credit is 201 characters long; the limit is"),
    ],
    ids=["headline", "author", "credit"],
)
def test_the_importer_refuses_rather_than_cuts_what_the_parser_never_makes(db, changes, reason):
    from articles.wire.importer import WireIdentity, WireRefused, save_wire_story

    with pytest.raises(WireRefused, match=reason):
        save_wire_story(parsed(**changes), identity=WireIdentity("ap", "x.txt"), digest="1")
    assert not Article.objects.exists()
    assert not Photo.objects.exists()


def test_the_parsers_longest_names_fit_the_models(db, tmp_path):
    name = "Anna " + "M" * 141  # a byline line of 150 characters, the parser's limit
    run(write(tmp_path / "feed/story.txt", STORY.replace("Jane Doe and John Roe", name)))
    assert Article.objects.get().byline_text == name


def test_a_database_error_fails_that_file_only_and_the_run_goes_on(db, tmp_path, monkeypatch):
    """A real error from the database (a slug taken behind validation's back), on every backend."""
    from articles.wire import importer

    Article.objects.create(headline="Taken", slug="taken")
    real_slug = importer.unique_slug
    monkeypatch.setattr(
        importer,
        "unique_slug",
        lambda model, text, **kw: "taken" if "Flood" in text else real_slug(model, text, **kw),
    )
    monkeypatch.setattr(Article, "validate_unique", lambda self, exclude=None: None)
    bad = write(tmp_path / "feed/a-bad.txt", STORY.replace("Storm", "Flood"))
    write(tmp_path / "feed/b-good.txt")
    _out, err, failure = run(tmp_path / "feed")
    assert f"failed     {bad}: the database refused it" in err
    assert failure == "1 of 2 files failed to import."
    assert Article.objects.filter(wire_key="b-good.txt").exists()
    assert not Article.objects.filter(wire_key="a-bad.txt").exists()


# Symbolic links are refused unless asked for


def test_a_linked_text_file_is_refused_in_a_folder_and_by_name(db, tmp_path):
    secret = write(tmp_path / "private/secrets.conf", "PASSWORD=hunter2 is the password.\n")
    link = tmp_path / "feed/story.txt"
    link.parent.mkdir()
    link.symlink_to(secret)
    for path in [tmp_path / "feed", link]:
        _out, err, failure = run(path)
        assert f"refused    {link}: a symbolic link" in err and "--follow-links" in err
        assert failure == "1 of 1 files failed to import."
    assert not Article.objects.exists()


def test_a_linked_folder_is_not_walked(db, tmp_path):
    write(tmp_path / "elsewhere/story.txt")
    write(tmp_path / "feed/own.txt")
    (tmp_path / "feed/linked").symlink_to(tmp_path / "elsewhere")
    _out, err, failure = run(tmp_path / "feed")
    assert f"refused    {tmp_path / 'feed/linked'}: a symbolic link to a folder" in err
    assert failure is not None
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["own.txt"]


def test_a_linked_image_beside_a_story_refuses_the_story(db, tmp_path):
    picture = tmp_path / "private/picture.jpg"
    picture.parent.mkdir()
    picture.write_bytes(jpeg_bytes(size=(120, 80)))
    story = write(tmp_path / "feed/storm.txt")
    (tmp_path / "feed/storm.jpg").symlink_to(picture)
    _out, err, failure = run(tmp_path / "feed")
    assert f"refused    {story}: storm.jpg beside it is a symbolic link" in err
    assert failure is not None
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_follow_links_imports_through_links_without_walking_in_circles(db, tmp_path):
    write(tmp_path / "elsewhere/story.txt")
    picture = tmp_path / "private/picture.jpg"
    picture.parent.mkdir()
    picture.write_bytes(jpeg_bytes(size=(120, 80)))
    write(tmp_path / "feed/storm.txt")
    (tmp_path / "feed/storm.jpg").symlink_to(picture)
    (tmp_path / "feed/linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "feed/loop").symlink_to(tmp_path / "feed")
    _out, _err, failure = run(tmp_path / "feed", follow_links=True)
    assert failure is None
    assert sorted(Article.objects.values_list("wire_feed", "wire_key")) == [
        ("feed", "storm.txt"),
        ("linked", "story.txt"),
    ]
    assert Article.objects.get(wire_key="storm.txt").lead_photo.image


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
    identity = WireIdentity(feed="reuters", key="two-lines.txt")
    with pytest.raises(WireRefused, match="headline: Keep this to one line"):
        save_wire_story(story, identity=identity, digest="0" * 64)
    assert not Article.objects.exists()


def test_provenance_keeps_the_feed_the_agency_and_the_service(db, tmp_path):
    folder = tmp_path / "vygr"
    folder.mkdir()
    (folder / "story.txt").write_text(
        "SEOUL, Sept 13 (Reuters) - Kim met Putin.\n"
        "© Copyright 2025. All Rights Reserved Powered by Vygr Media.\n"
    )
    run(folder)
    story = Article.objects.get()
    assert story.wire_feed == "vygr"
    assert story.agency == "Reuters"
    assert story.syndication_service == "Vygr Media"
    assert story.source == "Reuters"


def test_copy_naming_no_writer_is_bylined_to_its_agency(db, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text("SEOUL, Sept 13 (Reuters) - A storm closed the ports.\n")
    run(path)
    path2 = tmp_path / "quake.txt"
    path2.write_text("TOKYO (Reuters) - A quake shook the city.\n")
    run(path2)
    reuters = Author.objects.get()
    assert reuters.name == "Reuters" and reuters.is_agency
    assert [story.byline_text for story in Article.objects.all()] == ["Reuters", "Reuters"]


def test_a_named_writer_is_the_byline_not_the_agency(db, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(STORY)
    run(path)
    assert Article.objects.get().byline_text == "Jane Doe and John Roe"
    assert not Author.objects.filter(is_agency=True).exists()


def test_the_seed_story_goes_through_review_with_its_service_as_byline(db, editor, make_section):
    run(SEED)
    story = Article.objects.get()
    assert story.byline_text == "Vygr Media"
    assert story.bylines[0].is_agency
    assert "it needs at least one byline" not in story.publish_problems()
    story.standfirst = "Kim and Putin met."
    story.section = make_section()
    story.save()
    story.submit(by=editor)
    assert Article.objects.get().status == Status.IN_REVIEW


def test_editors_see_the_provenance_in_the_admin(db, editor_client):
    run(SEED)
    story = Article.objects.get()
    page = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "Syndication service" in page and "Vygr Media" in page
    authors = editor_client.get("/admin/articles/author/?is_agency__exact=1").content.decode()
    assert "Vygr Media" in authors


DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("name", ["ninjs/storm-3.1.json", "nitf/storm.xml"])
def test_ninjs_and_nitf_import_through_the_same_path(db, tmp_path, name):
    feed = tmp_path / "reuters"
    feed.mkdir()
    (feed / Path(name).name).write_bytes((DATA / name).read_bytes())
    _out, err, failure = run(feed)
    assert failure is None, err
    story = Article.objects.get()
    assert story.status == Status.DRAFT
    assert story.headline == "Storm closes ports along the coast"
    assert story.byline_text == "Jane Doe and John Roe"
    assert story.dateline == "SEOUL"
    assert story.standfirst == "Ports will reopen on Friday."
    # Sanitised as the editor's own HTML is: no script, no event handler.
    assert "<script" not in story.body and "onclick" not in story.body
    assert "Officials said they would reopen." in story.body
    assert sorted(tag.name for tag in story.tags.all()) == ["Shipping", "Weather"]
    assert story.embargo_until.year == 2099
    assert story.usage_terms == "Not for use in Japan."
    assert story.copyright_holder == "Reuters" and story.copyright_year == 2025
    assert (story.agency, story.syndication_service) == ("Reuters", "Vygr Media")
    assert story.lead_photo.credit == "Reuters/Kim Lee"
    assert story.wire_feed == "reuters"
    assert story.wire_key in {"urn:newsml:example.com:20250913:storm", "RTR-2025-0913-001"}


def test_an_embargoed_wire_story_stays_hidden_once_published(db, tmp_path, editor, make_section):
    (tmp_path / "storm.json").write_bytes((DATA / "ninjs/storm-3.1.json").read_bytes())
    run(tmp_path)
    story = Article.objects.get()
    story.section = make_section()
    story.save()
    story.submit(by=editor)
    story.approve(by=editor)
    Photo.objects.update(image="x.jpg", alt_text="Ports")
    story.refresh_from_db()
    story.publish(by=editor)
    assert not Article.objects.published().exists()


def test_a_new_version_under_another_name_updates_the_same_draft(db, tmp_path):
    item = json.loads((DATA / "ninjs/storm-3.1.json").read_text())
    (tmp_path / "storm-v1.json").write_text(json.dumps(item))
    run(tmp_path / "storm-v1.json")
    item["headlines"][0]["value"] = "Storm closes every port"
    (tmp_path / "storm-v2.json").write_text(json.dumps(item))
    out, _err, _failure = run(tmp_path / "storm-v2.json")
    assert "updated" in out
    assert Article.objects.get().headline == "Storm closes every port"


def test_the_same_agency_id_from_two_feeds_is_two_stories(db, tmp_path):
    for feed in ("reuters", "vygr"):
        (tmp_path / feed).mkdir()
        (tmp_path / feed / "storm.json").write_bytes((DATA / "ninjs/storm-3.1.json").read_bytes())
    run(tmp_path / "reuters", tmp_path / "vygr")
    assert sorted(Article.objects.values_list("wire_feed", flat=True)) == ["reuters", "vygr"]


def test_unsafe_xml_is_refused_and_nothing_is_written(db, tmp_path):
    (tmp_path / "bomb.xml").write_bytes((DATA / "nitf/bomb.xml").read_bytes())
    (tmp_path / "storm.xml").write_bytes((DATA / "nitf/storm.xml").read_bytes())
    _out, err, failure = run(tmp_path)
    assert "bomb.xml: unsafe XML refused: it declares entities" in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("headline", flat=True)) == [
        "Storm closes ports along the coast"
    ]


def test_markup_that_sanitises_to_nothing_is_refused(db, tmp_path):
    item = {"uri": "urn:x", "bodies": [{"contentType": "text/html", "value": "<script>x</script>"}]}
    (tmp_path / "empty.json").write_text(json.dumps(item))
    _out, err, _failure = run(tmp_path / "empty.json")
    assert "no body text left once its markup was made safe" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"], ids=["nul", "lone-surrogate"])
def test_a_ninjs_file_spelling_what_no_database_stores_is_refused_and_the_rest_import(
    db, tmp_path, escape
):
    # SQLite stored a NUL silently; a lone surrogate ended the whole run on both databases.
    feed = tmp_path / "reuters"
    feed.mkdir()
    text = (DATA / "ninjs/storm-3.1.json").read_text()
    bad = feed / "a-bad.json"
    bad.write_text(text.replace("Storm closes ports", f"Storm{escape} closes ports", 1))
    good = json.loads(text) | {"uri": "urn:good"}
    (feed / "b-good.json").write_text(json.dumps(good))
    _out, err, failure = run(feed)
    assert f"{bad}: headlines[0].value holds U+" in err and "which is not text" in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["urn:good"]


def test_a_subject_whose_tag_address_is_too_long_is_refused_before_saving(db, tmp_path):
    # One character NFKC spells as 18: a 100-character subject made a 1,800-character slug,
    # which PostgreSQL refused mid-save and SQLite stored.
    feed = tmp_path / "reuters"
    feed.mkdir()
    item = json.loads((DATA / "ninjs/storm-3.1.json").read_text())
    item["subjects"] = [{"name": "\ufdfa" * 100}, {"name": "Weather"}]
    bad = feed / "a-bad.json"
    bad.write_text(json.dumps(item))
    good = json.loads((DATA / "ninjs/storm-3.1.json").read_text()) | {"uri": "urn:good"}
    (feed / "b-good.json").write_text(json.dumps(good))
    _out, err, failure = run(feed)
    assert f"refused    {bad}: the tag slug is 1800 characters long; the limit is 100" in err
    assert failure == "1 of 2 files failed to import."
    assert list(Article.objects.values_list("wire_key", flat=True)) == ["urn:good"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Shipping", "Weather"]
