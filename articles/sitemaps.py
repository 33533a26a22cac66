"""Sitemaps for search engines, and the Google News sitemap.

`/sitemap.xml` is an index: one sitemap per month of stories (a past month's rarely changes, so
crawlers fetch them rarely), one each for sections, tags and authors, split into pages of
50,000 addresses where needed. Every `lastmod` is when readers last saw the page change.
"""

import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Section

# When a story last changed for readers, as SQL; stories loaded with_last_modified() also
# count corrections, which the per-month totals add separately.
FIRST_PUBLICATION = Coalesce("first_published_at", "publish_at")
LAST_CHANGE = Greatest(FIRST_PUBLICATION, Coalesce("revised_at", FIRST_PUBLICATION))

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


def month_start(year, month):
    return timezone.make_aware(datetime(year, month, 1))


class ArticleSitemap(Sitemap):
    """The stories published in one month."""

    def __init__(self, year, month):
        self.start = month_start(year, month)
        self.end = month_start(year + month // 12, month % 12 + 1)

    def items(self):
        return (
            Article.objects.published()
            .filter(publish_at__gte=self.start, publish_at__lt=self.end)
            .with_last_modified()
            .only("slug", "publish_at", "first_published_at", "revised_at", "created_at")
            .order_by("publish_at", "pk")
        )

    def lastmod(self, article):
        return article.modified_at


class ListingSitemap(Sitemap):
    """Pages listing stories: their last change is that of the newest story they show."""

    model = None
    stories_lookup = None

    def items(self):
        newest = (
            Article.objects.published()
            .filter(**{self.stories_lookup: OuterRef("pk")})
            .annotate(at=LAST_CHANGE)
            .order_by("-at")
            .values("at")[:1]
        )
        return (
            self.model.objects.annotate(lastmod=Subquery(newest))
            .filter(lastmod__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.lastmod


class SectionSitemap(ListingSitemap):
    model, stories_lookup = Section, "section"


class TagSitemap(ListingSitemap):
    model, stories_lookup = Tag, "tags"

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class AuthorSitemap(ListingSitemap):
    model, stories_lookup = Author, "authors"


LISTINGS = {"sections": SectionSitemap, "tags": TagSitemap, "authors": AuthorSitemap}
MONTH = re.compile(r"articles-(\d{4})-(\d{2})")


def get_sitemap(section):
    if section in LISTINGS:
        return LISTINGS[section]()
    match = MONTH.fullmatch(section)
    if match and 1 <= int(match[2]) <= 12:
        return ArticleSitemap(int(match[1]), int(match[2]))
    raise Http404("No such sitemap.")


def sitemap(request, section):
    return sitemap_views.sitemap(
        request,
        {section: get_sitemap(section)},
        section=section,
        template_name="sitemaps/sitemap.xml",
    )


def index(request):
    """The sitemap index, from four aggregate queries whatever the archive's size."""
    public = Article.objects.published().order_by()
    entries = []

    def add(section, count, lastmod):
        url = request.build_absolute_uri(reverse("articles:sitemap", args=[section]))
        for page in range(1, math.ceil(count / Sitemap.limit) + 1):
            entries.append(SitemapIndexItem(url if page == 1 else f"{url}?p={page}", lastmod))

    months = (
        public.annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(
            count=Count("pk", distinct=True),
            changed=Max(LAST_CHANGE),
            corrected=Max("corrections__created_at"),
        )
        .order_by("month")
    )
    for month in months:
        section = f"articles-{month['month']:%Y-%m}"
        add(section, month["count"], max(filter(None, [month["changed"], month["corrected"]])))
    for section, lookup in [("sections", "section"), ("tags", "tags"), ("authors", "authors")]:
        listed = public.filter(**{f"{lookup}__isnull": False}).aggregate(
            count=Count(lookup, distinct=True), lastmod=Max(LAST_CHANGE)
        )
        if listed["count"]:
            add(section, listed["count"], listed["lastmod"])
    return TemplateResponse(
        request,
        "sitemaps/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


def news_sitemap(request):
    """Stories first published in the last two days, for Google News."""
    cutoff = timezone.now() - NEWS_WINDOW
    stories = (
        Article.objects.published()
        .filter(
            Q(first_published_at__gte=cutoff)
            | Q(first_published_at__isnull=True, publish_at__gte=cutoff)
        )
        .only("headline", "slug", "publish_at", "first_published_at", "created_at")
        .order_by(FIRST_PUBLICATION.desc(), "-pk")[:NEWS_LIMIT]
    )
    return TemplateResponse(
        request,
        "sitemaps/news.xml",
        {
            "stories": stories,
            "publication_name": settings.NEWSROOM_SITE_NAME,
            "language": news_language(settings.LANGUAGE_CODE),
        },
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


def news_language(language_code):
    """Google News wants an ISO 639 code: "en" for en-gb; Chinese keeps its script."""
    language_code = language_code.lower()
    if language_code in ("zh-cn", "zh-hans"):
        return "zh-cn"
    if language_code in ("zh-tw", "zh-hant"):
        return "zh-tw"
    return language_code.split("-")[0]
