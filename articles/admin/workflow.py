"""The workflow in the admin: buttons for the transitions a user may make, notes, list filters
and bulk actions. Every one of them goes through the story's transition methods."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.models import Status, WorkflowError
from articles.models.article import STATE_LABELS
from articles.models.locking import StaleEditError
from articles.models.workflow import PAST, RULES, when


class NoteForm(forms.Form):
    text = forms.CharField()


class TransitionForm(forms.Form):
    note = forms.CharField(required=False)
    at = forms.DateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])
    until = forms.DateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])
    version = forms.IntegerField(required=False)


# Steps that are two transitions in one, each recorded as its own: (label, the two steps).
COMBINED = {"approve_and_publish": ("approve and publish", ("approve", "publish"))}

# What each verb calls the text its form carries.
TEXT_ARGUMENT = {"send_back": "note", "spike": "note", "withdraw": "reason", "correct": "text"}


def run_transition(story, action, user, data):
    """Call the story's verb with what the button's form carried."""
    verb = getattr(story, action)
    if action in TEXT_ARGUMENT:
        return verb(by=user, **{TEXT_ARGUMENT[action]: data.get("note", "")})
    if action == "publish":
        return verb(by=user, at=data.get("at"))
    if action == "embargo":
        return verb(by=user, until=data.get("until"))
    return verb(by=user)


def done_message(story, action):
    if action == "publish" and story.state == "scheduled":
        return f"“{story.headline}” is scheduled for {when(story.publish_at)}."
    if action == "embargo" and story.embargo_until:
        return f"“{story.headline}” is embargoed until {when(story.embargo_until)}."
    return f"“{story.headline}” was {PAST[action]}."


def state_badge(story):
    badge = format_html('<span class="state state-{}">{}</span>', story.state, story.state_label)
    if story.is_overdue():
        badge += format_html(' <span class="flag flag-overdue">{}</span>', "Overdue")
    return badge


def combined_actions(allowed, user):
    """The combined steps whose first step this user may take now and whose second they may
    take once it is done (the story checks both again when the button is pressed)."""
    return [
        action
        for action, (_label, (first, second)) in COMBINED.items()
        if first in allowed and user.has_perm(RULES[second][2])
    ]


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATE_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == "changes_requested":
            return queryset.changes_requested()
        if value == Status.DRAFT:
            return queryset.in_progress()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "embargoed":
            return queryset.embargoed()
        if value == Status.PUBLISHED:
            return queryset.published()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class MyStoriesFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "My stories"), ("assigned", "Assigned to me")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.written_by(request.user)
        if self.value() == "assigned":
            return queryset.filter(assigned_to=request.user)
        return queryset


class WorkflowAdminMixin:
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    actions = ["submit_selected", "approve_selected", "publish_selected"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/take-over/",
                self.admin_site.admin_view(require_POST(self.take_over_view)),
                name="articles_article_take_over",
            ),
            path(
                "<int:pk>/lock/",
                self.admin_site.admin_view(require_POST(self.lock_view)),
                name="articles_article_lock",
            ),
            path(
                "<int:pk>/notes/",
                self.admin_site.admin_view(require_POST(self.note_view)),
                name="articles_article_note",
            ),
            path(
                "<int:pk>/workflow/<str:action>/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name="articles_article_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk, action):
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        if action not in {*RULES, *COMBINED} or not self.has_view_permission(request, story):
            raise PermissionDenied
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Please give a valid date and time (day, month, year, time).")
        else:
            try:
                with transaction.atomic():
                    # The button acts on the story as this user saw it, or not at all: a
                    # request that does not say which version it saw is as stale as any.
                    story.check_version(form.cleaned_data["version"])
                    run_transition(story, action, request.user, form.cleaned_data)
            except StaleEditError:
                messages.error(
                    request,
                    "Someone changed this story after you opened it. Look at it again before "
                    f"you {(RULES.get(action) or COMBINED[action])[0]} it.",
                )
            except (WorkflowError, PermissionDenied) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, done_message(story, action))
        return redirect("admin:articles_article_change", story.pk)

    def note_view(self, request, pk):
        """Leave a note on the story; its writers and editors are told by mail."""
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        form = NoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Write the note before adding it.")
        else:
            try:
                story.add_note(by=request.user, text=form.cleaned_data["text"])
            except (WorkflowError, PermissionDenied) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Your note was added.")
        return redirect(reverse("admin:articles_article_change", args=[story.pk]) + "#notes")

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit" in request.POST:
            return self.submit_as_saved(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit" in request.POST:
            return self.submit_as_saved(request, obj)
        return super().response_change(request, obj)

    def submit_as_saved(self, request, obj):
        """The story bar's "Submit for review" posts the story form: what was typed is saved
        first (the admin has just done it), then the saved story is submitted."""
        try:
            obj.submit(by=request.user)
        except (WorkflowError, PermissionDenied) as error:
            messages.error(request, f"“{obj.headline}” was saved but not submitted: {error}")
        else:
            messages.success(request, f"“{obj.headline}” was saved and submitted for review.")
        return redirect("admin:articles_article_change", obj.pk)

    def take_over_view(self, request, pk):
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        story.take_lock(request.user, force=True)
        messages.success(request, "You are editing this story now.")
        return redirect("admin:articles_article_change", story.pk)

    def lock_view(self, request, pk):
        """The open change page keeps its lock alive, and gives it up when it is left."""
        story = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        if request.POST.get("release"):
            story.release_lock(request.user)
            return JsonResponse({"editing": False})
        # Never taken from someone else here: that is the "Take over editing" button's job.
        kept = story.take_lock(request.user)
        holder = story.lock_holder()
        return JsonResponse(
            {"editing": kept, "holder": holder.get_full_name() or holder.get_username()},
            status=200 if kept else 409,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        if story is not None:
            now = timezone.now()
            if request.method == "GET" and self.has_change_permission(request, story):
                story.take_lock(request.user, now=now)
            allowed = story.allowed_actions(request.user, now)
            extra_context = {
                **(extra_context or {}),
                "lock_holder": story.editor_besides(request.user, now),
                "locked_at": story.locked_at,
                "story": story,
                # A story's screen starts no other story: one button less in its bar.
                "show_save_and_add_another": False,
                "state_badge": state_badge(story),
                "allowed_actions": allowed,
                "combined_actions": combined_actions(allowed, request.user),
                "checklist": story.publish_problems(now),
                "show_checklist": story.status in {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED},
                "audit_entries": story.audit_entries.select_related("by"),
                "corrections": story.corrections.all(),
                "notes": story.notes.select_related("author"),
                "can_note": story.can_preview(request.user),
                "can_preview": story.can_preview(request.user),
                "time_zone": timezone.get_current_timezone_name(),
                "lock_refresh_seconds": story.lock_lifetime().total_seconds() // 3,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _bulk(self, request, queryset, action):
        done, refused = 0, []
        for story in queryset:
            try:
                getattr(story, action)(by=request.user)
            except (WorkflowError, PermissionDenied) as error:
                refused.append(f"“{story.headline}”: {error}")
            else:
                done += 1
        if done:
            messages.success(
                request, f"{done} {'story' if done == 1 else 'stories'} {PAST[action]}."
            )
        for line in refused:
            messages.error(request, f"Not {PAST[action]}: {line}")

    @admin.action(description="Submit the selected stories for review")
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Approve the selected stories", permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approve")

    @admin.action(description="Publish the selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    def has_approve_permission(self, request):
        return request.user.has_perm("articles.approve_article")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        return state_badge(obj)
