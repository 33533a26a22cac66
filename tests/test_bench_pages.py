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
