"""Live coverage: a story's timestamped entries, posted by the desk while news happens.

Entries live beside the story, not in it: posting, approving or correcting one never saves the
story, so its workflow (status, version, revisions) stays where the desk left it. Readers see
an entry once it is published and its story is public and its coverage has started; the
coverage runs until its end time, with nothing running at that moment (the page cache's
schedule names what came due). Every step on an entry is permission-checked and recorded.
"""

import operator
from functools import reduce
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField

from articles import bodies
from articles.models.embeds import Embed
from articles.models.photos import Photo
from articles.models.stamps import stamped_by
from articles.models.workflow import ChangeRecord, checklist_lines, missing_from_library
from articles.paging import Cursor
from articles.richtext import BODY_EXTENSIONS, sanitize_body

# Entries shown on a page of the story, below its summary and pinned entries.
PAGE_SIZE = 50
# What one poll hands back at most; a reader further behind reloads the page.
UPDATES_SIZE = 50
APPROVE = "articles.approve_liveentry"


class LiveError(Exception):
    """A step the coverage or the entry's state does not allow."""


class LiveCoverage(models.Model):
    """A story's coverage times; the story is live between them. Part of Article."""

    coverage_starts_at = models.DateTimeField(
        "live coverage starts",
        null=True,
        blank=True,
        help_text="Makes this a live story: from this time readers see its live entries and "
        "the Live label on its cards, and its page updates itself. Leave empty for an "
        "ordinary story.",
    )
    coverage_ends_at = models.DateTimeField(
        "live coverage ends",
        null=True,
        blank=True,
        help_text="At this time the page stops updating and becomes an ordinary story, every "
        "entry kept. Leave empty while the coverage goes on; “End coverage” on the live desk "
        "ends it at once.",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.coverage_ends_at and not self.coverage_starts_at:
            raise ValidationError({"coverage_ends_at": "Say when the live coverage starts."})
        if (
            self.coverage_starts_at
            and self.coverage_ends_at
            and self.coverage_ends_at <= self.coverage_starts_at
        ):
            raise ValidationError({"coverage_ends_at": "Coverage must end after it starts."})

    def coverage_started(self, now=None):
        start = self.coverage_starts_at
        return start is not None and start <= (now or timezone.now())

    def is_live_at(self, now):
        end = self.coverage_ends_at
        return self.coverage_started(now) and (end is None or end > now)

    @property
    def is_live(self):
        """Whether the coverage runs now: its page updates itself and its cards say Live."""
        return self.is_live_at(timezone.now())

    @property
    def takes_entries(self):
        """Whether the desk may post: coverage set up, and not ended."""
        end = self.coverage_ends_at
        return self.coverage_starts_at is not None and (end is None or end > timezone.now())

    @property
    def has_live_entries(self):
        """Whether readers see entries on the page: coverage started, running or ended."""
        return self.coverage_started()

    def end_coverage(self, *, by):
        """End the live coverage now: the page stops updating, every entry stays."""
        if not by.has_perm(APPROVE):
            raise PermissionDenied("Only editors end live coverage.")
        now = timezone.now()
        with transaction.atomic():
            story = type(self).objects.select_for_update().get(pk=self.pk)
            if not story.is_live_at(now):
                raise LiveError(f"“{story}” is not live: there is no coverage to end.")
            story.coverage_ends_at = now
            # Only this field: the story's workflow and text stay as they are.
            story.save(update_fields=["coverage_ends_at"])
            LiveChange.record(story, None, LiveChange.Action.END, by=by)
        self.coverage_ends_at, self.version = now, story.version
        return self


class Blocks(NamedTuple):
    """What entries' texts show besides text, by id or address, ready to draw: library
    photos, the linked stories readers may see (as cards), embeds."""

    photos: dict
    stories: dict
    embeds: dict


class LiveEntryQuerySet(models.QuerySet):
    def showing_photos(self, photo_ids):
        """Entries whose text shows any of those library photos."""
        markers = [Q(text__contains=bodies.photo_marker(pk)) for pk in photo_ids]
        return self.filter(reduce(operator.or_, markers)) if markers else self.none()

    def linking_to(self, story_id):
        """Entries whose text links to story `story_id` as a card."""
        return self.filter(text__contains=bodies.story_marker(story_id))

    def showing_embed(self, url):
        return self.filter(text__contains=bodies.embed_marker(url))

    def shown(self):
        """Entries readers may see on a story readers may see: published ones."""
        return self.filter(status=LiveEntry.Status.PUBLISHED)

    def held(self):
        return self.filter(status=LiveEntry.Status.HELD)

    def for_page(self):
        return self.select_related("author", "photo")

    def top(self):
        """The summary, then pinned entries newest first: above the stream on the first page."""
        return (
            self.shown()
            .filter(Q(is_summary=True) | Q(pinned=True))
            .for_page()
            .order_by("-is_summary", "-posted_at", "-pk")
        )

    def stream(self, *, before=None, size=PAGE_SIZE):
        """A page of the other entries, newest first, and the cursor of the next older page."""
        rows = self.shown().filter(is_summary=False, pinned=False).for_page()
        if before is not None:
            rows = rows.filter(
                Q(posted_at__lt=before.publish_at)
                | Q(posted_at=before.publish_at, pk__lt=before.pk)
            )
        rows = list(rows.order_by("-posted_at", "-pk")[: size + 1])
        older = Cursor(rows[size - 1].posted_at, rows[size - 1].pk) if len(rows) > size else None
        return rows[:size], older

    def changed_after(self, cursor, *, size=UPDATES_SIZE):
        """Shown entries posted, approved or corrected after `cursor` (their changes' order)."""
        rows = self.shown().for_page()
        if cursor is not None:
            rows = rows.filter(
                Q(updated_at__gt=cursor.publish_at)
                | Q(updated_at=cursor.publish_at, pk__gt=cursor.pk)
            )
        return list(rows.order_by("updated_at", "pk")[:size])

    def last_change(self):
        """The cursor of the latest change readers can see, or None."""
        row = self.shown().order_by("-updated_at", "-pk").values_list("updated_at", "pk").first()
        return Cursor(*row) if row else None


class LiveEntry(models.Model):
    """One timestamped update of a live story."""

    class Status(models.TextChoices):
        HELD = "held", "Held for approval"
        PUBLISHED = "published", "Published"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="live_entries"
    )
    author = models.ForeignKey(
        "articles.Author",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_entries",
        help_text="The byline readers see on the entry. Empty: yours, if you write under one.",
    )
    text = ProseEditorField(config={"extensions": BODY_EXTENSIONS}, sanitize=True)
    photo = models.ForeignKey(
        "articles.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_entries",
        help_text="A photo from the library, shown with its credit line.",
    )
    pinned = models.BooleanField(
        default=False, help_text="Keep it at the top of the page, under the summary."
    )
    is_summary = models.BooleanField(
        "summary",
        default=False,
        help_text="The story so far, shown above every entry. A story has one summary: marking "
        "this one unmarks the last.",
    )
    status = models.CharField(max_length=10, choices=Status, editable=False)
    posted_at = models.DateTimeField(default=timezone.now, editable=False)
    posted_by = stamped_by()
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = stamped_by()
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_by = stamped_by()
    correction_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What was wrong, shown to readers beside “Corrected”.",
    )
    # Readers' pages ask for entries changed after the last one they saw (a cursor).
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "live entry"
        verbose_name_plural = "live entries"
        ordering = ["-posted_at", "-pk"]
        permissions = [
            (
                "approve_liveentry",
                "Can approve, pin, correct and summarise live entries, and end live coverage",
            )
        ]
        indexes = [
            models.Index(
                fields=["article", "status", "-posted_at", "-id"], name="live_entry_page_idx"
            ),
            models.Index(fields=["article", "updated_at", "id"], name="live_entry_changes_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(is_summary=True), name="live_entry_one_summary"
            )
        ]

    def __str__(self):
        return f"{self.article} · {timezone.localtime(self.posted_at):%H:%M}"

    def save(self, *args, **kwargs):
        # The admin sanitises through the form field; scripts and tests come through here.
        self.text = sanitize_body(self.text)
        super().save(*args, **kwargs)

    def clean(self):
        if not strip_tags(sanitize_body(self.text or "")).strip():
            raise ValidationError({"text": "Write the entry: it is empty."})
        # Published, or publishing (an editor's post, a correction): readers would see it now.
        if self.status == self.Status.PUBLISHED and (problems := self.publish_problems()):
            raise ValidationError({"text": problems})

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    # The text's blocks, drawn like a story body's (articles.bodies).

    @classmethod
    def read_blocks(cls, entries):
        """Read what `entries` show besides text in one query per kind, however many entries
        (none for a kind no entry has): never a provider, which was asked when they were
        posted or corrected."""
        from articles.models.article import Article

        entries = list(entries)
        photo_ids = [pk for entry in entries for pk in bodies.photo_ids(entry.text)]
        story_ids = [pk for entry in entries for pk in bodies.story_ids(entry.text)]
        urls = [url for entry in entries for url in bodies.embed_urls(entry.text)]
        blocks = Blocks(
            photos=Photo.objects.in_bulk(photo_ids) if photo_ids else {},
            stories=Article.objects.published().cards().in_bulk(story_ids) if story_ids else {},
            embeds=Embed.objects.in_bulk(urls, field_name="url") if urls else {},
        )
        for entry in entries:
            entry._blocks = (entry.text, blocks)
        return entries

    @property
    def blocks(self):
        """The text's photos, linked stories and embeds; read again only when the text moved."""
        kept = self.__dict__.get("_blocks")
        if kept is None or kept[0] != self.text:
            LiveEntry.read_blocks([self])
        return self._blocks[1]

    def publish_problems(self, now=None):
        """What stops readers seeing the entry: its photo and inline photos, checked like a
        story's lead and body photos."""
        ids = bodies.photo_ids(sanitize_body(self.text or ""))
        photos = Photo.objects.in_bulk(ids) if ids else {}
        named = [("photo", self.photo)] if self.photo_id is not None else []
        named += [("inline photo", photos[pk]) for pk in ids if pk in photos]
        return checklist_lines(named, now) + missing_from_library(ids, photos)

    def embed_problems(self):
        """What the desk is told of the text's embeds whose provider failed to answer."""
        embeds = self.blocks.embeds
        found = (embeds.get(url) for url in bodies.embed_urls(self.text))
        return [
            f"Embed {embed.url}: {embed.error} Readers get a link to the address; correcting "
            "the entry asks again."
            for embed in found
            if embed is not None and embed.error
        ]

    @property
    def public_photo(self):
        photo = self.photo
        return photo if photo is not None and photo.is_usable() else None

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    # The desk's steps. Each checks the user's permission, then the state as saved.

    @classmethod
    def post(cls, article, *, by, **fields):
        """A new entry on `article`: published at once by an editor, held from a writer."""
        if not by.has_perm("articles.add_liveentry"):
            raise PermissionDenied("You may not post live entries.")
        editor = by.has_perm(APPROVE)
        if not editor and (fields.get("pinned") or fields.get("is_summary")):
            raise PermissionDenied("Only editors pin entries or mark the summary.")
        if not article.takes_entries:
            if article.coverage_starts_at is None:
                raise LiveError(f"“{article}” has no live coverage: set its start time first.")
            raise LiveError(f"The live coverage of “{article}” has ended.")
        if fields.get("author") is None:
            fields["author"] = getattr(by, "author", None)
        entry = cls(article=article, posted_by=by, **fields)
        entry.status = cls.Status.PUBLISHED if editor else cls.Status.HELD
        if editor:
            entry.approved_at, entry.approved_by = entry.posted_at, by
        entry.full_clean(exclude=["article"])
        # Before the entry's writes: a slow provider holds none of its rows.
        fetch_embeds(entry.text)
        with transaction.atomic():
            if entry.is_summary:
                cls._unmark_summary(article.pk)
            entry.save()
            action = LiveChange.Action.POST if editor else LiveChange.Action.HOLD
            LiveChange.record(article, entry, action, by=by)
        return entry

    def approve(self, *, by):
        """Publish a held entry: it goes out as the newest, at the moment it is approved."""
        self._check(by, "approve entries")
        with transaction.atomic():
            entry = self._locked()
            if not entry.is_held:
                raise LiveError("This entry is already published.")
            now = timezone.now()
            entry.status, entry.posted_at = self.Status.PUBLISHED, now
            if problems := entry.publish_problems(now):
                raise ValidationError({"text": problems})
            entry.approved_at, entry.approved_by = now, by
            entry.save()
            LiveChange.record(entry.article, entry, LiveChange.Action.APPROVE, by=by)
        return entry

    def correct(self, *, by, note="", **fields):
        """Change a published entry's text or photo: readers see that it was corrected, when,
        and `note`. A held entry is only edited: nobody has seen it."""
        self._check(by, "correct entries")
        if "text" in fields:
            fetch_embeds(fields["text"])
        with transaction.atomic():
            entry = self._locked()
            changed = [name for name in fields if getattr(entry, name) != fields[name]]
            for name, value in fields.items():
                setattr(entry, name, value)
            entry.correction_note = note or entry.correction_note
            entry.full_clean(exclude=["article", "author", "photo"])
            if not entry.is_held:
                if not note.strip():
                    raise ValidationError(
                        {"correction_note": "Say what was corrected: readers see it."}
                    )
                entry.corrected_at, entry.corrected_by = timezone.now(), by
            entry.save()
            LiveChange.record(
                entry.article,
                entry,
                LiveChange.Action.CORRECT if entry.corrected_at else LiveChange.Action.EDIT,
                by=by,
                fields=[*changed, "correction_note"] if note else changed,
            )
        return entry

    def pin(self, *, by, pinned=True):
        self._check(by, "pin entries")
        with transaction.atomic():
            entry = self._locked()
            entry.pinned = pinned
            entry.save()
            action = LiveChange.Action.PIN if pinned else LiveChange.Action.UNPIN
            LiveChange.record(entry.article, entry, action, by=by, fields=["pinned"])
        return entry

    def mark_summary(self, *, by, is_summary=True):
        self._check(by, "mark the summary")
        with transaction.atomic():
            entry = self._locked()
            if is_summary:
                self._unmark_summary(entry.article_id)
            entry.is_summary = is_summary
            entry.save()
            action = LiveChange.Action.SUMMARY if is_summary else LiveChange.Action.UNSUMMARY
            LiveChange.record(entry.article, entry, action, by=by, fields=["is_summary"])
        return entry

    def delete(self, *args, by=None, **kwargs):
        """Delete the entry; its record stays, with this step last."""
        if by is not None and not by.has_perm("articles.delete_liveentry"):
            raise PermissionDenied("Only editors delete live entries.")
        with transaction.atomic():
            LiveChange.record(self.article, self, LiveChange.Action.DELETE, by=by)
            return super().delete(*args, **kwargs)

    def _check(self, by, what):
        if not by.has_perm(APPROVE):
            raise PermissionDenied(f"Only editors {what}.")

    def _locked(self):
        return (
            LiveEntry.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=self.pk)
        )

    @classmethod
    def _unmark_summary(cls, article_id):
        # save() on each, not update(): the page cache hears of entries through their saves.
        for entry in cls.objects.filter(article_id=article_id, is_summary=True):
            entry.is_summary = False
            entry.save()


