import operator
from functools import reduce

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import get_text_list
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles import bodies
from articles.models.assignments import Assignment
from articles.models.bodies import keep_body_uses
from articles.models.embeds import Embed
from articles.models.labels import Label
from articles.models.live import LiveCoverage
from articles.models.locking import EditLocking
from articles.models.photos import Photo, chosen_by
from articles.models.stamps import stamped_by
from articles.models.status import Status
from articles.models.workflow import EditorialWorkflow
from articles.richtext import BODY_EXTENSIONS, sanitize_body
from articles.search import SearchDocument
from articles.validators import no_line_breaks

EMBARGOABLE = {Status.APPROVED, Status.PUBLISHED}
READER_FACING = {Status.PUBLISHED, Status.WITHDRAWN}
# What a story card shows (and its address is made of); the body stays in the database.
CARD_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "publish_at",
    "first_published_at",
    "revised_at",
    "created_at",
    "section",
    "lead_photo",
    "label",
    "sponsor",
    # A story's cards say Live while its coverage runs.
    "coverage_starts_at",
    "coverage_ends_at",
)
# What a story's page shows: the workflow's columns, half the table, stay in the database.
STORY_FIELDS = (
    *CARD_FIELDS,
    "body",
    "dateline",
    "source",
    "copyright_notice",
    "copyright_holder",
    "copyright_year",
)
STATE_LABELS = dict(Status.choices) | {
    "changes_requested": "Changes requested",
    "scheduled": "Scheduled",
    "embargoed": "Embargoed",
}


def scheduled_q(now):
    return models.Q(status=Status.PUBLISHED, publish_at__gt=now)


def embargoed_q(now):
    return models.Q(status__in=EMBARGOABLE, embargo_until__gt=now)


