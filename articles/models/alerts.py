"""Breaking news: a one-line alert, with a link, under the masthead of every reader page from
its start to its end. Nothing runs at either moment: readers see `Alert.objects.live()`."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from articles.models.stamps import stamped_by
from articles.models.workflow import ChangeRecord
from articles.validators import no_line_breaks, site_or_https_address

# A new alert shows from now for this long unless the editor says otherwise.
DEFAULT_LENGTH = timedelta(hours=2)
EDITABLE = ["text", "link", "starts_at", "ends_at"]


def default_end():
    return timezone.now() + DEFAULT_LENGTH


class AlertError(Exception):
    """A step the alert's times do not allow: ending one that has ended, or not yet started."""


class AlertQuerySet(models.QuerySet):
    def live(self, at=None):
        """Alerts readers see at `at` (now): started, and not ended."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def scheduled(self, at=None):
        return self.filter(starts_at__gt=at or timezone.now())

    def ended(self, at=None):
        return self.filter(ends_at__lte=at or timezone.now())

    def banner(self, at):
        """(The alert readers see at `at`, or None; the next moment that can change it), from
        one query: of the live alerts, readers see the one that started last."""
        coming = list(self.filter(ends_at__gt=at))  # few: the live ones and the scheduled
        shown = max(
            (alert for alert in coming if alert.is_live_at(at)),
            key=lambda alert: (alert.starts_at, alert.pk),
            default=None,
        )
        moments = [alert.ends_at for alert in coming]
        moments += [alert.starts_at for alert in coming if alert.starts_at > at]
        return shown, min(moments, default=None)

    def came_due(self, since, now):
        """(Whether an alert started or ended after `since` up to `now`; the next moment one
        starts or ends after `now`), from one query."""
        # Every alert that starts or ends after `since` ends after it.
        due = Q(starts_at__gt=since, starts_at__lte=now) | Q(ends_at__lte=now)
        found = self.filter(ends_at__gt=since).aggregate(
            due=Count("pk", filter=due),
            next_start=Min("starts_at", filter=Q(starts_at__gt=now)),
            next_end=Min("ends_at", filter=Q(ends_at__gt=now)),
        )
        moments = filter(None, [found["next_start"], found["next_end"]])
        return bool(found["due"]), min(moments, default=None)


class Alert(models.Model):
    """A breaking news line on every reader page. The newest live one shows when several are."""

    text = models.CharField(
        max_length=150,
        validators=[no_line_breaks],
        help_text="One line, shown above every page and read as the link: say what happened.",
    )
    link = models.CharField(
        max_length=500,
        blank=True,
        validators=[site_or_https_address],
        help_text="Where the line leads: a story on this site (/2026/12/07/storm-closes-ports/) "
        "or a full https:// address elsewhere. Leave empty for a line without a link.",
    )
    starts_at = models.DateTimeField(
        "shows from",
        default=timezone.now,
        help_text="A later time schedules it. When several alerts are live, readers see the one "
        "that started last.",
    )
    ends_at = models.DateTimeField(
        "shows until",
        default=default_end,
        db_index=True,
        help_text="It leaves every page at this moment by itself. “End now” in the alert list "
        "takes it down at once.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = stamped_by()

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="alert_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "An alert must end after it starts."})
        if self._state.adding and self.ends_at and self.ends_at <= timezone.now():
            raise ValidationError({"ends_at": "This time has passed: nobody would see the alert."})

    def is_live_at(self, at):
        return self.starts_at <= at < self.ends_at

    @property
    def is_live(self):
        return self.is_live_at(timezone.now())

    @property
    def state(self):
        """ "live", "scheduled" or "ended", for the admin."""
        now = timezone.now()
        if self.starts_at > now:
            return "scheduled"
        return "live" if self.is_live_at(now) else "ended"

    # Who may do what, and the record of it: the alert is on every page readers see.

    def edit(self, *, by):
        """Save `by`'s new or changed alert, and record what changed."""
        adding = self._state.adding
        if not by.has_perm(f"articles.{'add' if adding else 'change'}_alert"):
            raise PermissionDenied("Only editors add and change alerts.")
        with transaction.atomic():
            if adding:
                self.created_by = by
                self.save()
                changed = EDITABLE
            else:
                saved = Alert.objects.select_for_update().get(pk=self.pk)
                self.save()
                changed = [name for name in EDITABLE if getattr(self, name) != getattr(saved, name)]
            if changed:
                AlertChange.record(self, "add" if adding else "change", fields=changed, by=by)
        return self

    def end(self, *, by):
        """Take a live alert off every page now."""
        if not by.has_perm("articles.change_alert"):
            raise PermissionDenied("Only editors end alerts.")
        now = timezone.now()
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=self.pk)
            if alert.ends_at <= now:
                raise AlertError(f"“{alert}” has already ended.")
            if alert.starts_at >= now:
                raise AlertError(f"“{alert}” has not started: change its times, or delete it.")
            alert.ends_at = now
            alert.save(update_fields=["ends_at"])
            AlertChange.record(alert, "end", fields=["ends_at"], by=by)
        self.ends_at = alert.ends_at
        return self

    def delete(self, *args, by=None, **kwargs):
        """Delete the alert; its record stays, with this step last."""
        if by is not None and not by.has_perm("articles.delete_alert"):
            raise PermissionDenied("Only editors delete alerts.")
        with transaction.atomic():
            AlertChange.record(self, "delete", by=by)
            return super().delete(*args, **kwargs)


class AlertChange(ChangeRecord):
    """Who added, changed, ended or deleted an alert, when, and what it then said."""

    class Action(models.TextChoices):
        ADD = "add", "added"
        CHANGE = "change", "changed"
        END = "end", "ended"
        DELETE = "delete", "deleted"

    # Kept if the alert goes, like a story's trail.
    alert = models.ForeignKey(
        Alert, on_delete=models.DO_NOTHING, db_constraint=False, related_name="changes"
    )
    action = models.CharField(max_length=10, choices=Action)
    values = models.JSONField(default=dict, help_text="The alert as it was after the step.")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}: {self.get_action_display()}"

    @classmethod
    def record(cls, alert, action, *, fields=(), by):
        values = {name: getattr(alert, name) for name in EDITABLE}
        values |= {name: values[name].isoformat() for name in ["starts_at", "ends_at"]}
        return cls.objects.create(
            alert_id=alert.pk,
            action=action,
            fields=list(fields),
            values=values,
            by=by,
            at=timezone.now(),
        )

    @property
    def fields_display(self):
        return ", ".join(str(Alert._meta.get_field(name).verbose_name) for name in self.fields)
