"""The desk's home: the story budget, every story in play in lanes, and assigning stories.

Editors land here from the admin's home; writers keep Django's index and "My stories".
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from articles.models import Article, Section, Status, WorkflowError
from articles.models.article import STATE_LABELS, bylines_prefetch, embargoed_q, scheduled_q
from articles.validators import no_line_breaks

# Cards per lane: a lane that holds more links to the rest in the story list.
LANE_SIZE = 50
# Everyone a card names, loaded with the stories rather than one query per card.
PEOPLE = [
    "assigned_to",
    "submitted_by",
    "approved_by",
    "published_by",
    "changes_requested_by",
    "locked_by",
]


@dataclass
class Lane:
    key: str
    title: str
    stories: list
    empty: str
    # The story list's state filter showing all of the lane, when there is one.
    state: str = ""
    total: int | None = None

    @property
    def is_full(self):
        return len(self.stories) >= LANE_SIZE


def writers():
    """Who may be given a story to write."""
    return (
        get_user_model()
        .objects.with_perm(
            "articles.change_article", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


class WriterField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class AssignmentForm(forms.Form):
    headline = forms.CharField(
        label="Working headline", max_length=255, validators=[no_line_breaks]
    )
    writer = WriterField(queryset=None)
    section = forms.ModelChoiceField(queryset=Section.objects.all(), required=False)
    due_at = forms.DateTimeField(
        label="Due",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    target_words = forms.IntegerField(label="Target length (words)", min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["writer"].queryset = writers()


class BudgetAdminMixin:
    def get_urls(self):
        return [
            path(
                "budget/",
                self.admin_site.admin_view(self.budget_view),
                name="articles_article_budget",
            ),
            path(
                "budget/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="articles_article_assign",
            ),
            *super().get_urls(),
        ]

    def budget_view(self, request):
        if not request.user.has_perm("articles.approve_article"):
            raise PermissionDenied
        now = timezone.now()
        counts = Article.objects.state_counts(now)
        context = {
            **self.admin_site.each_context(request),
            "title": "Story budget",
            "opts": self.model._meta,
            "counts": [(STATE_LABELS[key], key, count) for key, count in counts.items()],
            "lanes": lanes(now, counts),
            "time_zone": timezone.get_current_timezone_name(),
        }
        return TemplateResponse(request, "admin/articles/article/budget.html", context)

    def assign_view(self, request):
        if not request.user.has_perm("articles.approve_article"):
            raise PermissionDenied
        form = AssignmentForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                story = Article.create_assignment(
                    headline=form.cleaned_data["headline"],
                    writer=form.cleaned_data["writer"],
                    section=form.cleaned_data["section"],
                    due_at=form.cleaned_data["due_at"],
                    target_words=form.cleaned_data["target_words"],
                    by=request.user,
                )
            except WorkflowError as error:
                form.add_error("writer", str(error))
            else:
                summary = story.assignment_summary
                messages.success(request, f"“{story.headline}” was assigned {summary}.")
                return redirect("admin:articles_article_budget")
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign a story",
            "opts": self.model._meta,
            "form": form,
            "time_zone": timezone.get_current_timezone_name(),
        }
        return TemplateResponse(request, "admin/articles/article/assign.html", context)


def lanes(now, counts):
    """The budget's lanes, in the order a story moves through them: two queries each (the
    stories with everyone they name, then their bylines), however many stories there are."""
    stories = Article.objects.select_related("section", *PEOPLE).prefetch_related(
        bylines_prefetch()
    )
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    due_first = [models.F("due_at").asc(nulls_last=True), "-updated_at", "-pk"]
    # Published but held by an embargo: not live yet, so it waits with the scheduled ones.
    held = models.Q(status=Status.PUBLISHED) & embargoed_q(now)
    lanes = [
        Lane(
            "in_progress",
            "In progress",
            stories.in_progress().order_by(*due_first),
            "Nothing is being written.",
            Status.DRAFT,
            counts[Status.DRAFT],
        ),
        Lane(
            "changes_requested",
            "Changes requested",
            stories.changes_requested().order_by("changes_requested_at", "pk"),
            "No story is waiting for changes.",
            "changes_requested",
            counts["changes_requested"],
        ),
        Lane(
            "in_review",
            "In review (oldest submitted first)",
            stories.in_review().order_by("submitted_at", "pk"),
            "Nothing is waiting for review.",
            Status.IN_REVIEW,
            counts[Status.IN_REVIEW],
        ),
        Lane(
            "approved",
            "Approved, not published",
            stories.filter(status=Status.APPROVED).order_by("approved_at", "pk"),
            "No approved story is waiting.",
            Status.APPROVED,
            counts[Status.APPROVED],
        ),
        Lane(
            "scheduled",
            "Scheduled",
            stories.filter(scheduled_q(now) | held).order_by("publish_at", "pk"),
            "Nothing is scheduled.",
            "scheduled",
        ),
        Lane(
            "published_today",
            "Published today",
            stories.published(now)
            .filter(first_published_at__gte=start_of_day)
            .order_by("-first_published_at", "-pk"),
            "Nothing published yet today.",
        ),
    ]
    for lane in lanes:
        lane.stories = list(lane.stories[:LANE_SIZE])
    return lanes


def home(request):
    """The admin's home page: the budget for editors; Django's index for everyone else, and
    for editors who ask for it (?apps)."""
    if request.user.has_perm("articles.approve_article") and "apps" not in request.GET:
        return redirect("admin:articles_article_budget")
    return admin.site.index(request)
