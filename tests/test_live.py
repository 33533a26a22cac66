"""Live coverage: entries, who may do what to them, and what readers see of them."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article, LiveChange, LiveEntry, Status
from articles.models.live import LiveError


@pytest.fixture
def make_live_story(make_article):
    """A published story whose live coverage started a minute ago."""

    def make(**overrides):
        fields = {"coverage_starts_at": timezone.now() - timedelta(minutes=1)} | overrides
        return make_article(**fields)

    return make


@pytest.fixture
def post(editor):
    """Post an entry as `by` (an editor unless told): `post(story, "<p>Text</p>")`."""

    def make(story, text="<p>An update.</p>", *, by=None, **fields):
        return LiveEntry.post(story, by=by or editor, text=text, **fields)

    return make


def entry_ids(html):
    return re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)


def page(client, story, **params):
    response = client.get(story.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def updates(client, story, after="", **headers):
    return client.get(f"/live/{story.slug}/updates/", {"after": after} if after else {}, **headers)


# The desk: who may do what, and the record of it


def test_an_editors_entry_goes_out_at_once_and_is_recorded(make_live_story, post, editor, client):
    story = make_live_story()
    entry = post(story, "<p>Polls have closed.</p>")
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert "Polls have closed." in page(client, story)
    change = LiveChange.objects.get(entry=entry)
    assert (change.action, change.by) == ("post", editor)


def test_a_writers_entry_is_held_until_an_editor_approves_it(
    make_live_story, post, writer, editor, client
):
    story = make_live_story()
    entry = post(story, "<p>Unconfirmed: the minister resigned.</p>", by=writer)
    assert entry.is_held
    assert "the minister resigned" not in page(client, story)
    assert updates(client, story).json()["entries"] == []
    entry.approve(by=editor)
    assert "the minister resigned" in page(client, story)
    assert [change.action for change in LiveChange.objects.filter(entry=entry)] == [
        "approve",
        "hold",
    ]


@pytest.mark.parametrize("step", ["approve", "pin", "mark_summary", "correct", "delete"])
def test_writers_may_not_approve_pin_summarise_correct_or_delete(
    make_live_story, post, writer, step
):
    entry = post(make_live_story(), by=writer)
    with pytest.raises(PermissionDenied):
        if step == "correct":
            entry.correct(by=writer, text="<p>Changed.</p>", note="Typo.")
        elif step == "delete":
            entry.delete(by=writer)
        else:
            getattr(entry, step)(by=writer)
    assert LiveEntry.objects.filter(pk=entry.pk, status="held").exists()


def test_writers_may_not_pin_or_summarise_their_own_posts(make_live_story, post, writer):
    with pytest.raises(PermissionDenied):
        post(make_live_story(), by=writer, pinned=True)
    assert not LiveEntry.objects.exists()


def test_people_without_a_live_role_may_not_post(make_live_story, post, make_user):
    with pytest.raises(PermissionDenied):
        post(make_live_story(), by=make_user())


def test_an_empty_entry_is_refused_and_nothing_is_saved(make_live_story, post):
    with pytest.raises(ValidationError):
        post(make_live_story(), "<p>   </p><script>alert(1)</script>")
    assert not LiveEntry.objects.exists() and not LiveChange.objects.exists()


def test_entries_are_sanitised_like_bodies(make_live_story, post, client):
    story = make_live_story()
    post(story, '<p onclick="x()">Hi <script>alert(1)</script><img src=x onerror=y()></p>')
    html = page(client, story)
    assert "Hi " in html and "alert(1)" not in html and "onerror" not in html
    assert "onclick" not in html


def test_a_story_without_coverage_or_with_ended_coverage_takes_no_entries(
    make_article, make_live_story, post
):
    with pytest.raises(LiveError):
        post(make_article())
    with pytest.raises(LiveError):
        post(make_live_story(coverage_ends_at=timezone.now() - timedelta(seconds=1)))


def test_posting_leaves_the_storys_workflow_as_it_was(make_live_story, post, editor):
    story = make_live_story()
    before = Article.objects.values("status", "version", "updated_at", "revised_at").get(
        pk=story.pk
    )
    entry = post(story)
    entry.correct(by=editor, text="<p>Corrected.</p>", note="The time was wrong.")
    entry.pin(by=editor)
    after = Article.objects.values("status", "version", "updated_at", "revised_at").get(pk=story.pk)
    assert after == before
    assert not story.audit_entries.exists()


def test_a_correction_says_so_to_readers_and_is_recorded(make_live_story, post, editor, client):
    story = make_live_story()
    entry = post(story, "<p>Three people were hurt.</p>")
    with pytest.raises(ValidationError):
        entry.correct(by=editor, text="<p>Two people were hurt.</p>")  # no note
    entry.correct(by=editor, text="<p>Two people were hurt.</p>", note="We said three.")
    html = page(client, story)
    assert "Two people were hurt." in html and "Three people" not in html
    assert re.search(r"<strong>Corrected</strong> <time[^>]*>[^<]+</time>: We said three.", html)
    change = LiveChange.objects.filter(entry=entry).first()
    assert change.action == "correct" and "text" in change.fields


def test_a_story_has_one_summary(make_live_story, post, editor):
    story = make_live_story()
    first = post(story, "<p>So far.</p>", is_summary=True)
    second = post(story, "<p>So far, later.</p>", is_summary=True)
    first.refresh_from_db()
    assert not first.is_summary and second.is_summary


def test_a_deleted_entry_leaves_its_record(make_live_story, post, editor, client):
    story = make_live_story()
    entry = post(story, "<p>Wrong story.</p>")
    pk = entry.pk
    entry.delete(by=editor)
    assert "Wrong story." not in page(client, story)
    assert LiveChange.objects.filter(entry_id=pk, action="delete", by=editor).exists()


# What readers see


def test_summary_first_then_pinned_then_newest_first(make_live_story, post, editor, client):
    story = make_live_story()
    old = post(story, "<p>Old.</p>")
    pinned = post(story, "<p>Key moment.</p>")
    newer = post(story, "<p>Newer.</p>")
    summary = post(story, "<p>The story so far.</p>", is_summary=True)
    newest = post(story, "<p>Newest.</p>")
    pinned.pin(by=editor)
    html = page(client, story)
    assert entry_ids(html) == [str(e.pk) for e in (summary, pinned, newest, newer, old)]
    assert "Pinned" in html and "Summary" in html


def test_entries_are_paged_by_cursor(make_live_story, post, client, settings):
    story = make_live_story()
    entries = [post(story, f"<p>Update {n}.</p>") for n in range(55)]
    first = page(client, story)
    assert entry_ids(first) == [str(e.pk) for e in entries[::-1][:50]]
    older = re.search(r'<a rel="next" href="\?before=([^"#]+)#live-heading">Older updates', first)
    second = page(client, story, before=older[1])
    assert entry_ids(second) == [str(e.pk) for e in entries[::-1][50:]]
    assert "data-updates" not in second  # an older page does not poll
    assert client.get(story.get_absolute_url(), {"before": "nonsense"}).status_code == 404


def test_the_live_label_shows_on_cards_while_the_coverage_runs(make_live_story, client):
    story = make_live_story(headline="Election night")
    ended = make_live_story(
        headline="Storm passes", coverage_ends_at=timezone.now() - timedelta(minutes=1)
    )
    home = client.get("/latest/").content.decode()
    assert re.search(
        r'story-label-live">Live<span class="visually-hidden">:</span></span> Election', home
    )
    assert "story-label-live" not in home.split("Storm passes")[0].rsplit("<article", 1)[1]
    assert story.shown_label == "live" and ended.shown_label == ""


def test_a_live_page_polls_and_an_ended_one_does_not(make_live_story, post, client, editor):
    story = make_live_story()
    post(story)
    html = page(client, story)
    assert f'data-updates="/live/{story.slug}/updates/"' in html
    assert "articles/live" in html and "<script>" not in html  # no inline script (CSP)
    assert 'aria-live="polite"' in html
    story.end_coverage(by=editor)
    html = page(client, story)
    assert "data-updates" not in html and "articles/live" not in html
    assert "This coverage has ended." in html
    assert len(entry_ids(html)) == 1  # every entry kept


def test_coverage_ends_by_itself_at_its_time(make_live_story, post, client, settings):
    story = make_live_story(coverage_ends_at=timezone.now() + timedelta(minutes=5))
    post(story)
    assert "data-updates" in page(client, story)  # kept by the page cache
    later = timezone.now() + timedelta(minutes=6)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        html = page(client, story)
        assert "data-updates" not in html and "This coverage has ended." in html
        assert "story-label-live" not in client.get("/latest/").content.decode()
        assert updates(client, story).json()["live"] is False


def test_only_editors_end_coverage_and_the_story_keeps_its_state(make_live_story, writer, editor):
    story = make_live_story()
    with pytest.raises(PermissionDenied):
        story.end_coverage(by=writer)
    story.end_coverage(by=editor)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and not story.is_live
    assert LiveChange.objects.filter(article=story, action="end", by=editor).exists()
    with pytest.raises(LiveError):
        story.end_coverage(by=editor)


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Status.DRAFT},
        {"publish_at": timezone.now() + timedelta(hours=1)},
        {"embargo_until": timezone.now() + timedelta(hours=1)},
    ],
)
def test_entries_of_a_story_readers_cannot_see_are_never_served(
    make_live_story, post, client, hidden
):
    story = make_live_story(**hidden)
    post(story, "<p>Secret update.</p>")
    assert client.get(story.get_absolute_url()).status_code == 404
    assert updates(client, story).status_code == 404
    assert client.get(f"/live/{story.slug}/feed/").status_code == 404


def test_a_withdrawn_live_storys_updates_are_gone(make_live_story, post, client, editor):
    story = make_live_story(first_published_at=timezone.now() - timedelta(hours=1))
    post(story)
    assert updates(client, story).status_code == 200
    story.withdraw(by=editor, reason="Legal advice.")
    assert updates(client, story).status_code == 410


# Updates for open pages


def test_a_readers_poll_sees_a_new_entry_through_the_page_cache(
    make_live_story, post, client, editor
):
    story = make_live_story()
    post(story, "<p>First.</p>")
    cursor = re.search(r'data-after="([^"]*)"', page(client, story))[1]
    quiet = updates(client, story, cursor)
    assert quiet.json()["entries"] == []
    assert "public" in quiet["Cache-Control"] and quiet["ETag"]
    again = updates(client, story, cursor, HTTP_IF_NONE_MATCH=quiet["ETag"])
    assert again.status_code == 304
    second = post(story, "<p>Second.</p>")
    fresh = updates(client, story, cursor, HTTP_IF_NONE_MATCH=quiet["ETag"])
    assert fresh.status_code == 200
    data = fresh.json()
    assert [e["id"] for e in data["entries"]] == [f"entry-{second.pk}"]
    assert data["entries"][0]["new"] and "Second." in data["entries"][0]["html"]
    assert data["after"] != cursor and data["live"] is True
    # A correction comes as a change, not a new entry.
    second.correct(by=editor, text="<p>Second, corrected.</p>", note="Spelling.")
    data = updates(client, story, data["after"]).json()
    assert data["entries"][0]["new"] is False and "Corrected" in data["entries"][0]["html"]


def test_a_held_entry_changes_no_kept_page(
    make_live_story, post, client, writer, warm_site, django_assert_num_queries
):
    story = make_live_story()
    post(story)
    warm_site()
    page(client, story)
    post(story, by=writer)
    with django_assert_num_queries(0):
        page(client, story)


def test_a_bad_cursor_is_refused_clearly(make_live_story, client):
    response = updates(client, make_live_story(), "yesterday")
    assert response.status_code == 400 and "Not a position" in response.json()["error"]


# Structured data and feed


def test_a_live_story_is_a_live_blog_posting(make_live_story, post, client, make_photo):
    story = make_live_story(coverage_ends_at=timezone.now() + timedelta(hours=1))
    photo = make_photo(credit="AP")
    post(story, "<p>Crowds gather.</p>", photo=photo)
    html = page(client, story)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    data = [json.loads(s) for s in scripts if "LiveBlogPosting" in s]
    assert len(data) == 1 and len(scripts) == 1
    data = data[0]
    assert data["coverageStartTime"] and data["coverageEndTime"]
    (update,) = data["liveBlogUpdate"]
    assert update["@type"] == "BlogPosting" and update["articleBody"] == "Crowds gather."
    assert update["image"]["creditText"] == "AP"
    assert "Photo: AP" in html  # the credit line under the entry's photo


def test_each_live_story_has_a_feed(make_live_story, post, client, writer):
    story = make_live_story(headline="Budget day")
    post(story, "<p>The chancellor stands up.</p>")
    post(story, "<p>Held back.</p>", by=writer)
    response = client.get(f"/live/{story.slug}/feed/")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    feed = feedparser.parse(response.content)
    assert feed.feed.title.startswith("Budget day: live")
    assert [entry.title for entry in feed.entries] == ["The chancellor stands up."]
    assert feed.entries[0].link.endswith(f"{story.get_absolute_url()}#entry-1") or "#entry-" in (
        feed.entries[0].link
    )
    assert 'href="/live/' in page(client, story)


# Query counts


@pytest.mark.parametrize("count", [10, 500])
def test_a_live_page_costs_the_same_queries_however_many_entries(
    count,
    make_live_story,
    post,
    client,
    editor,
    make_author,
    make_photo,
    warm_site,
    django_assert_num_queries,
):
    story = make_live_story()
    authors = [make_author() for _ in range(3)]
    photos = [make_photo() for _ in range(3)]
    entries = [
        LiveEntry(
            article=story,
            text=f"<p>Update {n}.</p>",
            author=authors[n % 3],
            photo=photos[n % 3] if n % 10 == 0 else None,
            status=LiveEntry.Status.PUBLISHED,
            posted_at=timezone.now() - timedelta(seconds=n),
        )
        for n in range(count)
    ]
    LiveEntry.objects.bulk_create(entries)
    post(story, "<p>Pinned.</p>", pinned=True)
    post(story, "<p>Summary.</p>", is_summary=True)
    warm_site()
    page(client, story)  # the story's own parts kept
    client.get("/live/x/updates/")
    # The page rebuilt after a new entry: story, related, entries top and stream, bylines and
    # corrections for the structured data.
    post(story, "<p>New.</p>")
    with django_assert_num_queries(8):
        html = page(client, story)
    assert len(entry_ids(html)) == min(count + 1, 50) + 2  # a page, the pinned, the summary
    with django_assert_num_queries(0):
        page(client, story)  # kept
    with django_assert_num_queries(2):
        updates(client, story, "2026-01-01T00:00:00.000000Z_1")
