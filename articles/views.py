from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles import jsonld
from articles.context_processors import nav_sections
from articles.models import Article, Author, Section
from articles.models.article import bylines_prefetch
from articles.paging import Cursor, page_of
from articles.search import NEWEST, ORDERS, RELEVANCE, clean_query, search

# Readers' searches rank (and count) the newest this many matching stories.
SEARCH_LIMIT = 1000


class ArticleListView(ListView):
    """Newest published stories first, as cards, a page at a time; subclasses narrow the list.

    Pages follow one another by cursor (`?before=` and `?after=`, see articles.paging): any
    depth of the archive costs the same, and nothing is skipped or repeated while stories
    are published between page loads.
    """

    template_name = "articles/article_list.html"
    context_object_name = "article_list"
    title = "Latest stories"

    def get_queryset(self):
        return Article.objects.published().cards().prefetch_related(bylines_prefetch())

    def get_context_data(self, **kwargs):
        try:
            before, after = (
                Cursor.parse(self.request.GET[name]) if name in self.request.GET else None
                for name in ("before", "after")
            )
        except ValueError as error:
            raise Http404(str(error)) from error
        page = page_of(
            self.object_list, before=before, after=after, size=settings.NEWSROOM_PAGE_SIZE
        )
        kwargs.setdefault("title", self.title)
        return super().get_context_data(object_list=page.stories, page=page, **kwargs)


class HomeView(TemplateView):
    """The lead story, the latest stories, then a block of the newest in each section."""

    template_name = "articles/home.html"
    latest_count = 10
    per_section = 4

    def get_context_data(self, **kwargs):
        cards = Article.objects.published().cards()
        lead = cards.filter(is_top_story=True).first()
        latest = list(
            (cards.exclude(pk=lead.pk) if lead else cards)[: self.latest_count + (not lead)]
        )
        if lead is None and latest:
            lead = latest.pop(0)
        shown = [story.pk for story in [lead, *latest] if story]
        sections = nav_sections()
        by_section = defaultdict(list)
        # Section blocks skip the stories already shown above them.
        for story in cards.exclude(pk__in=shown).newest_per_section(
            [section.pk for section in sections], self.per_section
        ):
            by_section[story.section_id].append(story)
        blocks = []
        for section in sections:
            stories = sorted(
                by_section[section.pk], key=lambda s: (s.publish_at, s.pk), reverse=True
            )
            if stories:
                blocks.append((section, stories))
        everything = [lead, *latest, *(story for _, stories in blocks for story in stories)]
        prefetch_related_objects([story for story in everything if story], bylines_prefetch())
        return super().get_context_data(
            lead=lead, latest=latest, section_blocks=blocks, nav_sections=sections, **kwargs
        )


class LatestView(ArticleListView):
    pass


class SectionView(ArticleListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.section.name,
            description=self.section.description,
            feed_url=reverse("articles:section-feed", args=[self.section.slug]),
            atom_url=reverse("articles:section-atom", args=[self.section.slug]),
            **kwargs,
        )


class TagView(ArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"Tagged “{self.tag.name}”",
            feed_url=reverse("articles:tag-feed", args=[self.tag.slug]),
            atom_url=reverse("articles:tag-atom", args=[self.tag.slug]),
            **kwargs,
        )


class AuthorView(ArticleListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.author.name, description=self.author.bio, author=self.author, **kwargs
        )


class SearchView(ListView):
    """Search results, numbered pages: ranked results have no position to page from."""

    template_name = "articles/search.html"
    context_object_name = "article_list"
    paginate_by = settings.NEWSROOM_PAGE_SIZE

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q"))
        self.order = self.request.GET.get("sort")
        if self.order not in ORDERS:
            self.order = RELEVANCE
        stories = Article.objects.published().cards().prefetch_related(bylines_prefetch())
        return search(stories, self.query, order=self.order, limit=SEARCH_LIMIT)

    def get_context_data(self, **kwargs):
        params = {"q": self.query} | ({"sort": NEWEST} if self.order == NEWEST else {})
        return super().get_context_data(
            title=f"Search results for “{self.query}”" if self.query else "Search",
            query=self.query,
            order=self.order,
            orders=ORDERS,
            page_query=urlencode(params),
            search_limit=SEARCH_LIMIT,
            **kwargs,
        )


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().with_card_data().prefetch_related("tags", "corrections")

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            if Article.objects.withdrawn().filter(slug=kwargs["slug"]).exists():
                return TemplateResponse(request, "410.html", status=410)
            raise
        # The date in the address is for people; the slug finds the story. Old or mistyped
        # dates lead to the one canonical address.
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        absolute = self.request.build_absolute_uri
        photo = article.public_lead_photo
        share_image = photo.syndication_rendition if photo else None
        related = Article.objects.published().related_to(article).cards()[:4]
        return super().get_context_data(
            canonical_url=absolute(article.get_absolute_url()),
            share_image=share_image,
            share_image_url=absolute(share_image.url) if share_image else "",
            structured_data=jsonld.script(jsonld.news_article(article, absolute=absolute)),
            related=related,
            **kwargs,
        )


def robots_txt(request):
    return TemplateResponse(
        request,
        "robots.txt",
        {
            "sitemap_urls": [
                request.build_absolute_uri(reverse("articles:sitemap-index")),
                request.build_absolute_uri(reverse("articles:news-sitemap")),
            ]
        },
        content_type="text/plain; charset=utf-8",
    )


@requires_csrf_token
def server_error(request):
    """The 500 page, in the site's layout but with no database and no context processors:
    either may be what failed."""
    try:
        stylesheet = static("css/site.css")
    except ValueError:  # the static files manifest is missing: plain is better than nothing
        stylesheet = ""
    html = loader.get_template("500.html").render(
        {
            "site_name": settings.NEWSROOM_SITE_NAME,
            "stylesheet": stylesheet,
            "year": timezone.now().year,
        }
    )
    return HttpResponseServerError(html)


class ArticlePreviewView(ArticleDetailView):
    """An unpublished story exactly as readers will see it, for its editors and writers only."""

    def get_queryset(self):
        return Article.objects.with_card_data().prefetch_related("tags", "corrections")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # Not found rather than forbidden: nobody else learns the story exists.
        if not self.object.can_preview(request.user):
            raise Http404
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)
