"""The story form keeps a working copy of what is typed (articles.models.working_copies): the
page's script sends it here every few seconds, and the form offers it back when reopened."""

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles.models import Author, Photo, Section, WorkingCopy
from articles.models.working_copies import MAX_BYTES, WorkingCopyError

# How often the page sends what changed; its last change also goes as the page is left.
KEEP_SECONDS = 5


class WorkingCopyAdminMixin:
    def get_urls(self):
        keep = self.admin_site.admin_view(require_POST(self.keep_working_copy_view))
        discard = self.admin_site.admin_view(require_POST(self.discard_working_copy_view))
        return [
            path("working-copy/keep/", keep, name="articles_article_keep_new"),
            path("working-copy/discard/", discard, name="articles_article_discard_new"),
            path("<int:pk>/working-copy/keep/", keep, name="articles_article_keep"),
            path("<int:pk>/working-copy/discard/", discard, name="articles_article_discard"),
            *super().get_urls(),
        ]

    def _editable_story(self, request, pk):
        """The story the user may edit (None: the add form's new story), else refused."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        # Only someone who may edit the story keeps a copy of it: a writer's submitted story
        # is the desk's now, and what they type into its read-only page is not kept.
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        return story

    def keep_working_copy_view(self, request, pk=None):
        # Asked before the body is read: Django would refuse a body over its own limit with a
        # bare 400, and this answer tells the page why.
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
            return JsonResponse(
                {"error": f"Too long to keep: a working copy holds at most {MAX_BYTES} bytes."},
                status=413,
            )
        story = self._editable_story(request, pk)
        try:
            values = json.loads(request.POST.get("values", ""))
            loaded_version = int(request.POST["loaded_version"]) if story else None
        except (ValueError, KeyError):
            return JsonResponse({"error": "Not a story form's values."}, status=400)
        if story and loaded_version < story.version and story.updated_by_id == request.user.pk:
            # This user saved the story since this page was opened (in another tab, or the
            # page's last keep arriving after its own save): the page is out of date, and a
            # copy of it would offer back what is saved already.
            return JsonResponse(
                {"error": "You saved this story since this page was opened: reload it."},
                status=409,
            )
        try:
            kept = WorkingCopy.keep(
                user=request.user, article=story, values=values, loaded_version=loaded_version
            )
        except WorkingCopyError as error:
            return JsonResponse({"error": f"Not a story form's values: {error}."}, status=400)
        return JsonResponse({"kept_at": kept.taken_at.isoformat()})

    def discard_working_copy_view(self, request, pk=None):
        story = self._editable_story(request, pk)
        WorkingCopy.discard(user=request.user, article=story)
        return JsonResponse({"discarded": True})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        story = obj if change else None
        may_edit = self.has_change_permission(request, obj) if change else add
        if may_edit:
            context["working_copy"] = working_copy_context(request, story)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saved: what was typed is the story now. A new story's copy is the add form's.
        WorkingCopy.discard(user=request.user, article=obj if change else None)


def working_copy_context(request, story):
    """What the page's script needs to keep a copy, and the copy to offer back, if any.

    Offered only when the form is opened, not when a refused save shows it again with what
    was typed. Any copy still kept is newer than this user's last save of the story (a save
    deletes it); one typed into an older version says so, since someone else saved since.
    """
    context = {
        "keep_url": _url(story, "keep"),
        "discard_url": _url(story, "discard"),
        "keep_seconds": KEEP_SECONDS,
        "storage_key": f"newsroom-working-copy:{request.user.pk}:{story.pk if story else 'new'}",
        "saved_at": story.updated_at if story else None,
        "time_zone": timezone.get_current_timezone_name(),
    }
    if request.method != "GET":
        return context
    copy = WorkingCopy.objects.of(request.user, story).first()
    if copy is not None:
        context |= {
            "offered": copy,
            "offered_values": {
                **copy.values,
                "loaded_version": copy.loaded_version,
                "labels": choice_labels(copy.values),
            },
            "saved_since": story is not None and copy.is_older_than(story),
            "saved_by": story.updated_by if story else None,
        }
    return context


def choice_labels(values):
    """What the form's autocomplete boxes show for the chosen ids, to put them back."""
    authors = [row["author"] for row in values.get("bylines", []) if row["author"]]
    return {
        "section": _labels(Section, [values.get("section")]),
        "lead_photo": _labels(Photo, [values.get("lead_photo")]),
        "author": _labels(Author, authors),
    }


def _labels(model, ids):
    ids = [pk for pk in ids if pk]
    return {str(item.pk): str(item) for item in model.objects.filter(pk__in=ids)} if ids else {}


def _url(story, verb):
    if story is None:
        return reverse(f"admin:articles_article_{verb}_new")
    return reverse(f"admin:articles_article_{verb}", args=[story.pk])
