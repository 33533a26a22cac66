import smtplib

import pytest
from django.core import mail

from articles import notifications
from articles.models import Byline, Status, WorkflowError


@pytest.fixture
def story(make_article, make_author, writer):
    story = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    Byline.objects.create(article=story, author=make_author(user=writer), position=5)
    return story


def test_editors_hear_when_a_story_is_submitted(
    story, writer, editor, managing_editor, make_user, django_capture_on_commit_callbacks
):
    make_user("Writer")  # other writers are not told
    with django_capture_on_commit_callbacks(execute=True):
        story.submit(by=writer)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([editor.email, managing_editor.email])
    assert story.headline in message.subject
    assert f"/admin/articles/article/{story.pk}/change/" in message.body


def test_the_link_is_to_the_address_the_site_is_served_at(
    story, writer, editor, settings, django_capture_on_commit_callbacks
):
    # `make run HOST=127.0.0.1:8101` sets it: the mail's link reaches that server.
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8101"
    with django_capture_on_commit_callbacks(execute=True):
        story.submit(by=writer)
    link = f"http://127.0.0.1:8101/admin/articles/article/{story.pk}/change/"
    assert link in mail.outbox[0].body


def test_the_writer_hears_when_it_is_sent_back_with_the_note(
    story, writer, editor, django_capture_on_commit_callbacks
):
    story.submit(by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        story.send_back(by=editor, note="Please add a second source.")
    assert [m.to for m in mail.outbox] == [[writer.email]]
    assert "Please add a second source." in mail.outbox[0].body


def test_the_writer_hears_when_it_is_published(
    story, writer, editor, django_capture_on_commit_callbacks
):
    story.submit(by=writer)
    story.approve(by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        story.publish(by=editor)
    assert [m.to for m in mail.outbox] == [[writer.email]]
    assert "has been published" in mail.outbox[0].body


def test_nobody_is_told_of_their_own_step(make_article, editor, django_capture_on_commit_callbacks):
    story = make_article(status=Status.DRAFT, publish_at=None, created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        story.submit(by=editor)
    assert mail.outbox == []


def test_no_mail_when_the_transition_is_refused(story, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        story.approve(by=editor)
    assert mail.outbox == []


def test_a_mail_server_that_drops_a_connection_gets_another_try(
    story, writer, editor, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    real_send_mail = notifications.send_mail
    attempts = []

    def flaky(*args, **kwargs):
        attempts.append(args)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr("articles.notifications.send_mail", flaky)
    monkeypatch.setattr("articles.notifications.RETRY_DELAYS", (0, 0))
    with django_capture_on_commit_callbacks(execute=True):
        story.submit(by=writer)
    assert len(attempts) == 2
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert [r.levelname for r in caplog.records if r.name == "articles.notifications"] == [
        "WARNING"
    ]


def test_a_mail_that_cannot_be_written_is_logged(
    story, writer, editor, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("no database")

    monkeypatch.setattr("articles.notifications.editors", broken)
    with django_capture_on_commit_callbacks(execute=True):
        story.submit(by=writer)
    assert mail.outbox == []
    [record] = [r for r in caplog.records if r.name == "articles.notifications"]
    assert record.levelname == "ERROR" and "submit mail" in record.getMessage()
