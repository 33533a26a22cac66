"""The front editor: one page per layout where an editor sees its areas whole, drags stories
into order (or moves them with buttons, from the keyboard), adds and removes them, and saves
the whole arrangement at once (Layout.arrange: one transaction, one revision that says what
moved). static/articles/admin/front-editor.js moves the cards; the server judges the save.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.models import Revision, Version

from articles.admin.thumbnails import thumbnail_url
from articles.arrangements import Arrangement, ArrangementError, StaleArrangement
from articles.context_processors import nav_sections
from articles.models import Area, Article, Fill, Layout, Status, front_areas
from articles.models.fronts import unseen_because
from articles.search import matching

# Stories a search offers: enough to find one, few enough to read at a glance.
FOUND = 8


@dataclass
class Column:
    """An area on the editor's page: its chosen stories' cards, in order, and those its fill
    adds as saved (greyed: the desk did not choose them)."""

    area: Area
    chosen: list
    filled: list

    @property
    def summary(self):
        area = self.area
        places = f"{area.places} place{'s' if area.places != 1 else ''}"
        fill = f"filled with {area.get_fill_display().lower()}"
        if area.fill == Fill.NONE:
            fill = "no fill: only the stories chosen"
        elif area.fill == Fill.SECTION and area.fill_section:
            fill = f"filled with the newest in {area.fill_section.name}"
        elif area.fill == Fill.TAG and area.fill_tag:
            fill = f"filled with the newest tagged {area.fill_tag.name}"
        photos = ", with a photo" if area.photos_only and area.fill else ""
        return f"{area.get_style_display()} · {places} · {fill}{photos}"


def card(story, at):
    """What the editor's page shows of a story, and what its search answers with."""
    return {
        "id": story.pk,
        "headline": story.headline,
        "section": story.section.name if story.section_id else "",
        "label": story.label_text,
        "thumbnail": thumbnail_url(story.lead_photo, 48) if story.lead_photo_id else "",
        "unseen": unseen_because(story, at),
        "url": reverse("admin:articles_article_change", args=[story.pk]),
    }


def columns(layout, arrangement, at):
    """The areas of `arrangement` (the layout's, saved or as an editor left them) with their
    stories' cards: five queries, whatever the number of areas and stories."""
    areas = layout.areas.select_related("fill_section", "fill_tag").in_bulk()
    wanted = any(area.fill == Fill.SECTIONS for area in areas.values())
    sections = nav_sections() if wanted else ()
    filled = defaultdict(list)
    for item in front_areas(layout.front.section, now=at, sections=sections, layout=layout):
        filled[item.area.pk] += [row.pk for row in item.stories if row.pk not in item.chosen]
    ids = arrangement.story_ids | {pk for pks in filled.values() for pk in pks}
    stories = Article.objects.filter(pk__in=ids).select_related("section", "lead_photo")
    stories = stories.in_bulk()
    return [
        Column(
            areas[pk],
            [card(stories[story], at) for story in chosen if story in stories],
            [card(stories[story], at) for story in filled[pk] if story in stories],
        )
        for pk, chosen in arrangement.areas
        if pk in areas
    ]


def kept_from(posted, saved):
    """The editor's arrangement over the layout as saved now: its areas still there, in the
    editor's order, then any added meanwhile with their stories."""
    areas = [(pk, stories) for pk, stories in posted.areas if pk in saved.area_ids]
    seen = {pk for pk, _stories in areas}
    return Arrangement(tuple(areas + [item for item in saved.areas if item[0] not in seen]))


def last_change(layout):
    """The latest revision of the layout or one of its areas: who changed it, when."""
    areas = [str(pk) for pk in layout.areas.values_list("pk", flat=True)]
    versions = Q(version__in=Version.objects.get_for_object(layout)) | Q(
        version__in=Version.objects.get_for_model(Area).filter(object_id__in=areas)
    )
    revisions = Revision.objects.filter(versions).select_related("user")
    return revisions.order_by("-date_created").first()


