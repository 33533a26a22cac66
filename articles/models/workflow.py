from django.conf import settings
from django.db import models

from articles.caching import content_changed
from articles.models.article import Status


class ImmutableError(Exception):
    """Raised on an attempt to change or delete a record that must stay as written."""


class AppendOnly(models.Model):
    """Rows written once and never changed: the newsroom's record of what happened."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name} entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self._meta.verbose_name} entries cannot be deleted.")


class AuditEntry(AppendOnly):
    """One step of a story's workflow: who moved it, from what to what, when, and why."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="audit_entries"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action}: {self.from_status or '—'} → {self.to_status}"


class Correction(AppendOnly):
    """A dated correction note appended to a published story, shown at its foot."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(help_text="What was wrong and what is right now, for readers.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()
