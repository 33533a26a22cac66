"""What the body editor's blocks ask the server (static/articles/admin/body-blocks.js): photos
from the library and our own stories, found by words or by id, and what a provider said of an
embed's address, as JSON."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path

from articles import oembed
from articles.admin.thumbnails import thumbnail_url
from articles.models import Article, Embed, Photo
from articles.models.embeds import provider_table

# A chooser lists this many at most: enough to pick from, small enough to scan.
CHOICES = 20


class BodyBlocksMixin:
    def get_urls(self):
        views = [
            ("photos", self.choose_photo_view),
            ("stories", self.choose_story_view),
            ("embeds", self.embed_preview_view),
        ]
        return [
            *(
                path(
                    f"choose/{route}/",
                    self.admin_site.admin_view(view),
                    name=f"articles_article_choose_{route}",
                )
                for route, view in views
            ),
            *super().get_urls(),
        ]

    def choose_photo_view(self, request):
        if not request.user.has_perm("articles.view_photo"):
            raise PermissionDenied
        photos = Photo.objects.chosen_by(**chosen(request))[:CHOICES]
        return JsonResponse(
            {
                "results": [
                    {
                        "id": photo.pk,
                        "label": str(photo),
                        "credit_line": photo.credit_line,
                        "thumbnail": thumbnail_url(photo),
                        "problems": photo.publish_problems(),
                    }
                    for photo in photos
                ]
            }
        )

    def choose_story_view(self, request):
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        # A writer learns nothing here of other writers' drafts.
        stories = Article.objects.known_to(request.user).chosen_by(**chosen(request))
        stories = stories.only(
            "headline", "status", "publish_at", "embargo_until", "changes_requested_at"
        )[:CHOICES]
        return JsonResponse(
            {
                "results": [
                    {"id": story.pk, "label": story.headline, "state": story.state_label}
                    for story in stories
                ]
            }
        )

    def embed_preview_view(self, request):
        """What the provider said of `?url=`; asked now if never asked, so the block shows it
        before the story is saved (saving asks again after a failure)."""
        if not (
            request.user.has_perm("articles.add_article")
            or request.user.has_perm("articles.change_article")
        ):
            raise PermissionDenied
        url = request.GET.get("url", "")[: oembed.MAX_URL + 1]
        if oembed.provider_for(url, provider_table()) is None:
            names = ", ".join(provider.name for provider in oembed.PROVIDERS)
            return JsonResponse(
                {"results": [], "problem": f"Paste the address of a post, video or map on {names}."}
            )
        embed = Embed.objects.filter(url=url).first()
        if embed is None:
            Embed.objects.fetch_missing([url])
            embed = Embed.objects.get(url=url)
        return JsonResponse({"results": [embed.preview()]})


def chosen(request):
    """The chooser's question: `?id=` for one by its id, `?q=` words or an id."""
    if "id" in request.GET:
        return {"pk": request.GET["id"]}
    return {"words": request.GET.get("q", "")[:200]}
