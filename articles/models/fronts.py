"""Fronts the desk lays out: the home page, and any section's front, as ordered areas of stories.

A **front** has **layouts**; the one live is the latest whose `live_from` has passed, so the
06:00 front prepared tonight goes live at its minute with no job running, as scheduled stories
do. A layout is a list of **areas** (the lead, top stories, a row per section...), each holding
**slots**: the stories an editor chose, in order. An area's **fill** fills the places its slots
leave empty (the newest stories, the newest in a section or with a tag...), so a front is never
empty and never needs hand-filling overnight.

Every story shown passes through `Article.objects.published()`: one withdrawn, embargoed again
or not yet live drops out, and the fill takes its place.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import StringAgg
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from articles.arrangements import (
    MOST_STORIES_AN_AREA,
    Arrangement,
    ArrangementError,
    StaleArrangement,
    changes,
)
from articles.models.article import Article
from articles.models.labels import Label
from articles.models.sections import Section
from articles.models.status import Status


class Front(models.Model):
    """A page the desk lays out: the home page (no section), or a section's front."""

    section = models.OneToOneField(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="front"
    )

    class Meta:
        # One home page: a unique section alone would let any number of fronts have none.
        constraints = [models.UniqueConstraint(Coalesce("section", 0), name="one_front_a_page")]

    def __str__(self):
        return f"{self.section.name} front" if self.section_id else "Home page"

    def get_absolute_url(self):
        return self.section.get_absolute_url() if self.section_id else "/"

    @property
    def name(self):
        return front_name(self.section_id)

    def live_layout(self, now=None):
        return self.layouts.live(now).first()

    def layouts_ahead(self, now=None):
        """The layout live at `now`, then those scheduled after it, soonest first: what the desk
        may still arrange. From `layouts` as prefetched, when they are."""
        now = now or timezone.now()
        layouts = sorted(self.layouts.all(), key=lambda layout: (layout.live_from, layout.pk))
        past = [layout for layout in layouts if layout.live_from <= now]
        return past[-1:] + [layout for layout in layouts if layout.live_from > now]


def front_name(section_id=None):
    """What a front shows, as articles.caching names it: by its page, which readers ask for
    before any front or layout is looked up."""
    return f"front:section:{section_id}" if section_id else "front:home"


class LayoutQuerySet(models.QuerySet):
    def live(self, now=None):
        """The layouts that have gone live by `now`, the one readers see first."""
        return self.filter(live_from__lte=now or timezone.now()).order_by("-live_from", "-pk")


