import itertools
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from articles import sitemaps
from articles.models import Article, Status

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
MAY = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
JUNE = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
_numbers = itertools.count(1)


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def locations(client, url):
    return [loc.text for loc in get_xml(client, url).findall("sm:url/sm:loc", NS)]


def bulk_stories(count, start, *, every=timedelta(minutes=1), **fields):
    """Published stories enough to fill pages, in one INSERT: the factories would take minutes."""
    return Article.objects.bulk_create(
        Article(
            **{
                "headline": f"Story {n}",
                "slug": f"story-{next(_numbers)}",
                "status": Status.PUBLISHED,
                "publish_at": start + n * every,
            }
            | fields
        )
        for n in range(count)
    )


def entries(root, tag="sm:url"):
    """{location: lastmod} of a sitemap or sitemap index."""
    return {
        node.findtext("sm:loc", namespaces=NS): parse_datetime(
            node.findtext("sm:lastmod", namespaces=NS)
        )
        for node in root.findall(tag, NS)
    }


def page_size(monkeypatch, size):
    """Sitemap pages of `size` addresses, for stories and for sections, tags and authors."""
    for kind in (sitemaps.StorySitemap, sitemaps.ArticleListSitemap):
        monkeypatch.setattr(kind, "limit", size)


@pytest.fixture
def archive(make_article, make_section, make_author, make_correction):
    world, empty = make_section(slug="world"), make_section(slug="empty")
    ann, nobody = make_author(slug="ann"), make_author(slug="nobody")
    may = make_article(
        section=world, authors=[ann], tags=["space"], publish_at=MAY, slug="may-story"
    )
    june = make_article(
        section=world,
        authors=[ann],
        tags=["space", "moon"],
        publish_at=JUNE,
        revised_at=JUNE + timedelta(days=2),
        slug="june-story",
    )
    corrected = make_article(
        section=world, authors=[ann], publish_at=JUNE + timedelta(days=1), slug="fixed"
    )
    correction = make_correction(corrected, created_at=JUNE + timedelta(days=5))
    make_article(
        section=empty, authors=[nobody], tags=["hidden"], status=Status.DRAFT, publish_at=MAY
    )
    return {"may": may, "june": june, "corrected": corrected, "correction": correction}


def test_sitemap_index_lists_months_and_listings_with_lastmod(client, archive):
    index = entries(get_xml(client, "/sitemap.xml"), "sm:sitemap")
    assert index == {
        "http://testserver/sitemap-articles-2024-05.xml": MAY,
        "http://testserver/sitemap-articles-2024-06.xml": archive["correction"].created_at,
        "http://testserver/sitemap-sections.xml": JUNE + timedelta(days=2),
        "http://testserver/sitemap-tags.xml": JUNE + timedelta(days=2),
        "http://testserver/sitemap-authors.xml": JUNE + timedelta(days=2),
    }


def test_month_sitemap_lists_its_stories_with_their_last_change(client, archive):
    june = entries(get_xml(client, "/sitemap-articles-2024-06.xml"))
    assert june == {
        f"http://testserver{archive['june'].get_absolute_url()}": JUNE + timedelta(days=2),
        f"http://testserver{archive['corrected'].get_absolute_url()}": archive[
            "correction"
        ].created_at,
    }
    assert entries(get_xml(client, "/sitemap-articles-2024-05.xml")) == {
        f"http://testserver{archive['may'].get_absolute_url()}": MAY
    }


def test_listing_sitemaps_hold_only_pages_with_public_stories(client, archive):
    newest = JUNE + timedelta(days=2)
    assert entries(get_xml(client, "/sitemap-sections.xml")) == {
        "http://testserver/section/world/": newest
    }
    assert entries(get_xml(client, "/sitemap-tags.xml")) == {
        "http://testserver/tag/space/": newest,
        "http://testserver/tag/moon/": newest,
    }
    assert entries(get_xml(client, "/sitemap-authors.xml")) == {
        "http://testserver/author/ann/": newest
    }


def test_large_sitemaps_are_split_into_pages(client, archive, monkeypatch):
    page_size(monkeypatch, 1)
    index = entries(get_xml(client, "/sitemap.xml"), "sm:sitemap")
    assert "http://testserver/sitemap-articles-2024-06.xml?p=2" in index
    assert "http://testserver/sitemap-articles-2024-06.xml?p=3" not in index
    assert "http://testserver/sitemap-tags.xml?p=2" in index
    first = entries(get_xml(client, "/sitemap-articles-2024-06.xml"))
    second = entries(get_xml(client, "/sitemap-articles-2024-06.xml?p=2"))
    assert len(first) == len(second) == 1 and first != second
    assert client.get("/sitemap-articles-2024-06.xml?p=3").status_code == 404
    assert client.get("/sitemap-articles-2024-06.xml?p=x").status_code == 404