# A draft the desk sent back, not yet submitted again; other drafts are still being written.
CHANGES_REQUESTED = models.Q(status=Status.DRAFT, changes_requested_at__isnull=False)
IN_PROGRESS = models.Q(status=Status.DRAFT, changes_requested_at__isnull=True)


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

    def chosen_by(self, *, words="", pk=None):
        """What the body editor's story chooser finds, newest first: one story by id, else
        stories whose headline holds the words. Any state: readers see a link only once it
        is published (Article.linked_stories)."""
        return chosen_by(self, words=words, pk=pk, fields=("headline",)).order_by(
            "-publish_at", "-pk"
        )

    def known_to(self, user):
        """The stories `user` may know of: every one for those who may edit any, else those
        readers see and their own (what their story preview allows them)."""
        if user.has_perm("articles.edit_any_article"):
            return self
        public = Article.objects.published().values("pk")
        own = Article.objects.written_by(user).values("pk")
        return self.filter(models.Q(pk__in=public) | models.Q(pk__in=own))

    def editorial(self):
        """Stories the newsroom chose to tell: everything but sponsored content."""
        return self.exclude(label=Label.SPONSORED)

    def scheduled(self, now=None):
        return self.filter(scheduled_q(now or timezone.now()))

    def embargoed(self, now=None):
        return self.filter(embargoed_q(now or timezone.now()))

    def in_progress(self):
        """Drafts being written, assigned ones included; not those sent back."""
        return self.filter(IN_PROGRESS)

    def changes_requested(self):
        """Drafts the desk sent back with a note, not yet submitted again."""
        return self.filter(CHANGES_REQUESTED)

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)

    def overdue(self, now=None):
        """Assigned work whose due time has passed and which is not yet submitted."""
        return self.filter(status=Status.DRAFT, due_at__lte=now or timezone.now())

    def tags(self):
        """The tags these stories carry: `published().tags()` are the tags readers may see."""
        from taggit.models import Tag  # taggit's models need the app registry ready

        # One query with its lookup: a semi-join, where a join would repeat each tag per story.
        return Tag.objects.filter(models.Exists(self.filter(tags=models.OuterRef("pk"))))

    def bylined_authors(self):
        """The authors bylined on these stories: `published().bylined_authors()` are the
        authors readers may see."""
        from articles.models.people import Author

        return Author.objects.filter(models.Exists(self.filter(authors=models.OuterRef("pk"))))

    def written_by(self, user):
        """Stories the user created, has a byline on or is assigned.

        One list of ids from indexed lookups: an OR across the byline join needed a
        DISTINCT over the whole archive (docs/performance.md).
        """
        created = Article.objects.filter(created_by=user).values("pk")
        assigned = Article.objects.filter(assigned_to=user).values("pk")
        bylined = Byline.objects.filter(author__user=user).values("article_id")
        return self.filter(pk__in=created.union(assigned, bylined))

    def state_counts(self, now=None):
        """How many stories stand in each state, scheduled and embargoed included."""
        now = now or timezone.now()
        counts = {status: models.Count("pk", filter=models.Q(status=status)) for status in Status}
        # "Draft" counts the drafts being written; those sent back are counted on their own.
        counts[Status.DRAFT] = models.Count("pk", filter=IN_PROGRESS)
        counts["changes_requested"] = models.Count("pk", filter=CHANGES_REQUESTED)
        # "Published" counts what readers can see; the rest are scheduled or embargoed.
        counts[Status.PUBLISHED] = models.Count(
            "pk",
            filter=models.Q(status=Status.PUBLISHED, publish_at__lte=now)
            & ~models.Q(embargo_until__gt=now),
        )
        counts["scheduled"] = models.Count("pk", filter=scheduled_q(now))
        counts["embargoed"] = models.Count("pk", filter=embargoed_q(now))
        return self.aggregate(**counts)

    def next_visibility_change(self, now):
        """The next moment published() answers differently without anything being saved."""
        # Two index walks that stop at the first row, rather than one scan of the archive.
        published = self.filter(status=Status.PUBLISHED)
        moments = [
            published.filter(**{f"{field}__gt": now})
            .order_by(field)
            .values_list(field, flat=True)
            .first()
            for field in ("publish_at", "embargo_until")
        ]
        return min(filter(None, moments), default=None)

    def coverage_came_due(self, since, now):
        """(Published stories whose live coverage started or ended after `since` up to `now`;
        the next moment one starts or ends after `now`), from one query of the few stories
        whose coverage has not ended by `since`."""
        covered = self.published(now).filter(coverage_starts_at__isnull=False)
        rows = covered.filter(
            models.Q(coverage_ends_at__isnull=True) | models.Q(coverage_ends_at__gt=since)
        ).values_list("pk", "coverage_starts_at", "coverage_ends_at")
        due, moments = [], []
        for pk, starts, ends in rows:
            if any(moment and since < moment <= now for moment in (starts, ends)):
                due.append(pk)
            moments += [moment for moment in (starts, ends) if moment and moment > now]
        return due, min(moments, default=None)

    def withdrawn(self, now=None):
        """Stories taken down after readers had seen them: their address answers 410 Gone."""
        return self.filter(status=Status.WITHDRAWN, first_published_at__lte=now or timezone.now())

    def formerly_at(self, slug):
        """Stories readers once saw at `slug`, which have moved to another since."""
        return self.filter(former_slugs__slug=slug)

    def cards(self):
        """Stories as cards: only the columns a card shows, with its section and photo.

        Bylines are left to with_card_data() or bylines_prefetch(): brief cards go without.
        """
        return self.select_related("section", "lead_photo").only(*CARD_FIELDS)

    def with_photo_q(self, now):
        """Stories whose lead photo readers may see at `now`: it has a picture and a licence."""
        return (
            models.Q(lead_photo__isnull=False)
            & ~models.Q(lead_photo__image="")
            & (
                models.Q(lead_photo__rights_expire_at__isnull=True)
                | models.Q(lead_photo__rights_expire_at__gt=now)
            )
        )

    def tagged_q(self, tag_id):
        """Stories tagged `tag_id`: a semi-join, which a row per story needs (not a join)."""
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import TaggedItem  # taggit's models need the app registry ready

        stories = ContentType.objects.db_manager(self.db).get_for_model(self.model)
        tagged = TaggedItem.objects.filter(
            tag_id=tag_id, object_id=models.OuterRef("pk"), content_type=stories
        )
        return models.Q(models.Exists(tagged))

    def listed(self):
        """Stories as a list needs them before their cards are drawn: id, time, section.

        Cards are kept between requests (articles.cards); `cards_by_id` loads the few that
        must be drawn.
        """
        return self.values_list("pk", "publish_at", "section_id", named=True)

    def cards_by_id(self, ids, *, bylines=True):
        """Complete stories for the cards to draw, by id: with their bylines unless brief."""
        stories = self.filter(pk__in=ids).cards()
        return (stories.prefetch_related(bylines_prefetch()) if bylines else stories).in_bulk()

    def with_card_data(self):
        """Everything a story card shows, in a constant number of queries."""
        return self.select_related("section", "lead_photo").prefetch_related(bylines_prefetch())

    def related_to(self, pk, section_id, tag_ids, *, stories, count=4):
        """The newest stories other than story `pk` in the section `section_id` (if any) or
        tagged with one of `tag_ids`; `stories` is the id of Article's content type.

        Candidates come from short index walks - the section's newest stories and each tag's
        most recently created - so the cost stays the same however large the archive; a scan
        of every story in the section or tag would grow with it.
        """
        candidates = []
        if section_id is not None:
            candidates.append(
                self.filter(section_id=section_id)
                .order_by("-publish_at", "-pk")
                .values("pk")[: count + 1]
            )
        # Imported here: taggit's models need the app registry ready.
        from taggit.models import TaggedItem

        # Built once, as each tag's walk differs only by its tag.
        tagged = (
            TaggedItem.objects.filter(content_type_id=stories)
            .order_by("-object_id")
            .values("object_id")
        )
        for tag_id in tag_ids:
            # Drafts tagged alike may take places here: a few spare ones make up for them.
            candidates.append(tagged.filter(tag_id=tag_id)[: count * 2])
        if not candidates:
            return self.none()
        return self.in_any(candidates).exclude(pk=pk).order_by("-publish_at", "-pk")

    def older_than(self, cursor):
        """Stories listed after `cursor` in newest-first order (see articles.paging)."""
        # The range on publish_at alone is what an index walk can start from; the exclusion
        # settles stories published in the same microsecond by id.
        return self.filter(publish_at__lte=cursor.publish_at).exclude(
            publish_at=cursor.publish_at, pk__gte=cursor.pk
        )

    def newer_than(self, cursor):
        """Stories listed before `cursor` in newest-first order."""
        return self.filter(publish_at__gte=cursor.publish_at).exclude(
            publish_at=cursor.publish_at, pk__lte=cursor.pk
        )

    def in_any(self, subqueries):
        """Stories whose id one of the (ordered, sliced) one-column subqueries gives.

        Written so that each database walks an index per subquery: PostgreSQL answers an OR
        of IN-subqueries by scanning the whole archive, a UNION ALL of them with a few index
        walks; SQLite allows no ordered, limited part in a UNION, and plans the OR as a
        multi-index OR.
        """
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            first, *others = subqueries
            return self.filter(pk__in=first.union(*others, all=True))
        return self.filter(reduce(operator.or_, (models.Q(pk__in=ids) for ids in subqueries)))

    def with_last_modified(self):
        """Annotate when each story last changed for readers, corrections included."""
        # Imported here: the workflow models import this module.
        from articles.models.workflow import Correction

        last_correction = (
            Correction.objects.filter(article=models.OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.annotate(last_corrected_at=models.Subquery(last_correction))


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector is the database's own business, and large: never load it.
        return super().get_queryset().defer("search_vector")

    def public_story(self, slug):
        """The published story at `slug`, with its section and lead photo, else None.

        Only the columns its page shows (STORY_FIELDS): building the query and its rows costs
        Django more for each column than the database takes to answer.
        """
        story = self.published().select_related("section", "lead_photo").only(*STORY_FIELDS)
        try:
            # Not first(): slugs are unique, and ordering the one row cost as much to build.
            return story.get(slug=slug)
        except self.model.DoesNotExist:
            return None

    def related(self, article, tag_ids, *, count=4):
        """The ids of the stories shown beside `article` as cards (see
        ArticleQuerySet.related_to); `tag_ids` are the article's tags."""
        from django.contrib.contenttypes.models import ContentType

        stories = ContentType.objects.db_manager(self.db).get_for_model(Article).pk
        related = self.published().related_to(
            article.pk, article.section_id, tag_ids, stories=stories, count=count
        )
        return list(related.values_list("pk", flat=True)[:count])


# Every save keeps a revision with its bylines and photo uses. Tags are left out: taggit's
# manager does not serialise (it would store "None").
@reversion.register(follow=["byline_set", "photos"], exclude=["tags"])
class Article(EditorialWorkflow, Assignment, EditLocking, LiveCoverage):
    headline = models.CharField(max_length=255, validators=[no_line_breaks])
    slug = models.SlugField(
        max_length=255, unique=True, help_text="The last part of the story's web address."
    )
    standfirst = models.TextField(
        blank=True,
        help_text="One or two sentences under the headline; also the summary in feeds and "
        "search results.",
    )
    body = ProseEditorField(
        config={"extensions": BODY_EXTENSIONS}, sanitize=sanitize_body, blank=True
    )
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
    label = models.CharField(
        max_length=20,
        choices=Label,
        blank=True,
        help_text="Shown to readers above the headline, on the story and its cards. "
        "Leave empty for news.",
    )
    sponsor = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text="Who paid for a sponsored story: readers see “Sponsored by” this name. "
        "Needed with the Sponsored label, and only with it.",
    )
    lead_photo = models.ForeignKey(
        "articles.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
    )
    dateline = models.CharField(
        max_length=100,
        blank=True,
        validators=[no_line_breaks],
        help_text='Where the story was filed, e.g. "VLADIVOSTOK".',
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text="The wire service or partner the story came from; empty for our own.",
    )
    # Provenance, as the wire said it: kept whichever of them `source` shows.
    agency = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text="The news agency the wire copy names in its dateline, e.g. “Reuters”.",
    )
    syndication_service = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
        help_text="The service the wire copy came through (“Powered by …”), e.g. “Vygr Media”.",
    )

    copyright_notice = models.CharField(
        max_length=255,
        blank=True,
        validators=[no_line_breaks],
        help_text="Leave empty to use the site's own notice.",
    )
    copyright_holder = models.CharField(max_length=200, blank=True, validators=[no_line_breaks])
    copyright_year = models.PositiveSmallIntegerField(null=True, blank=True)
    usage_terms = models.TextField(
        blank=True,
        help_text="Conditions the agency or partner sets on using the story, as they sent them.",
    )

    is_top_story = models.BooleanField(
        "top story", default=False, help_text="Lead the front page with this story."
    )
    search_vector = models.GeneratedField(
        expression=SearchDocument(), output_field=SearchVectorField(), db_persist=True
    )

    # Which agency file the story came from (articles.wire.importer.WireIdentity): the feed
    # it arrived on and its name there, since two agencies may both send "story.txt". Stories
    # imported before feeds were recorded have an empty feed.
    wire_feed = models.CharField(max_length=100, blank=True, editable=False)
    wire_key = models.CharField(max_length=255, blank=True, editable=False)
    wire_hash = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = stamped_by()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        permissions = [
            ("edit_any_article", "Can edit other people's stories"),
            ("approve_article", "Can approve stories or send them back"),
            ("publish_article", "Can publish, schedule and embargo stories"),
            ("withdraw_article", "Can withdraw published stories"),
            ("correct_article", "Can append corrections to published stories"),
            ("restore_article", "Can restore withdrawn or spiked stories"),
        ]
        get_latest_by = "publish_at"
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_public_idx"),
            models.Index(
                fields=["section", "status", "-publish_at"], name="article_section_public_idx"
            ),
            # Finding the next embargo to lift without reading the archive.
            models.Index(fields=["status", "embargo_until"], name="article_embargo_idx"),
            # The admin's story list, every state at once, newest first.
            models.Index(fields=["-publish_at", "-id"], name="article_newest_idx"),
            # The news sitemap: stories first published in the last two days.
            models.Index(fields=["first_published_at"], name="article_first_published_idx"),
            # The front page's lead: the newest top story, however few there are.
            models.Index(
                fields=["is_top_story", "status", "-publish_at"], name="article_top_story_idx"
            ),
            # The schedule's look at live coverage: the few stories that have some.
            models.Index(
                fields=["coverage_ends_at"],
                condition=models.Q(coverage_starts_at__isnull=False),
                name="article_coverage_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wire_feed", "wire_key"],
                condition=~models.Q(wire_key=""),
                name="article_unique_wire_identity",
            ),
            # Paid content is never shown without its sponsor (clean() says so in words).
            models.CheckConstraint(
                condition=models.Q(label=Label.SPONSORED, sponsor__gt="")
                | (~models.Q(label=Label.SPONSORED) & models.Q(sponsor="")),
                name="article_sponsor_only_when_sponsored",
            ),
        ]

    def __str__(self):
        return self.headline

    def clean(self):
        super().clean()
        if self.label == Label.SPONSORED and not self.sponsor.strip():
            raise ValidationError(
                {"sponsor": "Name the sponsor: readers see “Sponsored by” it on a sponsored story."}
            )
        # Taking the Sponsored label off is done on purpose, with the sponsor cleared too.
        if self.sponsor and self.label != Label.SPONSORED:
            raise ValidationError(
                {
                    "sponsor": "Only a sponsored story names a sponsor: choose the Sponsored "
                    "label, or clear the sponsor."
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        story = super().from_db(db, field_names, values, **kwargs)
        # The slug as saved: a story readers have seen keeps answering at it (FormerSlug).
        story._saved_slug = story.__dict__.get("slug")
        # The body as saved: its photos and links are written again only when it changes.
        story._saved_body = story.__dict__.get("body")
        return story

    # None until the story is saved or loaded with its slug, or its body.
    _saved_slug = None
    _saved_body = None

    # Set by a caller that asked the body's embeds' providers before its own transaction
    # (the admin): save asks none, so no provider is waited for with the database held.
    providers_asked = False

    def save(self, *args, **kwargs):
        # The admin sanitises through the form field; imports and scripts come through here.
        self.body = sanitize_body(self.body)
        # Every save makes a new version, so a copy loaded before it can be recognised as stale.
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "version"]
        update_fields = kwargs.get("update_fields")
        if not self.providers_asked and (update_fields is None or "body" in update_fields):
            # Before the story's own writes: a slow provider holds none of its rows.
            Embed.objects.fetch_missing(bodies.embed_urls(self.body))
        left, body_moved = self._left_slug(update_fields), self._body_moved(update_fields)
        if left or body_moved:
            with transaction.atomic(using=kwargs.get("using")):
                super().save(*args, **kwargs)
                if left:
                    self.former_slugs.update_or_create(
                        slug=left, defaults={"replaced_at": timezone.now()}
                    )
                    # Back at a slug it had before: that one is current again, not former.
                    self.former_slugs.filter(slug=self.slug).delete()
                if body_moved:
                    keep_body_uses(self)
        else:
            super().save(*args, **kwargs)
        self._saved_slug, self._saved_body = self.slug, self.body

    def _body_moved(self, update_fields):
        """Whether this save may change which photos and stories the body shows."""
        if update_fields is not None and "body" not in update_fields:
            return False
        if self._state.adding:
            return bool(
                bodies.photo_ids(self.body)
                or bodies.story_ids(self.body)
                or bodies.embed_urls(self.body)
            )
        return self._saved_body is None or self._saved_body != self.body

    def _left_slug(self, update_fields):
        """The slug this save leaves, if readers have seen the story at it; else None."""
        if self._state.adding or (update_fields is not None and "slug" not in update_fields):
            return None
        first = self.first_publication
        if not (self.concerns_readers and first is not None and first <= timezone.now()):
            return None  # nobody has followed a link to it yet
        saved = self._saved_slug
        if saved is None:  # not loaded from the database with its slug (a revision, a script)
            saved = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        return saved if saved and saved != self.slug else None

    @property
    def concerns_readers(self):
        """Whether readers could see the story now or have seen it: drafts change no page."""
        return self.status in READER_FACING or self.first_published_at is not None

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
    def state(self):
        """The state as an editor thinks of it: changes requested, scheduled and embargoed
        included."""
        now = timezone.now()
        if self.status == Status.DRAFT and self.changes_requested_at:
            return "changes_requested"
        if self.embargo_until and self.embargo_until > now and self.status in EMBARGOABLE:
            return "embargoed"
        if self.status == Status.PUBLISHED and self.publish_at and self.publish_at > now:
            return "scheduled"
        return self.status

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def is_sponsored(self):
        return self.label == Label.SPONSORED

    @property
    def shown_label(self):
        """The label readers see: Live while the coverage runs, whatever was chosen; a story
        labelled Live whose coverage has not started or has ended reads as news."""
        if self.is_live:
            return Label.LIVE
        if self.label == Label.LIVE and self.coverage_starts_at is not None:
            return ""
        return self.label

    @property
    def label_text(self):
        """The label as readers read it ("Opinion", "Sponsored by Acme"), or empty for news."""
        if self.is_sponsored:
            return f"Sponsored by {self.sponsor}"
        return Label(self.shown_label).label if self.shown_label else ""

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
    def inline_photos(self):
        """The library photos the body shows, by id: one query, none for a body without;
        asked again only when the body names other photos."""
        ids = bodies.photo_ids(self.body)
        if (kept := self.__dict__.get("_inline_photos")) is None or kept[0] != ids:
            kept = self._inline_photos = (ids, Photo.objects.in_bulk(ids) if ids else {})
        return kept[1]

    def public_inline_photos(self):
        """The body's photos readers may see now, in body order (structured data, feeds)."""
        now = timezone.now()
        photos = (self.inline_photos.get(pk) for pk in bodies.photo_ids(self.body))
        return [photo for photo in photos if photo and photo.image and photo.is_usable(now)]

    @property
    def embeds(self):
        """The body's embeds, by address: one query, none for a body without; asked again only
        when the body names other addresses. Never a provider: that was asked on save."""
        urls = bodies.embed_urls(self.body)
        if (kept := self.__dict__.get("_embeds")) is None or kept[0] != urls:
            found = Embed.objects.in_bulk(urls, field_name="url") if urls else {}
            kept = self._embeds = (urls, found)
        return kept[1]

    def embed_problems(self):
        """What the editor is told of the body's embeds whose provider failed to answer."""
        return [problem for embed in self.embeds.values() if (problem := embed.problem())]

    @property
    def linked_stories(self):
        """The stories the body links to that readers may see, by id, ready to draw as cards:
        one query, none for a body without. An unpublished, withdrawn or embargoed story is
        simply not there."""
        ids = [pk for pk in bodies.story_ids(self.body) if pk != self.pk]
        if (kept := self.__dict__.get("_linked_stories")) is None or kept[0] != ids:
            found = type(self).objects.published().cards().in_bulk(ids) if ids else {}
            kept = self._linked_stories = (ids, found)
        return kept[1]

    @cached_property
    def tag_list(self):
        """The story's tags, the longest-standing first: one query, kept with the story.

        Lighter than taggit's prefetch of `tags`, which finds them by joining the content types
        by name.
        """
        # Imported here: taggit's models need the app registry ready.
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import Tag

        stories = ContentType.objects.db_manager(self._state.db).get_for_model(Article)
        tagged = Tag.objects.filter(
            taggit_taggeditem_items__content_type=stories,
            taggit_taggeditem_items__object_id=self.pk,
        )
        return list(tagged.order_by("pk"))

    @property
    def first_publication(self):
        """When readers first saw the story: the time feeds and structured data publish."""
        return self.first_published_at or self.publish_at

    @property
    def modified_at(self):
        """When the story last changed for readers: published, revised or corrected.

        Counts corrections only on stories loaded `with_last_modified()` or with their
        corrections prefetched.
        """
        corrected = getattr(self, "last_corrected_at", None)
        if corrected is None and "corrections" in getattr(self, "_prefetched_objects_cache", {}):
            corrected = max((c.created_at for c in self.corrections.all()), default=None)
        return last_change(self.first_publication, self.revised_at, corrected)

    @property
    def bylines(self):
        """Authors in byline order; uses the prefetched rows when there are some."""
        rows = self.__dict__.get("byline_list")  # read with bylines_prefetch()
        return [byline.author for byline in (self.byline_set.all() if rows is None else rows)]

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


def last_change(first_publication, revised_at, last_corrected_at):
    """When a story last changed for readers: published, revised or corrected."""
    return max(filter(None, [first_publication, revised_at, last_corrected_at]), default=None)


def bylines_prefetch():
    """Bylines with their authors, for a list of stories, in one query.

    Into a list (`to_attr`): left in the related manager's cache, Django builds a queryset for
    each story to hold them, which cost more than the query itself.
    """
    return models.Prefetch(
        "byline_set", queryset=Byline.objects.select_related("author"), to_attr="byline_list"
    )


@reversion.register()
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
