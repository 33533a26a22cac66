from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article, AuditEntry, Status, WorkflowError


def assign(by, writer, **overrides):
    return Article.create_assignment(
        **{
            "headline": "Harbour strike",
            "writer": writer,
            "by": by,
            "due_at": timezone.now() + timedelta(hours=4),
            "target_words": 800,
        }
        | overrides
    )


def test_an_assignment_is_a_draft_of_the_writer_s_with_a_trail(editor, writer, make_author):
    author = make_author(user=writer)
    story = assign(editor, writer)
    assert story.status == Status.DRAFT and story.state == Status.DRAFT
    assert story.created_by == writer and story.assigned_to == writer
    assert story.bylines == [author]
    assert story.slug == "harbour-strike"
    assert assign(editor, writer).slug == "harbour-strike-2"
    assert set(Article.objects.written_by(writer).in_progress()) == set(Article.objects.all())
    entry = AuditEntry.objects.filter(article=story).get()
    assert (entry.action, entry.by, entry.action_display) == ("assign", editor, "Assigned")


def test_writers_cannot_assign_and_only_writers_are_assigned(writer, editor, make_user):
    with pytest.raises(PermissionDenied):
        assign(writer, writer)
    with pytest.raises(WorkflowError):
        assign(editor, make_user())  # staff without a role: cannot write stories
    assert not Article.objects.exists()


def test_assigned_work_is_overdue_from_its_due_time_until_submitted(editor, writer):
    story = assign(editor, writer)
    assert not story.is_overdue() and not Article.objects.overdue().exists()
    with time_machine.travel(story.due_at + timedelta(seconds=1)):
        assert story.is_overdue()
        assert list(Article.objects.overdue()) == [story]
        story.body = "<p>Copy at last.</p>"
        story.save()
        story.submit(by=writer)
        assert not story.is_overdue() and not Article.objects.overdue().exists()


def test_the_word_count_reads_the_body_as_text(editor, writer):
    story = assign(editor, writer)
    story.body = "<p>Strike <em>ends</em> at dawn.</p><p>Ferries run</p>"
    assert story.word_count == 6
