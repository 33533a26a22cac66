import io
import json
import sys

import redis
from django.core.files.storage import default_storage

from articles import caching
from articles.models import Article, Photo, Status
from bench import at_work, services
from bench.at_work import (
    CONTROL,
    LIVE_EDITS,
    SAVED,
    WIRE_DRAFTS,
    Phase,
    every_second,
    format_table,
    hit_ratio,
    median_phase,
    parse_summary,
    reader_paths,
)
from bench.report import Measurement


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_readers_rotate_over_the_stories_with_the_front_page_one_request_in_ten():
    stories = [f"/story/{n}/" for n in range(27)]
    paths = reader_paths(stories)
    assert len(paths) == 30 and paths[0] == paths[10] == paths[20] == "/"
    assert paths.count("/") == 3 and [p for p in paths if p != "/"] == stories


def test_one_change_a_second_and_no_more_than_asked():
    clock = FakeClock()
    done = []

    def change(number):
        done.append((number, clock.now))
        clock.now += 0.25

    took = every_second(change, count=3, clock=clock, sleep=clock.sleep)
    assert done == [(0, 100.0), (1, 101.0), (2, 102.0)]
    assert took == [0.25, 0.25, 0.25] and clock.slept == [0.75, 0.75]


def test_a_late_change_is_followed_at_once_never_by_a_burst():
    clock = FakeClock()
    starts = []

    def change(number):
        starts.append(clock.now)
        clock.now += 2.5 if number == 0 else 0.1

    every_second(change, count=3, clock=clock, sleep=clock.sleep)
    assert starts == [100.0, 102.5, 103.5]


def test_nothing_starts_after_the_measurement_and_one_interval_more():
    clock = FakeClock()
    took = every_second(
        lambda number: setattr(clock, "now", clock.now + 3), count=5, clock=clock, sleep=clock.sleep
    )
    # Started at 100, 103 and 106; the fourth would start at 109, past 100 + (5 + 1) s.
    assert len(took) == 3


def test_the_newsroom_process_summary_is_read_from_its_marked_line():
    stdout = "READY\nsome warning\nAT-WORK-JSON " + json.dumps({"took": [0.5, 0.25]}) + "\n"
    assert parse_summary(stdout) == [0.5, 0.25]
    assert parse_summary("READY\nTraceback ...\n") is None


def test_hit_ratio_counts_each_page_built_as_a_miss():
    assert hit_ratio(1000, 0) == 1.0
    assert hit_ratio(1000, 250) == 0.75
    # Two workers building the same page at once store it twice.
    assert hit_ratio(10, 12) == 0.0
    assert hit_ratio(0, 0) is None


def phase(scenario, kind, rps, *, hits=0.99, took=(0.5,)):
    readers = Measurement(scenario, kind, rps, 1.0, 9.0, kb=40, requests=int(rps * 10))
    return Phase(scenario, kind, readers, hits=hits, took=list(took))


def test_table_shows_each_saved_phase_against_its_control_and_its_target():
    table = format_table(
        [
            phase(WIRE_DRAFTS, SAVED, 300, hits=0.05, took=[0.6, 0.7, 0.8]),
            phase(WIRE_DRAFTS, CONTROL, 4000, hits=0.999),
            phase(LIVE_EDITS, SAVED, 3500, hits=0.9),
            phase(LIVE_EDITS, CONTROL, 3600),
        ]
    )
    lines = table.splitlines()
    assert lines[0].startswith("| scenario ") and "% of control" in lines[0]
    assert lines[1].startswith("|---") and lines[1].count(":|") == 7
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert cells[0] == [
        WIRE_DRAFTS,
        SAVED,
        "300",
        "1.0",
        "9.0",
        "5.0 %",
        "3",
        "0.70",
        "7.5 %",
        "≥ 95 %: not met",
    ]
    assert cells[1][:2] == [WIRE_DRAFTS, CONTROL] and cells[1][5] == "99.9 %"
    assert cells[1][8:] == ["100 %", ""]
    assert cells[2][8:] == ["97 %", "≥ 80 %: met"]


