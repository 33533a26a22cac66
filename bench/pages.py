"""What the benchmark requests: each page's label and the addresses it rotates over."""

import math
import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.report import FLOOR


@dataclass
class Page:
    label: str
    paths: list[str] = field(default_factory=list)
    # Why the page cannot be measured, when that is known before any request.
    missing: str = ""
    # Sent with every request to the page (by wrk, the first fetch and the priming).
    headers: dict[str, str] = field(default_factory=dict)


# Far more than wrk sends in a minute on loopback (the floor, the fastest page, answers a few
# thousand a second): every API request is still counted, as a real partner's is, and none
# is refused with a 429 that would be measured instead of the API.
PARTNER_REQUESTS_PER_MINUTE = 1_000_000_000


def partner_headers():
    """A partner with a fresh key, as the API's requests carry it (Django must be set up)."""
    from articles.models import Partner

    partner = Partner.objects.filter(name="Benchmark").first() or Partner(name="Benchmark")
    partner.requests_per_minute = PARTNER_REQUESTS_PER_MINUTE
    key = partner.issue_key()
    partner.save()
    return {"Authorization": f"Bearer {key}"}


def choose(*, stories, articles, seed):
    """The pages, from the seeded database (Django must be set up)."""
    from django.conf import settings
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, Section
    from articles.paging import Cursor
    from bench.seed.archive import SEARCH_WORDS

    published = Article.objects.published()
    ids = list(published.order_by("-publish_at", "-pk").values_list("pk", flat=True))
    # Stories spread evenly over the whole archive, requested in a shuffled order.
    sample = ids[:: max(1, len(ids) // articles)][:articles]
    random.Random(seed).shuffle(sample)
    by_pk = published.only("slug", "publish_at", "created_at").in_bulk(sample)
    article_paths = [by_pk[pk].get_absolute_url() for pk in sample]
    # The same stories by the partner API.
    item_paths = [reverse("api:item", args=[pk]) for pk in sample]
    api = partner_headers()

    # Grouped, not a count filtered by a subquery of published stories: PostgreSQL ran that
    # subquery once per story and had not finished after seven minutes at a million.
    most = (
        published.filter(section__isnull=False)
        .values("section")
        .annotate(stories=Count("pk"))
        .order_by("-stories", "section")
        .first()
    )
    biggest = Section.objects.get(pk=most["section"])
    size = settings.NEWSROOM_PAGE_SIZE
    last_page = max(1, math.ceil(most["stories"] / size))
    # Deep enough to show what paging costs as the archive grows: page 50 at 10,000 stories,
    # page 500 at 100,000.
    deep = max(1, min(stories // 200, last_page))
    section = biggest.get_absolute_url()
    deep_path = section
    if deep > 1:
        # Listings page by cursor: a reader reaches page `deep` through "Older stories" links,
        # each naming the last story of the page before.
        listed = published.filter(section=biggest).order_by("-publish_at", "-pk")
        last_before = listed.values_list("publish_at", "pk")[(deep - 1) * size - 1]
        deep_path += f"?before={Cursor(*last_before)}"

    return [
        Page(FLOOR, ["/bench/floor/"]),
        Page("front page", ["/"]),
        Page(f"article (rotating over {len(article_paths):,} stories)", article_paths),
        Page(f"section page 1 ({section})", [section]),
        Page(f"section page {deep:,} of {last_page:,}", [deep_path]),
        Page(
            f"search (rotating over {len(SEARCH_WORDS)} words)",
            [f"/search/?q={word}" for word in SEARCH_WORDS],
        ),
        Page("news sitemap", [reverse("articles:news-sitemap")]),
        Page("API list", [reverse("api:list")], headers=api),
        Page(f"API item (rotating over {len(item_paths):,} stories)", item_paths, headers=api),
    ]


class _FeedLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "link" and "alternate" in rel and attrs.get("type") == "application/rss+xml":
            self.found.append(attrs.get("href") or "")


def rss_feed(front_page_html):
    """The site's RSS feed, as feed readers find it: the front page's autodiscovery link."""
    parser = _FeedLinks()
    parser.feed(front_page_html)
    links = [href for href in parser.found if href]
    if not links:
        return Page("RSS feed", missing="no <link rel=alternate type=application/rss+xml> on /")
    # Absolute links name the site's public host; the benchmark asks the local server.
    parts = urlsplit(urljoin("http://127.0.0.1/", links[0]))
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return Page(f"RSS feed ({path})", [path])
