import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article, Status


@pytest.fixture
def story(make_article):
    return make_article(headline="Original headline", status=Status.DRAFT, publish_at=None)


@pytest.fixture
def jane(make_user):
    return make_user("Editor", first_name="Jane", last_name="Doe")


@pytest.fixture
def john(make_user):
    return make_user("Editor", first_name="John", last_name="Roe")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def url(story, tail="change/"):
    return f"/admin/articles/article/{story.pk}/{tail}"


def form_data(response, **changes):
    """What the browser would send back from the change page it was shown."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name not in {"tags", "lead_photo"}}
    data = {name: "" if value is None else value for name, value in data.items()}
    for prefix in ("byline_set", "photos"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | {"tags": ""} | changes


def test_the_later_of_two_saves_is_refused_and_loses_nothing(story, jane, john):
    jane_client, john_client = client_for(jane), client_for(john)
    jane_page, john_page = jane_client.get(url(story)), john_client.get(url(story))

    saved = jane_client.post(url(story), form_data(jane_page, headline="Jane's headline"))
    assert saved.status_code == 302

    refused = john_client.post(
        url(story),
        form_data(john_page, headline="John's headline", standfirst="John's new standfirst"),
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Jane Doe saved this story at" in html
    assert "Headline: “Jane&#x27;s headline”" in html
    assert 'value="John&#x27;s headline"' in html  # what John typed is still on the form
    assert "John&#x27;s new standfirst" in html
    assert Article.objects.get(pk=story.pk).headline == "Jane's headline"

    # Having seen Jane's version, John saves again on purpose.
    version = re.search(r'name="loaded_version" value="(\d+)"', html).group(1)
    again = john_client.post(
        url(story), form_data(john_page, headline="John's headline", loaded_version=version)
    )
    assert again.status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "John's headline"


def test_a_transition_on_a_stale_page_is_refused(make_article, jane, john):
    story = make_article(status=Status.IN_REVIEW, publish_at=None)
    seen_version = story.version
    story.send_back(by=jane, note="Needs work")
    response = client_for(john).post(
        url(story, "workflow/approve/"), {"version": seen_version}, follow=True
    )
    assert "Someone changed this story after you opened it" in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_every_save_makes_a_new_version(story, jane):
    before = story.version
    story.save()
    story.submit(by=jane)
    assert Article.objects.get(pk=story.pk).version == before + 2


def test_others_see_who_is_editing_and_since_when(story, jane, john, settings):
    settings.TIME_ZONE = "Europe/London"
    client_for(jane).get(url(story))
    html = client_for(john).get(url(story)).content.decode()
    since = timezone.localtime(Article.objects.get(pk=story.pk).locked_at)
    assert f"Jane Doe is editing this story (since {since:%H:%M %Z})" in html
    assert "Take over editing" in html
    assert "✎ Jane Doe" in client_for(john).get("/admin/articles/article/").content.decode()


def test_the_editor_does_not_see_their_own_lock(story, jane):
    client = client_for(jane)
    client.get(url(story))
    assert "is editing this story" not in client.get(url(story)).content.decode()


def test_the_story_list_and_budget_leave_out_the_viewers_own_lock(story, jane, john):
    # Leaving a story releases its lock from the browser, which can arrive after the next page
    # is drawn: that page must not show the editor their own lock as if someone else held it.
    client = client_for(jane)
    client.get(url(story))
    for page in ("/admin/articles/article/", "/admin/articles/article/budget/"):
        assert "✎ Jane Doe" not in client.get(page).content.decode()
        assert "✎ Jane Doe" in client_for(john).get(page).content.decode()


def test_the_lock_expires_on_its_own(story, jane, john):
    client_for(jane).get(url(story))
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        html = client_for(john).get(url(story)).content.decode()
    assert "is editing this story" not in html


def test_an_editor_can_take_the_story_over(story, jane, john):
    client_for(jane).get(url(story))
    client_for(john).post(url(story, "take-over/"))
    assert Article.objects.get(pk=story.pk).lock_holder() == john
    assert "John Roe is editing" in client_for(jane).get(url(story)).content.decode()


def test_saving_and_leaving_releases_the_lock(story, jane, john):
    client = client_for(jane)
    page = client.get(url(story))
    client.post(url(story), form_data(page, headline="Done"))
    assert Article.objects.get(pk=story.pk).lock_holder() is None


def test_a_workflow_step_ends_the_edit_of_whoever_took_it(make_article, writer, jane):
    story = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    writer_client, editor_client = client_for(writer), client_for(jane)
    writer_client.get(url(story))
    writer_client.post(url(story, "workflow/submit/"), {"version": story.version})
    assert "is editing this story" not in editor_client.get(url(story)).content.decode()

    # The editor's own steps leave no lock of theirs behind either.
    for action in ["approve", "publish"]:
        version = Article.objects.get(pk=story.pk).version
        editor_client.post(url(story, f"workflow/{action}/"), {"version": version})
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.lock_holder() is None


def test_a_step_that_takes_the_story_from_its_editor_ends_their_edit(make_article, writer, jane):
    story = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    story.take_lock(writer)
    story.spike(by=jane)
    # The writer may no longer edit a spiked story: their lock says nothing any more.
    assert Article.objects.get(pk=story.pk).lock_holder() is None


def test_another_editors_step_keeps_an_editors_lock(story, jane, john):
    story.take_lock(jane)
    story.submit(by=john)
    assert Article.objects.get(pk=story.pk).lock_holder() == jane


def test_the_open_page_keeps_its_lock_and_gives_it_up_when_left(story, jane, john):
    client = client_for(jane)
    html = client.get(url(story)).content.decode()
    assert "edit-lock.js" in html and 'data-url="/admin/articles/article/' in html
    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later):
        assert client.post(url(story, "lock/")).json()["editing"] is True
    with time_machine.travel(later + timedelta(minutes=10)):
        # Twenty minutes after opening, kept alive by the page: still Jane's.
        assert Article.objects.get(pk=story.pk).lock_holder() == jane
        refused = client_for(john).post(url(story, "lock/"))
        assert refused.status_code == 409 and refused.json()["holder"] == "Jane Doe"
    client.post(url(story, "lock/"), {"release": "1"})
    assert Article.objects.get(pk=story.pk).lock_holder() is None


def test_only_someone_who_may_edit_keeps_a_lock(make_article, writer):
    story = make_article(status=Status.IN_REVIEW, publish_at=None, created_by=writer)
    assert client_for(writer).post(url(story, "lock/")).status_code == 403
