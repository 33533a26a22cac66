"""Assignments: a story given to a writer, with a due time and a target length, before any
copy exists. The desk makes them from the story budget; the writer finds them under
"Assigned to me"."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from articles.models.addresses import unique_slug
from articles.models.status import Status
from articles.models.workflow import AuditEntry, WorkflowError, notify, when

ASSIGNMENT_FIELDS = ["assigned_to", "due_at", "target_words"]
# A tag ends a word: "</p><p>" between two paragraphs separates their words.
TAG = re.compile(r"<[^>]*>")


class Assignment(models.Model):
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text="The writer the desk has given this story to.",
    )
    due_at = models.DateTimeField(
        "due", null=True, blank=True, help_text="When the copy should be submitted for review."
    )
    target_words = models.PositiveIntegerField(
        "target length",
        null=True,
        blank=True,
        help_text="How many words the desk has planned for, roughly.",
    )

    class Meta:
        abstract = True

    @classmethod
    def create_assignment(
        cls, *, headline, writer, by, section=None, due_at=None, target_words=None
    ):
        """A new draft for `writer` to write: theirs (created by them, with their byline if
        they have one), and assigned to them; the trail records who assigned it."""
        check_may_assign(by, writer)
        with transaction.atomic():
            story = cls.objects.create(
                headline=headline,
                slug=unique_slug(cls, headline),
                section=section,
                status=Status.DRAFT,
                created_by=writer,
                updated_by=by,
                assigned_to=writer,
                due_at=due_at,
                target_words=target_words,
            )
            author = getattr(writer, "author", None)
            if author is not None:
                story.byline_set.create(author=author)
            story.record_assignment(by=by)
        return story

    def record_assignment(self, *, by):
        """Write the assignment as it now stands into the trail, and tell its writer."""
        check_may_assign(by, self.assigned_to)
        note = self.assignment_summary
        AuditEntry.objects.create(
            article=self,
            action="assign",
            from_status=self.status,
            to_status=self.status,
            note=note,
            by=by,
            at=timezone.now(),
        )
        if self.assigned_to is not None:
            transaction.on_commit(lambda: notify("assign", self, by=by, note=note))

    @property
    def assignment_summary(self):
        """ "to Will Writer, due 7 December 2026, 15:50 (UTC), 800 words"."""
        if self.assigned_to is None:
            return "unassigned"
        writer = self.assigned_to
        parts = [f"to {writer.get_full_name() or writer.get_username()}"]
        if self.due_at:
            parts.append(f"due {when(self.due_at)}")
        if self.target_words:
            parts.append(f"{self.target_words} words")
        return ", ".join(parts)

    @property
    def word_count(self):
        return len(TAG.sub(" ", self.body or "").split())

    def is_overdue(self, now=None):
        """Due, and not yet submitted."""
        return (
            self.status == Status.DRAFT
            and self.due_at is not None
            and self.due_at <= (now or timezone.now())
        )


def check_may_assign(by, writer):
    if not by.has_perm("articles.approve_article"):
        raise PermissionDenied("You are not allowed to assign stories.")
    if writer is not None and not (writer.is_active and writer.has_perm("articles.change_article")):
        raise WorkflowError(f"{writer.get_full_name() or writer} cannot write stories.")
