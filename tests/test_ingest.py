"""manage.py ingest: feed folders watched, each file imported once and set aside."""

import logging
import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.wire import inbox as inbox_module
from tests.conftest import jpeg_bytes

DATA = Path(__file__).resolve().parent / "data"
TEXT = "Storm closes ports\n\nBy Jane Doe\n\nSEOUL (Reuters) - A storm closed the ports.\n"


def ingest(*folders, settle=0):
    out = _Out()
    call_command(
        "ingest", "--watch", *map(str, folders), "--once", "--settle", str(settle), stdout=out
    )
    return out.text


class _Out:
    text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.fixture
def feed(tmp_path):
    folder = tmp_path / "reuters"
    folder.mkdir()
    return folder


def drop(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_every_format_is_imported_and_set_aside(db, feed):
    drop(feed, "storm.txt", TEXT)
    drop(feed, "ports.json", (DATA / "ninjs/storm-3.1.json").read_bytes())
    drop(feed, "rail.xml", (DATA / "nitf/storm.xml").read_bytes().replace(b"RTR-", b"X-"))
    out = ingest(feed)
    assert "3 files: 3 created" in out
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("wire_feed", flat=True)) == {"reuters"}
    assert sorted(p.name for p in (feed / "done").iterdir()) == [
        "ports.json",
        "rail.xml",
        "storm.txt",
    ]
    assert [p.name for p in feed.iterdir()] == ["done"]


def test_a_bad_file_is_refused_with_its_reason_and_the_rest_go_on(db, feed):
    drop(feed, "a-broken.json", "{not json")
    drop(feed, "b-bomb.xml", (DATA / "nitf/bomb.xml").read_bytes())
    drop(feed, "c-notes.doc", "minutes")
    drop(feed, "d-storm.txt", TEXT)
    out = ingest(feed)
    assert "4 files: 1 created, 3 refused" in out
    assert Article.objects.get().headline == "Storm closes ports"
    refused = feed / "refused"
    assert "not JSON" in (refused / "a-broken.json.reason.txt").read_text()
    assert "unsafe XML refused" in (refused / "b-bomb.xml.reason.txt").read_text()
    assert "not a wire format" in (refused / "c-notes.doc.reason.txt").read_text()
    assert (refused / "a-broken.json").read_text() == "{not json"  # nothing lost


def test_an_unexpected_fault_refuses_that_file_only(db, feed, monkeypatch):
    from articles.wire import files

    real = files.parse_file

    def parse_file(name, data):
        if name == "a.txt":
            raise RecursionError("deep")
        return real(name, data)

    monkeypatch.setattr(files, "parse_file", parse_file)
    drop(feed, "a.txt", TEXT)
    drop(feed, "b.txt", TEXT.replace("Storm", "Flood"))
    ingest(feed)
    assert Article.objects.get().headline == "Flood closes ports"
    assert "RecursionError" in (feed / "refused/a.txt.reason.txt").read_text()


def test_files_still_being_written_are_left_for_later(db, feed):
    drop(feed, "fresh.txt", TEXT)
    drop(feed, "copying.txt.part", TEXT)
    drop(feed, ".hidden.txt", TEXT)
    ingest(feed, settle=60)
    assert not Article.objects.exists()
    old = time.time() - 120
    for name in ("fresh.txt", "copying.txt.part", ".hidden.txt"):
        os.utime(feed / name, (old, old))
    ingest(feed, settle=60)
    assert Article.objects.count() == 1
    assert sorted(p.name for p in feed.iterdir() if p.is_file()) == [
        ".hidden.txt",
        "copying.txt.part",
    ]


def test_a_picture_beside_the_story_goes_with_it(db, feed):
    drop(feed, "storm.txt", TEXT)
    drop(feed, "storm.jpg", jpeg_bytes(size=(120, 80)))
    ingest(feed)
    assert Article.objects.get().lead_photo.width == 120
    assert sorted(p.name for p in (feed / "done").iterdir()) == ["storm.jpg", "storm.txt"]


def test_the_same_file_dropped_again_is_not_imported_twice(db, feed):
    drop(feed, "storm.txt", TEXT)
    ingest(feed)
    drop(feed, "storm.txt", TEXT)
    out = ingest(feed)
    assert "1 files: 1 unchanged" in out
    assert Article.objects.count() == 1
    assert sorted(p.name for p in (feed / "done").iterdir()) == ["storm.2.txt", "storm.txt"]


