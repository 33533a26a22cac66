"""Working copies of the story form (articles/models/working_copies.py and
articles/admin/working_copies.py): kept through the admin's endpoints, offered back."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Status, WorkingCopy
from articles.models.working_copies import MAX_BYTES, working_values
from tests.test_locking import form_data


@pytest.fixture
def draft(make_article, writer, make_author):
    author = make_author(user=writer)
    return make_article(
        headline="Saved headline", status=Status.DRAFT, publish_at=None, authors=[author]
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(story, tail="change/"):
    return f"/admin/articles/article/{story.pk}/{tail}"


def offer(html):
    """The banner offering a copy back, as the editor sees it; None when it is not shown."""
    found = re.search(r'<div class="working-copy-offer"[^>]*>(.*?)</div>', html, re.S)
    if found is None or " hidden" in found.group(0).split(">")[0]:
        return None
    shown = re.sub(r"<span[^>]* hidden>.*?</span>", "", found.group(1))
    return " ".join(re.sub(r"<[^>]+>", " ", shown).split())


def keep(client, story, values, *, version=None):
    url = change_url(story, "working-copy/keep/") if story else "/admin/articles/article/"
    if story is None:
        url += "working-copy/keep/"
    data = {"values": json.dumps(values)}
    if story is not None:
        data["loaded_version"] = story.version if version is None else version
    return client.post(url, data)


def test_a_keep_stores_the_form_values_and_leaves_the_story_alone(draft, editor):
    before = Article.objects.filter(pk=draft.pk).values().get()
    response = keep(
        client_for(editor),
        draft,
        {
            "headline": "Typed headline",
            "body": '<p>Typed <strong>body</strong><script>alert("x")</script></p>',
            "section": str(draft.section_id),
            "tags": "ports, strikes",
            "bylines": [{"author": "", "position": "0", "delete": False}],
            "not_a_field": "dropped",
        },
    )
    assert response.status_code == 200
    copy = WorkingCopy.objects.get(user=editor, article=draft)
    assert copy.values == {
        "headline": "Typed headline",
        "body": "<p>Typed <strong>body</strong></p>",  # sanitised as a saved body is
        "section": draft.section_id,
        "tags": "ports, strikes",
        "bylines": [{"author": None, "position": "0", "delete": False}],
    }
    assert copy.loaded_version == draft.version
    assert Article.objects.filter(pk=draft.pk).values().get() == before


def test_one_copy_per_user_and_story_replaced_by_each_keep(draft, editor):
    client = client_for(editor)
    keep(client, draft, {"headline": "First"})
    keep(client, draft, {"headline": "Second"})
    assert [c.values["headline"] for c in WorkingCopy.objects.all()] == ["Second"]


def test_the_add_form_keeps_one_copy_per_user(editor, writer):
    keep(client_for(editor), None, {"headline": "Editor's new story"})
    keep(client_for(editor), None, {"headline": "Editor's newer story"})
    keep(client_for(writer), None, {"headline": "Writer's new story"})
    assert sorted(
        WorkingCopy.objects.filter(article=None).values_list("values__headline", flat=True)
    ) == ["Editor's newer story", "Writer's new story"]


def test_discard_deletes_only_this_users_copy(draft, editor, managing_editor):
    keep(client_for(editor), draft, {"headline": "Mine"})
    keep(client_for(managing_editor), draft, {"headline": "Theirs"})
    response = client_for(editor).post(change_url(draft, "working-copy/discard/"))
    assert response.status_code == 200
    assert list(WorkingCopy.objects.values_list("user", flat=True)) == [managing_editor.pk]


def test_refused_to_a_writer_on_someone_elses_story(make_article, make_user):
    other = make_article(status=Status.DRAFT, publish_at=None)
    response = keep(client_for(make_user("Writer")), other, {"headline": "Not mine"})
    assert response.status_code == 404  # not even among the stories they are shown
    assert not WorkingCopy.objects.exists()


def test_refused_to_a_writer_on_their_submitted_story(draft, writer):
    draft.submit(by=writer)
    draft.refresh_from_db()
    response = keep(client_for(writer), draft, {"headline": "Too late"})
    assert response.status_code == 403
    assert not WorkingCopy.objects.exists()


def test_the_writer_keeps_a_copy_of_their_own_draft(draft, writer):
    assert keep(client_for(writer), draft, {"headline": "Mine"}).status_code == 200


def test_refused_to_anonymous_visitors(draft, client):
    # An expired session looks the same: the page's script tells the editor to sign in.
    response = keep(client, draft, {"headline": "Who?"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not WorkingCopy.objects.exists()


def test_keep_and_discard_take_posts_only(draft, editor):
    client = client_for(editor)
    assert client.get(change_url(draft, "working-copy/keep/")).status_code == 405
    assert client.get(change_url(draft, "working-copy/discard/")).status_code == 405


def test_an_oversize_copy_is_refused_with_a_reason(draft, editor):
    response = keep(client_for(editor), draft, {"body": "<p>" + "x" * MAX_BYTES + "</p>"})
    assert response.status_code == 413
    assert "at most" in response.json()["error"]
    assert not WorkingCopy.objects.exists()


def test_values_that_are_not_a_forms_are_refused(draft, editor):
    client = client_for(editor)
    assert keep(client, draft, ["not", "an", "object"]).status_code == 400
    assert keep(client, draft, {"headline": 42}).status_code == 400
    assert keep(client, draft, {"section": "Politics"}).status_code == 400
    assert not WorkingCopy.objects.exists()


def test_working_values_keep_a_too_long_headline_as_typed():
    # The copy is what was typed; the form refuses it when it is saved, not before.
    assert working_values({"headline": "x" * 400}) == {"headline": "x" * 400}


def test_the_form_offers_a_kept_copy_back(draft, editor, settings):
    settings.TIME_ZONE = "Europe/London"
    client = client_for(editor)
    keep(client, draft, {"headline": "Typed headline", "body": "<p>Typed body</p>"})
    response = client.get(change_url(draft))
    html = response.content.decode()
    taken = timezone.localtime(WorkingCopy.objects.get().taken_at)
    assert offer(html).startswith(
        f"You have unsaved changes from {taken:%H:%M} (Europe/London) — Restore them / Discard"
    )
    offered = json.loads(
        html.split('id="working-copy-values" type="application/json">')[1].split("</script>")[0]
    )
    assert offered["headline"] == "Typed headline"
    assert offered["body"] == "<p>Typed body</p>"
    assert offered["loaded_version"] == draft.version
    assert "saved this story after you opened" not in offer(html)


def test_no_offer_without_a_copy_and_none_for_another_users(draft, editor, managing_editor):
    keep(client_for(managing_editor), draft, {"headline": "Theirs"})
    html = client_for(editor).get(change_url(draft)).content.decode()
    assert 'id="working-copy"' in html  # the page keeps copies…
    assert offer(html) is None  # …and has none to offer


def test_saving_the_story_deletes_the_copy_and_the_offer(draft, editor):
    client = client_for(editor)
    assert keep(client, draft, {"headline": "Typed headline"}).status_code == 200
    page = client.get(change_url(draft))
    assert offer(page.content.decode()) is not None
    saved = client.post(change_url(draft), form_data(page, headline="Typed headline"))
    assert saved.status_code == 302
    assert not WorkingCopy.objects.exists()
    assert offer(client.get(change_url(draft)).content.decode()) is None


def test_a_late_keep_from_a_page_saved_since_is_refused(draft, editor):
    client = client_for(editor)
    page = client.get(change_url(draft))
    seen = draft.version
    client.post(change_url(draft), form_data(page, headline="Saved"))
    # The page's last keep, sent before its save, arrives after it.
    response = keep(client, draft, {"headline": "Saved"}, version=seen)
    assert response.status_code == 409
    assert not WorkingCopy.objects.exists()


def test_saving_a_new_story_deletes_the_add_forms_copy(editor, make_section):
    client = client_for(editor)
    assert keep(client, None, {"headline": "New story"}).status_code == 200
    response = client.post(
        "/admin/articles/article/add/",
        {
            "headline": "New story",
            "slug": "new-story",
            "body": "<p>Text.</p>",
            "tags": "",
            **{f"{p}-{n}": "0" for p in ("byline_set", "photos") for n in ("TOTAL_FORMS",)},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("byline_set", "photos")},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not WorkingCopy.objects.exists()


def test_the_add_form_offers_its_copy(editor):
    client = client_for(editor)
    keep(client, None, {"headline": "Half-written"})
    html = client.get("/admin/articles/article/add/").content.decode()
    assert offer(html).startswith("You have unsaved changes from")
    assert "Half-written" in html


def test_a_copy_typed_into_an_older_version_says_so(draft, editor, managing_editor):
    client = client_for(editor)
    keep(client, draft, {"headline": "Mine"})
    draft.headline = "Theirs"
    draft.updated_by = managing_editor
    draft.save()
    html = client.get(change_url(draft)).content.decode()
    assert "Mo Managing saved this story after you opened the version" in offer(html)


def test_no_offer_on_a_story_the_user_may_not_edit(draft, writer):
    assert keep(client_for(writer), draft, {"headline": "Mine"}).status_code == 200
    draft.submit(by=writer)
    html = client_for(writer).get(change_url(draft)).content.decode()
    assert 'id="working-copy"' not in html


def test_abandoned_copies_go_when_another_is_kept(draft, editor, managing_editor):
    client = client_for(editor)
    keep(client, draft, {"headline": "Long ago"})
    WorkingCopy.objects.update(taken_at=timezone.now() - timedelta(days=31))
    keep(client_for(managing_editor), draft, {"headline": "Today"})
    assert list(WorkingCopy.objects.values_list("user", flat=True)) == [managing_editor.pk]


def test_deleting_the_story_deletes_its_copies(draft, editor):
    assert keep(client_for(editor), draft, {"headline": "Typed"}).status_code == 200
    draft.delete(by=editor)
    assert not WorkingCopy.objects.exists()