def test_a_month_larger_than_a_page_is_split_without_gaps_or_repeats(
    client, db, monkeypatch, django_assert_num_queries
):
    page_size(monkeypatch, 5)
    march = datetime(2023, 3, 1, tzinfo=UTC)
    # Stories three to a minute: pages end in the middle of a minute, ordered by id within it.
    stories = bulk_stories(23, march, every=timedelta(seconds=20))
    bulk_stories(4, march, status=Status.DRAFT)
    bulk_stories(2, march, embargo_until=timezone.now() + timedelta(hours=1))
    bulk_stories(1, march + timedelta(days=31))  # April: a page of its own
    index = entries(get_xml(client, "/sitemap.xml"), "sm:sitemap")
    base = "http://testserver/sitemap-articles-2023-03.xml"
    pages = [base] + [f"{base}?p={page}" for page in range(2, 6)]
    assert sorted(url for url in index if url.startswith(base)) == sorted(pages)
    listed = []
    for page in pages:
        with django_assert_num_queries(2):  # the month's count, the page
            listed += locations(client, page)
    ordered = sorted(stories, key=lambda story: (story.publish_at, story.pk))
    assert listed == [f"http://testserver{story.get_absolute_url()}" for story in ordered]
    assert client.get(f"{base}?p=6").status_code == 404


def test_tags_are_split_into_pages_by_id_without_gaps_or_repeats(
    client, make_article, monkeypatch, django_assert_num_queries
):
    page_size(monkeypatch, 5)
    for n in range(12):
        make_article(tags=[f"topic-{n}", f"topic-{n + 1}"])
    make_article(tags=["hidden-topic"], status=Status.DRAFT)
    public = Tag.objects.exclude(slug="hidden-topic")
    # Page N holds the tags with ids from 5N - 4 to 5N (ids do not restart with each test).
    expected = {}
    for tag in public:
        expected.setdefault((tag.pk - 1) // 5 + 1, set()).add(f"http://testserver/tag/{tag.slug}/")
    last_page = max(expected)
    index = entries(get_xml(client, "/sitemap.xml"), "sm:sitemap")
    base = "http://testserver/sitemap-tags.xml"
    pages = {1: base} | {page: f"{base}?p={page}" for page in range(2, last_page + 1)}
    assert sorted(url for url in index if url.startswith(base)) == sorted(pages.values())
    listed = {}
    for page, url in pages.items():
        with django_assert_num_queries(2):  # the last tag's id, the page
            listed[page] = locations(client, url)
    assert {page: set(urls) for page, urls in listed.items() if urls} == expected
    assert sum(len(urls) for urls in listed.values()) == public.count() == 13
    assert client.get(f"{base}?p={last_page + 1}").status_code == 404


def test_a_tag_with_an_accented_slug_is_listed_at_its_escaped_address(client, make_article):
    # taggit keeps accents in slugs ("zürich"): the address escapes them, as reverse() does.
    make_article(tags=["Zürich", "Geneva"])
    listed = locations(client, "/sitemap-tags.xml")
    assert sorted(listed) == ["http://testserver/tag/geneva/", "http://testserver/tag/z%C3%BCrich/"]
    assert client.get("/tag/z%C3%BCrich/").status_code == 200


def test_a_sitemap_page_s_memory_is_bounded_by_its_size_not_its_month(
    client, db, settings, monkeypatch
):
    """A page holds each of its addresses in memory until it is written (Django's sitemaps
    framework): a full page of a month ten times as large costs no more."""
    settings.NEWSROOM_STORE_PAGES = False
    page_size(monkeypatch, 200)
    bulk_stories(200, datetime(2023, 1, 1, tzinfo=UTC))
    bulk_stories(2000, datetime(2023, 2, 1, tzinfo=UTC))
    client.get("/sitemap-articles-2023-01.xml")  # imports, URL patterns, templates

    def traced(url):
        tracemalloc.start()
        try:
            return client.get(url), tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, small_peak = traced("/sitemap-articles-2023-01.xml")
    large, large_peak = traced("/sitemap-articles-2023-02.xml?p=10")
    assert small.content.count(b"<loc>") == large.content.count(b"<loc>") == 200
    assert large_peak < 1.5 * small_peak


@pytest.mark.parametrize(
    "section", ["articles-2024-13", "articles-24-01", "pages", "articles-2024-5"]
)
def test_unknown_sitemaps_are_not_found(client, db, section):
    assert client.get(f"/sitemap-{section}.xml").status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-articles-0000-01.xml",
        "/sitemap-articles-0001-01.xml",
        "/sitemap-articles-9999-12.xml",
        "/sitemap-articles-2024-13.xml",
        "/sitemap-articles-2024-00.xml",
        "/sitemap-articles-2024-05.xml?p=999999999999999999999",
        "/sitemap-articles-2024-05.xml?p=9" + "9" * 5000,
        "/sitemap-articles-2024-05.xml?p=184467440737095",
        "/sitemap-articles-2024-05.xml?p=abc",
        "/sitemap-articles-2024-05.xml?p=0",
        "/sitemap-articles-2024-05.xml?p=-1",
        "/sitemap-articles-2024-05.xml?p=02",
        "/sitemap-articles-2024-05.xml?p=",
        "/sitemap-tags.xml?p=999999999999999999999",
        "/sitemap-tags.xml?p=0",
    ],
)
def test_impossible_months_and_pages_are_not_found(client, archive, address):
    client.raise_request_exception = False
    assert client.get(address).status_code == 404


