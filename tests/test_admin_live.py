"""The live desk in the admin: a short form above the story's entries, each step checked."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, LiveChange, LiveEntry, Status


@pytest.fixture
def live_story(make_article):
    return make_article(coverage_starts_at=timezone.now() - timedelta(minutes=5))


def desk(story):
    return f"/admin/articles/liveentry/desk/{story.pk}/"


def test_the_story_form_leads_to_its_live_desk(login, editor, live_story):
    html = login(editor).get(f"/admin/articles/article/{live_story.pk}/change/").content.decode()
    assert f'href="{desk(live_story)}"' in html
    assert 'name="coverage_starts_at_0"' in html


def test_an_editor_posts_from_the_desk_and_readers_see_it(login, editor, live_story, client):
    version = live_story.version
    response = login(editor).post(desk(live_story), {"text": "<p>Counting has begun.</p>"})
    assert response.status_code == 302
    html = client.get(desk(live_story)).content.decode()
    assert "Counting has begun." in html and "Entry posted" in html
    client.logout()
    assert "Counting has begun." in client.get(live_story.get_absolute_url()).content.decode()
    live_story.refresh_from_db()
    assert live_story.version == version  # the story's form open elsewhere is not stale


def test_a_writers_entry_waits_and_an_editor_approves_it_on_the_desk(
    login, writer, editor, live_story, client
):
    html = login(writer).get(desk(live_story)).content.decode()
    assert "Send for approval" in html and 'name="pinned"' not in html
    client.post(desk(live_story), {"text": "<p>Rumour.</p>", "pinned": "on"})
    entry = LiveEntry.objects.get()
    assert entry.is_held and not entry.pinned
    assert 'value="approve"' not in client.get(desk(live_story)).content.decode()
    # A writer cannot approve by posting the step by hand.
    client.post(desk(live_story), {"step": "approve", "entry": entry.pk})
    entry.refresh_from_db()
    assert entry.is_held
    login(editor)
    assert "1 held for approval" in client.get(desk(live_story)).content.decode()
    client.post(desk(live_story), {"step": "approve", "entry": entry.pk})
    entry.refresh_from_db()
    assert not entry.is_held and entry.approved_by == editor


def test_an_empty_entry_is_refused_with_the_form_kept(login, editor, live_story):
    response = login(editor).post(desk(live_story), {"text": "<p> </p>", "pinned": "on"})
    assert response.status_code == 200
    assert "Write the entry: it is empty." in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_a_story_without_coverage_offers_no_form(login, editor, make_article):
    story = make_article()
    html = login(editor).get(desk(story)).content.decode()
    assert "No live coverage" in html and 'value="post"' not in html
    response = login(editor).post(desk(story), {"text": "<p>Hi.</p>"})
    assert "has no live coverage" in response.content.decode()


def test_editors_pin_correct_and_end_from_the_desk(login, editor, live_story, client):
    login(editor).post(desk(live_story), {"text": "<p>Two hurt.</p>"})
    entry = LiveEntry.objects.get()
    client.post(desk(live_story), {"step": "pin", "entry": entry.pk})
    entry.refresh_from_db()
    assert entry.pinned
    change = f"/admin/articles/liveentry/{entry.pk}/change/"
    refused = client.post(change, {"text": "<p>Three hurt.</p>", "note": ""})
    assert "Say what was corrected" in refused.content.decode()
    client.post(change, {"text": "<p>Three hurt.</p>", "note": "We said two."})
    record = client.get(change).content.decode()
    assert "Corrected by Erin Editor" in record and "Pinned by Erin Editor" in record
    entry.refresh_from_db()
    assert entry.corrected_at and entry.correction_note == "We said two."
    client.post(desk(live_story), {"step": "end"})
    live_story.refresh_from_db()
    assert not live_story.is_live
    assert [c.action for c in LiveChange.objects.filter(article=live_story)][:3] == [
        "end",
        "correct",
        "pin",
    ]


def test_writers_cannot_correct_or_delete(login, writer, editor, live_story, client):
    entry = LiveEntry.post(live_story, by=editor, text="<p>Fact.</p>")
    login(writer)
    change = f"/admin/articles/liveentry/{entry.pk}/change/"
    assert client.post(change, {"text": "<p>Fiction.</p>", "note": "x"}).status_code == 403
    entry.refresh_from_db()
    assert entry.text == "<p>Fact.</p>" and entry.corrected_at is None
    client.post(desk(live_story), {"step": "delete", "entry": entry.pk})
    assert LiveEntry.objects.filter(pk=entry.pk).exists()
    client.post(desk(live_story), {"step": "end"})
    assert Article.objects.get(pk=live_story.pk).is_live


def test_people_without_a_role_cannot_open_the_desk(login, make_user, live_story):
    assert login(make_user()).get(desk(live_story)).status_code == 403


def test_the_desk_lists_held_entries_first_for_nobody_but_the_desk(
    login, editor, writer, live_story, client
):
    LiveEntry.post(live_story, by=writer, text="<p>Waiting.</p>")
    html = login(editor).get(desk(live_story)).content.decode()
    assert re.search(r"Held for approval", html)
    client.logout()
    assert "Waiting." not in client.get(live_story.get_absolute_url()).content.decode()


@pytest.mark.parametrize("entry", ["", "abc", "1; DROP TABLE"])
def test_a_step_without_a_real_entry_says_so(login, editor, live_story, client, entry):
    response = login(editor).post(desk(live_story), {"step": "pin", "entry": entry}, follow=True)
    assert response.status_code == 200
    assert "Nothing done: no entry was chosen." in response.content.decode()


def test_a_step_on_another_storys_entry_is_not_found(login, editor, live_story, make_article):
    other = make_article(coverage_starts_at=live_story.coverage_starts_at)
    entry = LiveEntry.post(other, by=editor, text="<p>Elsewhere.</p>")
    response = login(editor).post(desk(live_story), {"step": "delete", "entry": entry.pk})
    assert response.status_code == 404
    assert LiveEntry.objects.filter(pk=entry.pk).exists()


def test_a_writer_cannot_open_the_desk_of_someone_elses_unpublished_story(
    login, writer, make_user, make_article
):
    draft = make_article(
        headline="Secret merger",
        status=Status.DRAFT,
        created_by=make_user("Writer"),
        coverage_starts_at=timezone.now(),
    )
    response = login(writer).get(desk(draft))
    assert response.status_code == 404 and "Secret merger" not in response.content.decode()


def test_every_time_the_desk_shows_carries_its_zone(login, editor, make_article, settings):
    settings.TIME_ZONE = "Europe/London"
    seven_december = datetime(2026, 12, 7, 15, 50, tzinfo=UTC)
    with time_machine.travel(seven_december, tick=False):
        live = make_article(
            coverage_starts_at=seven_december - timedelta(minutes=5),
            coverage_ends_at=seven_december + timedelta(hours=2),
        )
        later = make_article(coverage_starts_at=seven_december + timedelta(days=1))
        client = login(editor)
        client.post(desk(live), {"text": "<p>Two hurt.</p>"})
        entry = LiveEntry.objects.get()
        client.post(
            f"/admin/articles/liveentry/{entry.pk}/change/",
            {"text": "<p>Three hurt.</p>", "note": "We said two."},
        )
        page = client.get(desk(live)).content.decode()
        assert "Live now</strong> until 7 Dec 2026, 17:50 GMT" in page
        assert "<strong>15:50 GMT</strong>" in page and "Corrected 15:50 GMT" in page
        assert (
            "<strong>Starts</strong> 8 Dec 2026, 15:50 GMT"
            in client.get(desk(later)).content.decode()
        )
        assert not UNZONED_TIME.findall(page)


# A clock time not followed by its zone, as "15:50 GMT" or "15:50 (Europe/London)" are.
UNZONED_TIME = re.compile(r">[^<]*\b\d{1,2}:\d\d\b(?! ?(GMT|BST|UTC|\())[^<]*<")
