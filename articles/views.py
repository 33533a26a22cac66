import hashlib
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView

from articles import jsonld
from articles.caching import kept_pieces, kept_value, shows
from articles.cards import Card, Story, area_cards, draw_cards, kept_front
from articles.models import Article, Layout, Section
from articles.models.article import bylines_prefetch
from articles.models.fronts import front_name
from articles.models.live import LiveEntry
from articles.paging import Cursor, page_of
from articles.search import NEWEST, ORDERS, RELEVANCE, clean_query, search

# Readers' searches rank (and count) the newest this many matching stories.
SEARCH_LIMIT = 1000


def kept_at(kind, slug, find):
    """What readers find at `slug`: `find(slug)` returns it with the names it shows, or raises
    Http404 (then nothing is kept). Kept until one of those names changes (articles.caching)."""
    digest = hashlib.blake2b(slug.encode(), digest_size=16).hexdigest()  # short, whatever the slug
    return kept_value(f"{kind}-at:{digest}", lambda: find(slug))


class ArticleListView(ListView):
    """Newest published stories first, as cards, a page at a time; subclasses narrow the list.

    Pages follow one another by cursor (`?before=` and `?after=`, see articles.paging): any
    depth of the archive costs the same, and nothing is skipped or repeated while stories
    are published between page loads.
    """

    template_name = "articles/article_list.html"
    context_object_name = "article_list"
    title = "Latest stories"
    # Which stories the list holds, as articles.caching names it.
    list_name = "stories"

    def get_queryset(self):
        return Article.objects.published().listed()

    def page_names(self):
        """What the page of stories follows, as articles.caching names it."""
        return [self.list_name]

    def get_context_data(self, **kwargs):
        try:
            before, after = (
                Cursor.parse(self.request.GET[name]) if name in self.request.GET else None
                for name in ("before", "after")
            )
        except ValueError as error:
            raise Http404(str(error)) from error
        size = settings.NEWSROOM_PAGE_SIZE
        # Which stories the page holds, kept until the list changes: with their cards kept
        # too, a page built afresh runs no query for them.
        page = kept_value(
            f"page:{self.list_name}:{size}:{before}:{after}",
            lambda: (
                page_of(self.object_list, before=before, after=after, size=size),
                self.page_names(),
            ),
        )
        kwargs.setdefault("title", self.title)
        cards = [Card(story) for story in page.stories]
        shows(self.request, self.list_name, *(card.name for card in cards))
        cards = draw_cards(cards, load=Article.objects.cards_by_id)
        return super().get_context_data(object_list=page.stories, page=page, cards=cards, **kwargs)


