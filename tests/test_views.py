import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles import views
from articles.models import Status


def ld_json(html):
    """The JSON-LD blocks of a page, parsed as a search engine would."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html, key):
    """The content of <meta property=key> or <meta name=key> (every one, in order)."""
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return [unescape(value) for value in re.findall(pattern, html)]


def ids(stories):
    return [story.pk for story in stories]


def cards(html):
    return [
        unescape(h) for h in re.findall(r'class="card-headline"><a href="[^"]+">([^<]+)<', html)
    ]


# The front page


def test_front_page_cards_show_what_readers_need(client, make_article, make_author, make_photo):
    photo = make_photo(credit="AP Photo/Jane Doe", alt_text="Crowds at the harbour")
    story = make_article(
        headline="Harbour reopens",
        standfirst="Ships return after a week",
        authors=[make_author(name="Ann Lee"), make_author(name="Bo Ma")],
        lead_photo=photo,
    )
    make_article(headline="Older story", publish_at=story.publish_at - timedelta(hours=1))
    html = client.get("/").content.decode()
    assert html.count("card-lead") == 1  # only the lead story is laid out as the lead
    card = html[html.index('<article class="card card-lead">') :]
    card = card[: card.index("</article>")]
    assert f'<a href="{story.get_absolute_url()}">Harbour reopens</a>' in card
    assert "Ships return after a week" in card
    assert "By Ann Lee and Bo Ma" in card
    assert f'<time datetime="{story.publish_at.replace(microsecond=0).isoformat()}">' in card
    assert photo.image.url not in card  # readers get renditions, never the original upload
    assert photo.rendition(800, ratio="16:9").url in card and 'alt="Crowds at the harbour"' in card
    assert "Photo: AP Photo/Jane Doe" in card


def test_a_photo_whose_licence_lapsed_is_not_shown(client, make_article, make_photo):
    photo = make_photo(rights_expire_at=timezone.now() - timedelta(minutes=1))
    story = make_article(lead_photo=photo)
    for url in ["/", story.get_absolute_url()]:
        assert photo.image.url not in client.get(url).content.decode()


def test_an_empty_site_has_a_front_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories have been published yet." in response.content.decode()


# Listings


def test_latest_is_paginated(client, make_article):
    for _ in range(25):
        make_article()
    first = client.get("/latest/").content.decode()
    assert len(cards(first)) == 20
    older = re.search(r'<a rel="next" href="\?before=([^"]+)">Older stories</a>', first)
    second = client.get("/latest/", {"before": older[1]}).content.decode()
    assert len(cards(second)) == 5
    assert "Older stories" not in second and 'rel="prev"' in second


def test_section_tag_and_author_pages_list_only_their_published_stories(
    client, make_article, make_author, make_section, trio
):
    section, author = make_section(name="Science"), make_author(name="Ada")
    story = make_article(section=section, authors=[author], tags=["space"])
    make_article(section=section, authors=[author], tags=["space"], status=Status.DRAFT)
    for url in ["/section/" + section.slug + "/", "/tag/space/", "/author/" + author.slug + "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ids(response.context["article_list"]) == [story.pk], url


def test_listings_are_newest_first_across_pages(client, make_article, make_section, settings):
    section = make_section()
    now = timezone.now()
    stories = [
        make_article(section=section, publish_at=now - timedelta(hours=h)) for h in range(22)
    ]
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url(), {"before": str(first.context["page"].older)})
    assert ids(first.context["article_list"]) + ids(second.context["article_list"]) == ids(stories)


def test_author_page_shows_the_bio(client, make_article, make_author):
    author = make_author(name="Ada Byron", bio="Covers science & the sea.")
    make_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert "<h1>Ada Byron</h1>" in html
    assert "Covers science &amp; the sea." in html


def test_section_and_tag_pages_link_their_feeds(client, make_article, make_section):
    section = make_section(slug="science")
    make_article(section=section, tags=["space"])
    html = client.get("/section/science/").content.decode()
    assert 'type="application/rss+xml" title="' in html and 'href="/section/science/feed/"' in html
    assert 'href="/section/science/feed/atom/"' in html
    assert 'href="/tag/space/feed/"' in client.get("/tag/space/").content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999", "1.5", "9" * 5000])
def test_bad_search_page_numbers_are_not_found(client, make_article, page):
    make_article(headline="x")
    assert client.get("/search/", {"q": "x", "page": page}).status_code == 404


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "2024-01-02T10:00:00.000000Z",
        "2024-01-02T10:00:00.000000Z_x",
        "_12",
        "9" * 5000,
        "2024-13-02T10:00:00.000000Z_1",
        "2024-01-02T10:00:00.000000Z_" + "9" * 40,
    ],
)
@pytest.mark.parametrize("name", ["before", "after"])
@pytest.mark.parametrize("url", ["/latest/", "/section/s/", "/tag/t/", "/author/a/"])
def test_bad_positions_are_not_found(
    client, make_article, make_section, make_author, url, name, cursor
):
    make_article(section=make_section(slug="s"), authors=[make_author(slug="a")], tags=["t"])
    assert client.get(url, {name: cursor}).status_code == 404


def test_unknown_section_tag_and_author_are_not_found(client, db):
    for url in ["/section/nope/", "/tag/nope/", "/author/nope/"]:
        assert client.get(url).status_code == 404


# The story page


def test_article_page_shows_the_whole_story(client, make_article, make_author, make_photo):
    photo = make_photo(caption="Leaders meet", credit="Reuters", copyright_notice="© 2023 Reuters")
    story = make_article(
        headline="Kim and Putin meet",
        standfirst="A rare summit",
        dateline="VLADIVOSTOK",
        body="<p>First paragraph.</p>",
        authors=[make_author(name="Jane Doe"), make_author(name="John Roe")],
        tags=["Russia", "North Korea"],
        lead_photo=photo,
        copyright_notice="© Copyright 2023. All Rights Reserved",
    )
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Kim and Putin meet",
        "A rare summit",
        "VLADIVOSTOK",
        "First paragraph.",
        "Jane Doe",
        "John Roe",
        "Leaders meet",
        "Photo: Reuters",
        "© 2023 Reuters",
        "Russia",
        "North Korea",
        "© Copyright 2023. All Rights Reserved",
    ]:
        assert text in html
    assert photo.image.url not in html  # readers get renditions, never the original upload
    assert f'src="{photo.rendition(800).url}"' in html
    assert f'alt="{photo.alt_text}"' in html


def test_a_credit_waiting_for_its_picture_is_still_shown(client, make_article, make_photo):
    story = make_article(lead_photo=make_photo(with_image=False, credit="Reuters"))
    html = client.get(story.get_absolute_url()).content.decode()
    story_html = html[html.index('<article class="story">') :]
    assert "Photo: Reuters" in story_html and "<img" not in story_html


def test_corrections_are_shown_with_their_dates_at_the_foot(client, make_article, make_correction):
    story = make_article()
    first = make_correction(
        story,
        text="The minister’s name was misspelt.",
        created_at=timezone.now() - timedelta(hours=2),
    )
    make_correction(story, text="The vote was on Tuesday, not Monday.")
    html = client.get(story.get_absolute_url()).content.decode()
    foot = html[html.index('<footer class="story-footer">') :]
    assert '<h2 id="corrections-heading">Corrections</h2>' in foot
    assert foot.index("misspelt") < foot.index("on Tuesday")
    created = timezone.localtime(first.created_at).replace(microsecond=0)
    assert f'<time datetime="{created.isoformat()}">' in foot


def test_updated_time_is_shown_only_when_revised(client, make_article):
    story = make_article()
    assert "Updated" not in client.get(story.get_absolute_url()).content.decode()
    revised = timezone.now().replace(microsecond=0)
    story.revised_at = revised
    story.save()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'Updated <time datetime="{revised.isoformat()}">' in html


def test_first_publication_is_the_date_shown(client, make_article):
    first = (timezone.now() - timedelta(days=3)).replace(microsecond=0)
    story = make_article(first_published_at=first, publish_at=timezone.now() - timedelta(hours=1))
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<time datetime="{first.isoformat()}">' in html
    assert meta(html, "article:published_time") == [first.isoformat()]


def test_related_stories_share_a_section_or_a_tag_and_are_public(
    client, make_article, make_section
):
    world, science = make_section(), make_section()
    story = make_article(section=world, tags=["space"])
    make_article(section=world, headline="Same section")
    make_article(section=science, tags=["space"], headline="Shared tag")
    make_article(section=science, tags=["other"], headline="Unrelated")
    make_article(section=world, tags=["space"], status=Status.DRAFT, headline="Draft relation")
    make_article(
        section=world, publish_at=timezone.now() + timedelta(hours=1), headline="Scheduled relation"
    )
    html = client.get(story.get_absolute_url()).content.decode()
    related = html[html.index('<section class="related"') :]
    assert cards(related) == ["Same section", "Shared tag"]
    assert "Unrelated" not in html and "Draft relation" not in html
    assert "Scheduled relation" not in html


def test_a_story_with_nothing_to_relate_shows_no_related_block(client, make_article):
    story = make_article(section=None)
    make_article(section=None)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert 'class="related"' not in response.content.decode()


def test_article_page_has_canonical_sharing_and_robots_tags(client, make_article, make_photo):
    photo = make_photo(alt_text="Two leaders shake hands")
    photo.refresh_from_db()  # for its width and height
    story = make_article(
        headline="Summit & “talks”",
        standfirst="A rare <meeting>",
        lead_photo=photo,
        tags=["Russia"],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    url = f"http://testserver{story.get_absolute_url()}"
    shared = photo.syndication_rendition
    image = f"http://testserver{shared.url}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta name="robots" content="max-image-preview:large">' in html
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["Summit & “talks”"]
    assert meta(html, "og:description") == ["A rare <meeting>"]
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:image") == [image]
    assert meta(html, "og:image:width") == [str(shared.width)]
    assert meta(html, "og:image:alt") == ["Two leaders shake hands"]
    assert meta(html, "article:tag") == ["Russia"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:image") == [image]
    assert "<meeting>" not in html


def test_a_story_without_a_picture_gets_a_small_card_with_the_site_s_picture(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert meta(html, "twitter:card") == ["summary"]
    assert meta(html, "og:image") == ["http://testserver/static/identity/share.png"]
    assert meta(html, "og:image:width") == []


def test_article_structured_data(
    client, make_article, make_author, make_photo, make_section, make_correction
):
    photo = make_photo(
        credit="Reuters",
        creator="Jane Doe",
        copyright_notice="© 2023 Reuters",
        copyright_holder="Reuters",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        caption="Leaders meet",
    )
    photo.refresh_from_db()  # for its width and height
    first = timezone.now() - timedelta(days=1)
    story = make_article(
        headline="Kim and Putin meet",
        standfirst="A rare summit",
        section=make_section(name="World"),
        authors=[
            make_author(name="Ann Lee", slug="ann-lee"),
            make_author(name="Bo Ma", slug="bo-ma"),
        ],
        tags=["Russia", "North Korea"],
        lead_photo=photo,
        first_published_at=first,
        publish_at=first,
    )
    correction = make_correction(story, text="A date was wrong.")
    [data] = ld_json(client.get(story.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Kim and Putin meet"
    assert data["description"] == "A rare summit"
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert data["datePublished"].startswith(first.strftime("%Y-%m-%dT%H:%M:%S"))
    # A correction changes the story for readers.
    assert data["dateModified"].startswith(correction.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Lee", "url": "http://testserver/author/ann-lee/"},
        {"@type": "Person", "name": "Bo Ma", "url": "http://testserver/author/bo-ma/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Newsroom",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/identity/logo.svg",
            "contentUrl": "http://testserver/static/identity/logo.svg",
        },
    }
    assert data["articleSection"] == "World"
    assert sorted(data["keywords"]) == ["North Korea", "Russia"]
    assert data["image"] == {
        "@type": "ImageObject",
        "contentUrl": f"http://testserver{photo.syndication_rendition.url}",
        "url": f"http://testserver{photo.syndication_rendition.url}",
        "width": photo.syndication_rendition.width,
        "height": photo.syndication_rendition.height,
        "caption": "Leaders meet",
        "creditText": "Reuters",
        "creator": {"@type": "Person", "name": "Jane Doe"},
        "copyrightNotice": "© 2023 Reuters",
        "copyrightHolder": {"@type": "Organization", "name": "Reuters"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    [entry] = data["correction"]
    assert entry["@type"] == "CorrectionComment" and entry["text"] == "A date was wrong."


def test_structured_data_cannot_break_out_of_its_script(client, make_article, make_author):
    story = make_article(
        headline="</script><script>alert(1)</script>",
        standfirst="<!-- & -->",
        authors=[make_author(name="A & B")],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    script = html[html.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "<" not in script[1:] and ">" not in script[len('<script type="application/ld+json">') :]
    assert "&" not in script
    [data] = ld_json(html)
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["description"] == "<!-- & -->"
    assert data["author"][0]["name"] == "A & B"


def test_structured_data_leaves_out_an_expired_photo(client, make_article, make_photo):
    story = make_article(
        lead_photo=make_photo(rights_expire_at=timezone.now() - timedelta(hours=1))
    )
    [data] = ld_json(client.get(story.get_absolute_url()).content.decode())
    assert "image" not in data


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_stories_are_not_found(client, trio, which):
    assert client.get(trio[which].get_absolute_url()).status_code == 404


def test_a_wrong_date_redirects_to_the_canonical_address(client, make_article):
    story = make_article(slug="the-story")
    response = client.get("/1999/01/01/the-story/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


# Errors


def test_unknown_story_is_not_found_in_the_site_layout(client, make_section):
    make_section(name="World")
    response = client.get("/2023/01/01/no-such-story/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'href="/section/' in html  # the site's navigation
    assert '<form role="search"' in html


def test_a_withdrawn_story_is_gone(client, make_article):
    story = make_article(
        headline="Withdrawn for legal reasons",
        status=Status.WITHDRAWN,
        first_published_at=timezone.now() - timedelta(days=1),
    )
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 410
    assert "This story has been withdrawn" in html
    assert '<nav aria-label="Sections">' in html
    # The notice says nothing of what the story was.
    assert "Withdrawn for legal reasons" not in html


def test_a_story_withdrawn_before_anyone_saw_it_is_simply_not_found(client, make_article):
    story = make_article(status=Status.WITHDRAWN, first_published_at=None)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_server_error_page_needs_no_database(rf, django_db_blocker, settings):
    settings.NEWSROOM_SITE_NAME = "Daily Example"
    with django_db_blocker.block():
        response = views.server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert '<a class="brand" href="/">Daily Example</a>' in html
    assert 'rel="stylesheet"' in html


def test_a_crashing_page_answers_with_the_friendly_500(client, make_article, monkeypatch):
    def crash(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", crash)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# Search page (the search itself is in test_search.py)


def test_search_echoes_the_query_safely(client, make_article):
    make_article(headline="Harbour <b>news</b>")
    html = client.get("/search/", {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_search_pages_keep_the_query(client, make_article):
    for _ in range(25):
        make_article(headline="Harbour story")
    response = client.get("/search/", {"q": "harbour", "sort": "newest"})
    html = response.content.decode()
    assert 'href="?q=harbour&amp;sort=newest&amp;page=2"' in html
    assert (
        len(
            client.get("/search/", {"q": "harbour", "sort": "newest", "page": 2}).context[
                "article_list"
            ]
        )
        == 5
    )


def test_an_empty_search_shows_just_the_form(
    client, make_article, django_assert_num_queries, warm_site
):
    make_article()
    warm_site()
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200
    assert '<input type="search" id="search-q" name="q" value=""' in response.content.decode()


def test_every_page_has_the_search_form_and_section_links(client, make_article, make_section):
    section = make_section(name="Science")
    story = make_article(section=section)
    for url in [
        "/",
        "/latest/",
        f"/section/{section.slug}/",
        story.get_absolute_url(),
        "/search/?q=x",
    ]:
        html = client.get(url).content.decode()
        assert '<form class="site-search" role="search" action="/search/"' in html, url
        assert 'name="q"' in html, url
        nav = html[html.index('<nav aria-label="Sections">') :]
        assert f'<a href="/section/{section.slug}/">Science</a>' in nav[: nav.index("</nav>")], url


def test_robots_txt_names_both_sitemaps(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


# Query counts: constant whatever the number of stories, bylines, tags and photos


@pytest.fixture
def site_with(make_rich_story, make_section, warm_site):
    def build(count):
        sections = [make_section() for _ in range(3)]
        stories = [
            make_rich_story(section=sections[n % 3], tags=["shared", f"tag-{n}"])
            for n in range(count)
        ]
        make_rich_story(section=sections[0], is_top_story=True)
        warm_site()
        return stories

    return build


@pytest.mark.parametrize("count", [3, 30])
def test_front_page_query_count_is_constant(
    client, site_with, settings, django_assert_num_queries, count
):
    site_with(count)
    settings.NEWSROOM_STORE_PAGES = False
    # the sections, the top story, the newest stories (lead, latest and the blocks of sections
    # with stories among them), then the cards to draw and their bylines
    with django_assert_num_queries(5):
        first = client.get("/").content
    with django_assert_num_queries(0):  # the menu, which stories go where, every card: kept
        assert client.get("/").content == first


@pytest.mark.parametrize("count", [3, 30])
def test_listing_query_counts_are_constant(
    client, site_with, warm_site, settings, django_assert_num_queries, count
):
    story = site_with(count)[0]
    author = story.bylines[0]
    settings.NEWSROOM_STORE_PAGES = False
    # the section, tag or author; the page of stories (no count: listings page by cursor;
    # search counts the matches it reads); with those kept too, none
    pages = {
        "/latest/": (1, 0),
        f"/section/{story.section.slug}/": (2, 0),
        "/tag/shared/": (2, 0),
        f"/author/{author.slug}/": (2, 0),
        "/search/?q=headline": (1, 0),
    }
    for url, (queries, kept) in pages.items():
        cache.clear()
        warm_site()
        # + the cards to draw and their bylines
        with django_assert_num_queries(queries + 2):
            first = client.get(url).content
        with django_assert_num_queries(kept):  # every card kept
            assert client.get(url).content == first, url


@pytest.mark.parametrize("count", [3, 30])
def test_article_query_count_is_constant(
    client, site_with, make_rich_story, warm_site, settings, django_assert_num_queries, count
):
    stories = site_with(count)
    story = make_rich_story(
        section=stories[0].section,
        tags=["shared", *(f"extra-{n}" for n in range(count))],
        authors=[s.bylines[0] for s in stories],
    )
    warm_site()
    settings.NEWSROOM_STORE_PAGES = False
    # story, bylines, tags, corrections, gallery photos, related stories, their cards
    with django_assert_num_queries(7):
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    byline = re.search(r'<span class="byline">(.*?)</span>', response.content.decode())[1]
    assert byline.count("</a>") == count
    html = response.content.decode()
    assert len(cards(html[html.index('<section class="related"') :])) == 4
    # The story, its own parts, which stories are related and their cards: all kept.
    with django_assert_num_queries(0):
        again = client.get(story.get_absolute_url())
    assert again.content == response.content


def test_url_names_resolve_to_the_public_addresses(db):
    assert reverse("articles:search") == "/search/"
    assert reverse("articles:news-sitemap") == "/news-sitemap.xml"
    assert reverse("articles:sitemap", args=["articles-2024-05"]) == "/sitemap-articles-2024-05.xml"


def test_a_story_with_an_accented_tag_links_it(client, make_article):
    # taggit keeps accents in slugs: "Zürich" is "zürich", which Django's slug pattern refuses.
    story = make_article(tags=["Zürich"], headline="Lake levels")
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<a href="/tag/z%C3%BCrich/">Zürich</a>' in html
    listing = client.get("/tag/z%C3%BCrich/")
    assert listing.status_code == 200 and "Lake levels" in listing.content.decode()
    assert client.get("/tag/z%C3%BCrich/feed/").status_code == 200


# Old addresses: a story readers have seen keeps answering at the addresses it had


@pytest.fixture
def moved_story(make_article, editor):
    """A published story, read at its first address, whose slug an editor then changed."""

    def make(client, **fields):
        published = timezone.now() - timedelta(hours=1)
        story = make_article(
            **{"slug": "first-slug", "publish_at": published, "first_published_at": published}
            | fields
        )
        old = story.get_absolute_url()
        assert client.get(old).status_code == 200  # ...and kept in the page cache
        story.slug = "second-slug"
        story.save()
        return story, old

    return make


def test_an_old_address_redirects_permanently_to_the_current_one(client, moved_story):
    story, old = moved_story(client)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # With another date too: the slug finds the story, as for its current address.
    assert client.get("/1999/01/01/first-slug/")["Location"] == story.get_absolute_url()


def test_an_old_address_costs_three_queries(
    client, moved_story, warm_site, django_assert_num_queries
):
    _, old = moved_story(client)
    warm_site()
    # no public story at the slug, none withdrawn from it, the public story that left it
    with django_assert_num_queries(3):
        assert client.get(old).status_code == 301


def test_every_earlier_address_leads_to_the_current_one(client, moved_story):
    story, first = moved_story(client)
    second = story.get_absolute_url()
    story.slug = "third-slug"
    story.save()
    for old in (first, second):
        assert client.get(old)["Location"] == story.get_absolute_url()


def test_a_withdrawn_story_is_gone_from_its_old_addresses_too(client, moved_story, editor):
    story, old = moved_story(client)
    assert client.get(old).status_code == 301
    story.withdraw(by=editor, reason="Legal")
    assert client.get(old).status_code == 410
    assert client.get(story.get_absolute_url()).status_code == 410


def test_an_old_address_never_leads_to_a_story_readers_may_not_see(client, moved_story, editor):
    story, old = moved_story(client)
    story.status = Status.SPIKED  # as a restore could leave it, behind the workflow's back
    story.save()
    assert client.get(old).status_code == 404


def test_a_new_story_at_an_old_address_takes_it_over(client, moved_story, make_article):
    _, old = moved_story(client)
    newcomer = make_article(slug="first-slug", publish_at=timezone.now() - timedelta(days=3))
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == newcomer.get_absolute_url()


def test_a_slug_changed_before_publication_leaves_no_old_address(client, make_article):
    story = make_article(slug="draft-slug", status=Status.DRAFT, publish_at=None)
    story.slug = "final-slug"
    story.save()
    story.status, story.publish_at = Status.PUBLISHED, timezone.now()
    story.save()
    assert not story.former_slugs.exists()
    assert client.get("/2024/01/01/draft-slug/").status_code == 404


def test_a_redirect_added_in_the_admin_works(client, managing_editor, make_article):
    story = make_article()
    old_path = "/2019/05/01/an-address-from-the-old-site/"
    assert client.get(old_path).status_code == 404
    client.force_login(managing_editor)
    response = client.post(
        "/admin/redirects/redirect/add/",
        {"site": settings.SITE_ID, "old_path": old_path, "new_path": story.get_absolute_url()},
    )
    assert response.status_code == 302
    client.logout()
    response = client.get(old_path)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_feeds_keep_the_host_they_were_asked_on(client, make_article):
    # The redirects app brings the sites framework, whose domain Django's feeds would use.
    story = make_article()
    assert f"http://testserver{story.get_absolute_url()}" in client.get("/feed/").content.decode()
