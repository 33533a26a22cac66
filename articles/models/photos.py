import uuid
from pathlib import PurePath

import reversion
from django.db import models
from django.utils import timezone

from articles.caching import content_changed


def format_credit(credit: str) -> str:
    """The one way a photo credit is shown to readers: "Photo: Reuters"."""
    credit = credit.strip()
    return f"Photo: {credit}" if credit else ""


def photo_upload_to(instance, filename):
    # Never trust the uploaded name: it may carry a path or collide with another file.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".gif"}:
        suffix = ".jpg"
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PhotoQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Photos whose licence allows showing them now."""
        now = now or timezone.now()
        return self.filter(
            models.Q(rights_expire_at__isnull=True) | models.Q(rights_expire_at__gt=now)
        )


@reversion.register()
class Photo(models.Model):
    """A picture in the library, reusable across stories, with its credit and rights."""

    class Licence(models.TextChoices):
        STAFF = "staff", "Staff photo"
        AGENCY = "agency", "Agency (wire) photo"
        HANDOUT = "handout", "Handout"
        CREATIVE_COMMONS = "cc", "Creative Commons"
        ALL_RIGHTS_RESERVED = "arr", "All rights reserved (licensed for this use)"

    image = models.ImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        blank=True,
        help_text="JPEG, PNG, WebP or GIF. May be left empty while a wire credit waits for its "
        "picture.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    caption = models.TextField(blank=True, help_text="What the picture shows, for readers.")
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="Describes the picture for people who cannot see it. Required to publish.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text='The credit line readers see, without "Photo:", e.g. "Reuters" or '
        '"AP Photo/Jane Doe". Required to publish.',
    )
    creator = models.CharField(max_length=200, blank=True, help_text="The photographer.")
    copyright_notice = models.CharField(
        max_length=255, blank=True, help_text='e.g. "© 2023 Reuters. All rights reserved."'
    )
    copyright_holder = models.CharField(max_length=200, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The agency or partner that supplied it."
    )
    usage_terms = models.TextField(blank=True, help_text="Any conditions of the licence.")
    licence = models.CharField(max_length=20, choices=Licence, blank=True)
    licence_url = models.URLField(blank=True, help_text="For Creative Commons: the licence deed.")
    rights_expire_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="From this moment the photo disappears from the public site. Leave empty if "
        "the licence does not expire.",
    )
    focal_x = models.FloatField(default=0.5, help_text="0 = left edge, 1 = right edge.")
    focal_y = models.FloatField(default=0.5, help_text="0 = top edge, 1 = bottom edge.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_inside",
            ),
        ]

    def __str__(self):
        label = self.caption or self.alt_text or (self.image.name if self.image else "Photo")
        return f"{label[:60]} ({self.credit})" if self.credit else label[:60]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result

    @property
    def credit_line(self):
        return format_credit(self.credit)

    def publish_problems(self, now=None):
        """What stops a story carrying this photo from being published."""
        problems = []
        if not self.credit.strip():
            problems.append("no credit")
        if self.image and not self.alt_text.strip():
            problems.append("no alt text")
        if not self.is_usable(now):
            problems.append("its licence has expired")
        return problems

    def is_usable(self, now=None):
        return self.rights_expire_at is None or self.rights_expire_at > (now or timezone.now())


@reversion.register()
class ArticlePhoto(models.Model):
    """A further photo on a story, beyond the lead, in gallery order."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="photos")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="article_uses")
    position = models.PositiveSmallIntegerField(default=0)
    caption = models.TextField(
        blank=True, help_text="Overrides the library caption for this story only."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "photo in story"
        verbose_name_plural = "photos in story"

    def __str__(self):
        return str(self.photo)

    @property
    def display_caption(self):
        return self.caption or self.photo.caption