class HomeView(TemplateView):
    """The home page as the desk laid it out (articles.models.fronts)."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        areas = kept_front(self.request)
        return super().get_context_data(front=areas, areas=area_cards(areas), **kwargs)


class LatestView(ArticleListView):
    pass


class SectionView(ArticleListView):
    """A section's stories, newest first; above them on its first page, the section's front
    when the desk has laid one out."""

    def get_queryset(self):
        self.section = kept_at("section", self.kwargs["slug"], self.find)
        self.list_name = f"list:section:{self.section.pk}"
        return super().get_queryset().filter(section=self.section)

    @staticmethod
    def find(slug):
        sections = Section.objects.annotate(
            laid_out=Exists(Layout.objects.filter(front__section=OuterRef("pk")))
        )
        section = get_object_or_404(sections, slug=slug)
        # A change to any section names the whole site; the first layout, its front.
        return section, [front_name(section.pk)]

    def page_names(self):
        # Laying out a front, or changing it, changes which stories are left to list below.
        front = ["stories"] if self.areas else []
        return [*super().page_names(), front_name(self.section.pk), *front]

    def get_context_data(self, **kwargs):
        self.areas = []
        first_page = not {"before", "after"} & set(self.request.GET)
        shows(self.request, front_name(self.section.pk))  # the desk may lay one out
        if self.section.laid_out and first_page:
            # Its stories are not listed again below.
            self.areas = kept_front(self.request, self.section)
            on_front = [row.pk for area in self.areas for row in area.stories]
            self.object_list = self.object_list.exclude(pk__in=on_front)
        return super().get_context_data(
            areas=area_cards(self.areas),
            title=self.section.name,
            description=self.section.description,
            feed_url=reverse("articles:section-feed", args=[self.section.slug]),
            atom_url=reverse("articles:section-atom", args=[self.section.slug]),
            **kwargs,
        )


class TagView(ArticleListView):
    def get_queryset(self):
        # A tag only unpublished stories carry would give away what they are about.
        self.tag = kept_at("tag", self.kwargs["slug"], self.find)
        self.list_name = f"list:tag:{self.tag.pk}"
        return super().get_queryset().filter(tags=self.tag)

    @staticmethod
    def find(slug):
        tag = get_object_or_404(Article.objects.published().tags(), slug=slug)
        return tag, [f"list:tag:{tag.pk}"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"Tagged “{self.tag.name}”",
            feed_url=reverse("articles:tag-feed", args=[self.tag.slug]),
            atom_url=reverse("articles:tag-atom", args=[self.tag.slug]),
            **kwargs,
        )


class AuthorView(ArticleListView):
    def get_queryset(self):
        # Like a tag's: an author only unpublished stories carry is not public yet.
        self.author = kept_at("author", self.kwargs["slug"], self.find)
        self.list_name = f"list:author:{self.author.pk}"
        return super().get_queryset().filter(authors=self.author)

    @staticmethod
    def find(slug):
        author = get_object_or_404(Article.objects.published().bylined_authors(), slug=slug)
        return author, [f"list:author:{author.pk}"]

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
        # At most SEARCH_LIMIT narrow rows, read once: the count and the page come from them,
        # where a count query and a page query would each search again. Kept until any public
        # story changes: on a news day readers ask the same few searches.
        rows = partial(
            search,
            Article.objects.published(),
            self.query,
            order=self.order,
            limit=SEARCH_LIMIT,
            fields=("pk",),
        )
        asked = hashlib.blake2b(f"{self.order} {self.query}".encode(), digest_size=16)
        return kept_value(f"search:{asked.hexdigest()}", lambda: (rows(), ["stories"]))

    def get_context_data(self, **kwargs):
        params = {"q": self.query} | ({"sort": NEWEST} if self.order == NEWEST else {})
        context = super().get_context_data(
            title=f"Search results for “{self.query}”" if self.query else "Search",
            query=self.query,
            order=self.order,
            orders=ORDERS,
            page_query=urlencode(params),
            search_limit=SEARCH_LIMIT,
            **kwargs,
        )
        context["cards"] = draw_cards(
            [Card(story) for story in context["article_list"]], load=Article.objects.cards_by_id
        )
        return context


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    # The story's own part of its page, and which stories are related, are kept until they
    # change (articles.caching); not in a preview.
    keep_story = True

    def get_object(self, queryset=None):
        # With its parts kept too, the story's page built afresh runs no query.
        return kept_at("story", self.kwargs["slug"], self.find)

    @staticmethod
    def find(slug):
        story = Article.objects.public_story(slug)
        if story is None:
            raise Http404("No such story.")
        return story, [f"story:{story.pk}"]

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            return self.not_here(kwargs["slug"])
        # The date in the address is for people; the slug finds the story. Old or mistyped
        # dates lead to the one canonical address.
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def not_here(self, slug):
        """No public story at `slug`: gone if the story there was withdrawn; moved if a public
        story readers saw here has a new slug since (every date leads to it, as above)."""
        if Article.objects.withdrawn().filter(slug=slug).exists():
            return TemplateResponse(self.request, "410.html", status=410)
        former = Article.objects.formerly_at(slug)
        # Only the few columns its address is made of.
        moved = former.published().only("slug", "publish_at", "created_at").first()
        if moved is not None:
            return redirect(moved.get_absolute_url(), permanent=True)
        if former.withdrawn().exists():
            return TemplateResponse(self.request, "410.html", status=410)
        raise Http404("No such story.")

    def get_context_data(self, **kwargs):
        article = self.object
        # Worked out again only when the story, its section or one of its tags changes; in a
        # preview always, as a draft's changes name nothing.
        names, related_ids = kept_value(
            f"related:{article.pk}", lambda: self.related(article), keep=self.keep_story
        )
        related = [Card(Story(pk), level=3, brief=True) for pk in related_ids]
        shows(self.request, *names, *(card.name for card in related))
        cards = draw_cards(related, load=partial(Article.objects.cards_by_id, bylines=False))
        return self.story_context(article, related=cards, **kwargs)

    @staticmethod
    def related(article):
        """The names the story's related stories follow, and their ids, with those names."""
        tag_ids = [tag.pk for tag in article.tag_list]
        names = [
            f"story:{article.pk}",
            f"list:section:{article.section_id}",
            *(f"list:tag:{tag_id}" for tag_id in tag_ids),
        ]
        return (names, Article.objects.related(article, tag_ids)), names

    def story_context(self, article, *, related, **kwargs):
        """The page's context: the story's kept parts, its live entries, and the related
        stories' cards."""
        head, story = self.story_parts(article)
        live = self.live_context(article) if article.has_live_entries else None
        return super().get_context_data(
            story_head=head, story=story, related_cards=related, live=live, **kwargs
        )

    def live_context(self, article):
        """A page of a live story's entries, with its structured data (LiveBlogPosting): the
        story's kept head leaves it out, since entries change far more often than the story.

        The first page carries the summary and pinned entries and, while the coverage runs,
        where its script asks for what changed after the newest change shown.
        """
        shows(self.request, f"live:{article.pk}")
        try:
            before = (
                Cursor.parse(self.request.GET["before"]) if "before" in self.request.GET else None
            )
        except ValueError as error:
            raise Http404(str(error)) from error
        entries = LiveEntry.objects.filter(article=article)
        top = [] if before else list(entries.top())
        stream, older = entries.stream(before=before)
        LiveEntry.read_blocks(top + stream)
        changes = [(entry.updated_at, entry.pk) for entry in top + stream]
        prefetch_related_objects([article], bylines_prefetch(), "corrections")
        data = jsonld.live_blog_posting(
            article, top + stream, absolute=self.request.build_absolute_uri
        )
        is_live = article.is_live
        return {
            "is_live": is_live,
            "polls": is_live and before is None,
            "top": top,
            "entries": stream,
            "older": older,
            "before": before,
            "cursor": Cursor(*max(changes)) if changes else "",
            "poll_seconds": settings.NEWSROOM_LIVE_POLL_SECONDS,
            "structured_data": jsonld.script(data),
        }

    def story_parts(self, article):
        """The story's part of the page head (its metadata) and of the page, kept for every
        host it is asked at: they carry absolute addresses."""
        host = f"{self.request.scheme}://{self.request.get_host()}"
        keys = [f"story-head:{host}:{article.pk}", f"story:{host}:{article.pk}"]

        def draw(missing):
            prefetch_related_objects([article], bylines_prefetch(), "corrections")
            absolute = self.request.build_absolute_uri
            photo = article.public_lead_photo
            share_image = photo.syndication_rendition if photo else None
            context = {
                "article": article,
                "canonical_url": absolute(article.get_absolute_url()),
                "share_image": share_image,
                "share_image_url": absolute(share_image.url) if share_image else "",
                # A live story's is drawn with its entries (live_context).
                "structured_data": ""
                if article.has_live_entries
                else jsonld.script(jsonld.news_article(article, absolute=absolute)),
            }
            templates = dict(
                zip(keys, ["articles/_story_meta.html", "articles/_story.html"], strict=True)
            )
            return {
                key: loader.render_to_string(templates[key], context, request=self.request)
                for key in missing
            }

        if not self.keep_story:
            return list(draw(keys).values())
        return kept_pieces([(key, f"story:{article.pk}") for key in keys], draw)