def test_a_month_without_stories_is_an_empty_sitemap(client, db):
    assert entries(get_xml(client, "/sitemap-articles-2001-01.xml")) == {}


def test_news_sitemap_has_only_stories_first_published_in_two_days(client, make_article, settings):
    settings.NEWSROOM_SITE_NAME = "Daily Example"
    now = timezone.now()
    fresh = make_article(headline="Fresh & new", first_published_at=now - timedelta(hours=3))
    unstamped = make_article(publish_at=now - timedelta(days=1), first_published_at=None)
    make_article(headline="Old news", publish_at=now - timedelta(days=3), first_published_at=None)
    make_article(
        headline="Republished",
        first_published_at=now - timedelta(days=5),
        publish_at=now - timedelta(hours=1),
    )
    root = get_xml(client, "/news-sitemap.xml")
    urls = root.findall("sm:url", NS)
    assert [url.findtext("sm:loc", namespaces=NS) for url in urls] == [
        f"http://testserver{fresh.get_absolute_url()}",
        f"http://testserver{unstamped.get_absolute_url()}",
    ]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Daily Example"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh & new"
    published = parse_datetime(news.findtext("news:publication_date", namespaces=NS))
    assert published == fresh.first_published_at.replace(microsecond=0)


def test_news_sitemap_is_bounded(client, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    now = timezone.now()
    newest = [make_article(publish_at=now - timedelta(minutes=m)) for m in range(5)][:3]
    urls = get_xml(client, "/news-sitemap.xml").findall("sm:url/sm:loc", NS)
    assert [url.text for url in urls] == [
        f"http://testserver{s.get_absolute_url()}" for s in newest
    ]


@pytest.mark.parametrize(
    ("code", "expected"), [("en-gb", "en"), ("fr", "fr"), ("zh-hans", "zh-cn"), ("zh-TW", "zh-tw")]
)
def test_news_language_codes(code, expected):
    assert sitemaps.news_language(code) == expected


@pytest.mark.parametrize("count", [3, 30])
def test_sitemap_query_counts_are_constant(
    client, make_rich_story, make_section, warm_site, django_assert_num_queries, count
):
    sections = [make_section() for _ in range(3)]
    for n in range(count):
        make_rich_story(section=sections[n % 3], publish_at=timezone.now() - timedelta(days=n * 20))
    warm_site()
    month = f"{timezone.now():%Y-%m}"
    pages = {
        "/sitemap.xml": 5,  # months; their corrections; the last section, tag and author
        f"/sitemap-articles-{month}.xml": 2,  # the month's count; the page
        "/sitemap-sections.xml": 2,  # the last section's id; the page
        "/sitemap-tags.xml": 2,
        "/sitemap-authors.xml": 2,
        "/news-sitemap.xml": 1,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            get_xml(client, url)


def test_only_a_story_s_current_address_is_listed(client, make_article):
    story = make_article(slug="first-slug", first_published_at=timezone.now())
    story.slug = "second-slug"
    story.save()
    month = f"/sitemap-articles-{timezone.localtime(story.publish_at):%Y-%m}.xml"
    for url in (month, "/news-sitemap.xml"):
        xml = client.get(url).content.decode()
        assert "/second-slug/" in xml and "first-slug" not in xml, url
