import operator
import uuid
from dataclasses import replace
from datetime import timedelta
from functools import reduce
from pathlib import PurePath

import reversion
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles import bodies, imaging
from articles.credentials.reading import Credentials, read_credentials
from articles.models.files import written_in_transaction
from articles.models.renditions import (
    Picture,
    embedded_metadata,
    make_renditions,
    planned,
    signing_key,
    trust_anchors,
)
from articles.models.status import Status
from articles.models.workflow import ChangeRecord
from articles.validators import no_line_breaks

# How far ahead the admin warns that a licence is about to lapse.
RIGHTS_WARNING_PERIOD = timedelta(days=7)

LOCKED_FOR_WRITERS = (
    "This photo is on a story that has gone to the desk, so only editors may change it now: "
    "a new file, credit or licence date would change what readers see, or are about to see, "
    "without review. Ask an editor, or upload a new photo for your draft."
)


def chosen_by(queryset, *, words, pk, fields):
    """A chooser's answer: the row with id `pk` (or `words` that are a number), else rows with
    every word in one of `fields`; nothing for an id that is not one."""
    words = words.strip()
    if pk is None and words.isdigit():
        pk = words
    if pk is not None:
        return queryset.filter(pk=pk) if str(pk).isdigit() and int(pk) < 2**31 else queryset.none()
    for word in words.split()[:10]:
        queryset = queryset.filter(
            reduce(operator.or_, (models.Q(**{f"{field}__icontains": word}) for field in fields))
        )
    return queryset


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

    def expired(self, now=None):
        return self.filter(rights_expire_at__lte=now or timezone.now())

    def expiring_soon(self, now=None):
        """Still usable, but the licence lapses within the warning period."""
        now = now or timezone.now()
        return self.filter(
            rights_expire_at__gt=now, rights_expire_at__lte=now + RIGHTS_WARNING_PERIOD
        )

    def used_in(self, article):
        """The story's photos: its lead, its gallery and those in its body."""
        return self.filter(
            models.Q(lead_of=article)
            | models.Q(article_uses__article=article)
            | models.Q(body_uses__article=article)
        ).distinct()

    def chosen_by(self, *, words="", pk=None):
        """What the body editor's photo chooser finds: one photo by id (`pk`, or `words` that
        are a number), else photos whose caption, credit or alt text holds the words."""
        return chosen_by(
            self, words=words, pk=pk, fields=("caption", "credit", "alt_text", "creator")
        )

    def same_file_as(self, content_hash):
        return self.filter(content_hash=content_hash) if content_hash else self.none()


class AILabel(models.TextChoices):
    AI_GENERATED = "ai", "AI-generated image"
    ILLUSTRATION = "illustration", "Illustration"


