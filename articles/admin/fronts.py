"""Fronts in the admin: a front's layouts, a layout's areas, an area's chosen stories in order;
a copy of a layout to go live later; and a preview of a front as readers will see it at any
time. Every change is kept as a revision (django-reversion), with who made it and when, and a
layout can be put back as it was from its history."""

from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from articles.admin.front_editor import FrontEditorMixin
from articles.cards import area_cards
from articles.context_processors import nav_sections
from articles.models import Area, Front, Layout, Slot, front_areas


def arrange_link(layout, text="Arrange"):
    url = reverse("admin:articles_layout_arrange", args=[layout.pk])
    return format_html('<a href="{}">{}</a>', url, text)


class LayoutInline(admin.TabularInline):
    model = Layout
    fields = ["live_from", "note", "created_by", "arrange"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Stories")
    def arrange(self, layout):
        return arrange_link(layout) if layout.pk else "—"


@admin.register(Front)
class FrontAdmin(admin.ModelAdmin):
    change_form_template = "admin/articles/front/change_form.html"
    list_display = ["__str__", "live_layout_display", "arrange_links"]
    inlines = [LayoutInline]
    fields = ["section", "preview_form"]
    readonly_fields = ["preview_form"]

    @admin.display(description="Live layout")
    def live_layout_display(self, front):
        # From the layouts prefetched for the list, not a query a row.
        now = timezone.now()
        live = [layout for layout in front.layouts_ahead(now) if layout.live_from <= now]
        return live[0] if live else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("layouts")

    @admin.display(description="Arrange")
    def arrange_links(self, front):
        """The live layout's stories, and each scheduled one's: one click to the editor."""
        now = timezone.now()
        links = [
            arrange_link(
                layout,
                "the live layout"
                if layout.live_from <= now
                else f"from {timezone.localtime(layout.live_from):%-d %b %H:%M %Z}",
            )
            for layout in front.layouts_ahead(now)
        ]
        return format_html_join(", ", "{}", ((link,) for link in links)) or "—"

    def get_readonly_fields(self, request, obj=None):
        return ["section", "preview_form"] if obj else ["preview_form"]

    @admin.display(description="Preview")
    def preview_form(self, front):
        """A time to see the front at, as readers then will."""
        if front.pk is None:
            return "—"
        at = timezone.localtime() + timedelta(hours=1)
        zone = timezone.get_current_timezone_name()
        return format_html(
            '<input type="datetime-local" form="front-preview" name="at" value="{}"'
            ' aria-label="Time to preview, in {}"> <span class="timezone">({})</span>'
            ' <button type="submit" form="front-preview">Preview the front at this time</button>',
            at.strftime("%Y-%m-%dT%H:%M"),
            zone,
            zone,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = (extra_context or {}) | {
            "preview_url": reverse("admin:articles_front_preview", args=[object_id])
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview)
        arrange = self.admin_site.admin_view(self.arrange_home)
        return [
            path("<int:pk>/preview/", preview, name="articles_front_preview"),
            path("home/arrange/", arrange, name="articles_front_arrange_home"),
            *super().get_urls(),
        ]

    def arrange_home(self, request):
        """The desk's shortcut (on the story budget): the live home page's front editor."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        front = get_object_or_404(Front, section=None)
        layout = front.live_layout()
        if layout is None:
            messages.info(request, "The home page has no layout yet: add one below.")
            return redirect(reverse("admin:articles_layout_add") + f"?front={front.pk}")
        return redirect("admin:articles_layout_arrange", pk=layout.pk)

    def preview(self, request, pk):
        """The front as readers will see it at `?at=` (now by default): stories scheduled by
        then, embargoes lifted and the layout live then included. Drawn for this editor only:
        never kept, never public."""
        front = get_object_or_404(Front, pk=pk)
        if not self.has_view_permission(request, front):
            raise PermissionDenied
        at = parse_datetime(request.GET.get("at", "")) or timezone.now()
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        sections = nav_sections()
        areas = front_areas(front.section, now=at, sections=sections)
        response = TemplateResponse(
            request,
            "articles/home.html",
            {
                "front": areas,
                "areas": area_cards(areas, keep=False),
                "nav_sections": sections,
                "preview_at": at,
            },
        )
        add_never_cache_headers(response)
        return response


AREA_FIELDS = [
    "position",
    "title",
    "style",
    "places",
    "fill",
    "fill_section",
    "fill_tag",
    "photos_only",
]


class AreaInline(admin.TabularInline):
    model = Area
    fields = AREA_FIELDS
    autocomplete_fields = ["fill_tag"]
    extra = 0
    show_change_link = True


@admin.register(Layout)
class LayoutAdmin(FrontEditorMixin, VersionAdmin):
    list_display = ["front", "live_from", "note", "created_by"]
    list_filter = ["front"]
    fields = ["front", "live_from", "note"]
    inlines = [AreaInline]
    actions = ["copy_for_tomorrow_morning"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "live_from":
            # A time is entered, as it is shown, with its zone: desks elsewhere set them too.
            zone = timezone.get_current_timezone_name()
            field.help_text = f"{field.help_text} In {zone}."
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Prepare a copy to go live at 06:00 tomorrow", permissions=["add"])
    def copy_for_tomorrow_morning(self, request, queryset):
        tomorrow = timezone.localdate() + timedelta(days=1)
        six = timezone.make_aware(datetime.combine(tomorrow, time(6)))
        for layout in queryset:
            copy = layout.copy(live_from=six, by=request.user)
        messages.success(
            request,
            f"Copied: it goes live {timezone.localtime(six):%-d %B at %H:%M %Z}. "
            "Change its areas and stories, or its time, below.",
        )
        return redirect(reverse("admin:articles_layout_change", args=[copy.pk]))


class SlotInline(admin.TabularInline):
    model = Slot
    fields = ["position", "story"]
    autocomplete_fields = ["story"]
    extra = 1


@admin.register(Area)
class AreaAdmin(VersionAdmin):
    list_display = ["__str__", "layout", "style", "places", "fill"]
    fields = ["layout", *AREA_FIELDS]
    autocomplete_fields = ["fill_tag"]
    inlines = [SlotInline]

    def has_module_permission(self, request):
        return False  # reached from its layout
