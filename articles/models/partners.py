"""Partners who take our stories by API, and the contract that says what they may take."""

import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from articles.validators import no_line_breaks

KEY_PREFIX = "nr_"


def key_digest(key):
    # The key is 256 random bits, not a password: a fast hash is enough to keep a stolen
    # database from being a list of working keys, and lets a request find its partner by index.
    return hashlib.sha256(key.encode()).hexdigest()


class PartnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def with_key(self, key):
        """The active partner holding `key`, else None."""
        if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        return self.active().filter(key_hash=key_digest(key)).first()


class Partner(models.Model):
    """A partner, app or aggregator taking our stories in IPTC ninjs from /api/ninjs/."""

    name = models.CharField(max_length=200, unique=True, validators=[no_line_breaks])
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(
        "key starts with", max_length=20, editable=False, help_text="To tell keys apart."
    )
    sources = models.TextField(
        blank=True,
        help_text="One per line: the feeds, agencies or services whose wire stories this "
        "partner may receive (e.g. “reuters”, “Vygr Media”). Our own stories always go.",
    )
    may_pass_on_agency_photos = models.BooleanField(
        "agency photos may be passed on",
        default=False,
        help_text="Only when our licence with the agencies allows it: otherwise their photos "
        "are left out of this partner's stories (the stories still go).",
    )
    requests_per_minute = models.PositiveIntegerField(
        default=60, help_text="Further requests in the same minute are refused (429)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def issue_key(self):
        """A new key, replacing any other; returned once, stored only as its hash."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_hint = key_digest(key), key[:10]
        return key

    def revoke(self, *, by):
        """The key stops working at once; the partner stays on record."""
        with transaction.atomic():
            Partner.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_by=by
            )
            self.refresh_from_db(fields=["revoked_at", "revoked_by"])

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def source_names(self):
        return sorted({line.strip().lower() for line in self.sources.splitlines() if line.strip()})

    def stories(self, stories):
        """Of `stories`, those the contract lets travel: our own, and wire copy from a source
        it names (by the feed it came on, its agency or its service)."""
        allowed = models.Q(wire_key="", agency="", syndication_service="")
        for name in self.source_names:
            allowed |= (
                models.Q(wire_feed__iexact=name)
                | models.Q(agency__iexact=name)
                | models.Q(syndication_service__iexact=name)
            )
        return stories.filter(allowed)

    def may_receive(self, photo):
        """Whether a photo may travel to this partner: a usable licence, and not an agency's
        unless the contract allows passing those on."""
        if not photo.is_usable() or not photo.image:
            return False
        return self.may_pass_on_agency_photos or photo.licence != photo.Licence.AGENCY
