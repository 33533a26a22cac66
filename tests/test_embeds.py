"""Embeds by address: asked of the provider when a story is saved (a local provider on
loopback, never the internet), kept as data, drawn as click-to-load placeholders."""

import re

import feedparser
import pytest
from django.core.files.storage import default_storage

from articles import oembed
from articles.models import Article, BodyEmbed, Embed, Status

VIDEO = "https://www.youtube.com/watch?v=abcdefghijk"
OTHER_VIDEO = "https://youtu.be/zyxwvutsrqp"
POST = "https://x.com/harbourcity/status/1234567890"
HANGS = "https://vimeo.com/76979871"
GARBAGE = "https://www.tiktok.com/@harbour/video/7234567890123456789"
HOSTILE = "https://bsky.app/profile/harbour.example/post/3kabcdefg"
MAP = "https://www.openstreetmap.org/#map=15/51.5074/-0.1278"

PREVIEW = "/admin/articles/article/choose/embeds/"


def embed(url):
    return f'<figure data-embed="{url}"></figure>'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def story_body(html):
    body = html[html.index('<div class="story-body">') :]
    return body[: body.index('<footer class="story-footer">')]


def test_saving_a_story_asks_the_provider_and_keeps_its_answer(oembed_provider, make_article):
    story = make_article(body=f"<p>Watch.</p>{embed(VIDEO)}")
    found = Embed.objects.get(url=VIDEO)
    assert (found.provider, found.title, found.author_name) == (
        "youtube",
        "Video abcdefghijk",
        "Harbour Channel",
    )
    assert found.frame_src == f"{oembed_provider.base}/player/abcdefghijk"
    assert (found.width, found.height, found.error) == (640, 360, "")
    assert found.fetched_at is not None
    # Our own copy of the thumbnail, checked as a picture.
    assert found.thumbnail.name.startswith("embeds/") and found.thumbnail.name.endswith(".jpg")
    assert default_storage.exists(found.thumbnail.name)
    assert (found.thumbnail_width, found.thumbnail_height) == (320, 180)
    assert list(story.body_embeds.values_list("embed__url", "position")) == [(VIDEO, 0)]
    # The body keeps the address only.
    assert story.body == f"<p>Watch.</p>{embed(VIDEO)}"


def test_an_address_is_asked_once_and_never_while_a_reader_waits(
    oembed_provider, client, make_article
):
    story = make_article(body=embed(VIDEO))
    make_article(body=embed(VIDEO) + embed(OTHER_VIDEO))
    story.headline = "Saved again"
    story.save()
    assert oembed_provider.asked("/oembed") == 2  # one per address
    before = len(oembed_provider.requests)
    page(client, story.get_absolute_url())
    page(client, "/feed/")
    assert len(oembed_provider.requests) == before


def test_readers_get_a_placeholder_that_asks_nothing_of_the_provider(
    oembed_provider, client, make_article
):
    story = make_article(body=f"<p>Before.</p>{embed(VIDEO)}<p>After.</p>")
    html = page(client, story.get_absolute_url())
    body = story_body(html)
    assert body.index("Before.") < body.index("Video abcdefghijk") < body.index("After.")
    assert "Load the YouTube video (sends you to youtube.com)" in body
    # Without the script, a link to the address.
    assert f'<a class="embed-link" href="{VIDEO}">' in body
    assert f'data-embed-src="{oembed_provider.base}/player/abcdefghijk"' in body
    # Nothing on the page is loaded from anywhere but our own site before the click.
    sources = re.findall(r'\s(?:src|srcset|href)="([^"]*)"', html.replace(f'href="{VIDEO}"', ""))
    loaded = [s for s in re.findall(r"<(?:img|script|iframe|source|link)\b[^>]*>", html)]
    assert "<iframe" not in html
    for tag in loaded:
        for address in re.findall(r'\s(?:src|srcset)="([^"]*)"', tag):
            assert address.startswith("/"), tag
    assert oembed_provider.base not in "".join(s for s in sources if "player" not in s)
    thumbnail = Embed.objects.get(url=VIDEO).thumbnail.url
    assert f'<img src="{thumbnail}" alt="" width="320" height="180" loading="lazy">' in body
    assert '<script src="/static/js/embeds.js" defer></script>' in html


