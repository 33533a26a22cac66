"""Live entries' blocks: inline photos, story cards, embeds and tables drawn like a body's on the
live page, in the updates readers poll for and in the live feed; embeds asked for when an entry
is posted; inline photos checked when it is published."""

import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import invalidation
from articles.models import Embed, LiveEntry, Photo, Status
from tests.test_bodies import XSS

VIDEO = "https://www.youtube.com/watch?v=abcdefghijk"
GARBAGE = "https://www.tiktok.com/@harbour/video/7234567890123456789"


def figure(photo):
    return f'<figure data-photo="{getattr(photo, "pk", photo)}"></figure>'


def card(story):
    return f'<aside data-story="{story.pk}"></aside>'


def embed(url):
    return f'<figure data-embed="{url}"></figure>'


@pytest.fixture
def live_story(make_article):
    return make_article(coverage_starts_at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def post(editor, live_story):
    def make(text, *, by=None, **fields):
        return LiveEntry.post(live_story, by=by or editor, text=text, **fields)

    return make


def entries_html(client, story, *, kept=None):
    """The live part of the story's page; `kept`: whether it must (not) come from the cache."""
    response = client.get(story.get_absolute_url())
    if kept is not None:
        assert (response.context is None) == kept
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<section class="live') :]


def updates_html(client, story):
    response = client.get(f"/live/{story.slug}/updates/")
    assert response.status_code == 200
    return "".join(entry["html"] for entry in response.json()["entries"])


def desk(story):
    return f"/admin/articles/liveentry/desk/{story.pk}/"


# What readers see


def test_an_inline_photo_is_drawn_with_its_credit_on_the_page_and_in_the_updates(
    make_photo, post, live_story, client
):
    photo = make_photo(credit="Reuters", copyright_notice="© Reuters 2026", caption="Harbour")
    post(f"<p>Crowds at the harbour.</p>{figure(photo)}<p>More soon.</p>")
    for html in (entries_html(client, live_story), updates_html(client, live_story)):
        drawn = html[html.index('<figure class="photo body-photo">') :]
        drawn = drawn[: drawn.index("</figure>")]
        assert photo.credit_line in drawn and "© Reuters 2026" in drawn and "Harbour" in drawn
        assert "srcset=" in drawn and photo.rendition(800).url in drawn
        assert html.index("Crowds") < html.index("body-photo") < html.index("More soon")
        assert "data-photo" not in html


def test_a_photo_readers_may_not_see_is_drawn_as_nothing(make_photo, live_story, client):
    # Saved straight, as an entry published before its photo's licence lapsed would be.
    lapsed = make_photo(rights_expire_at=timezone.now() - timedelta(minutes=1))
    LiveEntry.objects.create(
        article=live_story,
        text=f"<p>Words.</p>{figure(lapsed)}{figure(999_999)}",
        status=LiveEntry.Status.PUBLISHED,
    )
    html = entries_html(client, live_story)
    assert "Words." in html and "body-photo" not in html and "data-photo" not in html


def test_a_story_link_shows_a_card_only_for_a_public_story(make_article, post, live_story, client):
    public = make_article(headline="Public background")
    draft = make_article(headline="Draft background", status=Status.DRAFT)
    scheduled = make_article(
        headline="Scheduled background", publish_at=timezone.now() + timedelta(hours=1)
    )
    post(f"<p>Context.</p>{card(public)}{card(draft)}{card(scheduled)}")
    for html in (entries_html(client, live_story), updates_html(client, live_story)):
        assert "Public background" in html and public.get_absolute_url() in html
        assert "Draft background" not in html and "Scheduled background" not in html
        assert html.count('class="body-story"') == 1 and "data-story" not in html


def test_a_linked_story_withdrawn_later_leaves_the_kept_live_page(
    make_article, post, live_story, client, editor, warm_site
):
    linked = make_article(headline="Background story")
    post(f"<p>Context.</p>{card(linked)}")
    warm_site()
    assert "Background story" in entries_html(client, live_story)
    assert "Background story" in entries_html(client, live_story, kept=True)
    linked.withdraw(by=editor, reason="Legal.")
    assert "Background story" not in entries_html(client, live_story, kept=False)


def test_a_table_scrolls_in_its_region(post, live_story, client):
    post('<table data-caption="Results"><tbody><tr><td><p>Yes</p></td></tr></tbody></table>')
    html = entries_html(client, live_story)
    assert (
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Results">'
        "<table><caption>Results</caption>" in html
    )


def test_an_embed_is_asked_for_once_at_posting_and_drawn_as_a_placeholder(
    oembed_provider, post, live_story, client, editor
):
    entry = post(f"<p>Watch.</p>{embed(VIDEO)}")
    assert oembed_provider.asked("/oembed") == 1
    assert Embed.objects.get(url=VIDEO).title == "Video abcdefghijk"
    asked = len(oembed_provider.requests)
    for html in (entries_html(client, live_story), updates_html(client, live_story)):
        assert "Load the YouTube video (sends you to youtube.com)" in html
        assert f'<a class="embed-link" href="{VIDEO}">' in html and "<iframe" not in html
    feed = feedparser.parse(client.get(f"/live/{live_story.slug}/feed/").content)
    assert f'<a href="{VIDEO}">Video abcdefghijk</a>' in feed.entries[0].summary
    # Readers and corrections that keep the address ask nothing more of the provider.
    entry.correct(by=editor, text=f"<p>Watch this.</p>{embed(VIDEO)}", note="Wording.")
    assert len(oembed_provider.requests) == asked


def test_a_failing_provider_is_named_on_the_desk_and_the_entry_still_posts(
    oembed_provider, login, editor, live_story, client
):
    response = login(editor).post(
        desk(live_story), {"text": f"<p>See this.</p>{embed(GARBAGE)}"}, follow=True
    )
    html = response.content.decode()
    assert "Entry posted" in html
    assert f"Embed {GARBAGE}:" in html and "Readers get a link to the address" in html
    assert LiveEntry.objects.get().status == LiveEntry.Status.PUBLISHED
    client.logout()
    assert f'href="{GARBAGE}"' in entries_html(client, live_story)


def test_the_live_feed_carries_inline_photos_with_their_credit_and_cards_as_links(
    make_photo, make_article, post, live_story, client
):
    photo = make_photo(credit="AP")
    linked = make_article(headline="Earlier story")
    post(f"<p>Scene.</p>{figure(photo)}{card(linked)}")
    response = client.get(f"/live/{live_story.slug}/feed/")
    xml = response.content.decode()
    assert "<media:credit" in xml and ">AP</media:credit>" in xml
    summary = feedparser.parse(response.content).entries[0].summary
    assert "Earlier story" in summary and linked.get_absolute_url() in summary
    assert "data-photo" not in summary and "data-story" not in summary


@pytest.mark.parametrize("html", XSS)
def test_no_block_carries_script_through_an_entry(html, live_story, client):
    # Saved as a script would (the desk refuses references to photos not in the library).
    LiveEntry.objects.create(
        article=live_story, text=f"<p>Text.</p>{html}", status=LiveEntry.Status.PUBLISHED
    )
    for page in (entries_html(client, live_story), updates_html(client, live_story)):
        entry = page[page.index('<article class="live-entry') :]
        entry = entry[: entry.index("</article>")].lower()
        assert "<script" not in entry and "javascript:" not in entry
        assert "<style" not in entry and " style=" not in entry
        assert "<iframe" not in entry and "<svg" not in entry
        assert not re.search(r"<[^>]*\son\w+\s*=", re.sub(r'"[^"]*"', '""', entry))


# Publishing: inline photos checked like a body's


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"credit": ""}, "no credit"),
        ({"alt_text": ""}, "no alt text"),
        ({"with_image": False}, "no picture yet"),
        ({"rights_expire_at": timezone.now() - timedelta(days=1)}, "licence expired"),
    ],
)
def test_an_editor_cannot_post_an_entry_whose_inline_photo_is_incomplete(
    make_photo, post, overrides, problem
):
    bad = make_photo(caption="Bad one", **overrides)
    with pytest.raises(ValidationError) as refused:
        post(f"<p>Scene.</p>{figure(bad)}")
    [message] = refused.value.message_dict["text"]
    assert message.startswith("inline photo “Bad one") and problem in message
    assert not LiveEntry.objects.exists()


