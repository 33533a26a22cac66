import time

from articles.models import Article
from bench.pages import choose, rss_feed
from bench.report import FLOOR
from bench.seed.fill import fill


def test_rss_feed_is_found_by_the_front_pages_autodiscovery_link():
    html = '<head><link rel="alternate" type="application/rss+xml" href="/feeds/rss/"></head>'
    assert rss_feed(html).paths == ["/feeds/rss/"]


def test_an_absolute_feed_link_is_asked_of_the_local_server():
    html = '<link type="application/rss+xml" rel="Alternate" href="https://news.example/rss?x=1">'
    assert rss_feed(html).paths == ["/rss?x=1"]


def test_no_feed_link_is_reported_not_guessed():
    html = '<link rel="alternate" type="application/atom+xml" href="/feeds/atom/">'
    page = rss_feed(html)
    assert page.paths == [] and "no <link rel=alternate" in page.missing


def test_pages_rotate_over_stories_from_the_whole_archive(db, client):
    fill(stories=60)
    pages = {page.label: page for page in choose(stories=60, articles=20, seed=1)}
    assert pages[FLOOR].paths == ["/bench/floor/"]
    assert pages["front page"].paths == ["/"]
    articles = pages["article (rotating over 20 stories)"].paths
    assert len(set(articles)) == 20
    for path in articles[:3]:
        assert client.get(path).status_code == 200
    assert pages["section page 1 (/section/world/)"].paths == ["/section/world/"]
    assert any(label.startswith("search (rotating over") for label in pages)
    # Sixty stories span hours: all of them are news.
    news = client.get(pages["news sitemap"].paths[0])
    assert news.status_code == 200 and news.content.count(b"<url>") == 60


def test_the_deep_section_page_is_reached_by_cursor_as_readers_reach_it(db, client, settings):
    settings.NEWSROOM_PAGE_SIZE = 3
    fill(stories=60)
    # 600 stories would make page 3 the deep one; the seeded World section has enough for it.
    deep = next(page for page in choose(stories=600, articles=5, seed=1) if " of " in page.label)
    assert deep.label.startswith("section page 3 of ")
    world = Article.objects.published().filter(section__slug="world")
    listed = list(world.order_by("-publish_at", "-pk").values_list("headline", flat=True))
    html = client.get(deep.paths[0]).content.decode()
    assert listed[5] not in html and listed[6] in html and listed[8] in html


def test_the_api_pages_ask_for_the_article_pages_stories_with_a_partners_key(db, client):
    fill(stories=60)
    pages = {page.label: page for page in choose(stories=60, articles=20, seed=1)}
    articles = pages["article (rotating over 20 stories)"].paths
    items = pages["API item (rotating over 20 stories)"]
    listing = pages["API list"]
    assert listing.paths == ["/api/ninjs/"]
    assert listing.headers == items.headers
    [(name, value)] = items.headers.items()
    # Each item is the story the article page at the same position shows.
    for article, item in list(zip(articles, items.paths, strict=True))[:3]:
        ninjs = client.get(item, headers={name: value}).json()
        assert ninjs["altIds"] == [{"role": "web", "value": f"http://testserver{article}"}]
    assert len(client.get("/api/ninjs/", headers={name: value}).json()["items"]) == 20
    # Without the key the API refuses: the header is what the benchmark must send.
    assert client.get(items.paths[0]).status_code == 401


def test_the_benchmarks_partner_is_never_refused_for_its_rate(db, client):
    from django.core.cache import cache

    from articles.api.access import RATE_PREFIX
    from articles.models import Partner

    fill(stories=5)
    item = next(page for page in choose(stories=5, articles=5, seed=1) if "API item" in page.label)
    partner = Partner.objects.get()
    # A minute in which a fast machine has already sent the floor's rate for a whole minute.
    cache.set(f"{RATE_PREFIX}:{partner.pk}:{int(time.time() // 60)}", 60 * 20_000, timeout=120)
    assert client.get(item.paths[0], headers=item.headers).status_code == 200


def test_choosing_again_issues_a_new_key_to_the_same_partner(db, client):
    from articles.models import Partner

    fill(stories=5)
    first = next(page for page in choose(stories=5, articles=5, seed=1) if page.headers)
    second = next(page for page in choose(stories=5, articles=5, seed=1) if page.headers)
    assert Partner.objects.count() == 1
    assert client.get("/api/ninjs/", headers=first.headers).status_code == 401
    assert client.get("/api/ninjs/", headers=second.headers).status_code == 200
