import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

from django.utils import timezone

from articles.models import Status


def test_site_footer_shows_the_site_copyright_on_every_page(client, make_article, settings):
    settings.NEWSROOM_COPYRIGHT_HOLDER = "Example Media"
    story = make_article(copyright_notice="© Copyright 2023. All Rights Reserved")
    year = timezone.localdate().year
    for url in ["/", story.get_absolute_url(), "/no-such-page/"]:
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert f"© {year} Example Media. All rights reserved." in footer, url


def test_story_foot_shows_the_story_copyright_or_the_site_default(client, make_article, settings):
    settings.NEWSROOM_COPYRIGHT_HOLDER = "Example Media"
    own = make_article(copyright_notice="© Copyright 2023. All Rights Reserved")
    default = make_article(publish_at=timezone.now().replace(year=2024))
    html = client.get(own.get_absolute_url()).content.decode()
    assert '<p class="copyright">© Copyright 2023. All Rights Reserved' in html
    html = client.get(default.get_absolute_url()).content.decode()
    assert '<p class="copyright">© 2024 Example Media. All rights reserved.' in html


def banner(html):
    """The breaking news banner in a page, or None."""
    found = re.search(r'<section class="breaking-news".*?</section>', html, re.S)
    return found and found[0]


def test_the_banner_is_on_every_public_page_right_under_the_masthead(
    client, make_article, make_author, make_alert
):
    author = make_author()
    story = make_article(tags=["ports"], authors=[author], first_published_at=timezone.now())
    withdrawn = make_article(first_published_at=timezone.now(), status=Status.WITHDRAWN)
    make_alert(text="Storm closes every port", link="/2026/12/07/storm/")
    pages = [
        "/",
        "/latest/",
        f"/section/{story.section.slug}/",
        "/tag/ports/",
        f"/author/{author.slug}/",
        story.get_absolute_url(),
        "/search/?q=storm",
        "/no-such-page/",
        withdrawn.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Storm closes every port" in (banner(html) or ""), url
        after_masthead = html[html.index("</header>") : html.index("<main")]
        assert banner(html) in after_masthead, url


def test_a_scheduled_or_ended_alert_is_on_no_page(client, make_article, make_alert):
    now = timezone.now()
    make_article()
    make_alert(starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    make_alert(starts_at=now - timedelta(hours=1), ends_at=now - timedelta(minutes=5))
    assert banner(client.get("/").content.decode()) is None


def test_the_banner_is_a_labelled_region_whose_own_words_are_the_link(client, make_alert):
    make_alert(text="Storm closes every port", link="https://www.metoffice.gov.uk/warnings")
    html = banner(client.get("/").content.decode())
    assert 'aria-label="Breaking news"' in html
    assert '<a href="https://www.metoffice.gov.uk/warnings">Storm closes every port</a>' in html


def test_an_alert_without_a_link_is_shown_as_plain_words(client, make_alert):
    make_alert(text="Storm closes every port", link="")
    html = banner(client.get("/").content.decode())
    assert "Storm closes every port" in html and "<a " not in html


def test_an_alert_s_words_and_link_are_never_read_as_html(client, make_alert):
    make_alert(text='<script>alert("x")</script>', link='/search/?q="><img src=x>')
    html = banner(client.get("/").content.decode())
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_of_several_live_alerts_the_newest_is_shown(client, make_alert):
    now = timezone.now()
    make_alert(text="Older alert", starts_at=now - timedelta(hours=1))
    make_alert(text="Newer alert", starts_at=now - timedelta(minutes=5))
    html = banner(client.get("/").content.decode())
    assert "Newer alert" in html and "Older alert" not in html


def test_the_admin_shows_no_banner(login, editor, make_alert):
    make_alert(text="Storm closes every port")
    for url in ["/admin/", "/admin/articles/article/", "/admin/articles/article/add/"]:
        assert 'class="breaking-news"' not in login(editor).get(url).content.decode(), url


def meta(html, key):
    return [
        unescape(content)
        for content in re.findall(rf'<meta (?:property|name)="{key}" content="([^"]*)">', html)
    ]


def test_the_site_s_name_and_logo_come_from_settings_everywhere(
    client, make_article, make_section, settings
):
    """Masthead, browser icon, Open Graph and the publisher of the structured data."""
    settings.NEWSROOM_SITE_NAME = "The Daily Harbour"
    settings.NEWSROOM_LOGO = "harbour/mark.svg"
    settings.NEWSROOM_SHARE_IMAGE = "harbour/share.png"
    section = make_section(name="Ports")
    story = make_article(section=section)
    for url in ["/", section.get_absolute_url(), story.get_absolute_url()]:
        html = client.get(url).content.decode()
        masthead = html[html.index('<header class="masthead">') : html.index("</header>")]
        assert '<img class="brand-logo" src="/static/harbour/mark.svg" alt=""' in masthead, url
        assert '<span class="brand-name">The Daily Harbour</span>' in masthead, url
        assert '<link rel="icon" href="/static/harbour/mark.svg" type="image/svg+xml">' in html
        assert meta(html, "og:site_name") == ["The Daily Harbour"], url
        # None of these pages has a photo of its own: the site's picture stands in.
        assert meta(html, "og:image") == ["http://testserver/static/harbour/share.png"], url
    assert meta(client.get(section.get_absolute_url()).content.decode(), "og:title") == ["Ports"]
    [data] = [
        json.loads(found)
        for found in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>',
            client.get(story.get_absolute_url()).content.decode(),
        )
    ]
    assert data["publisher"]["name"] == "The Daily Harbour"
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/harbour/mark.svg"
    assert client.get("/favicon.ico")["Location"] == "/static/harbour/mark.svg"


def test_the_open_graph_address_leaves_out_the_query_string(client, db):
    html = client.get("/?utm_source=newsletter").content.decode()
    assert meta(html, "og:url") == ["http://testserver/"]
    assert meta(html, "og:type") == ["website"]


def test_times_are_shown_with_their_zone(client, make_article, make_correction, settings):
    settings.TIME_ZONE = "Europe/London"
    winter, summer = (
        datetime(2024, 1, 15, 12, 0, tzinfo=UTC),
        datetime(2024, 7, 1, 9, 5, tzinfo=UTC),
    )
    story = make_article(first_published_at=winter, publish_at=winter, revised_at=summer)
    make_correction(story, text="A name was wrong.", created_at=winter)
    assert "15 January 2024, 12:00 GMT</time>" in client.get("/").content.decode()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "15 January 2024, 12:00 GMT</time>" in page
    assert (
        'Updated <time datetime="2024-07-01T10:05:00+01:00">1 July 2024, 10:05 BST</time>' in page
    )
    assert "15 January 2024, 12:00 GMT</time>: A name was wrong." in page