def live_updates(request, slug):
    """What changed on a live story's page after `?after=` (a cursor the page carries), as
    JSON: each entry's HTML, whether it is new since, and the cursor to ask with next.

    Kept by the page cache like a page: every reader of the page asks with the same cursor,
    so one request per change reaches this view, whatever the crowd.
    """
    story = Article.objects.public_story(slug)
    if story is None or not story.has_live_entries:
        withdrawn = story is None and Article.objects.withdrawn().filter(slug=slug).exists()
        return JsonResponse({"error": "No live story here."}, status=410 if withdrawn else 404)
    try:
        after = Cursor.parse(request.GET["after"]) if request.GET.get("after") else None
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    shows(request, f"story:{story.pk}", f"live:{story.pk}")
    changed = LiveEntry.read_blocks(LiveEntry.objects.filter(article=story).changed_after(after))
    last = changed[-1] if changed else None
    return JsonResponse(
        {
            "after": str(Cursor(last.updated_at, last.pk) if last else after or ""),
            "live": story.is_live,
            "entries": [
                {
                    "id": entry.anchor,
                    "new": after is None or entry.posted_at > after.publish_at,
                    "html": loader.render_to_string(
                        "articles/_live_entry.html", {"entry": entry}, request=request
                    ),
                }
                for entry in changed
            ],
        }
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

    keep_story = False  # drafts change with every save, and nobody else may see them

    def get_object(self, queryset=None):
        return get_object_or_404(
            Article.objects.select_related("section", "lead_photo"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # Not found rather than forbidden: nobody else learns the story exists.
        if not self.object.can_preview(request.user):
            raise Http404
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["Cache-Control"] = "private, no-store"
        return response

    extra_context = {"preview": True}
