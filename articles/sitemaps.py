"""Sitemaps for search engines, and the Google News sitemap.

`/sitemap.xml` is an index: one sitemap per month of stories (a past month's rarely changes, so
crawlers fetch them rarely), one each for sections, tags and authors, split into pages of
50,000 addresses where needed. Every `lastmod` is when readers last saw the page change.

A month's sitemap is written straight from database rows, read a chunk at a time. Django's
sitemap framework loads a model instance and builds a dict for each of 50,000 addresses before
its template joins them: a worker's peak memory rose by 70 MB for 5.7 MB of XML, and by 13 MB
written this way.
"""

import math
import re
from datetime import datetime, timedelta
from itertools import batched
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.urls.converters import SlugConverter
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Section
from articles.templatetags.timestamps import iso8601

# When a story last changed for readers, as SQL; stories loaded with_last_modified() also
# count corrections, which the per-month totals add separately.
FIRST_PUBLICATION = Coalesce("first_published_at", "publish_at")
LAST_CHANGE = Greatest(FIRST_PUBLICATION, Coalesce("revised_at", FIRST_PUBLICATION))

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000
# Addresses per sitemap page: the protocol's limit. Rows are read from the database, and written
# out as XML, CHUNK at a time.
PAGE_SIZE = Sitemap.limit
CHUNK = 2000
ROBOTS = {"X-Robots-Tag": "noindex, noodp, noarchive"}
# A valid slug that no address contains otherwise: reversed once, then replaced by real slugs.
PLACEHOLDER = "sitemap-slug-placeholder"
SLUG = re.compile(SlugConverter.regex)


def month_start(year, month):
    return timezone.make_aware(datetime(year, month, 1))


def month_entries(year, month, page):
    """(address path, lastmod) of the stories on one page of a month, oldest first."""
    start = month_start(year, month)
    end = month_start(year + month // 12, month % 12 + 1)
    stories = (
        Article.objects.published()
        .filter(publish_at__gte=start, publish_at__lt=end)
        .order_by("publish_at", "pk")
    )
    if page > 1:
        # The page's first story: the database skips the rows before it without sending them,
        # and the page then reads on from there (keyset), not past a second OFFSET.
        try:
            at, pk = stories.values_list("publish_at", "pk")[(page - 1) * PAGE_SIZE]
        except IndexError:
            raise Http404("No such page.") from None
        # The plain range on publish_at lets the database start from its index.
        stories = stories.filter(publish_at__gte=at).filter(Q(publish_at__gt=at) | Q(pk__gte=pk))
    rows = (
        stories.with_last_modified()
        .annotate(lastmod=Greatest(LAST_CHANGE, Coalesce("last_corrected_at", LAST_CHANGE)))
        .values_list("slug", "publish_at", "lastmod")[:PAGE_SIZE]
    )
    days = {}
    for slug, publish_at, lastmod in rows.iterator(chunk_size=CHUNK):
        if not SLUG.fullmatch(slug):
            continue  # no address: reverse() would refuse it, failing the whole page
        # reverse() costs tens of microseconds: once a day, not once a story.
        day = timezone.localtime(publish_at).date()
        if day not in days:
            days[day] = around_slug(Article(slug=PLACEHOLDER, publish_at=publish_at))
        before, after = days[day]
        yield f"{before}{slug}{after}", lastmod


def around_slug(placeholder):
    """What comes before and after the slug in the address of an object with the placeholder."""
    before, _, after = placeholder.get_absolute_url().rpartition(PLACEHOLDER)
    return before, after


def urlset(base, entries):
    """A sitemap's XML from (address path, lastmod) pairs, as bytes, CHUNK addresses a piece."""
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    )
    base = escape(base)
    for chunk in batched(entries, CHUNK):
        yield "".join(
            f"<url><loc>{base}{escape(path)}</loc>"
            + (f"<lastmod>{iso8601(lastmod)}</lastmod>" if lastmod else "")
            + "</url>\n"
            for path, lastmod in chunk
        ).encode()
    yield b"</urlset>\n"


class ListingSitemap(Sitemap):
    """Pages listing stories: their last change is that of the newest story they show."""

    model = None
    stories_lookup = None

    @property
    def limit(self):
        return PAGE_SIZE

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


def sitemap(request, section):
    if section in LISTINGS:
        return sitemap_views.sitemap(
            request,
            {section: LISTINGS[section]()},
            section=section,
            template_name="sitemaps/sitemap.xml",
        )
    match = MONTH.fullmatch(section)
    if not (match and 1 <= int(match[2]) <= 12):
        raise Http404("No such sitemap.")
    page = page_number(request)
    base = f"{request.scheme}://{request.get_host()}"
    # HttpResponse joins the pieces as it is made, so a page that does not exist raises
    # Http404 from here, before any response goes out.
    return HttpResponse(
        urlset(base, month_entries(int(match[1]), int(match[2]), page)),
        content_type="application/xml",
        headers=ROBOTS,
    )


def page_number(request):
    try:
        page = int(request.GET.get("p", 1))
    except ValueError:
        raise Http404("No such page.") from None
    if page < 1:
        raise Http404("No such page.")
    return page


def index(request):
    """The sitemap index, from four aggregate queries whatever the archive's size."""
    public = Article.objects.published().order_by()
    entries = []

    def add(section, count, lastmod):
        url = request.build_absolute_uri(reverse("articles:sitemap", args=[section]))
        for page in range(1, math.ceil(count / PAGE_SIZE) + 1):
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
