"""The story screen's live checklist and preview: answers about a form not saved yet."""

import pytest

from articles.models import Article, Status

CHANGELIST = "/admin/articles/article/"


def checklist(story=None):
    return f"{CHANGELIST}{story.pk}/checklist/" if story else f"{CHANGELIST}add/checklist/"


def preview(story=None):
    return f"{CHANGELIST}{story.pk}/preview/" if story else f"{CHANGELIST}add/preview/"


def typed(story, **changes):
    """The story's change form as the open page would post it, with `changes`."""
    bylines = list(story.byline_set.all())
    form = {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "body": story.body,
        "section": story.section_id or "",
        "lead_photo": story.lead_photo_id or "",
        "tags": "",
        "loaded_version": story.version,
        "byline_set-TOTAL_FORMS": str(len(bylines)),
        "byline_set-INITIAL_FORMS": str(len(bylines)),
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    for n, byline in enumerate(bylines):
        form |= {
            f"byline_set-{n}-id": byline.pk,
            f"byline_set-{n}-article": story.pk,
            f"byline_set-{n}-author": byline.author_id,
            f"byline_set-{n}-position": byline.position,
        }
    return form | changes


@pytest.fixture
def draft(make_article, writer):
    return make_article(
        headline="Saved headline", status=Status.DRAFT, publish_at=None, created_by=writer
    )


def test_the_checklist_answers_for_the_typed_values_not_the_saved_ones(client, draft, writer):
    client.force_login(writer)
    assert client.post(checklist(draft), typed(draft)).json() == {"problems": []}

    emptied = typed(draft, headline=" ", standfirst="")
    problems = client.post(checklist(draft), emptied).json()["problems"]
    assert problems == ["it needs a headline", "it needs a standfirst"]
    # The bylines as the form's rows have them: one marked for deletion is gone.
    gone = typed(draft, **{"byline_set-0-DELETE": "on"})
    assert client.post(checklist(draft), gone).json()["problems"] == [
        "it needs at least one byline"
    ]
    assert Article.objects.get(pk=draft.pk).headline == "Saved headline"


def test_the_checklist_of_a_new_story(client, writer):
    client.force_login(writer)
    problems = client.post(checklist(), {"headline": "Only a headline"}).json()["problems"]
    assert "it needs a headline" not in problems
    assert "it needs body text" in problems and "it needs at least one byline" in problems


def test_a_new_story_counts_the_byline_saving_will_give_its_writer(client, writer, make_author):
    # Saving a writer's new story without bylines gives it theirs: the checklist knows.
    author = make_author(name="Will Writer", user=writer)
    client.force_login(writer)
    rows = {"byline_set-TOTAL_FORMS": "1", "byline_set-INITIAL_FORMS": "0"}
    form = {"headline": "Only a headline", **rows}
    problems = client.post(checklist(), form).json()["problems"]
    assert "it needs body text" in problems
    assert "it needs at least one byline" not in problems
    assert ">Will Writer</a>" in client.post(preview(), form).content.decode()
    # Others chosen in the rows are the bylines; the writer's is not added.
    other = make_author(name="Ann Other")
    chosen = form | {"byline_set-0-author": other.pk, "byline_set-0-position": "0"}
    html = client.post(preview(), chosen).content.decode()
    assert "Ann Other" in html and author.name not in html


def test_the_checklist_names_a_typed_gallery_photo_without_credit(
    client, draft, writer, make_photo
):
    client.force_login(writer)
    uncredited = make_photo(credit="")
    form = typed(
        draft,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-photo": uncredited.pk,
            "photos-0-position": "0",
            "photos-0-caption": "",
        },
    )
    problems = client.post(checklist(draft), form).json()["problems"]
    assert problems == [f"photo “{uncredited}”: no credit"]


@pytest.mark.parametrize("who", ["anonymous", "other writer"])
def test_the_checklist_is_refused_to_others(client, draft, make_user, who):
    if who == "other writer":
        client.force_login(make_user("Writer"))
    response = client.post(checklist(draft), typed(draft))
    assert response.status_code in {302, 404}
    assert "problems" not in response.content.decode()


def test_the_preview_draws_the_typed_story_with_its_photo_credit(client, draft, writer, make_photo):
    client.force_login(writer)
    photo = make_photo(credit="Ana Ruiz / Harbour Agency")
    response = client.post(
        preview(draft),
        typed(draft, headline="Typed, not saved", lead_photo=photo.pk, body="<p>New text</p>"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Typed, not saved" in html and "<p>New text</p>" in html
    assert photo.credit_line in html
    assert draft.bylines[0].name in html
    assert "Preview — not published" in html
    # The admin's never_cache adds max-age=0 and no-cache: the same promise.
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    # Framed beside the form by the admin's own pages, by no one else's.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    draft.refresh_from_db()
    assert draft.headline == "Saved headline" and draft.lead_photo is None


def test_the_preview_of_a_new_story_cleans_the_body(client, writer):
    client.force_login(writer)
    html = client.post(
        preview(),
        {
            "headline": "Brand new",
            "body": '<p>Hi<script>alert(1)</script><img src=x onerror="x()"></p>',
        },
    ).content.decode()
    assert "Brand new" in html
    assert "alert(1)" not in html and "onerror" not in html
    assert not Article.objects.filter(headline="Brand new").exists()


def test_the_preview_is_refused_to_anonymous_users_and_other_writers(client, draft, make_user):
    response = client.post(preview(draft), typed(draft, headline="Leak"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(make_user("Writer"))
    response = client.post(preview(draft), typed(draft, headline="Leak"))
    assert response.status_code == 404
    assert "Saved headline" not in response.content.decode()


def test_the_ordinary_pages_still_refuse_to_be_framed(client, draft, writer):
    client.force_login(writer)
    response = client.get(f"{CHANGELIST}{draft.pk}/change/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_only_the_story_screen_may_frame_its_own_pages(client, draft, writer):
    # Embeds' players are the site's only frames; the story screen also frames its preview.
    client.force_login(writer)
    for url in [f"{CHANGELIST}{draft.pk}/change/", f"{CHANGELIST}add/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "frame-src 'self' https://www.youtube-nocookie.com" in policy, policy
    for url in [CHANGELIST, "/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "frame-src https://www.youtube-nocookie.com" in policy, policy


def test_a_story_the_user_may_only_read_offers_no_preview_of_typing_nor_ctrl_s(
    client, draft, writer
):
    client.force_login(writer)
    html = client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert "preview-toggle" in html and "Ctrl+S saves" in html
    # Submitted, it is the desk's: the writer reads it, and its preview is refused to them.
    draft.submit(by=writer)
    html = client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert "preview-toggle" not in html and "Ctrl+S saves" not in html
    assert client.post(preview(draft), typed(draft)).status_code == 403
    assert f'href="/preview/{draft.pk}/"' in html