def test_an_editor_cannot_post_an_entry_whose_own_photo_is_incomplete(make_photo, post):
    bad = make_photo(caption="Uncredited", credit="")
    with pytest.raises(ValidationError) as refused:
        post("<p>Scene.</p>", photo=bad)
    [message] = refused.value.message_dict["text"]
    assert message.startswith("photo “Uncredited") and "no credit" in message
    assert not LiveEntry.objects.exists()


def test_a_photo_not_in_the_library_is_named(post):
    with pytest.raises(ValidationError) as refused:
        post(f"<p>Scene.</p>{figure(424242)}")
    assert refused.value.message_dict["text"] == [
        "inline photo #424242: not in the photo library; choose another or take it out"
    ]


def test_a_writers_entry_waits_but_is_refused_on_approval_with_the_problem_named(
    make_photo, post, writer, editor, login, live_story
):
    bad = make_photo(caption="Uncredited", credit="")
    entry = post(f"<p>Scene.</p>{figure(bad)}", by=writer)
    assert entry.is_held
    with pytest.raises(ValidationError):
        entry.approve(by=editor)
    entry.refresh_from_db()
    assert entry.is_held
    response = login(editor).post(
        desk(live_story), {"step": "approve", "entry": entry.pk}, follow=True
    )
    assert "Not done: inline photo “Uncredited”: no credit" in response.content.decode()
    entry.refresh_from_db()
    assert entry.is_held