def fetch_embeds(text):
    """Ask the providers about the text's embeds not asked yet (or whose answer failed)."""
    Embed.objects.fetch_missing(bodies.embed_urls(sanitize_body(text or "")))


class LiveChange(ChangeRecord):
    """Who posted, approved, corrected, pinned or deleted a live entry, or ended the coverage,
    when, and what the entry then said."""

    class Action(models.TextChoices):
        POST = "post", "posted"
        HOLD = "hold", "posted for approval"
        APPROVE = "approve", "approved"
        EDIT = "edit", "edited before approval"
        CORRECT = "correct", "corrected"
        PIN = "pin", "pinned"
        UNPIN = "unpin", "unpinned"
        SUMMARY = "summary", "marked as the summary"
        UNSUMMARY = "unsummary", "unmarked as the summary"
        DELETE = "delete", "deleted"
        END = "end", "ended the coverage"

    # Kept if the story or the entry goes, like a story's trail.
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="live_changes",
    )
    entry = models.ForeignKey(
        LiveEntry,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="changes",
    )
    action = models.CharField(max_length=10, choices=Action)
    text = models.TextField(blank=True, help_text="The entry's text after the step.")

    class Meta(ChangeRecord.Meta):
        verbose_name = "live desk record"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}: {self.get_action_display()}"

    @classmethod
    def record(cls, article, entry, action, *, by, fields=()):
        return cls.objects.create(
            article_id=article.pk,
            entry_id=entry.pk if entry else None,
            action=action,
            fields=list(fields),
            text=entry.text if entry else "",
            by=by,
            at=timezone.now(),
        )
