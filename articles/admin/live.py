"""The live desk: one page per live story, a short form at the top and the story's entries
below, newest first, with a button for each step the user may take on each. Every step is the
entry's own method (articles.models.live), which checks the user's permission and records it;
the story itself is never saved, so its workflow stays where it was.

Correcting an entry opens its change form (text, photo, what was corrected).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.text import Truncator

from articles.models import Article, LiveEntry
from articles.models.live import APPROVE, LiveError

# Entries the desk page lists: the live desk works on the newest.
DESK_ENTRIES = 100


class EntryForm(forms.ModelForm):
    """The desk's short form: what a new entry says, and how it is shown."""

    class Meta:
        model = LiveEntry
        fields = ["text", "photo", "author", "pinned", "is_summary"]

    def __init__(self, *args, editor, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The library is large: photos and authors are searched for, as on the story's form.
        for name in ("photo", "author"):
            field = LiveEntry._meta.get_field(name)
            widget = AutocompleteSelect(field, admin_site)
            widget.choices = self.fields[name].choices
            self.fields[name].widget = widget
        if not editor:
            # Writers' entries wait for an editor, who decides what is pinned.
            del self.fields["pinned"], self.fields["is_summary"]


class CorrectionForm(forms.ModelForm):
    """An entry's change form: a published entry's change is a correction, said to readers."""

    note = forms.CharField(
        label="What was corrected",
        max_length=300,
        required=False,
        help_text="Shown to readers beside “Corrected” and the time, e.g. “An earlier version "
        "gave the wrong number of injured.” Needed once the entry is published.",
    )

    class Meta:
        model = LiveEntry
        fields = ["text", "photo"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.is_held and not cleaned.get("note", "").strip():
            self.add_error("note", "Say what was corrected: readers see it.")
        return cleaned


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "article", "status", "pinned", "is_summary", "posted_at", "author"]
    list_filter = ["status", "pinned", "is_summary"]
    list_select_related = ["article", "author"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["photo", "author"]
    form = CorrectionForm
    fields = [
        "article_link",
        "text",
        "photo",
        "note",
        "correction_note",
        "status",
        "posted_at",
        "record",
    ]
    readonly_fields = ["article_link", "correction_note", "status", "posted_at", "record"]

    def get_urls(self):
        desk = self.admin_site.admin_view(self.desk_view)
        return [
            path("desk/<int:article_id>/", desk, name="articles_liveentry_desk"),
            *super().get_urls(),
        ]

    # Permissions: anyone on the live desk sees its entries; writers post through the desk,
    # editors correct through the change form.

    def has_add_permission(self, request):
        return False  # entries are posted from their story's desk page

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(APPROVE)

    @admin.display(description="Entry")
    def excerpt(self, obj):
        return Truncator(strip_tags(obj.text)).chars(80)

    @admin.display(description="Story")
    def article_link(self, obj):
        url = reverse("admin:articles_liveentry_desk", args=[obj.article_id])
        return format_html('<a href="{}">{}</a> (live desk)', url, obj.article)

    @admin.display(description="Record")
    def record(self, obj):
        changes = obj.changes.select_related("by")[:50]
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><time datetime="{}">{}</time>: {} by {}</li>',
                (
                    (
                        change.at.isoformat(),
                        date_format(timezone.localtime(change.at), "DATETIME_FORMAT"),
                        change.get_action_display().capitalize(),
                        (change.by.get_full_name() or change.by) if change.by else "—",
                    )
                    for change in changes
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("text", "photo")}
        obj.correct(by=request.user, note=form.cleaned_data["note"], **fields)

    def response_change(self, request, obj):
        messages.success(request, "Entry corrected: readers see the correction note.")
        _warn_of_embeds(request, obj)
        return redirect(reverse("admin:articles_liveentry_desk", args=[obj.article_id]))

    def delete_model(self, request, obj):
        obj.delete(by=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            entry.delete(by=request.user)

    # The desk

    def desk_view(self, request, article_id):
        if not request.user.has_perm("articles.view_liveentry"):
            raise PermissionDenied
        story = get_object_or_404(Article, pk=article_id)
        # Anyone on the desk may cover a story readers can see; an unpublished one only those
        # the story list shows it to (a writer sees their own), or its headline would leak.
        readable = self.admin_site.get_model_admin(Article).get_queryset(request)
        if not (story.is_published or readable.filter(pk=story.pk).exists()):
            raise Http404("No such story.")
        editor = request.user.has_perm(APPROVE)
        may_post = request.user.has_perm("articles.add_liveentry")
        options = {"editor": editor, "admin_site": self.admin_site}
        form = EntryForm(initial={"author": getattr(request.user, "author", None)}, **options)
        if request.method == "POST":
            step = request.POST.get("step", "post")
            if step == "post":
                if not may_post:
                    raise PermissionDenied
                form = EntryForm(request.POST, **options)
                if form.is_valid() and self._post(request, story, form):
                    return redirect(request.path)
            else:
                self._step(request, story, step)
                return redirect(request.path)
        entries = story.live_entries.select_related("author", "photo", "posted_by").order_by(
            "-is_summary", "-pinned", "-posted_at", "-pk"
        )[:DESK_ENTRIES]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Live desk: {story}",
            "story": story,
            "form": form,
            "media": self.media + form.media,
            "entries": entries,
            "editor": editor,
            "may_post": may_post,
            "may_delete": request.user.has_perm("articles.delete_liveentry"),
            "held": story.live_entries.held().count(),
        }
        return TemplateResponse(request, "admin/articles/liveentry/desk.html", context)

    def _post(self, request, story, form):
        try:
            entry = LiveEntry.post(story, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return False
        except (LiveError, PermissionDenied) as error:
            form.add_error(None, _message(error))
            return False
        if entry.is_held:
            messages.success(request, "Entry sent to an editor: readers see it once approved.")
        else:
            messages.success(request, "Entry posted: readers' pages show it within seconds.")
        _warn_of_embeds(request, entry)
        return True

    def _step(self, request, story, step):
        try:
            if step == "end":
                story.end_coverage(by=request.user)
                messages.success(request, "Coverage ended: the page is an ordinary story now.")
                return
            entry_id = request.POST.get("entry", "")
            if not entry_id.isdigit():
                messages.error(request, "Nothing done: no entry was chosen.")
                return
            entry = get_object_or_404(LiveEntry, pk=entry_id, article=story)
            match step:
                case "approve":
                    entry.approve(by=request.user)
                case "pin" | "unpin":
                    entry.pin(by=request.user, pinned=step == "pin")
                case "summary" | "unsummary":
                    entry.mark_summary(by=request.user, is_summary=step == "summary")
                case "delete":
                    entry.delete(by=request.user)
                case _:
                    messages.error(request, "Nothing done: unknown step.")
                    return
        except (LiveError, PermissionDenied, ValidationError) as error:
            messages.error(request, f"Not done: {_message(error)}")
        else:
            messages.success(request, "Done.")


def _warn_of_embeds(request, entry):
    for problem in entry.embed_problems():
        messages.warning(request, problem)


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "you may not do that."