class Layout(models.Model):
    """A front's areas from `live_from` on, until a later layout goes live."""

    front = models.ForeignKey(Front, on_delete=models.CASCADE, related_name="layouts")
    live_from = models.DateTimeField(
        default=timezone.now,
        help_text="Readers see this layout from this time until a later one goes live.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="For the desk: “Morning edition”, “Election night”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LayoutQuerySet.as_manager()

    class Meta:
        ordering = ["front", "-live_from"]
        indexes = [models.Index(fields=["front", "-live_from"], name="layout_live_idx")]

    def __str__(self):
        when = timezone.localtime(self.live_from).strftime("%-d %b %Y %H:%M %Z")
        return f"{self.front}, from {when}" + (f" ({self.note})" if self.note else "")

    def copy(self, *, live_from, by=None, note=""):
        """A new layout with these areas and stories, to go live at `live_from`."""
        copy = Layout.objects.create(
            front=self.front, live_from=live_from, created_by=by, note=note or self.note
        )
        for area in self.areas.prefetch_related("slots"):
            slots = list(area.slots.all())
            area.pk, area.layout = None, copy
            area.save()
            Slot.objects.bulk_create(
                Slot(area=area, story_id=slot.story_id, position=slot.position) for slot in slots
            )
        return copy

    @property
    def is_scheduled(self):
        return self.live_from > timezone.now()

    @staticmethod
    def may_be_arranged_by(user):
        """Whether `user` may order a layout's areas and choose their stories."""
        return user.has_perms(
            [
                "articles.change_layout",
                "articles.change_area",
                "articles.add_slot",
                "articles.change_slot",
                "articles.delete_slot",
            ]
        )

    def arrangement(self):
        """Its areas in order, each with its chosen stories in order, as saved: two queries."""
        chosen = defaultdict(list)
        slots = Slot.objects.filter(area__layout=self).order_by("position", "pk")
        for area, story in slots.values_list("area_id", "story_id"):
            chosen[area].append(story)
        areas = self.areas.order_by("position", "pk").values_list("pk", flat=True)
        return Arrangement(tuple((area, tuple(chosen[area])) for area in areas))

    def arrange(self, arrangement, *, version, by):
        """Put its areas and their chosen stories in the order of `arrangement`, in one
        transaction and one revision by `by` whose comment says what moved; returns those
        sentences (none, and nothing written, when nothing changed).

        Refused with nothing written (ArrangementError) when the arrangement does not hold
        each of the layout's areas once, names a story that does not exist, or when the layout
        changed since the editor loaded `version`: saving would undo that change unseen.
        """
        if not self.may_be_arranged_by(by):
            raise PermissionDenied("Only editors arrange fronts.")
        with transaction.atomic(), reversion.create_revision():
            # Two editors saving at once: the second waits, then finds its version stale.
            Layout.objects.select_for_update().filter(pk=self.pk).exists()
            before = self.arrangement()
            if version != before.version:
                raise StaleArrangement("This layout was changed since you opened it.")
            areas = self.areas.in_bulk()
            if sorted(arrangement.area_ids) != sorted(areas):
                raise ArrangementError("The arrangement must hold each area of this layout once.")
            stories = Article.objects.filter(pk__in=arrangement.story_ids | before.story_ids)
            headlines = dict(stories.values_list("pk", "headline"))
            titles = {pk: str(area) for pk, area in areas.items()}
            for area, chosen in arrangement.areas:
                if unknown := [story for story in chosen if story not in headlines]:
                    raise ArrangementError(f"No story has the id {unknown[0]}: deleted meanwhile?")
                if len(set(chosen)) < len(chosen):
                    raise ArrangementError(f"A story is twice in {titles[area]}.")
                if len(chosen) > MOST_STORIES_AN_AREA:
                    raise ArrangementError(
                        f"{titles[area]} holds more than {MOST_STORIES_AN_AREA} stories."
                    )
            said = changes(before, arrangement, headlines=headlines, titles=titles)
            if not said:
                return []
            self._write(arrangement, areas)
            reversion.add_to_revision(self)
            reversion.set_user(by)
            reversion.set_comment("; ".join(said) + ".")
        return said

    def _write(self, arrangement, areas):
        # Saved one by one, so the front's page is told (articles.invalidation) and the
        # revision holds them; a story that stays keeps its slot.
        for position, pk in enumerate(arrangement.area_ids):
            if areas[pk].position != position:
                areas[pk].position = position
                areas[pk].save(update_fields=["position"])
        free = defaultdict(list)
        for slot in Slot.objects.filter(area__layout=self).order_by("position", "pk"):
            free[slot.story_id].append(slot)
        places = [
            (area, position, story)
            for area, stories in arrangement.areas
            for position, story in enumerate(stories)
        ]
        taken = {}
        for place in places:  # first the stories that stay in their area
            area, _position, story = place
            same = [slot for slot in free[story] if slot.area_id == area]
            if same:
                taken[place] = same[0]
                free[story].remove(same[0])
        for place in places:
            area, position, story = place
            if place not in taken:
                taken[place] = free[story].pop(0) if free[story] else Slot(story_id=story)
            slot = taken[place]
            if slot.pk is None or (slot.area_id, slot.position) != (area, position):
                slot.area_id, slot.position = area, position
                slot.save()
        for slots in free.values():
            for slot in slots:
                slot.delete()


class Fill(models.TextChoices):
    NONE = "", "Nothing: only the stories chosen"
    NEWEST = "newest", "The newest stories"
    TOP = "top", "The newest top stories"
    SECTION = "section", "The newest in a section"
    TAG = "tag", "The newest with a tag"
    SECTIONS = "sections", "A row for each section, its newest"


class Style(models.TextChoices):
    LEAD = "lead", "Lead: the first story large"
    TOP = "top", "Top stories: large cards"
    ROW = "row", "A row of cards"
    LIST = "list", "Headlines only"


class Area(models.Model):
    layout = models.ForeignKey(Layout, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(
        max_length=100, blank=True, help_text="Shown above the area; a lead needs none."
    )
    style = models.CharField(max_length=10, choices=Style, default=Style.ROW)
    places = models.PositiveSmallIntegerField(
        default=4, help_text="How many stories the area shows (for each section, in a row each)."
    )
    fill = models.CharField(
        max_length=10,
        choices=Fill,
        default=Fill.NEWEST,
        blank=True,
        help_text="What fills the places the chosen stories leave empty.",
    )
    fill_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fill_tag = models.ForeignKey(
        "taggit.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    photos_only = models.BooleanField(
        default=False, help_text="Fill only with stories that have a photo (a lead needs one)."
    )

    class Meta:
        ordering = ["layout", "position", "pk"]

    def __str__(self):
        return self.title or self.get_style_display()

    def clean(self):
        if self.fill == Fill.SECTION and self.fill_section is None:
            raise ValidationError({"fill_section": "Choose the section whose stories fill it."})
        if self.fill == Fill.TAG and self.fill_tag is None:
            raise ValidationError({"fill_tag": "Choose the tag whose stories fill it."})
        if not 1 <= self.places <= 30:
            raise ValidationError({"places": "An area shows between 1 and 30 stories."})


class Slot(models.Model):
    """A story an editor put in an area, at its place."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(default=0)
    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["area", "position", "pk"]

    def __str__(self):
        return f"{self.area}: {self.story}"


# Revisions keep a layout with its areas and their stories, so a front can be put back as it was.
reversion.register(Slot)
reversion.register(Area, follow=["slots"])
reversion.register(Layout, follow=["areas"])


@dataclass
class Shown:
    """An area as readers see it: its stories (rows of the front's query), and the section
    of a row of each section's."""

    area: Area
    chosen: list  # the ids of the stories chosen for the area, in order
    section: Section | None = None
    stories: list = field(default_factory=list)

    @property
    def title(self):
        return self.section.name if self.section else self.area.title

    @property
    def style(self):
        return self.area.style

    def fill_of(self, public, now):
        """The `public` stories that fill this area's empty places."""
        area = self.area
        # Sponsored stories go on a front only where an editor puts them, never by a fill.
        stories = public.editorial()
        if area.photos_only:
            stories = stories.filter(Article.objects.with_photo_q(now))
        match area.fill:
            case Fill.TOP:
                stories = stories.filter(is_top_story=True)
            case Fill.SECTION:
                stories = stories.filter(section_id=area.fill_section_id)
            case Fill.SECTIONS:
                stories = stories.filter(section_id=self.section.pk)
            case Fill.TAG:
                stories = stories.filter(Article.objects.tagged_q(area.fill_tag_id))
        return stories.order_by("-publish_at", "-pk")

    @property
    def has_room(self):
        return len(self.stories) < self.area.places

    def takes(self, row, *, chosen=False):
        """Whether a story (a row of the front's query) goes here now: a chosen story in its
        area (a row for each section takes those of its section), else one its fill finds."""
        area = self.area
        if len(self.stories) >= area.places:
            return False
        if self.section is not None and row.section_id != self.section.pk:
            return False
        if chosen:
            return True
        if row.label == Label.SPONSORED or (area.photos_only and not row.has_photo):
            return False
        match area.fill:
            case Fill.NONE:
                return False
            case Fill.TOP:
                return row.is_top_story
            case Fill.SECTION:
                return row.section_id == area.fill_section_id
            case Fill.TAG:
                return getattr(row, f"tag_{area.fill_tag_id}")
        return True

    @property
    def link(self):
        if self.section is not None:
            return self.section.get_absolute_url()
        if self.area.fill == Fill.SECTION and self.area.fill_section is not None:
            return self.area.fill_section.get_absolute_url()
        return None


def front_areas(section=None, *, now=None, sections=(), layout=None):
    """The areas of the live layout of the home page (or `section`'s front) as readers see
    them at `now`, each with its stories.

    A story shows once, in the first area that has it: the chosen stories first, then each
    area's fill in turn. Two queries whatever the number of areas and slots (the areas with
    their chosen stories, then those and the newest stories), and a third when an area's fill
    finds too few among the newest. `sections` are the site's sections in
    menu order, for an area with a row for each. `layout`, when given, is drawn rather than the
    one live at `now` (the front editor shows a scheduled one as it will be).
    """
    now = now or timezone.now()
    if layout is None:
        live = Layout.objects.filter(front__section=section).live(now).values("pk")[:1]
    else:
        live = [layout.pk]
    # Each area's chosen stories as "position story" pairs, put in order here: SQLite before
    # 3.44 orders no aggregate.
    text = models.functions.Concat(
        Cast("position", models.CharField()),
        models.Value(" "),
        Cast("story_id", models.CharField()),
    )
    chosen = Slot.objects.filter(area=models.OuterRef("pk")).values("area")
    chosen = chosen.annotate(pairs=StringAgg(text, models.Value(","))).values("pairs")
    areas = Area.objects.filter(layout__in=live).select_related("fill_section")
    areas = list(areas.annotate(chosen=models.Subquery(chosen)))
    if not areas and layout is None and section is None:
        areas = default_areas()  # a section's page without a front lists its stories alone
    shown = []
    for area in areas:
        ids = _in_order(getattr(area, "chosen", None))
        rows = [Shown(area, ids, section=section) for section in sections]
        shown += rows if area.fill == Fill.SECTIONS else [Shown(area, ids)]
    # Chosen stories no longer public are not among the rows: they drop out here.
    public = Article.objects.published(now=now)
    rows, everything = _newest(shown, public, now)
    _place(shown, rows)
    short = [item for item in shown if item.area.fill != Fill.NONE and item.has_room]
    if short and not everything:
        # A quiet section, a rare tag, a photo among older stories: walked for on their own.
        rows |= _walks(short, shown, public, now)
        _place(shown, rows)
    return [item for item in shown if item.stories]


def unseen_because(story, at):
    """Why readers will not see `story` on a front at `at` ("scheduled for 06:00",
    "withdrawn"), or "" when they will."""
    if story.status != Status.PUBLISHED:
        return dict(Status.choices)[story.status].lower()
    held = [
        ("scheduled for", story.publish_at),
        ("embargoed until", story.embargo_until),
    ]
    for words, until in held:
        if until is not None and until > at:
            local = timezone.localtime(until)
            same_day = local.date() == timezone.localtime(at).date()
            return f"{words} {local:%H:%M %Z}" if same_day else f"{words} {local:%-d %b %H:%M %Z}"
    return ""


def lay_out_as_default(front, *, by=None):
    """A first layout for `front`, live now, holding the default areas: what the home page
    shows without one, for the desk to arrange from there."""
    with transaction.atomic():
        layout = Layout.objects.create(front=front, created_by=by, note="The first layout")
        for position, area in enumerate(default_areas()):
            area.layout, area.position = layout, position
            area.save()
    return layout


def default_areas():
    """The home page with no layout live yet: a lead with a photo, the latest stories, then a row of
    each section's newest (what the first layout of the home page holds too)."""
    return [
        Area(style=Style.LEAD, places=1, fill=Fill.NEWEST, photos_only=True),
        Area(title="Latest", style=Style.ROW, places=10, fill=Fill.NEWEST),
        Area(title="Sections", style=Style.ROW, places=4, fill=Fill.SECTIONS),
    ]


def _in_order(pairs):
    pairs = (pair.split() for pair in pairs.split(",")) if pairs else []
    return [int(story) for _position, story in sorted(pairs, key=lambda pair: int(pair[0]))]


# The newest stories read at once, where most areas find what fills them.
WINDOW = 100


def _place(shown, rows):
    """Puts the stories in their areas: each chosen one where it was chosen, then each fill's
    newest in turn; a story once, in the first area that takes it."""
    seen = set()
    for item in shown:
        item.stories = []
        for pk in item.chosen:
            if pk in rows and pk not in seen and item.takes(rows[pk], chosen=True):
                item.stories.append(rows[pk])
                seen.add(pk)
    newest_first = sorted(rows.values(), key=lambda row: (row.publish_at, row.pk), reverse=True)
    for item in shown:
        for row in newest_first:
            if row.pk not in seen and item.takes(row):
                item.stories.append(row)
                seen.add(row.pk)


def _newest(shown, public, now):
    """The chosen stories still public and the newest WINDOW (or as many as the front has
    places), in one query; and whether those are every public story there is."""
    chosen = {pk for item in shown for pk in item.chosen}
    window = max(WINDOW, len(chosen) + sum(item.area.places for item in shown))
    subqueries = [public.editorial().order_by("-publish_at", "-pk").values("pk")[:window]]
    if chosen:
        subqueries.append(public.filter(pk__in=chosen).values("pk"))
    rows = _read(subqueries, shown, now)
    return rows, len(rows) < window


def _walks(short, shown, public, now):
    """Each of the `short` areas' own newest, in one query."""
    subqueries, above = [], len({pk for item in shown for pk in item.chosen})
    for item in shown:
        # No further than its places, plus every story that may be shown above it.
        if item in short:
            subqueries.append(item.fill_of(public, now).values("pk")[: above + item.area.places])
        above += item.area.places
    return _read(subqueries, shown, now)


def _read(subqueries, shown, now):
    """The stories the subqueries give, by id, with the columns that say which fills each
    fits."""
    tags = {item.area.fill_tag_id for item in shown if item.area.fill == Fill.TAG}
    columns = {f"tag_{tag}": Article.objects.tagged_q(tag) for tag in tags}
    rows = Article.objects.in_any(subqueries).annotate(
        has_photo=models.ExpressionWrapper(
            Article.objects.with_photo_q(now), output_field=models.BooleanField()
        ),
        **{
            name: models.ExpressionWrapper(q, output_field=models.BooleanField())
            for name, q in columns.items()
        },
    )
    fields = ["pk", "publish_at", "section_id", "is_top_story", "label", "has_photo", *columns]
    return {row.pk: row for row in rows.values_list(*fields, named=True)}
