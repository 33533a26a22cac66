"""The editorial workflow: states, who may move a story between them, and the record of it.

Every transition is a verb method on the story. Each one checks the story's state as it is in
the database (not as this copy remembers it) and the user's permission, stamps who and when,
writes an audit entry, and commits all of it in one transaction or none of it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles import bodies
from articles.models.stamps import stamped_by
from articles.models.status import Status


def checklist_lines(named_photos, now=None):
    """What stops each (name, photo) pair being published, in the checklist's words."""
    return [
        f"{name} “{photo}”: {problem}"
        for name, photo in named_photos
        for problem in photo.publish_problems(now)
    ]


def missing_from_library(ids, found):
    """A checklist line for each photo id a text refers to that `found` does not hold."""
    return [
        f"inline photo #{pk}: not in the photo library; choose another or take it out"
        for pk in ids
        if pk not in found
    ]


class WorkflowError(Exception):
    """A step the story's current state does not allow."""


class ChecklistError(WorkflowError):
    """Publishing refused: the story is not complete. Lists every missing point."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("This story cannot be published yet: " + "; ".join(self.problems) + ".")


class ImmutableError(Exception):
    """Raised on an attempt to change or delete a record that must stay as written."""


# action: (label for people, states it may start from, permission it needs)
RULES = {
    "submit": ("submit for review", {Status.DRAFT}, "articles.change_article"),
    "send_back": ("send back", {Status.IN_REVIEW, Status.APPROVED}, "articles.approve_article"),
    "approve": ("approve", {Status.IN_REVIEW}, "articles.approve_article"),
    "publish": ("publish", {Status.APPROVED, Status.PUBLISHED}, "articles.publish_article"),
    "embargo": ("embargo", {Status.APPROVED, Status.PUBLISHED}, "articles.publish_article"),
    "withdraw": ("withdraw", {Status.PUBLISHED}, "articles.withdraw_article"),
    "restore": ("restore", {Status.WITHDRAWN, Status.SPIKED}, "articles.restore_article"),
    "spike": (
        "spike",
        {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED},
        "articles.approve_article",
    ),
    "correct": ("correct", {Status.PUBLISHED}, "articles.correct_article"),
    "unschedule": ("cancel the schedule of", {Status.PUBLISHED}, "articles.publish_article"),
}

WORKFLOW_FIELDS = [
    "status",
    "publish_at",
    "embargo_until",
    "first_published_at",
    "revised_at",
    "submitted_at",
    "submitted_by",
    "approved_at",
    "approved_by",
    "published_by",
    "withdrawn_at",
    "withdrawn_by",
    "withdrawal_reason",
    "changes_requested_at",
    "changes_requested_by",
    "changes_requested_note",
]

LOCK_FIELDS = ["locked_by_id", "locked_at"]


class EditorialWorkflow(models.Model):
    """The workflow state of a story and its transitions; none of it is editable in forms."""

    status = models.CharField(
        max_length=20, choices=Status, default=Status.DRAFT, editable=False, db_index=True
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        editable=False,
        help_text="When readers first see the story. A future time means scheduled.",
    )
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Held from readers until this moment, even when published.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Shown to readers as “Updated”."
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = stamped_by()
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = stamped_by()
    published_by = stamped_by()
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = stamped_by()
    withdrawal_reason = models.TextField(blank=True, editable=False)
    # Set when the desk sends the story back, cleared when it is submitted again: a draft with
    # these is "changes requested" (a state derived like "scheduled", not a status).
    changes_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    changes_requested_by = stamped_by()
    changes_requested_note = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    # Who may do what.

    def is_written_by(self, user):
        if not user.is_authenticated:
            return False
        if self.created_by_id == user.pk:
            return True
        if self.assigned_to_id == user.pk:
            return True
        return self.pk is not None and self.byline_set.filter(author__user=user).exists()

    def can_edit(self, user):
        """Writers edit their own drafts; editors edit anything not withdrawn."""
        if not user.has_perm("articles.change_article"):
            return False
        if user.has_perm("articles.edit_any_article"):
            return self.status != Status.WITHDRAWN
        return self.status == Status.DRAFT and (self.pk is None or self.is_written_by(user))

    def can_preview(self, user):
        return user.has_perm("articles.edit_any_article") or (
            user.has_perm("articles.view_article") and self.is_written_by(user)
        )

    def allowed_actions(self, user, now=None):
        """The transitions this user may make on the story right now, in workflow order."""
        allowed = []
        for action in RULES:
            try:
                self._guard(action, user, now or timezone.now())
            except (WorkflowError, PermissionDenied):
                continue
            allowed.append(action)
        return allowed

    def _guard(self, action, user, now):
        label, states, permission = RULES[action]
        if self.status not in states:
            raise WorkflowError(
                f"A story that is {self.get_status_display().lower()} cannot be {PAST[action]}."
            )
        if not user.has_perm(permission) or (action == "submit" and not self.can_edit(user)):
            raise PermissionDenied(f"You are not allowed to {label} this story.")
        live = self.publish_at is not None and self.publish_at <= now
        if action == "publish" and self.status == Status.PUBLISHED and live:
            raise WorkflowError("This story is already published.")
        if action == "correct" and not live:
            raise WorkflowError("Only a story readers can see can be corrected.")
        if action == "withdraw" and not live:
            raise WorkflowError(
                "Readers have not seen this story yet: cancel its schedule rather than withdraw it."
            )
        if action == "unschedule" and live:
            raise WorkflowError("This story is live: withdraw it rather than unschedule it.")

    # The checklist.

    def publish_problems(self, now=None, *, bylines=None, photos=None):
        """Every reason the story cannot be published, in the words an editor needs.

        `bylines` (authors) and `photos` (the gallery's photos) stand in for the saved ones:
        the story screen asks about the rows of a form not saved yet.
        """
        if bylines is None:
            bylines = self.pk is not None and self.byline_set.exists()
        problems = [
            message
            for missing, message in [
                (not self.headline.strip(), "it needs a headline"),
                (not self.standfirst.strip(), "it needs a standfirst"),
                (self.section_id is None, "it needs a section"),
                (not bylines, "it needs at least one byline"),
                (not self.body.strip(), "it needs body text"),
            ]
            if missing
        ]
        problems += checklist_lines(self.photos_for_checklist(photos), now)
        return problems + missing_from_library(bodies.photo_ids(self.body), self.inline_photos)

    def photos_for_checklist(self, photos=None):
        if self.lead_photo_id:
            yield "lead photo", self.lead_photo
        if photos is None and self.pk is not None:
            photos = [use.photo for use in self.photos.select_related("photo")]
        for photo in photos or []:
            yield "photo", photo
        # The body as it stands (typed, on the story screen), not its saved uses.
        for pk in bodies.photo_ids(self.body):
            if pk in self.inline_photos:
                yield "inline photo", self.inline_photos[pk]

    # Transitions.

    def submit(self, *, by):
        def apply(story, now):
            story.submitted_at, story.submitted_by = now, by
            story.changes_requested_at = story.changes_requested_by = None
            story.changes_requested_note = ""
            # Placement is the desk's: a top-story flag a writer's draft carries (set before
            # writers lost the field, or brought back with an old revision) stays behind.
            if not by.has_perm("articles.edit_any_article"):
                story.is_top_story = False

        return self._transition(
            "submit", by=by, to=Status.IN_REVIEW, apply=apply, also=["is_top_story"]
        )

    def send_back(self, *, by, note):
        """Return the story to its writers as "changes requested", the note saying which."""
        if not note.strip():
            raise WorkflowError("Say what needs to change: a note is required to send back.")

        def apply(story, now):
            story.changes_requested_at, story.changes_requested_by = now, by
            story.changes_requested_note = note
            # The conversation about the story is read in one place: its notes. The send-back
            # mail already carries this one, so it is not mailed again as a note.
            story.notes.create(author=by, text=note, created_at=now)

        return self._transition("send_back", by=by, to=Status.DRAFT, apply=apply, note=note)

    def approve(self, *, by):
        def apply(story, now):
            story.approved_at, story.approved_by = now, by

        return self._transition("approve", by=by, to=Status.APPROVED, apply=apply)

    def approve_and_publish(self, *, by):
        """Approve and publish now in one step for an editor who may do both: each is checked
        and recorded in the trail as its own, and neither happens without the other."""
        try:
            with transaction.atomic():
                self.approve(by=by)
                return self.publish(by=by)
        except Exception:
            # The approval was rolled back with the refused publication: so is this copy.
            self.refresh_from_db(fields=[*WORKFLOW_FIELDS, "locked_by", "locked_at"])
            raise

    def publish(self, *, by, at=None):
        """Publish now, or at a future time (the story is then scheduled)."""

        def apply(story, now):
            if problems := story.publish_problems(now):
                raise ChecklistError(problems)
            story.publish_at = at or now
            # The first publication is kept for ever; only a schedule not yet reached may move.
            if story.first_published_at is None or story.first_published_at > now:
                story.first_published_at = story.publish_at
            story.published_by = by

        scheduled = at is not None and at > timezone.now()
        note = f"scheduled for {when(at)}" if scheduled else ""
        return self._transition("publish", by=by, to=Status.PUBLISHED, apply=apply, note=note)

    def embargo(self, *, by, until):
        """Hold the story from readers until a moment; `until=None` lifts the embargo."""

        def apply(story, now):
            story.embargo_until = until

        note = f"embargoed until {when(until)}" if until else "embargo lifted"
        return self._transition("embargo", by=by, to=None, apply=apply, note=note)

    def withdraw(self, *, by, reason):
        if not reason.strip():
            raise WorkflowError("Give the reason: it is kept with the story.")

        def apply(story, now):
            story.withdrawn_at, story.withdrawn_by, story.withdrawal_reason = now, by, reason

        return self._transition("withdraw", by=by, to=Status.WITHDRAWN, apply=apply, note=reason)

    def restore(self, *, by):
        """A withdrawn story goes back up; a spiked one back to draft."""

        def apply(story, now):
            story.status = Status.PUBLISHED if story.status == Status.WITHDRAWN else Status.DRAFT

        return self._transition("restore", by=by, to=None, apply=apply)

    def unschedule(self, *, by):
        """A scheduled story goes back to approved, its publication time forgotten."""

        def apply(story, now):
            if story.first_published_at == story.publish_at:
                story.first_published_at = None
            story.publish_at = story.published_by = None

        return self._transition("unschedule", by=by, to=Status.APPROVED, apply=apply)

    def spike(self, *, by, note=""):
        return self._transition("spike", by=by, to=Status.SPIKED, note=note)

    def correct(self, *, by, text):
        if not text.strip():
            raise WorkflowError("A correction needs its text.")

        def apply(story, now):
            story.revised_at = now
            Correction.objects.create(article=story, text=text, created_at=now, created_by=by)

        return self._transition("correct", by=by, to=None, apply=apply, note=text)

    def add_note(self, *, by, text):
        """Leave a note for the story's writers and editors; readers never see notes."""
        # Whoever may see the story in the newsroom may take part: its editors and writers.
        if not self.can_preview(by):
            raise PermissionDenied("You are not allowed to leave a note on this story.")
        if not text.strip():
            raise WorkflowError("A note needs its text.")
        with transaction.atomic():
            note = self.notes.create(author=by, text=text, created_at=timezone.now())
            transaction.on_commit(lambda: notify("note", self, by=by, note=text))
        return note

    def _transition(self, action, *, by, to, apply=None, note="", also=()):
        """Run one step; `to=None` keeps the status (or lets `apply` choose it); `also` names
        fields beyond the workflow's that `apply` may change."""
        now = timezone.now()
        with transaction.atomic():
            story = type(self).objects.select_for_update().get(pk=self.pk)
            story._guard(action, by, now)
            from_status = story.status
            if apply is not None:
                apply(story, now)
            if to is not None:
                story.status = to
            # A step ends the actor's edit, and anyone's the new state takes the story from.
            if story.locked_by_id is not None and (
                story.locked_by_id == by.pk or not story.can_edit(story.locked_by)
            ):
                story.locked_by = story.locked_at = None
            story.save(update_fields=[*WORKFLOW_FIELDS, *LOCK_FIELDS, *also])
            AuditEntry.objects.create(
                article=story,
                action=action,
                from_status=from_status,
                to_status=story.status,
                note=note,
                by=by,
                at=now,
            )
            transaction.on_commit(lambda: notify(action, story, by=by, note=note))
        for field in [*WORKFLOW_FIELDS, *LOCK_FIELDS, *also]:
            setattr(self, field, getattr(story, field))
        return self

    def delete(self, *args, by=None, **kwargs):
        """Delete the story; its trail stays, under its id, with this step last."""
        with transaction.atomic():
            AuditEntry.objects.create(
                article_id=self.pk,
                action="delete",
                from_status=self.status,
                note=f"“{self.headline}”",
                by=by,
                at=timezone.now(),
            )
            return super().delete(*args, **kwargs)

    def record_recovery(self, *, by):
        """Note in the trail that a deleted story was brought back (by django-reversion,
        under its old id, so the entries written before its deletion are its own again)."""
        AuditEntry.objects.create(
            article=self, action="recover", to_status=self.status, by=by, at=timezone.now()
        )

    def record_edit(self, now=None):
        """An edit to a story readers can already see shows them an "Updated" time."""
        now = now or timezone.now()
        if self.status == Status.PUBLISHED and self.publish_at and self.publish_at <= now:
            self.revised_at = now


PAST = {
    "submit": "submitted",
    "send_back": "sent back",
    "approve": "approved",
    "approve_and_publish": "approved and published",
    "publish": "published",
    "embargo": "embargoed",
    "withdraw": "withdrawn",
    "restore": "restored",
    "spike": "spiked",
    "correct": "corrected",
    "unschedule": "unscheduled",
    "delete": "deleted",
    "recover": "recovered",
    "assign": "assigned",
}


def when(moment):
    """A moment as the newsroom reads it, with its time zone: "7 December 2026, 15:50 (UTC)"."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"


def notify(action, story, *, by, note):
    from articles import notifications  # the mail layer imports models: import it late

    notifications.send(action, story, by=by, note=note)


class AppendOnly(models.Model):
    """Rows written once and never changed: the newsroom's record of what happened."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name} entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self._meta.verbose_name} entries cannot be deleted.")


class ChangeRecord(AppendOnly):
    """Who changed a thing on the site, when, and which of its fields: a subclass says what
    changed with a foreign key kept if the thing goes (no constraint, like a story's trail)."""

    fields = models.JSONField(default=list, help_text="The names of the fields changed.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


class AuditEntry(AppendOnly):
    """One step of a story's workflow: who moved it, from what to what, when, and why."""

    # The trail outlives its story: deleting a story leaves its entries (no constraint to
    # refuse that), and a story recovered under the same id finds them again. Ids are
    # never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL).
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    # Empty when the step leaves no story behind: a deletion.
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
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
        return f"{self.action}: {self.from_status or '—'} → {self.to_status or '—'}"

    @property
    def action_display(self):
        return PAST.get(self.action, self.action).capitalize()


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
