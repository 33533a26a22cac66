from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

from articles import bodies
from articles.admin.body_blocks import BodyBlocksMixin
from articles.admin.budget import BudgetAdminMixin
from articles.admin.filters import PublishedYearFilter
from articles.admin.forms import ArticleForm
from articles.admin.pagination import EstimatedCountPaginator
from articles.admin.photo_desk import PhotoDeskAdminMixin
from articles.admin.photo_rights import StoryPhotoRights
from articles.admin.revisions import RevisionAdminMixin
from articles.admin.story_screen import StoryScreenMixin
from articles.admin.thumbnails import thumbnail
from articles.admin.workflow import MyStoriesFilter, StateFilter, WorkflowAdminMixin
from articles.admin.working_copies import WorkingCopyAdminMixin
from articles.models import Article, ArticlePhoto, Byline, Embed, Status
from articles.models.assignments import ASSIGNMENT_FIELDS
from articles.richtext import sanitize_body
from articles.search import matching
from articles.templatetags.bodies import story_body


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table's rows: a field's label is its column's heading, which names no field for
    assistive technology, so each field carries the label as its accessible name."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # The admin wraps a related field's widget (RelatedFieldWidgetWrapper), whose own
            # attrs are not this form's copy: the wrapped widget's are.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                widget.attrs.setdefault("aria-label", capfirst(field.label))


class StoryPartInline(admin.TabularInline):
    """Bylines and photo uses are part of the story: whoever may edit the story edits them."""

    formset = LabelledRowsFormSet

    def _story_admin(self):
        return self.admin_site.get_model_admin(Article)

    def has_view_permission(self, request, obj=None):
        return self._story_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._story_admin().has_change_permission(request, obj)

    has_add_permission = has_delete_permission = has_change_permission


class BylineInline(StoryPartInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in the order readers see them)"


