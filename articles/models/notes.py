"""Notes on a story: the conversation between its writers and editors, kept with it.

Notes are the newsroom's own: no reader-facing page, feed, sitemap, search or the API reads
them, and tests/test_leaks.py walks every public surface to prove it.
"""

from django.conf import settings
from django.db import models

from articles.models.workflow import AppendOnly


class StoryNote(AppendOnly):
    """One remark on a story, as written: notes are added, never changed or deleted."""

    # Like the audit trail, the conversation outlives its story: a story recovered under its
    # old id finds its notes again.
    story = models.ForeignKey(
        "articles.Article",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "note"

    def __str__(self):
        return self.text[:60]