def test_the_desk_refuses_the_post_with_the_problem_and_keeps_the_text(
    make_photo, login, editor, live_story
):
    bad = make_photo(caption="No alt", alt_text="")
    response = login(editor).post(desk(live_story), {"text": f"<p>Typed.</p>{figure(bad)}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"inline photo “No alt[^”]*”: no alt text", html) and "Typed." in html
    assert not LiveEntry.objects.exists()


def test_a_correction_adding_an_incomplete_photo_is_refused(make_photo, post, editor):
    entry = post("<p>Scene.</p>")
    bad = make_photo(credit="")
    with pytest.raises(ValidationError):
        entry.correct(by=editor, text=f"<p>Scene.</p>{figure(bad)}", note="Photo added.")
    entry.refresh_from_db()
    assert entry.text == "<p>Scene.</p>" and entry.corrected_at is None


# The page cache: what changes a kept live page


def test_an_inline_photo_leaves_the_kept_page_when_its_licence_runs_out(
    make_photo, post, live_story, client, warm_site
):
    expires = timezone.now() + timedelta(hours=2)
    photo = make_photo(credit="Licensed", rights_expire_at=expires)
    post(f"<p>Scene.</p>{figure(photo)}")
    warm_site()
    address = photo.rendition(800).url
    assert address in entries_html(client, live_story)
    assert address in entries_html(client, live_story, kept=True)
    # At its minute the schedule names the live page, as it names a body's.
    assert f"live:{live_story.pk}" in invalidation.photo_names([photo.pk])
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        html = entries_html(client, live_story, kept=False)
        assert "Scene." in html and address not in html and "Licensed" not in html


def test_a_photos_new_credit_reaches_the_kept_live_page(
    make_photo, post, live_story, client, warm_site
):
    photo = make_photo(credit="Old credit")
    post(f"<p>Scene.</p>{figure(photo)}")
    warm_site()
    entries_html(client, live_story)
    assert "Old credit" in entries_html(client, live_story, kept=True)
    photo.credit = "New credit"
    photo.save()
    html = entries_html(client, live_story, kept=False)
    assert "New credit" in html and "Old credit" not in html


# Query counts


@pytest.mark.parametrize("count", [10, 500])
def test_a_live_page_with_blocks_costs_the_same_queries_however_many_entries(
    count,
    post,
    live_story,
    client,
    make_photo,
    make_article,
    warm_site,
    django_assert_num_queries,
):
    photos = [make_photo() for _ in range(3)]
    stories = [make_article(headline=f"Linked {n}") for n in range(3)]
    addresses = [f"https://www.youtube.com/watch?v=video{n:06d}" for n in range(3)]
    for address in addresses:
        Embed.objects.create(url=address, provider="youtube", title=f"Title {address[-2:]}")
    LiveEntry.objects.bulk_create(
        LiveEntry(
            article=live_story,
            text=f"<p>Update {n}.</p>{figure(photos[n % 3])}{card(stories[n % 3])}"
            f"{embed(addresses[n % 3])}",
            status=LiveEntry.Status.PUBLISHED,
            posted_at=timezone.now() - timedelta(seconds=n),
        )
        for n in range(count)
    )
    warm_site()
    entries_html(client, live_story)  # the story's own parts kept
    client.get("/live/x/updates/")
    post("<p>New.</p>")
    # As without blocks (test_live.py), and one query each for the entries' photos, linked
    # stories and embeds.
    with django_assert_num_queries(11):
        html = entries_html(client, live_story)
    assert html.count('class="photo body-photo"') == min(count, 49)  # "New." takes a place
    assert html.count('class="body-story"') == min(count, 49)  # "New." takes a place
    assert html.count('class="embed embed-youtube"') == min(count, 49)  # "New." takes a place
    with django_assert_num_queries(5):
        updates_html(client, live_story)


# Rights: a photo a live entry shows is the desk's to change, and cannot be deleted


@pytest.mark.parametrize("how", ["inline", "with the entry"])
def test_a_photo_in_a_published_storys_entry_is_locked_for_writers_and_kept(
    make_photo, post, writer, editor, how
):
    photo = make_photo(caption="Crowd at the count")
    assert not photo.is_locked_for_writers()
    if how == "inline":
        post(f"<p>Scene.</p>{figure(photo)}")
    else:
        post("<p>Scene.</p>", photo=photo)
    assert photo.is_locked_for_writers()
    assert not photo.can_edit(writer) and photo.can_edit(editor)
    assert [story.headline for story in photo.stories()] == [
        LiveEntry.objects.get().article.headline
    ]


def test_a_photo_in_an_entrys_text_cannot_be_deleted(make_photo, post, login, editor):
    photo = make_photo(caption="Crowd at the count")
    post(f"<p>Scene.</p>{figure(photo)}")
    client = login(editor)
    url = f"/admin/articles/photo/{photo.pk}/delete/"
    page = client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "Live entry: " in page
    client.post(url, {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()
