"""Sitemaps for search engines, and the Google News sitemap.

`/sitemap.xml` is an index: one sitemap per month of stories (a past month's rarely changes, so
crawlers fetch them rarely), one each for sections, tags and authors, split into pages of
50,000 addresses where needed. Every `lastmod` is when readers last saw the page change.

Each page is written straight from database rows, read a chunk at a time. Django's sitemap
framework loads a model instance and builds a dict for each of 50,000 addresses before its
template joins them: a worker's peak memory rose by 70 MB for 5.7 MB of XML, against 13 MB
written this way.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import batched
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import Http404, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.urls.converters import SlugConverter
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles.caching import kept_pieces
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
MAX_ROW = 2**63 - 1


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
        # The page's first story, by an OFFSET over two columns; the page then reads on from
        # it. One OFFSET over the full rows would work out the last correction of every story
        # it skips: page 3 of a month of 137,000 stories took 0.84 s, now 0.15 + 0.13 s.
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
            days[day] = around_slug(
                Article(slug=PLACEHOLDER, publish_at=publish_at).get_absolute_url()
            )
        before, after = days[day]
        yield f"{before}{slug}{after}", lastmod


def around_slug(path):
    """What comes before and after the placeholder slug in an address."""
    before, _, after = path.rpartition(PLACEHOLDER)
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


@dataclass(frozen=True)
class Listing:
    """Pages listing stories (sections, tags or authors), in sitemap pages split by id.

    Page N lists those with ids from (N - 1) * PAGE_SIZE + 1 to N * PAGE_SIZE, so it can never
    hold more than PAGE_SIZE, and the index needs only the highest id with a public story (a
    walk down an index) rather than a count of them, which joins every story to every tag (3 s
    at a million stories). The price: ids without public stories leave their page short, and
    PAGE_SIZE of them in a row an empty page.
    """

    model: type
    lookup: str  # from a story to its section, tags or authors
    address: Callable[[str], str]  # a slug's address path

    def last_id(self):
        stories = Article.objects.published().filter(**{self.lookup: OuterRef("pk")})
        return (
            self.model.objects.filter(Exists(stories))
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )

    def entries(self, page):
        """(address path, lastmod) of one sitemap page; lastmod: its newest story's change."""
        slug = self.model.objects.filter(pk=OuterRef(self.lookup)).values("slug")
        rows = (
            Article.objects.published()
            .filter(
                **{
                    f"{self.lookup}__gt": (page - 1) * PAGE_SIZE,
                    f"{self.lookup}__lte": page * PAGE_SIZE,
                }
            )
            .values_list(self.lookup)
            .annotate(lastmod=Max(LAST_CHANGE))
            # Annotated after the grouping, so looked up once a group rather than grouped by:
            # that made PostgreSQL look it up for each of 2.5 million tagged stories.
            .annotate(slug=Subquery(slug))
            # Newest change first. Ordered by an aggregate, no row can come before all are
            # grouped, so PostgreSQL hashes the join: ordered by id, a server-side cursor's
            # taste for a fast start had it probe every tagged story through indexes instead
            # (12 million buffer reads against 190,000 for 50,000 tags at 1M stories).
            .order_by("-lastmod", self.lookup)
        )
        before, after = around_slug(self.address(PLACEHOLDER))
        for _, lastmod, slug in rows.iterator(chunk_size=CHUNK):
            # Escaped as reverse() would: taggit keeps accents in slugs ("zürich").
            yield f"{before}{iri_to_uri(slug)}{after}", lastmod


LISTINGS = {
    "sections": Listing(Section, "section", lambda slug: Section(slug=slug).get_absolute_url()),
    "tags": Listing(Tag, "tags", lambda slug: reverse("articles:tag", args=[slug])),
    "authors": Listing(Author, "authors", lambda slug: Author(slug=slug).get_absolute_url()),
}
MONTH = re.compile(r"articles-([0-9]{4})-([0-9]{2})")
# Years whose months, and the month after, are dates in any time zone (datetime stops at 1
# and 9999): the rest are no sitemap at all.
YEARS = range(datetime.min.year + 1, datetime.max.year)
# A page number written once, as the index writes it: no sign, zero, leading zero or spaces.
PAGE = re.compile(r"[1-9][0-9]*")