@reversion.register()
class Photo(models.Model):
    """A picture in the library, reusable across stories, with its credit and rights."""

    class Licence(models.TextChoices):
        STAFF = "staff", "Staff photo"
        AGENCY = "agency", "Agency (wire) photo"
        HANDOUT = "handout", "Handout"
        CREATIVE_COMMONS = "cc", "Creative Commons"
        ALL_RIGHTS_RESERVED = "arr", "All rights reserved (licensed for this use)"

    # Width and height are ours to set, not Django's: they are the picture as displayed, after
    # its EXIF orientation, which Django's width_field would not apply.
    image = models.ImageField(
        upload_to=photo_upload_to,
        blank=True,
        help_text="JPEG, PNG, WebP or GIF. May be left empty while a wire credit waits for its "
        "picture. Credit, copyright and caption written in the file fill the fields you leave "
        "empty.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    content_hash = models.CharField(
        "SHA-256 of the file", max_length=64, blank=True, db_index=True, editable=False
    )

    caption = models.TextField(blank=True, help_text="What the picture shows, for readers.")
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        validators=[no_line_breaks],
        help_text="Describes the picture for people who cannot see it. Required to publish.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text='The credit line readers see, without "Photo:", e.g. "Reuters" or '
        '"AP Photo/Jane Doe". Required to publish.',
    )
    creator = models.CharField(
        max_length=200, blank=True, validators=[no_line_breaks], help_text="The photographer."
    )
    copyright_notice = models.CharField(
        max_length=255,
        blank=True,
        validators=[no_line_breaks],
        help_text='e.g. "© 2023 Reuters. All rights reserved."',
    )
    copyright_holder = models.CharField(max_length=200, blank=True, validators=[no_line_breaks])
    source = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text="The agency or partner that supplied it.",
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
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        help_text="0 = left edge, 1 = right edge. Click the preview to set the focal point: "
        "cropped versions (16:9, 4:3, square) keep it in the frame.",
    )
    focal_y = models.FloatField(
        "focal point down", default=0.5, help_text="0 = top edge, 1 = bottom edge."
    )
    # What the file's C2PA manifest said when it arrived (articles.credentials.reading), read
    # once: pages and the admin never open the file again.
    content_credentials = models.JSONField(
        "Content Credentials", default=dict, blank=True, editable=False
    )
    ai_label = models.CharField(
        "AI label",
        max_length=20,
        choices=AILabel,
        blank=True,
        help_text="Shown to readers with the credit. Required before a picture whose Content "
        "Credentials declare generative AI can go on a published story.",
    )

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

    # The file name as last saved, to notice a new file; None until saved or loaded.
    _saved_image_name = None
    # The fields the last new file filled in, for the admin to tell the editor.
    filled_from_file = ()
    # Off when whoever saves has been shown the file's own metadata and confirmed each field
    # (the photo desk): a field they emptied stays empty.
    fills_from_file = True

    def __str__(self):
        label = self.caption or self.alt_text or (self.image.name if self.image else "Photo")
        return f"{label[:60]} ({self.credit})" if self.credit else label[:60]

    def save(self, *args, **kwargs):
        if not self.image:
            self.width = self.height = None
            self.content_hash = ""
        elif self.image.name != self._saved_image_name:
            self.filled_from_file = self.take_file_facts(fill_empty_fields=self.fills_from_file)
        # The row, the new file and its renditions stand or fall together: a file written
        # here is deleted if this save fails or the caller's transaction rolls back.
        with transaction.atomic(using=kwargs.get("using")):
            if self.image and not self.image._committed:
                # What FileField.pre_save would do, here so that the file is ours to undo.
                written = written_in_transaction(self.image.storage)
                self.image.save(self.image.name, self.image.file, save=False)
                written.append(self.image.name)
            super().save(*args, **kwargs)
            # Draws what is missing, forgets what no longer applies (a new file, a moved focal
            # point, a new credit, an expired licence); one query when nothing changed.
            make_renditions(self)
        self._saved_image_name = self.image.name

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        photo = super().from_db(db, field_names, values, **kwargs)
        photo._saved_image_name = photo.__dict__.get("image")
        return photo

    def clean(self):
        if self.licence == self.Licence.CREATIVE_COMMONS and not self.licence_url:
            raise ValidationError(
                {"licence_url": "A Creative Commons photo needs the link to its licence deed."}
            )

    def take_file_facts(self, *, fill_empty_fields=True):
        """Size, fingerprint and (into empty fields only) credit and rights from a new file.

        Returns the names of the fields filled from the file. Refuses a file that is not a
        proper picture before anything is stored: the admin form has checked it already, this
        guards every other way in.
        """
        try:
            if self.image._committed:
                with self.image.storage.open(self.image.name, "rb") as stored:
                    facts = _inspect(stored)
                    credentials = _read_credentials(stored, facts)
            else:
                # Not stored yet; the admin form has usually inspected it already.
                facts = getattr(self.image.file, "image_facts", None) or _inspect(self.image)
                credentials = _read_credentials(self.image, facts)
                # Stored under the suffix of what the file is, not of what its name claims.
                self.image.name = f"upload{facts.suffix}"
        except imaging.ImageRejected as error:
            raise ValidationError({"image": error.message}, code=error.code) from error
        self.width, self.height, self.content_hash = facts.width, facts.height, facts.content_hash
        self.content_credentials = credentials.as_json() if credentials else {}
        if not fill_empty_fields:
            return []
        return self.fill_from(_signed_metadata(facts.metadata, credentials))

    def fill_from(self, metadata):
        """Copy what the file says into the fields left empty: what an editor typed wins."""
        filled = []
        for name, value in metadata.filled().items():
            if not getattr(self, name).strip():
                max_length = self._meta.get_field(name).max_length
                setattr(self, name, value[:max_length] if max_length else value)
                filled.append(name)
        return filled

    @property
    def credit_line(self):
        return format_credit(self.credit)

    @property
    def credentials(self):
        """The Content Credentials the file arrived with, in summary; None without any."""
        return Credentials.from_json(self.content_credentials)

    def provenance(self):
        """For readers: who made the picture and what we did to it, as (label, text) pairs."""
        made = self.creator.strip()
        if self.credit.strip():
            made = f"{made} ({self.credit.strip()})" if made else self.credit.strip()
        facts = [("Made by", made)] if made else []
        credentials = self.credentials
        if credentials and credentials.is_trusted:
            facts.append(("Signed by", credentials.summary().removeprefix("Signed by ")))
        elif credentials:
            facts.append(("Signed by", "Credentials came with the file but could not be verified"))
        if self.ai_label:
            facts.append(("Label", self.get_ai_label_display()))
        facts.append(
            ("What we did", "Resized and re-encoded for the web; cropped to fit some layouts")
        )
        if key := signing_key():
            facts.append(
                (
                    "Our signature",
                    f"Each of our files carries Content Credentials signed by {key.organisation},"
                    " naming the original we received",
                )
            )
        return facts

    def needs_ai_label(self):
        """Whether its credentials declare generative AI and no editor has labelled it yet."""
        credentials = self.credentials
        return bool(credentials and credentials.is_ai_generated and not self.ai_label)

    def is_usable(self, now=None):
        return self.rights_expire_at is None or self.rights_expire_at > (now or timezone.now())

    def rights_status(self, now=None):
        """ "expired", "expiring" (within the warning period) or "" when the licence is fine."""
        if self.rights_expire_at is None:
            return ""
        now = now or timezone.now()
        if self.rights_expire_at <= now:
            return "expired"
        return "expiring" if self.rights_expire_at <= now + RIGHTS_WARNING_PERIOD else ""

    def rights_note(self, now=None):
        """The licence's state in words, for editors; empty when there is nothing to say."""
        status = self.rights_status(now)
        if not status:
            return ""
        when = date_format(timezone.localtime(self.rights_expire_at), "j F Y, H:i")
        return f"Licence expired on {when}" if status == "expired" else f"Licence expires {when}"

    def publish_problems(self, now=None):
        """What stops a story carrying this photo from being published; empty when nothing."""
        problems = []
        if not self.image:
            # A wire credit line arrives before (or without) its picture.
            problems.append("no picture yet: add the file, or take the photo off the story")
        if not self.credit.strip():
            problems.append("no credit")
        if self.image and not self.alt_text.strip():
            problems.append("no alt text")
        if not self.is_usable(now):
            day = date_format(timezone.localtime(self.rights_expire_at), "j F Y")
            problems.append(f"licence expired on {day}")
        if self.needs_ai_label():
            problems.append(
                "its Content Credentials declare it AI-generated: label it "
                '"AI-generated image" or "Illustration", or use another picture'
            )
        return problems

    # Who may change it, and the record of every change.

    def is_locked_for_writers(self):
        """Whether a story using the photo has left draft: the desk's to change from then."""
        return self.pk is not None and self.stories().exclude(status=Status.DRAFT).exists()

    def can_edit(self, user):
        """Anyone who may change library photos, until it is locked for writers: then editors."""
        if not user.has_perm("articles.change_photo"):
            return False
        return user.has_perm("articles.edit_any_article") or not self.is_locked_for_writers()

    def edit(self, *, by):
        """Save `by`'s changes to the photo, if they may make them, and record what changed."""
        if self.pk is None:
            self.save()
            return self
        with transaction.atomic():
            saved = Photo.objects.select_for_update().get(pk=self.pk)
            if not saved.can_edit(by):
                raise PermissionDenied(LOCKED_FOR_WRITERS)
            self.save()
            # Compared after saving: a new file fills empty fields from its own metadata.
            changed = [
                field.name
                for field in self._meta.concrete_fields
                if field.editable
                and not field.primary_key
                and getattr(self, field.attname) != getattr(saved, field.attname)
            ]
            if changed:
                PhotoChange.objects.create(photo=self, fields=changed, by=by, at=timezone.now())
        return self

    def stories(self):
        """Every story that shows this photo: as its lead, in its gallery or in its body, or
        in one of its live entries (with the entry, or in its text)."""
        # Imported here: the article module may well import this one (publish checks).
        from articles.models.article import Article

        return Article.objects.filter(
            models.Q(lead_photo=self)
            | models.Q(photos__photo=self)
            | models.Q(body_photos__photo=self)
            | models.Q(live_entries__photo=self)
            # Entries keep no use rows: found by the reference their text holds.
            | models.Q(live_entries__text__contains=bodies.photo_marker(self.pk))
        ).distinct()

    def rendition(self, width, ratio=None, format="jpeg"):
        """The widest rendition no wider than `width` (else the narrowest), or None without a
        file. `ratio` is "16:9", "4:3", "1:1" or None for the photo's own shape. Computed
        without a query; `.url`, `.width`, `.height`, `.mime_type`, `.file_size`.
        """
        available = planned(self, ratio=ratio, format=format)
        if not available:
            return None
        fitting = [r for r in available if r.width <= width]
        return fitting[-1] if fitting else available[0]

    @property
    def syndication_rendition(self):
        """The one picture that travels: Open Graph, structured data and feeds (16:9, 1200)."""
        return self.rendition(1200, ratio="16:9")

    def picture(self, ratio=None, sizes="100vw"):
        """The WebP and JPEG renditions for a <picture> element; None without a file or usable
        licence.

        Planning eight renditions and their URLs costs more than the rest of a card, and the
        same photos fill the front page and every section page: remembered per process, under
        everything that decides the files' names.
        """
        if not self.is_usable():
            return None
        key = (
            self.image.name,
            self.rights_expire_at is not None,
            self.content_hash,
            self.width,
            self.height,
            self.focal_x,
            self.focal_y,
            embedded_metadata(self),
            ratio,
            sizes,
            settings.MEDIA_URL,
            signing_key(),
        )
        try:
            return _PICTURES[key]
        except KeyError:
            pass
        webp = planned(self, ratio=ratio, format="webp")
        jpeg = planned(self, ratio=ratio, format="jpeg")
        picture = Picture(tuple(webp), tuple(jpeg), sizes) if jpeg else None
        if len(_PICTURES) >= PICTURES_REMEMBERED:
            _PICTURES.clear()
        _PICTURES[key] = picture
        return picture


