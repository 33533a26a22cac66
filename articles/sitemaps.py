"""Sitemaps for search engines, and the Google News sitemap, from Django's sitemaps framework.

`/sitemap.xml` is an index: one sitemap per month of stories (a past month's rarely changes, so
crawlers fetch it rarely), one each for the sections', tags' and authors' pages, split into
pages where needed. Every `lastmod` is when readers last saw the page change.

The views do what Django's do (django.contrib.sitemaps.views) with the host each sitemap was
asked on, as pages' and feeds' links are: Django's take the sites framework's domain, installed
here for hand-made redirects only.
"""

import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sites.requests import RequestSite
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from articles.models import Article, Author, Section

# When a story last changed for readers, as SQL; stories loaded with_last_modified() also
# count corrections, which the index adds month by month.
FIRST_PUBLICATION = Coalesce("first_published_at", "publish_at")
LAST_CHANGE = Greatest(FIRST_PUBLICATION, Coalesce("revised_at", FIRST_PUBLICATION))

# Addresses per sitemap page, a fifth of the protocol's limit: Django's framework holds a model
# instance or row, a dict and the template's output for each address until the page is
# written, which at 50,000 raised a worker's peak memory five times as much and took seconds.
PAGE_SIZE = 10_000
NEWS_WINDOW = timedelta(days=2)
# Google News reads at most this many addresses from a news sitemap.
NEWS_LIMIT = 1000
ROBOTS = {"X-Robots-Tag": "noindex, noodp, noarchive"}


def month_start(year, month):
    return timezone.make_aware(datetime(year, month, 1))