class ArticlePhotoInline(StoryPartInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ["photo"]
    verbose_name_plural = "more photos (gallery order)"


@admin.register(Article)
class ArticleAdmin(
    BodyBlocksMixin,
    WorkingCopyAdminMixin,
    StoryPhotoRights,
    PhotoDeskAdminMixin,
    StoryScreenMixin,
    BudgetAdminMixin,
    WorkflowAdminMixin,
    RevisionAdminMixin,
):
    form = ArticleForm
    paginator = EstimatedCountPaginator
    # Half Django's 100: the rows, not the query, are most of the page's time.
    list_per_page = 50
    # The "N total" beside a filtered count is a second full count: not at a million stories.
    show_full_result_count = False
    list_display = [
        "headline",
        "state",
        # After the state: who else is editing, added per viewer by get_list_display().
        "section",
        "label",
        "byline_text",
        "publish_at",
        "lead_thumbnail",
    ]
    list_filter = [
        StateFilter,
        MyStoriesFilter,
        "section",
        "label",
        "authors",
        "publish_at",
        PublishedYearFilter,
    ]
    # Searched by get_search_results(): full text on PostgreSQL, not a LIKE scan of bodies.
    search_fields = ["headline", "standfirst", "body"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    inlines = [BylineInline, ArticlePhotoInline]
    readonly_fields = [
        "publish_at",
        "embargo_until",
        "first_published_at",
        "revised_at",
        "source",
        "agency",
        "syndication_service",
        "created_at",
        "photo_rights",
        "live_desk",
    ]
    fieldsets = [
        (
            "Story",
            {"fields": ["headline", "slug", "standfirst", "dateline", "body", "loaded_version"]},
        ),
        (
            "Photo and rights",
            {
                "fields": [
                    "lead_photo",
                    "photo_rights",
                    "copyright_notice",
                    "copyright_holder",
                    "copyright_year",
                    "usage_terms",
                ]
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "is_top_story",
                    "publish_at",
                    "embargo_until",
                    "first_published_at",
                    "revised_at",
                ]
            },
        ),
        (
            "Metadata",
            {
                "fields": [
                    "section",
                    "label",
                    "sponsor",
                    "tags",
                    "source",
                    "agency",
                    "syndication_service",
                    "created_at",
                ]
            },
        ),
        ("Live coverage", {"fields": ["coverage_starts_at", "coverage_ends_at", "live_desk"]}),
        ("Assignment", {"fields": ["assigned_to", "due_at", "target_words", "length"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        stories = super().get_queryset(request).with_card_data().select_related("locked_by")
        if not request.user.has_perm("articles.edit_any_article"):
            stories = stories.written_by(request.user)
        return stories

    def get_search_results(self, request, queryset, search_term):
        # The reader's search, which on PostgreSQL asks the GIN-indexed vector: the admin's
        # own would scan every body with ILIKE. The list keeps its own order.
        if not search_term.strip():
            return queryset, False
        return matching(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "body_as_read", "length"]
        # Who writes what, by when and how long is the desk's to say.
        if not request.user.has_perm("articles.approve_article"):
            fields += ASSIGNMENT_FIELDS
        # Placing stories on the front page is the desk's decision, not the writer's.
        if not request.user.has_perm("articles.edit_any_article"):
            fields.append("is_top_story")
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_edit(request.user))

    def has_delete_permission(self, request, obj=None):
        # Stories readers have seen are withdrawn, never deleted.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status not in {Status.PUBLISHED, Status.WITHDRAWN})

    def get_deleted_objects(self, objs, request):
        # The bulk "delete selected" action asks here too, so published stories are safe there.
        deleted, counts, refused, protected = super().get_deleted_objects(objs, request)
        if any(story.status in {Status.PUBLISHED, Status.WITHDRAWN} for story in objs):
            refused.add("stories readers have seen (withdraw them instead)")
        return deleted, counts, refused, protected

    def delete_model(self, request, obj):
        obj.delete(by=request.user)

    def delete_queryset(self, request, queryset):
        # One by one, so that each story's trail records who deleted it.
        for story in queryset:
            story.delete(by=request.user)

    def action_checkbox(self, obj):
        # The markup Django's checkbox widget renders, without a template per row: 100 rows'
        # widget templates took a third of the list's time.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only, the body is shown as readers will read it, not as its HTML source.
        return [
            (name, {**options, "fields": [_as_read(field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_read(self, obj):
        # With its photos, story cards and embeds drawn as readers get them, not empty blocks.
        return story_body(obj)

    def view_on_site(self, obj):
        # A story readers cannot see yet has no public page: its editors get the preview.
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("articles:preview", args=[obj.pk])

    @admin.display(description="Live desk")
    def live_desk(self, obj):
        if obj is None or obj.pk is None or obj.coverage_starts_at is None:
            return (
                "Set a start time and save: the live desk posts entries without touching the story."
            )
        url = reverse("admin:articles_liveentry_desk", args=[obj.pk])
        return format_html('<a href="{}">Open the live desk</a>: post and correct entries', url)

    @admin.display(description="Bylines")
    def byline_text(self, obj):
        return obj.byline_text

    @admin.display(description="Photo")
    def lead_thumbnail(self, obj):
        return thumbnail(obj.lead_photo, size=60)

    @admin.display(description="Length")
    def length(self, obj):
        words = f"{obj.word_count} words"
        return f"{words} of {obj.target_words}" if obj.target_words else words

    def get_list_display(self, request):
        # Whose edit a row shows depends on who is looking, which a column method can't know.
        names = super().get_list_display(request)
        after = names.index("state") + 1
        return [*names[:after], editing_besides(request.user), *names[after:]]

    def add_view(self, request, form_url="", extra_context=None):
        self.ask_providers(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.ask_providers(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def ask_providers(self, request):
        """The posted body's embeds are asked about before the transaction the admin saves in
        (django-reversion's revision): on SQLite it holds the database's write lock, which a
        slow provider (up to NEWSROOM_OEMBED_TIMEOUT an address) would hold from every other
        writer."""
        if request.method == "POST" and (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            body = sanitize_body(request.POST.get("body", ""))
            Embed.objects.fetch_missing(bodies.embed_urls(body))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj.record_edit()
        obj.providers_asked = True  # by ask_providers(), before the transaction
        super().save_model(request, obj, form, change)
        # The story is saved all the same: readers get a link where a provider failed.
        for problem in obj.embed_problems():
            messages.warning(request, problem)
        if set(ASSIGNMENT_FIELDS) & set(form.changed_data):
            obj.record_assignment(by=request.user)

    def response_change(self, request, obj):
        # Leaving the page ends the edit; "Save and continue editing" keeps it.
        if "_continue" not in request.POST:
            obj.release_lock(request.user)
        else:
            obj.take_lock(request.user)
        return super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A writer's new story carries their byline unless they chose others.
        author = getattr(request.user, "author", None)
        if not change and author is not None and not form.instance.byline_set.exists():
            Byline.objects.create(article=form.instance, author=author)


def editing_besides(user):
    @admin.display(description="Being edited by")
    def editing(obj):
        holder = obj.editor_besides(user)
        return f"✎ {holder.get_full_name() or holder}" if holder else ""

    return editing


def _as_read(field):
    return "body_as_read" if field == "body" else field
