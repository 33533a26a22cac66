from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import get_text_list
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles.richtext import BODY_EXTENSIONS, sanitize_body


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SPIKED = "spiked", "Spiked"


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What a reader may see: the only definition of "public" in the project.

        Scheduled and embargoed stories go live at their minute because the times are compared
        here, at query time, not by a job that flips a flag.
        """
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now).filter(
            models.Q(embargo_until__isnull=True) | models.Q(embargo_until__lte=now)
        )

    def with_card_data(self):
        """Everything a story card or page shows, in a constant number of queries."""
        return self.select_related("section", "lead_photo").prefetch_related(
            models.Prefetch("byline_set", queryset=Byline.objects.select_related("author")),
            "tags",
        )


class Article(models.Model):
    headline = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255, unique=True, help_text="The last part of the story's web address."
    )
    dek = models.TextField(
        "standfirst",
        blank=True,
        help_text="One or two sentences under the headline; also the summary in feeds and "
        "search results.",
    )
    body = ProseEditorField(config={"extensions": BODY_EXTENSIONS}, sanitize=True, blank=True)
    section = models.ForeignKey(
        "articles.Section",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        "articles.Author", through="articles.Byline", related_name="articles", blank=True
    )
    tags = TaggableManager(blank=True)
    lead_photo = models.ForeignKey(
        "articles.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text='Where the story was filed, e.g. "VLADIVOSTOK".'
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="The wire service or partner the story came from; empty for our own.",
    )

    copyright_notice = models.CharField(
        max_length=255,
        blank=True,
        help_text="Leave empty to use the site's own notice.",
    )
    copyright_holder = models.CharField(max_length=200, blank=True)
    copyright_year = models.PositiveSmallIntegerField(null=True, blank=True)

    status = models.CharField(
        max_length=20, choices=Status, default=Status.DRAFT, editable=False, db_index=True
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When readers first see the story. A future time schedules it.",
    )
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Held from readers until this moment, even when published.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Shown to readers as “Updated”."
    )
    is_top_story = models.BooleanField(
        "top story", default=False, help_text="Lead the front page with this story."
    )

    wire_key = models.CharField(max_length=255, blank=True, editable=False)
    wire_hash = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_public_idx"),
            models.Index(
                fields=["section", "status", "-publish_at"], name="article_section_public_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wire_key"],
                condition=~models.Q(wire_key=""),
                name="article_unique_wire_key",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # The admin sanitises through the form field; imports and scripts come through here.
        self.body = sanitize_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        when = timezone.localtime(self.publish_at or self.created_at or timezone.now())
        return reverse(
            "articles:detail",
            kwargs={
                "year": when.year,
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "slug": self.slug,
            },
        )

    @property
    def is_published(self):
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    @property
    def public_lead_photo(self):
        """The lead photo if readers may see it now: a lapsed licence hides it."""
        photo = self.lead_photo
        return photo if photo is not None and photo.is_usable() else None

    @cached_property
    def public_gallery(self):
        """Further photos readers may see now, in gallery order: one query, however many.

        The lead photo is shown above the story already, so not again here.
        """
        now = timezone.now()
        uses = self.photos.select_related("photo").exclude(photo_id=self.lead_photo_id)
        return [use for use in uses if use.photo.is_usable(now)]

    @property
    def bylines(self):
        """Authors in byline order; uses the prefetched rows when there are some."""
        return [byline.author for byline in self.byline_set.all()]

    @property
    def byline_text(self):
        return get_text_list([author.name for author in self.bylines], "and")

    @property
    def copyright_line(self):
        if self.copyright_notice:
            return self.copyright_notice
        year = self.copyright_year or timezone.localtime(self.publish_at or timezone.now()).year
        holder = self.copyright_holder or settings.NEWSROOM_COPYRIGHT_HOLDER
        return settings.NEWSROOM_COPYRIGHT_NOTICE.format(year=year, holder=holder)


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    author = models.ForeignKey("articles.Author", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author"),
        ]

    def __str__(self):
        return self.author.name
