"""Notes on a story: who may leave them, who hears of them, and that they are kept as written."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from articles.models import Byline, ImmutableError, Status, StoryNote, WorkflowError

CHANGELIST = "/admin/articles/article/"


def notes_url(story):
    return f"{CHANGELIST}{story.pk}/notes/"


@pytest.fixture
def story(make_article, make_author, writer):
    story = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    Byline.objects.create(article=story, author=make_author(user=writer), position=1)
    return story


def test_the_story_s_writers_and_editors_may_leave_notes(story, writer, editor):
    story.add_note(by=writer, text="Waiting for the council's reply.")
    story.add_note(by=editor, text="Fine, hold it until noon.")
    assert [(n.author, n.text) for n in story.notes.all()] == [
        (editor, "Fine, hold it until noon."),
        (writer, "Waiting for the council's reply."),
    ]


def test_other_writers_may_not_and_a_note_needs_its_text(story, editor, make_user):
    with pytest.raises(PermissionDenied):
        story.add_note(by=make_user("Writer"), text="Not my story.")
    with pytest.raises(WorkflowError):
        story.add_note(by=editor, text="   ")
    assert not story.notes.exists()


def test_notes_are_never_changed_or_deleted(story, editor):
    note = story.add_note(by=editor, text="As written.")
    note.text = "Rewritten."
    with pytest.raises(ImmutableError):
        note.save()
    with pytest.raises(ImmutableError):
        note.delete()
    assert StoryNote.objects.get().text == "As written."


def test_the_story_screen_lists_notes_newest_first_with_a_form(login, story, writer, editor):
    story.add_note(by=writer, text="First remark")
    story.add_note(by=editor, text="Second remark")
    html = login(writer).get(f"{CHANGELIST}{story.pk}/change/").content.decode()
    assert html.index("Second remark") < html.index("First remark")
    assert "Erin Editor" in html and "Will Writer" in html
    assert f'action="{notes_url(story)}"' in html


def test_a_note_is_posted_from_the_story_screen(login, story, writer):
    response = login(writer).post(notes_url(story), {"text": "Photos are on the way."})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{story.pk}/change/#notes"
    assert story.notes.get().text == "Photos are on the way."
    assert "Your note was added." in login(writer).get(response["Location"]).content.decode()


def test_a_writer_cannot_post_a_note_on_someone_else_s_story(login, story, make_user):
    response = login(make_user("Writer")).post(notes_url(story), {"text": "Hello"})
    assert response.status_code == 404  # not theirs: as if it did not exist
    assert not story.notes.exists()


def test_notes_are_posted_not_fetched_and_need_text(login, story, editor):
    client = login(editor)
    assert client.get(notes_url(story)).status_code == 405
    response = client.post(notes_url(story), {"text": ""}, follow=True)
    assert "Write the note before adding it." in response.content.decode()
    assert not story.notes.exists()


# Mail goes out once the note is committed: these tests commit for real, as a request does.


@pytest.mark.django_db(transaction=True)
def test_the_people_concerned_hear_of_a_note_but_not_its_author(
    login, story, writer, editor, managing_editor, make_user
):
    bystander = make_user("Editor")  # never acted on the story: not told
    make_user("Writer")
    story.submit(by=writer)
    story.send_back(by=editor, note="Add the minister's reply.")
    mail.outbox.clear()
    login(managing_editor).post(notes_url(story), {"text": "The minister's office is closed."})
    [message] = mail.outbox
    assert sorted(message.to) == sorted([writer.email, editor.email])
    assert bystander.email not in message.to and managing_editor.email not in message.to
    assert message.subject == f"Note on: {story.headline}"
    assert "Mo Managing left a note" in message.body
    assert "The minister's office is closed." in message.body
    assert f"/admin/articles/article/{story.pk}/change/" in message.body
    # The managing editor took part: the writer's reply reaches both editors.
    mail.outbox.clear()
    login(writer).post(notes_url(story), {"text": "Then I'll call tomorrow."})
    assert sorted(mail.outbox[0].to) == sorted([editor.email, managing_editor.email])


@pytest.mark.django_db(transaction=True)
def test_the_send_back_note_is_mailed_once(story, writer, editor):
    story.submit(by=writer)
    mail.outbox.clear()
    story.send_back(by=editor, note="Needs a second source.")
    assert [message.subject for message in mail.outbox] == [f"Sent back: {story.headline}"]


@pytest.mark.django_db(transaction=True)
def test_a_note_whose_mail_fails_is_still_kept_and_no_error_page(
    login, story, writer, editor, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("articles.notifications.send_mail", refuse)
    monkeypatch.setattr("articles.notifications.RETRY_DELAYS", (0, 0))
    story.submit(by=writer)
    story.send_back(by=editor, note="Shorter.")
    response = login(writer).post(notes_url(story), {"text": "Done, shorter now."})
    assert response.status_code == 302
    assert story.notes.filter(text="Done, shorter now.").exists()
    assert any(record.levelname == "ERROR" for record in caplog.records)