def test_a_post_with_no_player_links_out_instead(oembed_provider, client, make_article):
    story = make_article(body=embed(POST))
    body = story_body(page(client, story.get_absolute_url()))
    assert Embed.objects.get(url=POST).frame_src == ""
    assert "See the post on X (x.com)" in body and f'href="{POST}"' in body
    assert "data-embed-src" not in body and "embed-load" not in body


def test_a_map_is_drawn_from_its_address_without_asking_anyone(oembed_provider, make_article):
    make_article(body=embed(MAP))
    found = Embed.objects.get(url=MAP)
    assert found.frame_src.startswith("https://www.openstreetmap.org/export/embed.html?bbox=")
    assert "marker=51.5074%2C-0.1278" in found.frame_src
    assert found.title == "Map of 51.5074, -0.1278"
    assert oembed_provider.requests == []


@pytest.mark.parametrize(
    "address, message",
    [
        (HANGS, "Vimeo did not answer within 0.5 seconds."),
        (GARBAGE, "TikTok answered with something that is not an oEmbed answer."),
    ],
)
def test_a_provider_that_fails_is_named_to_the_editor_and_the_story_saves(
    oembed_provider, login, editor, make_article, address, message
):
    from tests.test_locking import form_data

    story = make_article(body="<p>Old.</p>")
    client = login(editor)
    shown = client.get(f"/admin/articles/article/{story.pk}/change/")
    body = f"<p>New words.</p>{embed(address)}"
    response = client.post(
        f"/admin/articles/article/{story.pk}/change/",
        form_data(shown, body=body, _continue="1"),
        follow=True,
    )
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert any(message in m and "saving the story again asks again" in m for m in said), said
    saved = Article.objects.get(pk=story.pk)
    assert saved.body == body
    assert Embed.objects.get(url=address).error == message
    assert BodyEmbed.objects.filter(article=saved, embed__url=address).exists()


def test_a_failed_address_is_a_plain_link_for_readers(oembed_provider, client, make_article):
    story = make_article(body=embed(HANGS))
    body = story_body(page(client, story.get_absolute_url()))
    assert f'<a class="embed-link" href="{HANGS}">' in body
    assert "A video on Vimeo" in body and "data-embed-src" not in body


def test_a_later_save_asks_again_after_a_failure(oembed_provider, settings, client, make_article):
    story = make_article(body=embed(HANGS))
    assert Embed.objects.get(url=HANGS).error
    settings.NEWSROOM_OEMBED_PROVIDERS = settings.NEWSROOM_OEMBED_PROVIDERS | {
        "vimeo": settings.NEWSROOM_OEMBED_PROVIDERS["youtube"]
    }
    page(client, story.get_absolute_url())  # kept in the cache as it was
    Article.objects.get(pk=story.pk).save()  # the body has not changed
    found = Embed.objects.get(url=HANGS)
    assert (found.error, found.title) == ("", "Video 76979871")
    # The change names the story's page: readers see the new answer at once.
    assert "Video 76979871" in page(client, story.get_absolute_url())


def test_a_failed_retry_keeps_what_the_provider_said_before(
    oembed_provider, settings, make_article
):
    settings.NEWSROOM_OEMBED_PROVIDERS = settings.NEWSROOM_OEMBED_PROVIDERS | {
        "vimeo": settings.NEWSROOM_OEMBED_PROVIDERS["youtube"]
    }
    make_article(body=embed(HANGS))
    Embed.objects.filter(url=HANGS).update(error="Vimeo refused (500).")
    settings.NEWSROOM_OEMBED_PROVIDERS = oembed_provider.overrides()
    make_article(body=embed(HANGS))
    found = Embed.objects.get(url=HANGS)
    assert found.error == "Vimeo did not answer within 0.5 seconds."
    assert found.title == "Video 76979871" and found.thumbnail


