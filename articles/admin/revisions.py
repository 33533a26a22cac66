"""Revisions in the admin: django-reversion keeps them; here editors compare any two and put an
earlier one back (as a new revision), and managing editors recover deleted stories."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import revisions


class RevisionAdminMixin(VersionAdmin):
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    def history_view(self, request, object_id, extra_context=None):
        """django-reversion's history, each row knowing its version, for the compare form."""
        response = super().history_view(request, object_id, extra_context)
        story = self.get_object(request, object_id)
        if story is not None and getattr(response, "context_data", None):
            actions = response.context_data["action_list"]
            version_ids = dict(
                revisions.versions_of(story).values_list("revision_id", "pk").order_by()
            )
            for action in actions:
                action["version_id"] = version_ids.get(action["revision"].pk)
        return response

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision beside another (by default the story as it is now), and a way back."""
        story = self.get_object(request, object_id)
        if story is None or not self.has_view_permission(request, story):
            raise PermissionDenied
        versions = revisions.versions_of(story)
        version = get_object_or_404(versions, pk=version_id)
        if request.method == "POST":
            if not self.has_change_permission(request, story):
                raise PermissionDenied
            revisions.restore(story, version, by=request.user)
            messages.success(request, "The earlier version is back, saved as a new revision.")
            return redirect("admin:articles_article_change", story.pk)
        other = versions.filter(pk=request.GET.get("with") or 0).first()
        older, newer = (other, version) if other and other.pk < version.pk else (version, other)
        changes = revisions.diff(
            revisions.snapshot(older),
            revisions.snapshot(newer) if newer else revisions.current(story),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": story,
            "title": f"Compare versions of “{story.headline}”",
            "older": older,
            "newer": newer,
            "changes": changes,
            "version": version,
            "can_restore": self.has_change_permission(request, story),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("articles.restore_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.has_perm("articles.restore_article"):
            raise PermissionDenied
        with transaction.atomic():
            response = super().recover_view(request, version_id, extra_context)
            # A redirect after a POST is a recovery saved, unless the story is still missing
            # (django-reversion redirects on a failed revert too).
            if request.method == "POST" and response.status_code == 302:
                version = get_object_or_404(Version, pk=version_id)
                story = self.model.objects.filter(pk=version.object_id).first()
                if story is not None:
                    story.record_recovery(by=request.user)
        return response
