"""The story budget: the desk's home, its lanes, and assigning stories from it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from articles.models import Article, AuditEntry, Status

BUDGET = "/admin/articles/article/budget/"
ASSIGN = f"{BUDGET}assign/"


@pytest.fixture
def one_per_lane(make_article, make_author, make_user, writer, editor):
    """A story in every lane, each naming other people, by their names."""

    def make(n=0):
        author = make_author(name=f"Ada Author {n}", user=make_user("Writer"))
        people = {"authors": [author, make_author()], "created_by": writer}
        draft = {"status": Status.DRAFT, "publish_at": None}
        assignee = make_user("Writer", first_name="Assigned", last_name=f"Person {n}")
        stories = {
            "in_progress": make_article(
                headline=f"Being written {n}",
                assigned_to=assignee,
                due_at=timezone.now() + timedelta(hours=3),
                target_words=600,
                **draft,
                **people,
            ),
            "changes_requested": make_article(
                headline=f"Sent back {n}", status=Status.IN_REVIEW, **people
            ),
            "in_review": make_article(
                headline=f"Waiting {n}", status=Status.DRAFT, publish_at=None, **people
            ),
            "approved": make_article(headline=f"Approved {n}", status=Status.IN_REVIEW, **people),
            "scheduled": make_article(
                headline=f"Tomorrow {n}",
                publish_at=timezone.now() + timedelta(hours=20),
                published_by=editor,
                **people,
            ),
            "published_today": make_article(
                headline=f"Today {n}",
                first_published_at=timezone.now(),
                published_by=editor,
                **people,
            ),
        }
        stories["changes_requested"].send_back(by=editor, note="Shorter.")
        stories["in_review"].submit(by=writer)
        stories["approved"].approve(by=editor)
        return stories

    return make


def lane(response, key):
    [found] = [lane for lane in response.context["lanes"] if lane.key == key]
    return [story.headline for story in found.stories]


def test_every_story_in_play_is_in_its_lane(login, one_per_lane, make_article, editor):
    one_per_lane()
    make_article(headline="Next week", publish_at=timezone.now() + timedelta(days=7))
    make_article(headline="Held", embargo_until=timezone.now() + timedelta(hours=3))
    make_article(
        headline="Yesterday's",
        first_published_at=timezone.now() - timedelta(days=1, hours=1),
        publish_at=timezone.now() - timedelta(days=1, hours=1),
    )
    make_article(headline="Spiked", status=Status.SPIKED, publish_at=None)
    response = login(editor).get(BUDGET)
    assert response.status_code == 200
    assert lane(response, "in_progress") == ["Being written 0"]
    assert lane(response, "changes_requested") == ["Sent back 0"]
    assert lane(response, "in_review") == ["Waiting 0"]
    assert lane(response, "approved") == ["Approved 0"]
    assert lane(response, "scheduled") == ["Held", "Tomorrow 0", "Next week"]
    assert lane(response, "published_today") == ["Today 0"]
    shown = [title for key in ["in_progress", "published_today"] for title in lane(response, key)]
    assert "Yesterday's" not in shown and "Spiked" not in str(response.context["lanes"])


def test_the_review_lane_shows_the_oldest_submission_first(login, make_article, writer, editor):
    old = make_article(headline="Old", status=Status.DRAFT, publish_at=None, created_by=writer)
    new = make_article(headline="New", status=Status.DRAFT, publish_at=None, created_by=writer)
    new.submit(by=writer)
    old.submit(by=writer)
    Article.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(hours=5))
    assert lane(login(editor).get(BUDGET), "in_review") == ["Old", "New"]


def test_cards_name_people_by_full_name_with_times_in_the_newsroom_zone(
    login, one_per_lane, writer, editor, settings
):
    settings.TIME_ZONE = "Europe/London"
    stories = one_per_lane()
    html = login(editor).get(BUDGET).content.decode()
    assert f">{writer.username}<" not in html and writer.username not in html
    assert "Ada Author 0" in html and "assigned to Assigned Person 0" in html
    assert "submitted by Will Writer" in html and "approved by Erin Editor" in html
    assert "sent back by Erin Editor" in html and "published by Erin Editor" in html
    assert "(Europe/London)" in html
    due = stories["in_progress"].due_at
    assert f"Due {timezone.localtime(due):%-d %B %Y, %H:%M} (Europe/London)" in html
    assert f'href="/admin/articles/article/{stories["approved"].pk}/change/"' in html
    assert "4 words of 600" in html  # "Body of story N."


def test_the_budget_costs_the_same_queries_however_many_stories(
    login, one_per_lane, editor, django_assert_num_queries
):
    one_per_lane(0)
    client = login(editor)
    client.get(BUDGET)  # the session and permissions settle
    with django_assert_num_queries(17):
        client.get(BUDGET)
    for n in range(1, 4):
        one_per_lane(n)
    with django_assert_num_queries(17):
        response = client.get(BUDGET)
    assert len(lane(response, "approved")) == 4


def test_writers_cannot_open_the_budget_or_assign(login, writer, make_section):
    client = login(writer)
    assert client.get(BUDGET).status_code == 403
    assert client.get(ASSIGN).status_code == 403
    response = client.post(ASSIGN, {"headline": "Mine now", "writer": writer.pk})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_editors_land_on_the_budget_from_the_admin_home(login, editor, writer):
    response = login(editor).get("/admin/")
    assert response.status_code == 302 and response["Location"] == BUDGET
    # The rest of the admin is a link away.
    assert login(editor).get("/admin/?apps").status_code == 200
    # Writers keep Django's index, and anyone signed out is asked to sign in.
    assert login(writer).get("/admin/").status_code == 200


def test_the_admin_home_asks_strangers_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# Assigning: these tests commit, as a request does, so that the mail goes out.


def assignment(writer, section, **changes):
    due = timezone.localtime() + timedelta(days=1)
    return {
        "headline": "Harbour strike: the night shift",
        "writer": writer.pk,
        "section": section.pk,
        "due_at": due.strftime("%Y-%m-%dT%H:%M"),
        "target_words": "800",
    } | changes


@pytest.mark.django_db(transaction=True)
def test_an_editor_assigns_a_story_from_the_budget(
    login, editor, writer, make_author, make_section
):
    author = make_author(name="Will Writer", user=writer)
    section = make_section()
    client = login(editor)
    assert "Assign a story" in client.get(BUDGET).content.decode()
    response = client.post(ASSIGN, assignment(writer, section), follow=True)
    html = response.content.decode()
    assert "was assigned to Will Writer, due" in html and "800 words" in html
    story = Article.objects.get()
    assert story.status == Status.DRAFT and story.section == section
    assert story.created_by == writer and story.assigned_to == writer
    assert story.bylines == [author]
    assert story.target_words == 800 and story.due_at > timezone.now()
    entry = AuditEntry.objects.get(article=story)
    assert (entry.action, entry.by) == ("assign", editor)
    assert "to Will Writer" in entry.note
    [message] = mail.outbox
    assert message.to == [writer.email] and "Assigned to you" in message.subject
    assert "800 words" in message.body and "(UTC)" in message.body
    # The writer finds it under "Assigned to me", and may write it.
    mine = login(writer).get("/admin/articles/article/?mine=assigned")
    assert [s.headline for s in mine.context["cl"].result_list] == [story.headline]
    assert story.can_edit(writer)


@pytest.mark.django_db(transaction=True)
def test_an_assignment_needs_a_headline_a_writer_and_a_due_time(
    login, editor, writer, make_section
):
    client = login(editor)
    response = client.post(ASSIGN, assignment(writer, make_section(), headline="", due_at=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"headline", "due_at"}
    assert not Article.objects.exists() and mail.outbox == []


def test_overdue_work_is_flagged_in_the_budget_and_the_list(login, make_article, writer, editor):
    due = timezone.now() + timedelta(hours=2)
    story = make_article(
        headline="Late copy",
        status=Status.DRAFT,
        publish_at=None,
        created_by=writer,
        assigned_to=writer,
        due_at=due,
        target_words=500,
    )
    client = login(editor)
    assert "Overdue" not in client.get(BUDGET).content.decode()
    with time_machine.travel(due + timedelta(minutes=1)):
        assert "flag-overdue" in client.get(BUDGET).content.decode()
        assert "flag-overdue" in client.get("/admin/articles/article/").content.decode()
        story.submit(by=writer)
        assert "flag-overdue" not in client.get(BUDGET).content.decode()
