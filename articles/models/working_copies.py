"""Working copies: what an editor has typed into a story's form and not saved yet, kept on the
server every few seconds so that a crash, an expired session or a closed tab loses nothing.

A working copy is never the story: readers never see it, and keeping one never touches the
story's row. Each user has at most one per story (and one for the add form), replaced on every
keep and deleted when they save the story or discard it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from articles.models.workflow import when
from articles.richtext import sanitize_body

# Longer than any story's form: a payload above it is refused, not cut, so nothing is half-kept.
MAX_BYTES = 1_000_000
# A copy nobody came back for in a month is abandoned; keeping a copy deletes those.
KEPT_FOR = timedelta(days=30)

TEXT_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "dateline",
    "copyright_notice",
    "copyright_holder",
    "copyright_year",
    "tags",
    "label",  # a <select>, whose value is text like an input's
    "sponsor",
]
CHOICE_FIELDS = ["section", "lead_photo"]
MAX_BYLINES = 50


class WorkingCopyError(ValueError):
    """The values sent are not a story form's values."""


def working_values(raw):
    """The values of a story form as the page sent them (decoded JSON), checked and cleaned.

    Only the form's own fields are kept; the body is sanitised as a saved body is. Values are
    not validated as a save would be: a too-long headline is kept as typed, for the form to
    refuse when it is saved.
    """
    if not isinstance(raw, dict):
        raise WorkingCopyError("the values are not an object")
    values = {}
    for name in TEXT_FIELDS:
        if name in raw:
            values[name] = _text(raw[name], name)
    if "body" in raw:
        values["body"] = sanitize_body(_text(raw["body"], "body"))
    for name in CHOICE_FIELDS:
        if name in raw:
            values[name] = _id(raw[name], name)
    if "is_top_story" in raw:
        if not isinstance(raw["is_top_story"], bool):
            raise WorkingCopyError("is_top_story is not true or false")
        values["is_top_story"] = raw["is_top_story"]
    if "bylines" in raw:
        rows = raw["bylines"]
        if not isinstance(rows, list) or len(rows) > MAX_BYLINES:
            raise WorkingCopyError(f"bylines are not a list of at most {MAX_BYLINES} rows")
        values["bylines"] = [_byline(row) for row in rows]
    return values


def _text(value, name):
    if not isinstance(value, str):
        raise WorkingCopyError(f"{name} is not text")
    return value


def _id(value, name):
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise WorkingCopyError(f"{name} is not an id")
    return value


def _byline(row):
    if not isinstance(row, dict):
        raise WorkingCopyError("a byline row is not an object")
    position = "" if row.get("position") is None else str(row["position"])
    if position and not position.isdigit():
        raise WorkingCopyError("a byline's position is not a number")
    return {
        "author": _id(row.get("author"), "a byline's author"),
        "position": position,
        "delete": bool(row.get("delete")),
    }


class WorkingCopyQuerySet(models.QuerySet):
    def of(self, user, article):
        """This user's copies of the story; `article` None for the add form's."""
        return self.filter(user=user, article=article)

    def abandoned(self, now=None):
        return self.filter(taken_at__lt=(now or timezone.now()) - KEPT_FOR)


class WorkingCopy(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_copies"
    )
    # None: a story not saved yet, typed into the add form.
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_copies",
    )
    values = models.JSONField(help_text="The form's values, as working_values() cleaned them.")
    taken_at = models.DateTimeField()
    # The story's version the form was opened at: older than the story's, someone saved since.
    loaded_version = models.PositiveIntegerField(null=True, blank=True)

    objects = WorkingCopyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(article__isnull=False),
                name="working_copy_one_per_story",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="working_copy_one_new_story",
            ),
        ]
        indexes = [models.Index(fields=["taken_at"], name="working_copy_taken_idx")]

    def __str__(self):
        return f"{self.user}'s working copy of {self.article or 'a new story'}"

    @classmethod
    def keep(cls, *, user, article, values, loaded_version=None, now=None):
        """Replace this user's copy of the story (or of the add form) with `values`.

        Abandoned copies go at the same time: they only pile up through keeps, so cleaning
        here bounds the table without a timer someone must remember to install.
        """
        now = now or timezone.now()
        values = working_values(values)
        with transaction.atomic():
            cls.objects.abandoned(now).delete()
            # update_or_create locks the row, and retries a racing insert as an update: the
            # timer's keep and the page's last beacon may arrive together.
            kept, _ = cls.objects.update_or_create(
                user=user,
                article=article,
                defaults={
                    "values": values,
                    "taken_at": now,
                    "loaded_version": loaded_version,
                },
            )
        return kept

    @classmethod
    def discard(cls, *, user, article):
        cls.objects.of(user, article).delete()

    @property
    def taken_when(self):
        """When it was taken, for the editor: "10:42 (Europe/London)", with the day if not today."""
        local = timezone.localtime(self.taken_at)
        if local.date() != timezone.localdate():
            return when(self.taken_at)
        return f"{local:%H:%M} ({timezone.get_current_timezone_name()})"

    def is_older_than(self, article):
        """Whether someone saved the story after the version this copy was typed into."""
        return self.loaded_version is not None and self.loaded_version != article.version
