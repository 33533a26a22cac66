"""Safe concurrent editing: a version number that refuses stale saves, and a soft edit lock
that tells others who has the story open."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.stamps import stamped_by


class StaleEditError(Exception):
    """Someone else saved the story after this copy was loaded."""


class EditLocking(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = stamped_by()
    locked_by = stamped_by()
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @staticmethod
    def lock_lifetime():
        return timedelta(minutes=settings.NEWSROOM_EDIT_LOCK_MINUTES)

    def lock_holder(self, now=None):
        """Who has the story open, if their lock has not expired on its own."""
        now = now or timezone.now()
        if self.locked_by_id and self.locked_at and self.locked_at + self.lock_lifetime() > now:
            return self.locked_by
        return None

    def editor_besides(self, user, now=None):
        """Who else has the story open: `user`'s own lock is no news to them (and on leaving
        a story, its release can reach the server after the next page was drawn)."""
        holder = self.lock_holder(now)
        return holder if holder is not None and holder.pk != user.pk else None

    def is_locked_for(self, user, now=None):
        return self.editor_besides(user, now) is not None

    def take_lock(self, user, *, force=False, now=None):
        """Open the story for editing; someone else's live lock is only taken over by force."""
        now = now or timezone.now()
        if self.is_locked_for(user, now) and not force:
            return False
        type(self).objects.filter(pk=self.pk).update(locked_by=user, locked_at=now)
        self.locked_by, self.locked_at = user, now
        return True

    def release_lock(self, user):
        type(self).objects.filter(pk=self.pk, locked_by=user).update(locked_by=None, locked_at=None)
        if self.locked_by_id == user.pk:
            self.locked_by = self.locked_at = None

    def check_version(self, loaded_version):
        """Refuse a save based on an older copy: called inside the saving transaction."""
        current = (
            type(self)
            .objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", flat=True)
        )
        current = current.first()
        if current is not None and current != loaded_version:
            raise StaleEditError(current)
