import re
from datetime import timedelta

from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.utils import timezone

from articles.models import Article, Byline, Status


def test_editor_sees_the_story_list_with_credits_and_thumbnails(
    editor_client, make_article, make_photo, make_author
):
    make_article(
        headline="Summit story", lead_photo=make_photo(), authors=[make_author(name="Jane Doe")]
    )
    response = editor_client.get("/admin/articles/article/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Summit story" in html and "Jane Doe" in html and "<img" in html


def test_story_list_search_and_filters(editor_client, make_article):
    make_article(headline="Port traffic rebounds")
    make_article(headline="Budget talks", status=Status.DRAFT)
    response = editor_client.get("/admin/articles/article/?q=port")
    assert [a.headline for a in response.context["cl"].result_list] == ["Port traffic rebounds"]
    response = editor_client.get("/admin/articles/article/?status__exact=draft")
    assert [a.headline for a in response.context["cl"].result_list] == ["Budget talks"]


def test_editor_writes_a_story_with_bylines_in_the_rich_text_editor(
    editor_client, make_section, make_author
):
    section, first, second = make_section(), make_author(), make_author()
    form = editor_client.get("/admin/articles/article/add/").content.decode()
    assert "prose-editor" in form  # the WYSIWYG editor, not a raw textarea
    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "headline": "A new story",
            "slug": "a-new-story",
            "standfirst": "Its standfirst",
            "body": '<p>Hello <em>readers</em></p><script>alert("x")</script>',
            "section": section.pk,
            "tags": "one, two",
            "byline_set-TOTAL_FORMS": "2",
            "byline_set-INITIAL_FORMS": "0",
            "byline_set-0-author": second.pk,
            "byline_set-0-position": "0",
            "byline_set-1-author": first.pk,
            "byline_set-1-position": "1",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get(slug="a-new-story")
    assert story.status == Status.DRAFT
    assert story.bylines == [second, first]
    assert sorted(story.tags.names()) == ["one", "two"]
    assert "<em>readers</em>" in story.body and "script" not in story.body


def test_status_cannot_be_set_through_the_form(editor_client, make_article):
    story = make_article(status=Status.DRAFT, publish_at=None)
    response = editor_client.get(f"/admin/articles/article/{story.pk}/change/")
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_photo_admin_lists_credit_and_copyright(editor_client, make_photo):
    make_photo(credit="AP Photo/Jane Doe", copyright_notice="© 2024 AP")
    html = editor_client.get("/admin/articles/photo/").content.decode()
    assert "AP Photo/Jane Doe" in html and "© 2024 AP" in html


def test_photo_search_finds_credit_and_creator(editor_client, make_photo):
    make_photo(credit="Reuters", creator="Kim Hong-Ji")
    make_photo(credit="AFP")
    response = editor_client.get("/admin/articles/photo/?q=hong-ji")
    assert len(response.context["cl"].result_list) == 1


def test_author_and_section_admins_search(editor_client, make_author, make_section):
    make_author(name="Ada Lovelace")
    make_section(name="Science")
    assert "Ada Lovelace" in editor_client.get("/admin/articles/author/?q=ada").content.decode()
    assert "Science" in editor_client.get("/admin/articles/section/?q=sci").content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_bylines_are_an_inline_with_author_autocomplete(editor_client, make_article):
    story = make_article()
    html = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "byline_set-0-author" in html and "admin-autocomplete" in html
    assert Byline.objects.filter(article=story).count() == 1


def test_story_list_checkboxes_are_django_s_own(editor_client, make_article):
    story = make_article(headline="Port <traffic> & rebounds")
    html = editor_client.get("/admin/articles/article/").content.decode()
    # Bulk actions depend on them: the same markup as Django's widget, escaped alike.
    assert ModelAdmin.action_checkbox(admin.site.get_model_admin(Article), story) in html


def test_view_on_site_opens_the_preview_until_readers_can_see_the_story(
    editor_client, make_article
):
    draft = make_article(status=Status.DRAFT, publish_at=None)
    scheduled = make_article(publish_at=timezone.now() + timedelta(hours=1))
    published = make_article()
    for story, url in [
        (draft, f"/preview/{draft.pk}/"),
        (scheduled, f"/preview/{scheduled.pk}/"),
        (published, published.get_absolute_url()),
    ]:
        html = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
        assert f'href="{url}" class="viewsitelink"' in html
        followed = editor_client.get(url)
        assert followed.status_code == 200
        assert story.headline in followed.content.decode()


def test_a_story_the_writer_can_no_longer_edit_shows_its_body_as_text(client, writer, make_article):
    story = make_article(
        status=Status.IN_REVIEW,
        publish_at=None,
        created_by=writer,
        body="<p>The <strong>mayor</strong> said yes.</p>",
    )
    client.force_login(writer)
    html = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "<p>The <strong>mayor</strong> said yes.</p>" in html
    assert "&lt;p&gt;" not in html and "&lt;strong&gt;" not in html


def test_a_read_only_body_shows_its_inline_photo_as_readers_see_it(
    client, writer, make_article, make_photo
):
    photo = make_photo(caption="Flood water in the square", credit="AP Photo/Jane Doe")
    story = make_article(
        status=Status.IN_REVIEW,
        publish_at=None,
        created_by=writer,
        body=f'<p>Before.</p><figure data-photo="{photo.pk}"></figure><p>After.</p>',
    )
    client.force_login(writer)
    html = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    body = html[html.index("Before.") : html.index("After.")]
    assert "Flood water in the square" in body and "Photo: AP Photo/Jane Doe" in body
    assert photo.rendition(800).url in body


def test_the_story_s_table_rows_name_every_field(editor_client, make_article, make_author):
    # A tabular inline's column headings label no field: each field carries its own name.
    story = make_article(authors=[make_author()])
    html = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    for field, label in [("author", "Author"), ("position", "Position"), ("DELETE", "Delete")]:
        tag = re.search(rf'<[^>]*name="byline_set-0-{field}"[^>]*>', html).group()
        assert f'aria-label="{label}"' in tag, tag
    # The empty row for another byline too.
    assert re.search(r'<select[^>]*name="byline_set-1-author"[^>]*aria-label="Author"', html)


def test_every_time_the_admin_shows_carries_its_zone(editor_client, make_article, settings):
    settings.TIME_ZONE = "Europe/London"
    story = make_article(publish_at=timezone.now().replace(month=12, day=7, hour=15, minute=50))
    listing = editor_client.get("/admin/articles/article/").content.decode()
    assert "7 Dec" in listing and "15:50 GMT" in listing
    screen = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "15:50 GMT" in screen
