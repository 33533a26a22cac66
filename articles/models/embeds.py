"""Embeds by address: a provider's oEmbed answer about an address, kept as data when a story
naming it is saved (never while a reader waits), and the stories whose bodies show it.

Readers get our copy of the thumbnail and, when they ask for it, a player framed from the
address kept in `frame_src` (checked against the provider's player origin): never the
provider's own HTML or scripts.
"""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from articles import oembed
from articles.imaging import ImageRejected, inspect_image
from articles.models.files import written_in_transaction

# A provider's thumbnail is a small picture: anything bigger is not one.
MAX_THUMBNAIL_BYTES = 5 * 1024 * 1024
MAX_THUMBNAIL_PIXELS = 25_000_000


def provider_table():
    return oembed.providers(settings.NEWSROOM_OEMBED_PROVIDERS)


def thumbnail_upload_to(instance, filename):
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return f"embeds/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EmbedQuerySet(models.QuerySet):
    def fetch_missing(self, urls):
        """Ask the providers about each address not asked yet, or whose last answer failed;
        each answer is kept at once, in its own transaction, so a slow provider holds no
        story's rows."""
        urls = [url for url in dict.fromkeys(urls) if oembed.provider_for(url)]
        if not urls:
            return
        answered = set(self.filter(url__in=urls, error="").values_list("url", flat=True))
        for url in urls:
            if url not in answered:
                embed = self.filter(url=url).first() or self.model(url=url)
                embed.fetch()


class Embed(models.Model):
    """What a provider said about an address: title, author, thumbnail, player."""

    url = models.URLField("address", max_length=oembed.MAX_URL, unique=True)
    provider = models.CharField(max_length=30)
    title = models.CharField(max_length=oembed.MAX_TEXT, blank=True)
    author_name = models.CharField(max_length=oembed.MAX_TEXT, blank=True)
    thumbnail = models.ImageField(
        upload_to=thumbnail_upload_to,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
        blank=True,
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    # The player's address, on the provider's own origin; empty: readers get a link.
    frame_src = models.URLField(max_length=1000, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the provider's last answer failed.")

    objects = EmbedQuerySet.as_manager()

    class Meta:
        ordering = ["-fetched_at"]

    def __str__(self):
        return self.title or self.url

    @cached_property
    def source(self):
        """The provider of the address, from our table (None for one we no longer take)."""
        return oembed.provider_for(self.url, provider_table())

    def fetch(self):
        """Ask the provider again and keep its answer, or why it failed; never raises for a
        provider's failure."""
        provider = self.source
        if provider is None:
            return
        timeout = settings.NEWSROOM_OEMBED_TIMEOUT
        thumbnail = None
        try:
            answer = oembed.fetch(self.url, provider, timeout=timeout)
        except oembed.EmbedError as error:
            answer, self.error = oembed.Answer(), str(error)
        else:
            self.error = ""
            if answer.thumbnail_url:
                thumbnail = _thumbnail(answer.thumbnail_url, provider, timeout=timeout)
        if self.error and self.pk:
            # Keep what an earlier answer gave: a failed retry takes nothing away.
            self.fetched_at = timezone.now()
            self.save(update_fields=["error", "fetched_at"])
            return
        self.provider = provider.key
        self.title, self.author_name = answer.title, answer.author_name
        self.frame_src, self.width, self.height = answer.frame_src, answer.width, answer.height
        self.fetched_at = timezone.now()
        old = self.thumbnail.name if self.pk else ""
        try:
            with transaction.atomic():
                names = written_in_transaction(self.thumbnail.storage)
                if thumbnail is not None:
                    name = f"thumbnail{thumbnail[1]}"
                    self.thumbnail.save(name, ContentFile(thumbnail[0]), save=False)
                    names.append(self.thumbnail.name)
                else:
                    self.thumbnail = ""
                self.save()
        except IntegrityError:
            return  # another save asked about the same address meanwhile: its answer stands
        if old and old != self.thumbnail.name:
            self.thumbnail.storage.delete(old)

    @property
    def player(self):
        """The player's address readers may frame, checked again against today's table."""
        return oembed.valid_frame(self.frame_src, self.source) if self.source else ""

    @property
    def provider_name(self):
        return self.source.name if self.source else self.provider

    @property
    def display_title(self):
        source = self.source
        return self.title or (f"A {source.noun} on {source.name}" if source else self.url)

    @property
    def load_label(self):
        """What the reader's button says: where loading the player sends them."""
        source = self.source
        return f"Load the {source.name} {source.noun} (sends you to {source.domain})"

    @property
    def link_label(self):
        source = self.source
        if source is None:
            return self.url
        return f"See the {source.noun} on {source.name} ({source.domain})"

    def problem(self):
        """What the editor is told of an address whose answer failed, or ""."""
        if not self.error:
            return ""
        return (
            f"Embed {self.url}: {self.error} Readers get a link to the address; saving the "
            "story again asks again."
        )

    def preview(self):
        """What the editor's block shows (static/articles/admin/body-blocks.js)."""
        return {
            "url": self.url,
            "label": self.display_title,
            "provider": self.provider_name,
            "author": self.author_name,
            "thumbnail": self.thumbnail.url if self.thumbnail else "",
            "plays": bool(self.frame_src),
            "problem": self.problem(),
        }


def _thumbnail(url, provider, *, timeout):
    """The thumbnail's bytes and suffix, checked like an upload; None when it is not a picture
    we would serve (readers then get the title without one)."""
    try:
        data = oembed.download(url, provider, timeout=timeout, limit=MAX_THUMBNAIL_BYTES)
        facts = inspect_image(
            io.BytesIO(data), max_bytes=MAX_THUMBNAIL_BYTES, max_pixels=MAX_THUMBNAIL_PIXELS
        )
    except (oembed.EmbedError, ImageRejected):
        return None
    return data, facts.suffix


class BodyEmbed(models.Model):
    """An embed shown inside a story's body."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="body_embeds"
    )
    embed = models.ForeignKey(Embed, on_delete=models.CASCADE, related_name="uses")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name = "embed in body"
        verbose_name_plural = "embeds in body"
        constraints = [
            models.UniqueConstraint(fields=["article", "embed"], name="body_embed_once"),
        ]

    def __str__(self):
        return str(self.embed)