def test_a_failed_reader_measurement_has_no_share():
    failed = Phase(WIRE_DRAFTS, SAVED, Measurement(WIRE_DRAFTS, SAVED, note="no response in time"))
    table = format_table([failed, phase(WIRE_DRAFTS, CONTROL, 4000)])
    assert "| ≥ 95 %: — |" in table


def test_rounds_are_summed_up_by_their_medians():
    rounds = [
        phase(LIVE_EDITS, SAVED, rps, hits=hits, took=[took])
        for rps, hits, took in [(1400, 0.5, 0.1), (1300, 0.4, 0.2), (1500, 0.6, 0.3)]
    ]
    summary = median_phase(rounds)
    assert summary.readers.rps == 1400 and summary.hits == 0.5
    assert summary.took == [0.1, 0.2, 0.3] and summary.changes == 3


def test_a_wire_draft_is_saved_with_its_photo_as_the_importer_saves_it(db):
    assert at_work.wire_draft(0, run="t1") == "created"
    draft = Article.objects.get(wire_feed="bench-at-work", wire_key="t1-0000.txt")
    assert draft.status == Status.DRAFT
    assert draft.headline == "Summit at the cosmodrome, wire take 0 of run t1"
    assert draft.lead_photo.credit == "Reuters" and draft.lead_photo.width == 800
    assert default_storage.exists(draft.lead_photo.image.name)
    assert draft.lead_photo.renditions.exists()
    assert at_work.wire_draft(1, run="t1") == "created"  # a new identity every second


def any_change():
    """The token every change told to the cache replaces."""
    return caching.tokens([caching.ANY_CHANGE])


def test_the_drafts_control_does_the_same_work_and_keeps_nothing(db):
    version = any_change()
    at_work.newsroom_change("drafts", control=True)(0)
    assert not Article.objects.exists() and not Photo.objects.exists()
    # The picture and its renditions were written, then deleted with the rollback.
    assert not list(default_storage.listdir("")[1]) and any_change() == version


def test_a_live_edit_saves_a_new_standfirst_on_one_of_the_newest_stories(make_article):
    stories = [make_article(standfirst=f"Standfirst {n}") for n in range(7)]
    live = at_work.live_stories()
    # The fixture makes each story a minute older than the one before.
    assert live == [story.pk for story in stories[:5]]
    edit = at_work.newsroom_change("edits", control=False)
    edit(0)
    edit(1)
    edited = Article.objects.filter(standfirst__contains="(edit ")
    assert set(edited.values_list("pk", flat=True)) == set(live[:2])
    assert all(story.version == 2 for story in edited)


def test_the_live_edits_control_changes_neither_story_nor_cache(make_article):
    make_article(standfirst="As it was")
    version = any_change()
    at_work.newsroom_change("edits", control=True)(0)
    story = Article.objects.get()
    assert (story.standfirst, story.version) == ("As it was", 1)
    assert any_change() == version


def test_the_newsroom_process_waits_for_go_then_reports_each_change(make_article, monkeypatch):
    make_article()
    monkeypatch.setattr(sys, "stdin", io.StringIO("GO\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert at_work.newsroom(["edits", "--changes", "1", "--control"]) == 0
    ready, summary = out.getvalue().splitlines()
    assert ready == "READY" and len(parse_summary(summary)) == 1


def test_the_newsroom_process_stops_without_go(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert at_work.newsroom(["drafts", "--changes", "3"]) == 1
    assert not Article.objects.exists()


def test_page_stores_are_counted_and_nothing_else(tmp_path):
    with services.redis(tmp_path) as url:
        client = redis.Redis.from_url(url)
        with at_work.PageStores(url) as stores:
            client.set(":1:newsroom:page:abc:def", b"page")
            client.set(":1:newsroom:page:abc:123", b"page", ex=600)
            client.set(":1:newsroom:content-version:tuple", b"v")
            client.get(":1:newsroom:page:abc:def")
            assert stores.settled() == 2
        assert client.config_get("notify-keyspace-events")["notify-keyspace-events"] == ""
        client.close()