class StorySitemap(Sitemap):
    """One month's public stories, oldest first.

    A sitemap a month rather than one for the archive: Django's paginator counts and skips
    rows (COUNT, OFFSET), and a month's are all it ever counts or skips, so a page costs the
    same at a million stories as at a thousand.
    """

    limit = PAGE_SIZE

    def __init__(self, year, month):
        self.start = month_start(year, month)
        self.end = month_start(year + month // 12, month % 12 + 1)

    def items(self):
        return (
            Article.objects.published()
            .filter(publish_at__gte=self.start, publish_at__lt=self.end)
            .with_last_modified()
            .only("slug", "publish_at", "first_published_at", "revised_at")
            .order_by("publish_at", "pk")
        )

    def lastmod(self, story):
        return story.modified_at


class IdPaginator(Paginator):
    """Rows a page of ids at a time: page N holds those whose `id_field` is from
    (N - 1) * per_page + 1 to N * per_page; `ids` are every id a row may have.

    The page count then needs only the highest id (one walk down an index), where Django's
    paginator counts the rows: a count of the tags with public stories joins every story to
    every tag (3 s at a million stories). The price: ids without rows leave their page short.
    """

    def __init__(self, rows, per_page, *, id_field, ids):
        super().__init__(rows, per_page)
        self.id_field = id_field
        self.ids = ids

    @cached_property
    def last_id(self):
        return self.ids.order_by("-pk").values_list("pk", flat=True).first()

    @cached_property
    def num_pages(self):
        return max(1, math.ceil((self.last_id or 0) / self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        after = (number - 1) * self.per_page
        ids = {f"{self.id_field}__gt": after, f"{self.id_field}__lte": after + self.per_page}
        return Page(self.object_list.filter(**ids), number, self)


class ArticleListSitemap(Sitemap):
    """The pages listing stories by section, tag or author that list a public story, each
    with when its newest story last changed."""

    limit = PAGE_SIZE
    model = None  # Section, Tag or Author
    lookup = None  # from a story to one of them: "section", "tags" or "authors"

    def items(self):
        # One pass grouping the public stories: a subquery per tag or author, counted once for
        # the paginator and again for the page, took 43 s at a million stories.
        slug = self.model.objects.filter(pk=OuterRef("group")).values("slug")
        return (
            Article.objects.published()
            # Grouped by an alias: the paginator's filter on it then reads the same join, where
            # one on the relation itself would join the stories to their tags a second time.
            .values(group=F(self.lookup))
            .annotate(lastmod=Max(LAST_CHANGE))
            # Annotated after the grouping, so looked up once a group rather than grouped by:
            # that made PostgreSQL look it up for each of 2.5 million tagged stories.
            .annotate(slug=Subquery(slug))
            # Newest change first. Ordered by an aggregate, no row can come before all are
            # grouped, so PostgreSQL hashes the join: ordered by id, its taste for a fast start
            # had it probe every tagged story through indexes instead (12 million buffer reads
            # against 190,000 for 50,000 tags at a million stories).
            .order_by("-lastmod", "group")
        )

    def lastmod(self, row):
        return row["lastmod"]

    @property
    def paginator(self):
        stories = Article.objects.published().filter(**{self.lookup: OuterRef("pk")})
        with_stories = self.model.objects.filter(Exists(stories))
        return IdPaginator(self.items(), self.limit, id_field="group", ids=with_stories)


class SectionSitemap(ArticleListSitemap):
    model, lookup = Section, "section"

    def location(self, row):
        return Section(slug=row["slug"]).get_absolute_url()


class TagSitemap(ArticleListSitemap):
    model, lookup = Tag, "tags"

    def location(self, row):
        return reverse("articles:tag", args=[row["slug"]])


class AuthorSitemap(ArticleListSitemap):
    model, lookup = Author, "authors"

    def location(self, row):
        return Author(slug=row["slug"]).get_absolute_url()


class NewsSitemap(Sitemap):
    """Stories first published in the last two days, newest first, for Google News."""

    def items(self):
        now = timezone.now()
        # Google News takes no sponsored content from a news sitemap (its content policies):
        # paid stories are listed in the ordinary sitemaps only.
        published = Article.objects.published(now=now).editorial()
        cutoff = now - NEWS_WINDOW
        # Two index walks: as one OR, SQLite read every published story (19 ms at 10,000).
        fresh = published.in_any(
            [
                published.filter(first_published_at__gte=cutoff).values("pk"),
                published.filter(first_published_at__isnull=True, publish_at__gte=cutoff).values(
                    "pk"
                ),
            ]
        )
        stories = fresh.only("headline", "slug", "publish_at", "first_published_at")
        # A list, which the paginator counts without a query.
        return list(stories.order_by(FIRST_PUBLICATION.desc(), "-pk")[:NEWS_LIMIT])


# Classes, made afresh for each request as Django's views do: a page sets its latest_lastmod.
SITEMAPS = {"sections": SectionSitemap, "tags": TagSitemap, "authors": AuthorSitemap}
MONTH = re.compile(r"articles-([0-9]{4})-([0-9]{2})")
# Years whose months, and the month after, are dates in any time zone (datetime stops at 1
# and 9999): the rest are no sitemap at all.
YEARS = range(datetime.min.year + 1, datetime.max.year)


def index(request):
    """The sitemap index, from five queries whatever the archive's size.

    One pass over the public stories counts them and finds their last change, month by month;
    corrections add their months' latest; each sitemap of sections, tags or authors needs its
    highest id. Their lastmod is the last change of any public story, never earlier than their
    own: finding the last of those with a tag would join every story to every tag.
    """
    public = Article.objects.published().order_by()
    by_month = public.annotate(month=TruncMonth("publish_at")).values("month")
    months = by_month.annotate(count=Count("pk"), changed=Max(LAST_CHANGE)).order_by("month")
    corrected = dict(
        by_month.filter(corrections__isnull=False)
        .annotate(at=Max("corrections__created_at"))
        .values_list("month", "at")
    )
    entries = []

    def add(section, pages, lastmod):
        url = request.build_absolute_uri(reverse("articles:sitemap", args=[section]))
        entries.append(SitemapIndexItem(url, lastmod))
        entries.extend(SitemapIndexItem(f"{url}?p={page}", lastmod) for page in range(2, pages + 1))

    for month in months:
        lastmod = max(filter(None, [month["changed"], corrected.get(month["month"])]))
        add(
            f"articles-{month['month']:%Y-%m}",
            math.ceil(month["count"] / StorySitemap.limit),
            lastmod,
        )
    newest = max((month["changed"] for month in months), default=None)
    for section, sitemap in SITEMAPS.items():
        paginator = sitemap().paginator
        if paginator.last_id is not None:
            add(section, paginator.num_pages, newest)
    return TemplateResponse(
        request,
        "sitemaps/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=ROBOTS,
    )


def sitemap(request, section):
    if section in SITEMAPS:
        found = SITEMAPS[section]()
    elif (
        (match := MONTH.fullmatch(section)) and int(match[1]) in YEARS and 1 <= int(match[2]) <= 12
    ):
        found = StorySitemap(int(match[1]), int(match[2]))
    else:
        raise Http404("No such sitemap.")
    return render_sitemap(request, found)


def news_sitemap(request):
    return render_sitemap(
        request,
        NewsSitemap(),
        "sitemaps/news.xml",
        {
            "publication_name": settings.NEWSROOM_SITE_NAME,
            "language": news_language(settings.LANGUAGE_CODE),
        },
    )


def render_sitemap(request, sitemap, template_name="sitemaps/sitemap.xml", context=None):
    """One page of `sitemap` (`?p=`), its addresses on the host it was asked on."""
    try:
        urls = sitemap.get_urls(
            page=request.GET.get("p", 1), site=RequestSite(request), protocol=request.scheme
        )
    except InvalidPage:
        raise Http404("No such page.") from None
    return TemplateResponse(
        request,
        template_name,
        {"urlset": urls, **(context or {})},
        content_type="application/xml",
        headers=ROBOTS,
    )


def news_language(language_code):
    """Google News wants an ISO 639 code: "en" for en-gb; Chinese keeps its script."""
    language_code = language_code.lower()
    if language_code in ("zh-cn", "zh-hans"):
        return "zh-cn"
    if language_code in ("zh-tw", "zh-hant"):
        return "zh-tw"
    return language_code.split("-")[0]
