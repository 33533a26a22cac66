import io

from django.core.management import call_command

from bench.pages import choose, rss_feed
from bench.report import FLOOR


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
    call_command("bench_seed", stories=60, stdout=io.StringIO())
    pages = {page.label: page for page in choose(stories=60, articles=20, seed=1)}
    assert pages[FLOOR].paths == ["/bench/floor/"]
    assert pages["front page"].paths == ["/"]
    articles = pages["article (rotating over 20 stories)"].paths
    assert len(set(articles)) == 20
    for path in articles[:3]:
        assert client.get(path).status_code == 200
    assert pages["section page 1 (/section/world/)"].paths == ["/section/world/"]
    assert any(label.startswith("search (rotating over") for label in pages)
