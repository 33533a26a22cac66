"""The story screen's live side: the publish checklist and the reader's page for the form as
it is being typed, before anything is saved.

Both build an unsaved story from the posted form (articles.admin.article.ArticleAdmin's own
form and inlines) and throw it away: nothing here writes to the database. Publishing still
asks the saved story (EditorialWorkflow.publish), so the server stays the judge.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST
from taggit.models import Tag
from taggit.utils import parse_tags

from articles.admin.forms import COMPARED
from articles.models import Article, ArticlePhoto, Byline
from articles.richtext import sanitize_body
from articles.views import ArticlePreviewView

# What the checklist and the reader's page read from the story form: what a stale save shows,
# but the placement. Only those the user's form offers are taken: a read-only field keeps its
# saved value.
TYPED = [name for name in COMPARED if name != "is_top_story"]


def frameable_by_the_admin(view):
    """The site refuses to be framed (X_FRAME_OPTIONS, frame-ancestors 'none'); the preview is
    framed by the admin's own page beside the form, so it alone allows its own origin."""
    policy = settings.SECURE_CSP | {"frame-ancestors": [CSP.SELF]}
    return xframe_options_sameorigin(csp_override(policy)(view))


def framing_its_preview(view):
    """The site lets frames show only embeds' players (SECURE_CSP's frame-src); the story
    screen also shows its own preview in one."""
    frames = [CSP.SELF, *settings.SECURE_CSP.get("frame-src", [])]
    return csp_override(settings.SECURE_CSP | {"frame-src": frames})(view)


class StoryScreenMixin:
    @method_decorator(framing_its_preview)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        live = [
            ("checklist", self.checklist_view),
            ("preview", frameable_by_the_admin(self.live_preview_view)),
        ]
        return [
            *(
                path(
                    route,
                    self.admin_site.admin_view(require_POST(view)),
                    name=f"articles_article_{name}{suffix}",
                )
                for name, view in live
                for route, suffix in [(f"add/{name}/", "_add"), (f"<int:pk>/{name}/", "")]
            ),
            *super().get_urls(),
        ]

    def checklist_view(self, request, pk=None):
        story, parts = self.story_as_typed(request, pk)
        problems = story.publish_problems(
            timezone.now(), bylines=parts["bylines"], photos=parts["photos"]
        )
        return JsonResponse({"problems": [str(problem) for problem in problems]})

    def live_preview_view(self, request, pk=None):
        story, parts = self.story_as_typed(request, pk)
        html = render_preview(request, story, parts)
        response = HttpResponse(html)
        # Drafts are seen by their editors only, and change with every key typed.
        response["Cache-Control"] = "private, no-store"
        return response

    def story_as_typed(self, request, pk):
        """The story as the posted form has it, never saved, with its posted bylines, gallery
        and tags ({"bylines": authors, "photos": photos, "gallery": uses, "tags": tags}, each
        None where the form did not carry it)."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            story = Article(created_by=request.user)
        else:
            story = self.get_object(request, str(pk))
            # Not found rather than forbidden, as the preview's: nobody else learns it exists.
            if story is None or not story.can_preview(request.user):
                raise Http404
            if not self.has_change_permission(request, story):
                raise PermissionDenied
        form = self.get_form(request, story if pk else None, change=pk is not None)(
            request.POST, instance=story
        )
        for name in TYPED:
            if name in form.fields:
                setattr(story, *typed_value(form, name, story))
        story.body = sanitize_body(story.body)
        parts = self.typed_parts(request, story if pk else None)
        # Saved without bylines, a writer's new story gets theirs (ArticleAdmin.save_related).
        author = getattr(request.user, "author", None)
        if pk is None and not parts["bylines"] and author is not None:
            parts["bylines"] = [author]
        parts["tags"] = (
            [Tag(name=name, slug=slugify(name)) for name in parse_tags(request.POST["tags"])]
            if "tags" in request.POST
            else None
        )
        return story, parts

    def typed_parts(self, request, obj):
        """Bylines and gallery photos from the posted inline rows, where the form has them."""
        parts = {"bylines": None, "photos": None, "gallery": None}
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            if f"{prefix}-TOTAL_FORMS" not in request.POST:
                continue
            formset = formset_class(
                data=request.POST,
                instance=obj or Article(),
                prefix=prefix,
                queryset=inline.get_queryset(request),
            )
            formset.is_valid()  # the rows' values; a half-filled row is simply not counted
            rows = [
                form.cleaned_data
                for form in formset.forms
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
            ]
            if inline.model is ArticlePhoto:
                parts["gallery"] = [
                    ArticlePhoto(photo=row["photo"], caption=row.get("caption", ""))
                    for row in rows
                    if row.get("photo")
                ]
                parts["photos"] = [use.photo for use in parts["gallery"]]
            else:
                parts["bylines"] = [row["author"] for row in rows if row.get("author")]
        return parts


def typed_value(form, name, story):
    """(name, value) for one field as typed: a value the field refuses counts as empty, so the
    checklist names it; text is taken as typed."""
    field = form.fields[name]
    raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    try:
        value = field.clean(raw)
    except ValidationError:
        chosen = {"section", "lead_photo", "label"}  # not text: a refused choice is no choice
        value = raw if isinstance(raw, str) and name not in chosen else None
    if name in {"section", "lead_photo"}:
        return f"{name}_id", value.pk if value is not None else None
    if name == "copyright_year" and not isinstance(value, int):
        value = None
    return name, value if value is not None else ""


def render_preview(request, story, parts):
    """The reader's page for an unsaved story, drawn by the public view's own code."""
    if not story.slug:
        story.slug = slugify(story.headline) or "preview"
    if parts["gallery"] is not None:
        story.public_gallery = [use for use in parts["gallery"] if use.photo.is_usable()]
    # What the story's templates read through its relations, as typed. Django's related
    # managers answer .all() from this cache, so no query reads the saved rows instead.
    cache = story.__dict__.setdefault("_prefetched_objects_cache", {})
    if parts["bylines"] is not None:
        story.byline_list = [
            Byline(author=author, position=n) for n, author in enumerate(parts["bylines"])
        ]
    if parts["tags"] is not None:
        story.tag_list = parts["tags"]
    if story.pk is None:
        # Related managers refuse a story without an id, even to answer from this cache. No
        # story has id 0, and this one is never saved: it is only drawn.
        story.pk = 0
        story.__dict__.setdefault("byline_list", [])
        if parts["tags"] is None:
            story.tag_list = []
        cache["corrections"] = []
    view = ArticlePreviewView(request=request, args=(), kwargs={})
    view.object = story
    context = view.story_context(story, related=[])
    return render_to_string(view.template_name, context, request=request)