@pytest.mark.parametrize(
    "body",
    [
        '<figure data-embed="javascript:alert(1)"></figure>',
        '<figure data-embed="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
        '<figure data-embed="JaVaScRiPt:alert(1)//https://www.youtube.com/watch?v=abcdefghijk">'
        "</figure>",
        '<figure data-embed="https://evil.example/watch?v=abcdefghijk"></figure>',
        '<figure data-embed="https://www.youtube.com.evil.example/watch?v=abcdefghijk"></figure>',
        '<figure data-embed="https://user:pw@www.youtube.com/watch?v=abcdefghijk"></figure>',
        '<figure data-embed="https://www.youtube.com/watch?v=abcdefghijk&quot; '
        'onmouseover=&quot;x"></figure>',
        '<figure data-embed="ftp://www.youtube.com/watch?v=abcdefghijk"></figure>',
    ],
)
def test_an_address_no_provider_takes_is_dropped_from_the_body(
    oembed_provider, client, make_article, body
):
    story = make_article(body=f"<p>Words.</p>{body}")
    assert "data-embed" not in story.body
    assert not Embed.objects.exists() and oembed_provider.requests == []
    html = story_body(page(client, story.get_absolute_url()))
    assert "alert" not in html and "evil" not in html and "embed-link" not in html


def test_event_handlers_and_other_attributes_on_an_embed_are_dropped(oembed_provider, make_article):
    story = make_article(
        body=f'<figure data-embed="{VIDEO}" onclick="alert(1)" style="x" data-photo="1x">'
        '<script>alert(2)</script></figure><p onmouseover="alert(3)">Words.</p>'
    )
    assert "onclick" not in story.body and "onmouseover" not in story.body
    assert "script" not in story.body and "style" not in story.body


def test_a_hostile_answer_is_kept_as_text_with_no_player_or_thumbnail(
    oembed_provider, client, make_article
):
    story = make_article(body=embed(HOSTILE))
    found = Embed.objects.get(url=HOSTILE)
    assert found.title == "<script>alert('title')</script>Hostile"
    assert found.frame_src == ""  # a javascript: iframe is not a player
    assert not found.thumbnail  # the "thumbnail" was not a picture
    assert not default_storage.exists("embeds") or not any(
        files for _, files in [default_storage.listdir("embeds")]
    )
    html = page(client, story.get_absolute_url())
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;Hostile" in html
    assert "<script>alert" not in html and "evil.example" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "javascript:" not in html


def test_a_player_off_the_provider_s_origin_is_not_kept(oembed_provider, settings, make_article):
    settings.NEWSROOM_OEMBED_PROVIDERS = oembed_provider.overrides() | {
        "youtube": oembed_provider.overrides()["youtube"]
        | {"frame_origins": ("https://a.example",)}
    }
    make_article(body=embed(VIDEO))
    assert Embed.objects.get(url=VIDEO).frame_src == ""


def test_a_drafts_embed_shows_nowhere(oembed_provider, client, make_article):
    draft = make_article(body=embed(VIDEO), status=Status.DRAFT, publish_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "abcdefghijk" not in client.get("/feed/").content.decode()


@pytest.mark.parametrize("count", [2, 10])
def test_a_story_with_embeds_costs_one_query_for_all_of_them(
    oembed_provider, client, make_rich_story, warm_site, settings, django_assert_num_queries, count
):
    addresses = [f"https://www.youtube.com/watch?v=video{n:06d}" for n in range(count)]
    story = make_rich_story(body="".join(f"<p>Paragraph.</p>{embed(a)}" for a in addresses))
    warm_site()
    settings.NEWSROOM_STORE_PAGES = False
    # story, bylines, tags, corrections, gallery photos, embeds, related stories
    with django_assert_num_queries(7):
        html = page(client, story.get_absolute_url())
    assert html.count('class="embed embed-youtube"') == count


def test_the_feed_links_to_each_embed_by_its_title(oembed_provider, client, make_article):
    make_article(standfirst="Harbour news.", body=embed(VIDEO) + embed(POST))
    feed = feedparser.parse(client.get("/feed/").content)
    [entry] = feed.entries
    assert entry.summary.startswith("Harbour news.")
    assert f'<a href="{VIDEO}">Video abcdefghijk</a>' in entry.summary
    assert f'<a href="{POST}">Video 1234567890</a>' in entry.summary


def test_the_editor_s_preview_says_what_the_provider_answered(oembed_provider, login, writer, db):
    response = login(writer).get(PREVIEW, {"url": VIDEO})
    [item] = response.json()["results"]
    assert item["label"] == "Video abcdefghijk" and item["provider"] == "YouTube"
    assert item["thumbnail"].startswith("/media/embeds/") and item["plays"]
    assert item["problem"] == ""


def test_the_editor_s_preview_names_a_failure(oembed_provider, login, writer, db):
    [item] = login(writer).get(PREVIEW, {"url": GARBAGE}).json()["results"]
    assert "TikTok answered with something that is not an oEmbed answer." in item["problem"]


@pytest.mark.parametrize("address", ["javascript:alert(1)", "https://evil.example/v", ""])
def test_the_editor_s_preview_refuses_other_addresses(oembed_provider, login, writer, address):
    answer = login(writer).get(PREVIEW, {"url": address}).json()
    assert answer["results"] == [] and "Paste the address" in answer["problem"]
    assert oembed_provider.requests == [] and not Embed.objects.exists()


def test_the_preview_is_for_people_who_write_stories(oembed_provider, client, make_user, db):
    assert client.get(PREVIEW, {"url": VIDEO}).status_code == 302  # to the login
    reader = make_user()  # staff, in no role
    client.force_login(reader)
    assert client.get(PREVIEW, {"url": VIDEO}).status_code == 403
    assert oembed_provider.requests == []


def test_pages_may_frame_the_providers_players_and_nothing_else(client, make_article):
    story = make_article()
    policy = client.get(story.get_absolute_url())["Content-Security-Policy"]
    [frames] = [part.strip() for part in policy.split(";") if part.strip().startswith("frame-src")]
    assert frames.split()[1:] == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://www.openstreetmap.org",
        "https://www.google.com",
    ]


