import pytest

from articles.models import Status


@pytest.fixture
def draft(make_article, writer):
    return make_article(
        headline="Secret draft", status=Status.DRAFT, publish_at=None, created_by=writer
    )


def preview(client, story):
    return client.get(f"/preview/{story.pk}/")


def test_the_writer_previews_their_story_as_readers_will_see_it(client, draft, writer):
    client.force_login(writer)
    response = preview(client, draft)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" in html and "Preview — not published" in html
    assert response["Cache-Control"] == "private, no-store"


def test_editors_preview_any_story(client, draft, editor):
    client.force_login(editor)
    assert preview(client, draft).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "other writer"])
def test_nobody_else_learns_the_story_exists(client, draft, make_user, who):
    if who == "other writer":
        client.force_login(make_user("Writer"))
    response = preview(client, draft)
    assert response.status_code == 404
    assert "Secret draft" not in response.content.decode()


def test_the_public_address_stays_not_found_while_unpublished(client, draft, editor):
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_preview_shows_the_related_stories_of_the_draft_as_it_is_now(
    client, draft, writer, make_article
):
    make_article(headline="Port news", tags=["port"])
    make_article(headline="Harbour news", tags=["harbour"])
    client.force_login(writer)
    draft.tags.add("port")
    html = preview(client, draft).content.decode()
    assert "Port news" in html and "Harbour news" not in html
    # A draft's changes show readers nothing, so nothing kept tells of them: drawn afresh.
    draft.tags.set(["harbour"])
    html = preview(client, draft).content.decode()
    assert "Harbour news" in html and "Port news" not in html