def test_a_restart_mid_run_imports_nothing_twice(db, feed, monkeypatch):
    for number in range(6):
        drop(feed, f"{number}.txt", TEXT.replace("Storm", f"Storm {number}"))
    real_done, calls = inbox_module.Inbox.done, []

    def crash_on_third(self, path):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt  # killed after the import committed, before the move
        return real_done(self, path)

    monkeypatch.setattr(inbox_module.Inbox, "done", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        ingest(feed)
    monkeypatch.setattr(inbox_module.Inbox, "done", real_done)
    out = ingest(feed)
    assert "4 files: 3 created, 1 unchanged" in out
    assert Article.objects.count() == 6
    assert len(list((feed / "done").iterdir())) == 6


def test_two_feeds_sending_the_same_name_make_two_stories(db, tmp_path):
    for name in ("reuters", "vygr"):
        (tmp_path / name).mkdir()
        drop(tmp_path / name, "story.txt", TEXT)
    ingest(tmp_path / "reuters", tmp_path / "vygr")
    assert sorted(Article.objects.values_list("wire_feed", flat=True)) == ["reuters", "vygr"]


def test_each_decision_is_logged(db, feed, caplog):
    drop(feed, "good.txt", TEXT)
    drop(feed, "bad.json", "[]")
    with caplog.at_level(logging.INFO, logger="articles.ingest"):
        ingest(feed)
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("created ") and "good.txt" in line for line in lines)
    assert any(line.startswith("refused ") and "bad.json" in line for line in lines)


def test_a_folder_that_is_not_there_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        ingest(tmp_path / "missing")


def test_the_systemd_unit_runs_the_watching_ingest():
    unit = (Path(__file__).resolve().parent.parent / "deploy/newsroom-ingest.service").read_text()
    assert "manage.py ingest --watch" in unit
    assert "Restart=" in unit


def saving_raises(monkeypatch, error):
    from articles.wire import files

    def save(*args, **kwargs):
        raise error

    monkeypatch.setattr(files, "save_wire_story", save)


def test_a_database_away_leaves_the_file_for_the_next_look(db, feed, monkeypatch):
    from django.db import OperationalError

    saving_raises(monkeypatch, OperationalError("could not connect to server"))
    drop(feed, "storm.txt", TEXT)
    out = ingest(feed)
    assert "1 retrying" in out
    assert (feed / "storm.txt").exists()
    assert not (feed / "refused").exists()


def test_a_value_the_database_cannot_hold_refuses_the_file_instead_of_retrying_it(
    db, feed, monkeypatch
):
    from django.db import DataError

    saving_raises(monkeypatch, DataError("value too long for type character varying(100)"))
    drop(feed, "storm.txt", TEXT)
    out = ingest(feed)
    assert "1 refused" in out
    assert not (feed / "storm.txt").exists()
    reason = (feed / "refused" / "storm.txt.reason.txt").read_text()
    assert "the database refused it (value too long" in reason


@pytest.mark.parametrize(
    ("name", "source", "old", "new"),
    [
        (
            "a.json",
            "ninjs/storm-3.1.json",
            b'"located": "SEOUL"',
            b'"located": "SEOUL' + b"X" * 120 + b'"',
        ),
        (
            "a.xml",
            "nitf/storm.xml",
            b"<city>SEOUL</city>",
            b"<city>SEOUL" + b"X" * 120 + b"</city>",
        ),
    ],
    ids=["ninjs", "nitf"],
)
def test_a_rich_format_value_over_its_limit_is_refused_and_the_rest_go_on(
    db, feed, name, source, old, new
):
    # PostgreSQL said "value too long" mid-save; SQLite stored it: both refuse it first now.
    drop(feed, name, (DATA / source).read_bytes().replace(old, new))
    drop(feed, "b.txt", TEXT)
    out = ingest(feed)
    assert "2 files: 1 created, 1 refused" in out
    reason = (feed / "refused" / f"{name}.reason.txt").read_text()
    assert "the article dateline is 125 characters long; the limit is 100" in reason
    assert Article.objects.get().headline == "Storm closes ports"
