"""The body editor's choosers (articles.admin.body_blocks), and the editor's blocks on the
story form."""

import pytest

from articles.models import Status

PHOTOS = "/admin/articles/article/choose/photos/"
STORIES = "/admin/articles/article/choose/stories/"


def results(response):
    assert response.status_code == 200
    return response.json()["results"]


def test_the_photo_chooser_finds_photos_by_caption_credit_or_id(login, writer, make_photo):
    flood = make_photo(caption="Flood in the square", credit="Reuters")
    fire = make_photo(caption="Fire at the mill", credit="AP Photo/Jane Doe", alt_text="")
    client = login(writer)
    assert [r["id"] for r in results(client.get(PHOTOS, {"q": "flood square"}))] == [flood.pk]
    assert [r["id"] for r in results(client.get(PHOTOS, {"q": "jane"}))] == [fire.pk]
    [found] = results(client.get(PHOTOS, {"q": str(fire.pk)}))
    assert found["credit_line"] == "Photo: AP Photo/Jane Doe"
    assert found["problems"] == ["no alt text"]
    assert found["thumbnail"].startswith("/media/")
    assert [r["id"] for r in results(client.get(PHOTOS, {"id": flood.pk}))] == [flood.pk]


@pytest.mark.parametrize("question", [{"id": "abc"}, {"id": "99999999999"}, {"id": "-1"}])
def test_the_photo_chooser_answers_bad_ids_with_nothing(login, writer, make_photo, question):
    make_photo()
    assert results(login(writer).get(PHOTOS, question)) == []


def test_the_story_chooser_finds_stories_in_any_state_and_says_which(login, editor, make_article):
    make_article(headline="Harbour reopens")
    make_article(headline="Harbour plans", status=Status.DRAFT, publish_at=None)
    found = results(login(editor).get(STORIES, {"q": "harbour"}))
    assert {(r["label"], r["state"]) for r in found} == {
        ("Harbour reopens", "Published"),
        ("Harbour plans", "Draft"),
    }


def test_a_writer_finds_published_stories_and_their_own_not_others_drafts(
    login, writer, make_user, make_article
):
    make_article(headline="Harbour reopens")
    mine = make_article(headline="Harbour mine", status=Status.DRAFT, publish_at=None)
    mine.byline_set.all().delete()
    mine.created_by = writer
    mine.save()
    theirs = make_article(headline="Harbour theirs", status=Status.DRAFT, publish_at=None)
    client = login(writer)
    found = {r["label"] for r in results(client.get(STORIES, {"q": "harbour"}))}
    assert found == {"Harbour reopens", "Harbour mine"}
    assert results(client.get(STORIES, {"id": theirs.pk})) == []


@pytest.mark.parametrize("url", [PHOTOS, STORIES])
def test_the_choosers_are_for_the_newsroom_only(client, make_user, url):
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(make_user())  # staff, but in no role
    assert client.get(url, {"q": "x"}).status_code == 403


def test_the_story_form_offers_the_body_blocks(login, editor, make_article):
    story = make_article()
    html = login(editor).get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "articles/admin/body-blocks" in html
    assert "/admin/articles/article/choose/photos/" in html
    assert "pull-quote" in html and "TableCaption" in html


def test_an_inline_photo_saved_through_the_admin_becomes_a_use(login, editor, make_photo):
    from articles.models import Article

    photo = make_photo()
    client = login(editor)
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in form.fields
        if form[name].value() is not None and not isinstance(form[name].value(), list)
    }
    data |= {
        "headline": "Photo story",
        "slug": "photo-story",
        "body": f'<p>Text</p><figure data-photo="{photo.pk}" onclick="x"></figure>',
    }
    for prefix in ("byline_set", "photos"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get(slug="photo-story")
    assert story.body == f'<p>Text</p><figure data-photo="{photo.pk}"></figure>'
    assert list(story.body_photos.values_list("photo", flat=True)) == [photo.pk]
