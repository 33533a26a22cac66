"""Inline photos: library photos inside a story's body, drawn at read time, kept as uses."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import BodyPhoto, ChecklistError, Photo, Status


def figure(photo_or_id):
    pk = getattr(photo_or_id, "pk", photo_or_id)
    return f'<figure data-photo="{pk}"></figure>'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def structured_data(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def test_an_inline_photo_shows_its_current_picture_caption_credit_and_copyright(
    client, make_article, make_photo
):
    photo = make_photo(
        caption="Flood water in the square",
        credit="AP Photo/Jane Doe",
        copyright_notice="© 2026 The Associated Press",
    )
    story = make_article(body=f"<p>Before.</p>{figure(photo)}<p>After.</p>")
    # The body keeps a reference, never a file address.
    assert story.body == f"<p>Before.</p>{figure(photo)}<p>After.</p>"
    html = page(client, story.get_absolute_url())
    body = html[html.index('<div class="story-body">') :]
    body = body[: body.index('<footer class="story-footer">')]
    assert body.index("Before.") < body.index("Flood water in the square") < body.index("After.")
    assert 'type="image/webp" srcset="' in body
    assert photo.rendition(800).url in body
    assert 'alt="Alt' in body
    assert '<span class="credit">Photo: AP Photo/Jane Doe</span>' in body
    assert "© 2026 The Associated Press" in body
    assert "data-photo" not in body


@pytest.mark.parametrize(
    "photo",
    [
        pytest.param(lambda make_photo: 999_999, id="no such photo"),
        pytest.param(lambda make_photo: make_photo(with_image=False).pk, id="no picture yet"),
        pytest.param(
            lambda make_photo: (
                make_photo(rights_expire_at=timezone.now() - timedelta(minutes=1)).pk
            ),
            id="licence expired",
        ),
    ],
)
def test_a_photo_readers_may_not_see_is_drawn_as_nothing(client, make_article, make_photo, photo):
    story = make_article(body=f"<p>Words.</p>{figure(photo(make_photo))}")
    html = page(client, story.get_absolute_url())
    assert "Words." in html
    assert "body-photo" not in html and "data-photo" not in html


def test_the_body_s_photos_are_kept_as_uses_in_body_order(make_article, make_photo):
    first, second, third = make_photo(), make_photo(), make_photo()
    story = make_article(body=figure(second) + figure(999_999) + figure(first) + figure(second))
    uses = list(story.body_photos.values_list("photo_id", "position"))
    assert uses == [(second.pk, 0), (first.pk, 1)]
    story.body = f"<p>Only one now.</p>{figure(third)}"
    story.save()
    assert list(story.body_photos.values_list("photo_id", flat=True)) == [third.pk]
    assert set(Photo.objects.used_in(story)) >= {third}
    assert list(third.stories()) == [story]
    story.body = "<p>None.</p>"
    story.save()
    assert not BodyPhoto.objects.filter(article=story).exists()


def test_a_save_that_leaves_the_body_alone_writes_no_uses(make_article, make_photo):
    story = make_article(body=figure(make_photo()))
    story.refresh_from_db()
    story.standfirst = "New standfirst"
    with CaptureQueriesContext(connection) as counted:
        story.save()
    assert not any("articles_bodyphoto" in query["sql"] for query in counted.captured_queries)
    assert story.body_photos.count() == 1


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"credit": ""}, "no credit"),
        ({"alt_text": ""}, "no alt text"),
        ({"with_image": False}, "no picture yet"),
        ({"rights_expire_at": timezone.now() - timedelta(days=1)}, "licence expired"),
    ],
)
def test_the_checklist_checks_each_inline_photo_like_the_lead(
    make_article, make_photo, editor, overrides, problem
):
    good, bad = make_photo(), make_photo(caption="Bad one", **overrides)
    story = make_article(status=Status.APPROVED, publish_at=None, body=figure(good) + figure(bad))
    problems = story.publish_problems()
    assert len(problems) == 1
    assert problems[0].startswith("inline photo “Bad one") and problem in problems[0]
    with pytest.raises(ChecklistError):
        story.publish(by=editor)
    story.refresh_from_db()
    assert story.status == Status.APPROVED


def test_the_checklist_names_an_inline_photo_missing_from_the_library(make_article):
    story = make_article(status=Status.APPROVED, publish_at=None, body=figure(424242))
    assert story.publish_problems() == [
        "inline photo #424242: not in the photo library; choose another or take it out"
    ]


def test_an_inline_photo_leaves_the_page_when_its_licence_runs_out(
    client, make_article, make_photo
):
    expires = timezone.now() + timedelta(hours=2)
    photo = make_photo(rights_expire_at=expires, credit="Licensed Agency")
    story = make_article(body=f"<p>Text.</p>{figure(photo)}")
    assert "Photo: Licensed Agency" in page(client, story.get_absolute_url())
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        html = page(client, story.get_absolute_url())
        assert "Licensed Agency" not in html and "Text." in html


def test_a_photo_change_draws_the_pages_showing_it_again(
    client, make_article, make_photo, warm_site, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600
    photo = make_photo(credit="First Agency")
    story = make_article(body=figure(photo))
    other = make_article()
    warm_site()
    assert "Photo: First Agency" in page(client, story.get_absolute_url())
    page(client, other.get_absolute_url())
    assert client.get(story.get_absolute_url()).context is None  # kept
    photo.credit = "Second Agency"
    photo.save()
    assert "Photo: Second Agency" in page(client, story.get_absolute_url())
    assert client.get(other.get_absolute_url()).context is None  # not showing it: still kept


def test_feeds_carry_every_inline_photo_s_credit(client, make_article, make_photo):
    lead = make_photo(credit="Lead Agency")
    inline = make_photo(credit="Inline Agency", creator="Sam Snap")
    expired = make_photo(credit="Gone Agency", rights_expire_at=timezone.now() - timedelta(1))
    make_article(lead_photo=lead, body=figure(inline) + figure(expired))
    for url in ["/feed/", "/feed/atom/"]:
        xml = client.get(url).content.decode()
        entry = feedparser.parse(xml).entries[0]
        assert [c["url"].endswith(".jpg") for c in entry.media_content] == [True, True]
        assert "<media:credit>Lead Agency</media:credit>" in xml
        assert "<media:credit>Inline Agency</media:credit>" in xml
        assert ">Sam Snap</media:credit>" in xml
        assert "Gone Agency" not in xml


def test_structured_data_lists_every_photo_readers_see(client, make_article, make_photo):
    lead, inline = make_photo(credit="Lead Agency"), make_photo(credit="Inline Agency")
    gone = make_photo(credit="Gone", rights_expire_at=timezone.now() - timedelta(1))
    story = make_article(lead_photo=lead, body=figure(inline) + figure(gone) + figure(lead))
    data = structured_data(page(client, story.get_absolute_url()))
    assert [image["creditText"] for image in data["image"]] == ["Lead Agency", "Inline Agency"]


def test_the_preview_draws_inline_photos_as_typed(client, make_article, make_photo, editor):
    photo = make_photo(credit="Preview Agency")
    draft = make_article(status=Status.DRAFT, publish_at=None, body=figure(photo))
    client.force_login(editor)
    html = page(client, f"/preview/{draft.pk}/")
    assert "Photo: Preview Agency" in html


@pytest.mark.parametrize("count", [2, 10])
def test_a_story_with_inline_photos_costs_one_query_for_all_of_them(
    client, make_rich_story, make_photo, warm_site, settings, django_assert_num_queries, count
):
    photos = [make_photo(credit=f"Agency {n}") for n in range(count)]
    story = make_rich_story(body="".join(f"<p>Paragraph.</p>{figure(p)}" for p in photos))
    warm_site()
    settings.NEWSROOM_STORE_PAGES = False
    # story, bylines, tags, corrections, gallery photos, inline photos, related stories
    with django_assert_num_queries(7):
        html = page(client, story.get_absolute_url())
    assert html.count('class="photo body-photo"') == count
    assert all(f"Photo: Agency {n}" in html for n in range(count))
