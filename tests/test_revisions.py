import io
import re

import pytest
import reversion
from django.test import Client
from reversion.models import Version

from articles import revisions
from articles.models import Article, AuditEntry, Status


def saved(story, user, **changes):
    """Save the story the way the admin does: inside a revision, by a user."""
    with reversion.create_revision():
        for name, value in changes.items():
            setattr(story, name, value)
        story.save()
        reversion.set_user(user)
    return story


@pytest.fixture
def story(make_article, editor):
    story = make_article(headline="First headline", body="<p>The mayor said yes.</p>")
    return saved(story, editor)


def blank_if_none(value):
    return "" if value is None else value


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_save_keeps_a_revision_with_who_and_the_full_content(story, editor):
    saved(story, editor, headline="Second headline")
    versions = list(revisions.versions_of(story))
    assert len(versions) == 2
    assert versions[0].field_dict["headline"] == "Second headline"
    assert versions[1].field_dict["body"] == "<p>The mayor said yes.</p>"
    assert versions[0].revision.user == editor


def test_editing_in_the_admin_keeps_revisions(story, editor):
    client = client_for(editor)
    page = client.get(f"/admin/articles/article/{story.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in {"lead_photo"}}
    data |= {"headline": "Edited in the admin", "tags": ""}
    for prefix in ("byline_set", "photos"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert client.post(f"/admin/articles/article/{story.pk}/change/", data).status_code == 302
    assert revisions.versions_of(story).first().field_dict["headline"] == "Edited in the admin"


def test_compare_shows_a_readable_word_diff(story, editor):
    saved(story, editor, headline="Second headline", body="<p>The mayor said no.</p>")
    newest, oldest = revisions.versions_of(story)
    html = (
        client_for(editor)
        .get(f"/admin/articles/article/{story.pk}/history/{newest.pk}/?with={oldest.pk}")
        .content.decode()
    )
    assert "<del>First</del> <ins>Second</ins> headline" in html
    assert "The mayor said <del>yes.</del> <ins>no.</ins>" in html


def test_a_version_compared_with_the_story_now(story, editor):
    oldest = revisions.versions_of(story).last()
    saved(story, editor, standfirst="A new standfirst")
    html = (
        client_for(editor)
        .get(f"/admin/articles/article/{story.pk}/history/{oldest.pk}/")
        .content.decode()
    )
    assert "the story as it is now" in html
    assert "<ins>A new standfirst</ins>" in html


def test_restoring_makes_a_new_revision_and_keeps_the_workflow_state(story, editor):
    oldest = revisions.versions_of(story).last()
    saved(story, editor, headline="Second headline")
    status, published_at = story.status, story.publish_at
    client_for(editor).post(f"/admin/articles/article/{story.pk}/history/{oldest.pk}/")
    story.refresh_from_db()
    assert story.headline == "First headline"
    assert story.status == status and story.publish_at == published_at
    history = list(revisions.versions_of(story))
    assert len(history) == 3  # nothing was overwritten
    assert history[0].revision.get_comment().startswith("Restored the version of")
    assert story.revised_at is not None  # readers see it was updated


def test_restoring_brings_back_the_bylines(story, editor, make_author):
    oldest = revisions.versions_of(story).last()
    original = [a.pk for a in story.bylines]
    story.byline_set.all().delete()
    story.byline_set.create(author=make_author(name="Someone Else"))
    saved(story, editor)
    revisions.restore(story, oldest, by=editor)
    assert [a.pk for a in Article.objects.get(pk=story.pk).bylines] == original


def test_a_writer_cannot_restore_a_published_story(story, writer, editor):
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    oldest = revisions.versions_of(story).last()
    saved(story, editor, headline="Second headline")
    response = client_for(writer).post(f"/admin/articles/article/{story.pk}/history/{oldest.pk}/")
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).headline == "Second headline"


def test_the_history_page_lists_revisions(story, editor):
    saved(story, editor, headline="Second headline")
    html = client_for(editor).get(f"/admin/articles/article/{story.pk}/history/").content.decode()
    assert len(re.findall(r'name="with"', html)) == 2


def test_the_history_page_compares_the_version_chosen(story, editor):
    saved(story, editor, headline="Second headline")
    saved(story, editor, headline="Third headline")
    client = client_for(editor)
    html = client.get(f"/admin/articles/article/{story.pk}/history/").content.decode()
    newest, middle, oldest = revisions.versions_of(story)
    # Each radio button carries its version, and the form goes to the newest one.
    assert re.findall(r'name="with" value="(\d+)"', html) == [
        str(newest.pk),
        str(middle.pk),
        str(oldest.pk),
    ]
    assert f'action="/admin/articles/article/{story.pk}/history/{newest.pk}/"' in html
    compared = client.get(
        f"/admin/articles/article/{story.pk}/history/{newest.pk}/", {"with": oldest.pk}
    )
    assert "<del>First</del> <ins>Third</ins> headline" in compared.content.decode()


def test_the_word_diff_keeps_paragraphs_apart(story, editor):
    saved(story, editor, body="<p>The mayor said yes in June</p><p>Two weeks later.</p>")
    newest, oldest = revisions.versions_of(story)
    url = f"/admin/articles/article/{story.pk}/history/{newest.pk}/?with={oldest.pk}"
    html = client_for(editor).get(url).content.decode()
    assert "JuneTwo" not in html
    assert "<del>yes.</del> <ins>yes in June Two weeks later.</ins>" in html


def test_a_deleted_draft_can_be_recovered_by_a_managing_editor(
    make_article, editor, managing_editor
):
    draft = make_article(headline="Lost draft", status=Status.DRAFT, publish_at=None)
    saved(draft, editor)
    client = client_for(managing_editor)
    assert (
        client.post(f"/admin/articles/article/{draft.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Article.objects.filter(headline="Lost draft").exists()
    assert "Lost draft" in client.get("/admin/articles/article/recover/").content.decode()
    assert client_for(editor).get("/admin/articles/article/recover/").status_code == 403

    recover(client, Version.objects.get_deleted(Article).get())
    recovered = Article.objects.get(headline="Lost draft")
    assert recovered.status == Status.DRAFT
    assert recovered.byline_set.count() == 1


def recover(client, version):
    """Post the recover form as the page shows it."""
    page = client.get(f"/admin/articles/article/recover/{version.pk}/")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in {"lead_photo"}}
    data |= {"tags": ""}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management[name].html_name: management[name].value() for name in management.fields}
        for inline_form in formset.formset.forms:
            data |= {
                inline_form[name].html_name: blank_if_none(inline_form[name].value())
                for name in inline_form.fields
            }
    response = client.post(f"/admin/articles/article/recover/{version.pk}/", data)
    assert response.status_code == 302


def test_a_deleted_story_keeps_its_trail_and_gets_it_back_when_recovered(
    make_article, writer, editor, managing_editor
):
    draft = make_article(
        headline="Spiked then lost", status=Status.DRAFT, publish_at=None, created_by=writer
    )
    saved(draft, writer)
    draft.submit(by=writer)
    draft.spike(by=editor, note="Overtaken by events")
    client = client_for(managing_editor)
    client.post(f"/admin/articles/article/{draft.pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(pk=draft.pk).exists()
    trail = AuditEntry.objects.filter(article_id=draft.pk)
    assert [entry.action for entry in trail] == ["delete", "spike", "submit"]
    deletion = trail.first()
    assert deletion.by == managing_editor and deletion.from_status == Status.SPIKED
    assert "Spiked then lost" in deletion.note

    recover(client, Version.objects.get_deleted(Article).get())
    recovered = Article.objects.get(pk=draft.pk)
    assert [entry.action for entry in recovered.audit_entries.all()] == [
        "recover",
        "delete",
        "spike",
        "submit",
    ]
    html = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert "<td>Deleted</td>" in html and "<td>Recovered</td>" in html


def test_a_bulk_delete_keeps_each_storys_trail(make_article, writer, managing_editor):
    drafts = [
        make_article(status=Status.DRAFT, publish_at=None, created_by=writer) for _ in range(2)
    ]
    for draft in drafts:
        draft.submit(by=writer)
    action = {"action": "delete_selected", "_selected_action": [d.pk for d in drafts]}
    response = client_for(managing_editor).post(
        "/admin/articles/article/", action | {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[d.pk for d in drafts]).exists()
    for draft in drafts:
        actions = AuditEntry.objects.filter(article_id=draft.pk).values_list("action", flat=True)
        assert list(actions) == ["delete", "submit"]
    # The trail belongs to the deleted stories' ids, which no new story is given.
    assert not make_article(status=Status.DRAFT, publish_at=None).audit_entries.exists()


def test_published_stories_cannot_be_deleted_even_in_bulk(make_article, managing_editor):
    story = make_article()
    client = client_for(managing_editor)
    action = {"action": "delete_selected", "_selected_action": [story.pk]}
    confirm = client.post("/admin/articles/article/", action)
    assert "withdraw them instead" in confirm.content.decode()
    assert client.post("/admin/articles/article/", action | {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_photo_metadata_changes_keep_revisions(make_photo, editor):
    photo = make_photo(credit="Reuters")
    with reversion.create_revision():
        photo.credit = "AP Photo/Jane Doe"
        photo.save()
    assert Version.objects.get_for_object(photo).first().field_dict["credit"] == "AP Photo/Jane Doe"


def test_a_wire_import_keeps_a_revision(db, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "reuters" / "story.txt"
    path.parent.mkdir()
    path.write_text("A headline here\n\nSome body text for the story.\n")
    call_command("import_wire", str(path), stdout=io.StringIO())
    version = revisions.versions_of(Article.objects.get()).get()
    assert version.revision.get_comment() == "Imported from the wire file reuters/story.txt."