class FrontEditorMixin:
    def get_urls(self):
        return [
            path(
                "<int:pk>/arrange/",
                self.admin_site.admin_view(self.arrange_view),
                name="articles_layout_arrange",
            ),
            path(
                "<int:pk>/arrange/stories/",
                self.admin_site.admin_view(self.stories_view),
                name="articles_layout_stories",
            ),
            *super().get_urls(),
        ]

    def arranged_layout(self, request, pk):
        layout = get_object_or_404(Layout.objects.select_related("front__section"), pk=pk)
        may = self.has_change_permission(request, layout) and layout.may_be_arranged_by(
            request.user
        )
        if not may:
            raise PermissionDenied
        return layout

    def arrange_view(self, request, pk):
        layout = self.arranged_layout(request, pk)
        saved = layout.arrangement()
        shown, status = saved, 200
        if request.method == "POST":
            try:
                posted = Arrangement.from_json(request.POST.get("arrangement", ""))
                with transaction.atomic():
                    said = layout.arrange(
                        posted, version=request.POST.get("version", ""), by=request.user
                    )
                    if said:
                        self.log_change(request, layout, "; ".join(said) + ".")
            except StaleArrangement:
                shown, status = kept_from(posted, saved), 409
                messages.error(request, self.stale_message(layout))
            except ArrangementError as error:
                status = 400
                messages.error(request, f"{error} Nothing was saved.")
            else:
                if said:
                    messages.success(request, self.saved_message(layout, said))
                else:
                    messages.info(request, "Nothing to save: the arrangement is as it was.")
                return redirect(request.path)
        now = timezone.now()
        at = max(now, layout.live_from)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Arrange {layout.front}",
            "opts": self.model._meta,
            "original": layout,
            "layout": layout,
            "columns": columns(layout, shown, at),
            "version": saved.version,
            "unsaved": shown is not saved,
            "at": at,
            "is_scheduled": layout.live_from > now,
            "is_live": layout == layout.front.live_layout(now),
            "preview_url": preview_url(layout),
            "time_zone": timezone.get_current_timezone_name(),
        }
        response = TemplateResponse(
            request, "admin/articles/layout/arrange.html", context, status=status
        )
        return response

    def stories_view(self, request, pk):
        """Stories an editor may put on the front, matching `?q=`: published ones, scheduled
        and embargoed included, the newest first; as the editor's page shows them."""
        layout = self.arranged_layout(request, pk)
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        stories = Article.objects.filter(status=Status.PUBLISHED)
        text = request.GET.get("q", "").strip()
        if text:
            stories = matching(stories, text)
        stories = stories.select_related("section", "lead_photo").order_by("-publish_at", "-pk")
        at = max(timezone.now(), layout.live_from)
        return JsonResponse({"stories": [card(story, at) for story in stories[:FOUND]]})

    def saved_message(self, layout, said):
        """What was saved, and where to see it: the public page, or the preview at its minute
        for a layout not live yet."""
        if layout.live_from > timezone.now():
            when = f"{timezone.localtime(layout.live_from):%-d %b %H:%M %Z}"
            link = format_html('<a href="{}">preview it at {}</a>', preview_url(layout), when)
        else:
            url = layout.front.get_absolute_url()
            link = format_html('<a href="{}">see it on the public page</a>', url)
        return format_html("Saved: {}. Now {}.", "; ".join(said), link)

    def stale_message(self, layout):
        change = last_change(layout)
        who = "Someone"
        if change is not None and change.user is not None:
            who = f"{change.user.get_full_name() or change.user.get_username()}"
        when = f" at {timezone.localtime(change.date_created):%H:%M %Z}" if change else ""
        what = f" ({change.comment.rstrip('.')})" if change and change.comment else ""
        return (
            f"Nothing was saved: {who} changed this layout{when}{what} since you opened it. "
            "Your arrangement is below as you left it: save again to keep it, or reload the "
            "page to see theirs."
        )


def preview_url(layout):
    """The front as readers will see it when this layout goes live."""
    at = timezone.localtime(layout.live_from).strftime("%Y-%m-%dT%H:%M:%S")
    return reverse("admin:articles_front_preview", args=[layout.front_id]) + f"?at={at}"