@pytest.mark.parametrize(
    "address, provider",
    [
        ("https://www.youtube.com/watch?v=abcdefghijk&t=30", "youtube"),
        ("https://youtu.be/abcdefghijk", "youtube"),
        ("https://www.youtube.com/shorts/abcdefghijk", "youtube"),
        ("https://vimeo.com/76979871", "vimeo"),
        ("https://twitter.com/harbour/status/1234567890", "x"),
        ("https://bsky.app/profile/harbour.bsky.social/post/3kabc", "bluesky"),
        ("https://www.instagram.com/p/C0abcdEFG/", "instagram"),
        ("https://www.tiktok.com/@harbour/video/7234567890123456789", "tiktok"),
        ("https://www.facebook.com/harbour/posts/pfbid0abc", "facebook"),
        ("https://www.openstreetmap.org/#map=12/48.8566/2.3522", "openstreetmap"),
        ("https://www.google.com/maps/place/Harbour/@51.5,-0.12,14z", "googlemaps"),
        ("https://www.youtube.com/playlist?list=PL123", None),
        ("https://www.youtube.com/watch?v=abcdefghijk#<script>", None),
        ("https://vimeo.com:99999/76979871", None),
        ("https://instagram.com.evil.example/p/abc/", None),
        ("http://" + "a" * 600, None),
    ],
)
def test_the_providers_we_take(address, provider):
    found = oembed.provider_for(address)
    assert (found.key if found else None) == provider


def test_a_google_map_is_framed_from_its_place(oembed_provider, make_article):
    address = "https://www.google.com/maps/place/Harbour+Office/@51.5074,-0.1278,15z"
    make_article(body=embed(address))
    found = Embed.objects.get(url=address)
    assert found.title == "Map of Harbour Office"
    assert found.frame_src == "https://www.google.com/maps?q=51.5074%2C-0.1278&z=15&output=embed"


# Transactional: the test's own transaction would hide the admin's.
@pytest.mark.django_db(transaction=True)
def test_the_admin_asks_providers_before_its_transaction_holds_the_database(
    oembed_provider, login, editor, make_article, monkeypatch
):
    from django.db import transaction

    from articles import oembed
    from tests.test_locking import form_data

    asked_in_a_transaction = []
    fetch = oembed.fetch

    def watched(*args, **kwargs):
        asked_in_a_transaction.append(transaction.get_connection().in_atomic_block)
        return fetch(*args, **kwargs)

    monkeypatch.setattr(oembed, "fetch", watched)
    story = make_article(body="<p>Old.</p>")
    client = login(editor)
    shown = client.get(f"/admin/articles/article/{story.pk}/change/")
    body = f"<p>New words.</p>{embed(VIDEO)}"
    client.post(f"/admin/articles/article/{story.pk}/change/", form_data(shown, body=body))
    assert Article.objects.get(pk=story.pk).body == body
    assert asked_in_a_transaction == [False]
