"""Story links: one of our stories named in another's body, shown to readers as a card only
while readers may see it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import BodyLink, Status


def link(story_or_id):
    return f'<aside data-story="{getattr(story_or_id, "pk", story_or_id)}"></aside>'


def body_of(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html[
        html.index('<div class="story-body">') : html.index('<footer class="story-footer">')
    ]


def test_a_published_story_is_linked_as_a_card(client, make_article):
    linked = make_article(headline="Dam holds after storm")
    story = make_article(body=f"<p>Intro.</p>{link(linked)}<p>More.</p>")
    body = body_of(client, story)
    assert '<aside class="body-story" aria-label="Related story">' in body
    assert f'<a href="{linked.get_absolute_url()}">Dam holds after storm</a>' in body
    assert body.index("Intro.") < body.index("Dam holds") < body.index("More.")
    assert list(BodyLink.objects.values_list("article", "story")) == [(story.pk, linked.pk)]


@pytest.mark.parametrize(
    "state",
    [
        {"status": Status.DRAFT, "publish_at": None},
        {"publish_at": timezone.now() + timedelta(hours=1)},
        {"embargo_until": timezone.now() + timedelta(hours=1)},
        {"status": Status.WITHDRAWN},
        {"status": Status.IN_REVIEW, "publish_at": None},
    ],
    ids=["draft", "scheduled", "embargoed", "withdrawn", "in review"],
)
def test_a_story_readers_may_not_see_is_never_linked(client, make_article, state):
    hidden = make_article(headline="Secret scoop", slug="secret-scoop", **state)
    story = make_article(body=f"<p>Intro.</p>{link(hidden)}{link(999_999)}")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Secret scoop" not in html and "secret-scoop" not in html
    assert "body-story" not in html and "data-story" not in html


def test_a_linked_story_appears_when_it_is_published_and_goes_when_withdrawn(
    client, make_article, editor, warm_site, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600
    linked = make_article(headline="Later scoop", status=Status.APPROVED, publish_at=None)
    story = make_article(body=link(linked))
    warm_site()
    assert "Later scoop" not in body_of(client, story)
    linked.publish(by=editor)
    assert "Later scoop" in body_of(client, story)
    linked.refresh_from_db()
    linked.headline = "Later scoop, updated"
    linked.save()
    assert "Later scoop, updated" in body_of(client, story)
    linked.refresh_from_db()
    linked.withdraw(by=editor, reason="Legal")
    assert "Later scoop" not in body_of(client, story)


def test_a_scheduled_linked_story_appears_at_its_minute(client, make_article):
    at = timezone.now() + timedelta(hours=1)
    linked = make_article(headline="Scheduled scoop", publish_at=at)
    story = make_article(body=link(linked))
    assert "Scheduled scoop" not in body_of(client, story)
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert "Scheduled scoop" in body_of(client, story)


def test_a_story_never_links_to_itself(make_article):
    story = make_article()
    story.body = link(story)
    story.save()
    assert not BodyLink.objects.exists()
    assert story.linked_stories == {}