def sitemap(request, section):
    page = page_number(request)
    if section in LISTINGS:
        listing = LISTINGS[section]
        # Page 1 is there even when empty; a later one only up to the highest id listed.
        if page > 1 and page > pages(listing.last_id() or 0):
            raise Http404("No such page.")
        entries = listing.entries(page)
    elif (
        (match := MONTH.fullmatch(section)) and int(match[1]) in YEARS and 1 <= int(match[2]) <= 12
    ):
        entries = month_entries(int(match[1]), int(match[2]), page)
    else:
        raise Http404("No such sitemap.")
    # HttpResponse joins the pieces as it is made, so a page that does not exist raises
    # Http404 from here, before any response goes out.
    return HttpResponse(
        urlset(f"{request.scheme}://{request.get_host()}", entries),
        content_type="application/xml",
        headers=ROBOTS,
    )


def pages(count):
    return math.ceil(count / PAGE_SIZE)


def page_number(request):
    number = request.GET.get("p", "1")
    # A page's first row is found by an OFFSET, and a listing's by id: both 64-bit integers
    # in the database, which refuses a larger number rather than finding nothing.
    if not PAGE.fullmatch(number) or len(number) > 20 or int(number) > MAX_ROW // PAGE_SIZE:
        raise Http404("No such page.")
    return int(number)


def index(request):
    """The sitemap index, from five queries whatever the archive's size.

    One pass over the public stories counts them and finds their last change, month by month;
    corrections add their months' latest. A listing sitemap's lastmod is the last change of any
    public story, never earlier than its own: finding the last of those with a tag would join
    every story to every tag.
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

    def add(section, count, lastmod):
        url = request.build_absolute_uri(reverse("articles:sitemap", args=[section]))
        for page in range(1, count + 1):
            entries.append(SitemapIndexItem(url if page == 1 else f"{url}?p={page}", lastmod))

    for month in months:
        lastmod = max(filter(None, [month["changed"], corrected.get(month["month"])]))
        add(f"articles-{month['month']:%Y-%m}", pages(month["count"]), lastmod)
    newest = max((month["changed"] for month in months), default=None)
    for section, listing in LISTINGS.items():
        if last_id := listing.last_id():
            add(section, pages(last_id), newest)
    return TemplateResponse(
        request,
        "sitemaps/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=ROBOTS,
    )


def _news(limit, *, now, cutoff):
    """The news sitemap's `limit` newest stories, as ids."""
    published = Article.objects.published(now=now)
    # Two index walks: as one OR, SQLite read every published story (19 ms at 10,000).
    return (
        published.in_any(
            [
                published.filter(first_published_at__gte=cutoff).values("pk"),
                published.filter(first_published_at__isnull=True, publish_at__gte=cutoff).values(
                    "pk"
                ),
            ]
        )
        .order_by(FIRST_PUBLICATION.desc(), "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def news_sitemap(request):
    """Stories first published in the last two days, for Google News.

    Each story's entry is written once and kept (articles.caching), like its cards.
    """
    now = timezone.now()
    listed = _news(NEWS_LIMIT, now=now, cutoff=now - NEWS_WINDOW)
    context = {
        "site": f"{request.scheme}://{request.get_host()}",
        "publication_name": settings.NEWSROOM_SITE_NAME,
        "language": news_language(settings.LANGUAGE_CODE),
    }
    entry = loader.get_template("sitemaps/news_entry.xml")

    keys = {f"news:{context['site']}:{pk}": pk for pk in listed}

    def write(missing):
        stories = Article.objects.filter(pk__in=[keys[key] for key in missing]).only(
            "headline", "slug", "publish_at", "first_published_at", "created_at"
        )
        complete = {story.pk: story for story in stories}
        return {
            key: entry.render(context | {"story": complete[keys[key]]})
            for key in missing
            if keys[key] in complete
        }

    entries = kept_pieces([(key, f"story:{pk}") for key, pk in keys.items()], write)
    return TemplateResponse(
        request,
        "sitemaps/news.xml",
        # Joined here: a template loop over a thousand entries took longer than the query.
        {"entries": mark_safe("".join(entries))},
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