# Pictures planned, by photo state; a worker forgets them all when it has this many.
PICTURES_REMEMBERED = 5000
_PICTURES = {}


def _inspect(file):
    return imaging.inspect_image(
        file,
        max_bytes=settings.NEWSROOM_MAX_UPLOAD_BYTES,
        max_pixels=settings.NEWSROOM_MAX_IMAGE_PIXELS,
    )


def _read_credentials(file, facts):
    return read_credentials(file, imaging.MIME_TYPES[facts.format], trust_anchors=trust_anchors())


def _signed_metadata(metadata, credentials):
    """The file's metadata, with the credit and creator of a trusted manifest in first place:
    a signature proves who says so, where IPTC and XMP can be written by anyone.
    """
    if not (credentials and credentials.is_trusted):
        return metadata
    signed = {
        "credit": credentials.credit or credentials.signer,
        "creator": credentials.creator,
        "copyright_notice": credentials.copyright_notice,
    }
    return replace(metadata, **{name: value for name, value in signed.items() if value})


class PhotoChange(ChangeRecord):
    """Who changed a library photo, when, and which fields: photos appear on live pages."""

    # Kept if the photo goes, like a story's trail.
    photo = models.ForeignKey(
        Photo, on_delete=models.DO_NOTHING, db_constraint=False, related_name="changes"
    )

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}: {self.fields_display}"

    @property
    def fields_display(self):
        labels = []
        for name in self.fields:
            try:
                labels.append(str(Photo._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                labels.append(name)
        return ", ".join(labels).capitalize()


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
