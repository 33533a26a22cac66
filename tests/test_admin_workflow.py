import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from articles.models import Article, Status
from articles.models.workflow import when

CHANGELIST = "/admin/articles/article/"


def change_page(story):
    return f"{CHANGELIST}{story.pk}/change/"


def transition(story, action):
    return f"{CHANGELIST}{story.pk}/workflow/{action}/"


def seen(story):
    """What every workflow button sends: the version of the story the page showed."""
    return {"version": Article.objects.get(pk=story.pk).version}


@pytest.fixture
def draft_by(make_article):
    def make(user, **overrides):
        return make_article(
            **{"status": Status.DRAFT, "publish_at": None, "created_by": user} | overrides
        )

    return make


def test_change_page_shows_state_checklist_and_only_the_allowed_buttons(
    login, draft_by, writer, editor
):
    story = draft_by(writer, standfirst="")
    html = login(writer).get(change_page(story)).content.decode()
    assert "state-draft" in html
    assert "Submit for review" in html
    assert "It needs a standfirst" in html
    for other in ["Approve", "Publish now", "Withdraw", "Send back"]:
        assert other not in html

    story.standfirst = "Now complete"
    story.save()
    story.submit(by=writer)
    html = login(editor).get(change_page(story)).content.decode()
    assert "Approve" in html and "Send back" in html and "Submit for review" not in html


def test_the_editor_publishes_from_the_change_page(login, draft_by, writer, editor):
    story = draft_by(writer)
    story.submit(by=writer)
    story.approve(by=editor)
    client = login(editor)
    response = client.post(transition(story, "publish"), seen(story), follow=True)
    assert "was published" in response.content.decode()
    story.refresh_from_db()
    assert story.is_published


def test_scheduling_from_the_change_page(login, draft_by, writer, editor):
    story = draft_by(writer, status=Status.APPROVED)
    at = timezone.localtime() + timedelta(days=1)
    login(editor).post(
        transition(story, "publish"), seen(story) | {"at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    story.refresh_from_db()
    assert story.state == "scheduled"
    assert story.publish_at.replace(second=0, microsecond=0) == at.replace(second=0, microsecond=0)


def test_a_refused_transition_is_a_clear_message_not_an_error_page(login, draft_by, writer):
    story = draft_by(writer, status=Status.APPROVED)
    response = login(writer).post(transition(story, "publish"), seen(story), follow=True)
    assert response.status_code == 200
    assert "You are not allowed to publish this story." in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Status.APPROVED


def test_publishing_an_incomplete_story_names_what_is_missing(login, draft_by, writer, editor):
    story = draft_by(writer, status=Status.APPROVED, standfirst="", section=None)
    html = (
        login(editor).post(transition(story, "publish"), seen(story), follow=True).content.decode()
    )
    assert "cannot be published yet" in html
    assert "it needs a standfirst" in html and "it needs a section" in html


def test_send_back_needs_a_note(login, draft_by, writer, editor):
    story = draft_by(writer, status=Status.IN_REVIEW)
    html = login(editor).post(
        transition(story, "send_back"), seen(story) | {"note": ""}, follow=True
    )
    assert "a note is required" in html.content.decode()
    login(editor).post(transition(story, "send_back"), seen(story) | {"note": "Add a source"})
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_withdraw_and_correct_from_the_change_page(login, make_article, editor):
    story = make_article()
    client = login(editor)
    client.post(transition(story, "correct"), seen(story) | {"note": "Date corrected."})
    client.post(transition(story, "withdraw"), seen(story) | {"note": "Legal complaint"})
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    assert story.corrections.get().text == "Date corrected."
    html = client.get(change_page(story)).content.decode()
    assert f"Withdrawn {when(story.withdrawn_at)}: Legal complaint" in html


def test_history_lists_every_transition_with_who_and_note(login, draft_by, writer, editor):
    story = draft_by(writer)
    story.submit(by=writer)
    story.send_back(by=editor, note="Needs a second source")
    html = login(editor).get(change_page(story)).content.decode()
    assert "Needs a second source" in html
    assert "Will Writer" in html and "Erin Editor" in html
    assert html.count("<td>Submitted</td>") == 1 and "<td>Sent back</td>" in html


def test_transitions_only_accept_post(login, draft_by, writer):
    story = draft_by(writer)
    assert login(writer).get(transition(story, "submit")).status_code == 405


def test_writers_see_only_their_own_stories(login, draft_by, writer, make_user, make_article):
    mine = draft_by(writer, headline="Mine")
    draft_by(make_user("Writer"), headline="Someone else's")
    response = login(writer).get(CHANGELIST)
    assert [s.headline for s in response.context["cl"].result_list] == ["Mine"]
    other = Article.objects.get(headline="Someone else's")
    assert login(writer).get(change_page(other)).status_code == 302  # not theirs: not found
    assert login(writer).get(change_page(mine)).status_code == 200


def test_published_stories_are_read_only_for_their_writer(login, make_article, writer):
    story = make_article(created_by=writer)
    html = login(writer).get(change_page(story)).content.decode()
    assert 'name="headline"' not in html and story.headline in html
    response = login(writer).post(change_page(story), {"headline": "Changed"})
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).headline == story.headline


def test_editors_cannot_delete_a_published_story(login, make_article, editor):
    story = make_article()
    assert login(editor).post(f"{CHANGELIST}{story.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_an_edit_to_a_live_story_shows_readers_an_updated_time(login, make_article, editor):
    story = make_article()
    client = login(editor)
    data = {
        "headline": "New headline",
        "slug": story.slug,
        "standfirst": story.standfirst,
        "body": story.body,
        "section": story.section_id,
        "tags": "",
        "loaded_version": story.version,
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    assert client.post(change_page(story), data).status_code == 302
    story.refresh_from_db()
    assert story.headline == "New headline" and story.revised_at is not None


def test_state_filter_includes_scheduled_and_embargoed(login, make_article, editor):
    make_article(headline="Live")
    make_article(headline="Later", publish_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Held", embargo_until=timezone.now() + timedelta(hours=1))
    client = login(editor)
    for state, expected in [
        ("scheduled", ["Later"]),
        ("embargoed", ["Held"]),
        ("published", ["Live"]),
    ]:
        response = client.get(f"{CHANGELIST}?state={state}")
        assert [s.headline for s in response.context["cl"].result_list] == expected, state
    assert "state-scheduled" in client.get(CHANGELIST).content.decode()


def test_my_stories_filter(login, draft_by, make_article, editor):
    draft_by(editor, headline="Editor's own")
    make_article(headline="Someone else's")
    response = login(editor).get(f"{CHANGELIST}?mine=1")
    assert [s.headline for s in response.context["cl"].result_list] == ["Editor's own"]


def test_bulk_publish_reports_each_story_and_goes_through_the_checklist(
    login, draft_by, writer, editor
):
    ready = draft_by(writer, status=Status.APPROVED, headline="Ready")
    incomplete = draft_by(writer, status=Status.APPROVED, headline="Incomplete", standfirst="")
    in_draft = draft_by(writer, headline="Still a draft")
    response = login(editor).post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [ready.pk, incomplete.pk, in_draft.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 story published." in html
    assert "Not published: “Incomplete”: This story cannot be published yet" in html
    assert "Not published: “Still a draft”: A story that is draft cannot be published." in html
    assert list(Article.objects.published()) == [ready]


def test_writers_are_not_offered_bulk_publish(login, draft_by, writer):
    draft_by(writer)
    response = login(writer).get(CHANGELIST)
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "submit_selected" in actions and "publish_selected" not in actions


def test_scheduling_says_when_in_the_newsroom_s_time_zone(
    login, draft_by, writer, editor, settings
):
    settings.TIME_ZONE = "Europe/London"
    story = draft_by(writer, status=Status.APPROVED)
    at = (timezone.localtime() + timedelta(minutes=3)).replace(second=0, microsecond=0)
    client = login(editor)
    response = client.post(
        transition(story, "publish"),
        {"at": at.strftime("%Y-%m-%dT%H:%M"), "version": story.version},
        follow=True,
    )
    html = response.content.decode()
    expected = f"{at:%-d %B %Y, %H:%M} (Europe/London)"
    assert f"is scheduled for {expected}" in html
    assert "was published" not in html
    # The story's page says it is scheduled, offers to cancel that, and nothing to withdraw.
    assert f"Scheduled for {expected}" in html
    assert "Cancel the schedule" in html and "Withdraw" not in html
    assert "(Europe/London)" in client.get(change_page(story)).content.decode()


def test_a_button_without_the_story_version_is_refused_like_a_stale_one(
    login, draft_by, writer, editor
):
    story = draft_by(writer, status=Status.IN_REVIEW)
    response = login(editor).post(transition(story, "approve"), follow=True)
    assert "Someone changed this story after you opened it" in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Status.IN_REVIEW


def story_form(story, **changes):
    """The story's change form as the admin would post it, with `changes`."""
    return {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "body": story.body,
        "section": story.section_id,
        "tags": "",
        "loaded_version": Article.objects.get(pk=story.pk).version,
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    } | changes


def test_only_editors_place_a_story_on_the_front_page(login, draft_by, writer, editor):
    story = draft_by(writer)
    page = login(writer).get(change_page(story))
    assert "is_top_story" not in page.context["adminform"].form.fields
    response = login(writer).post(change_page(story), story_form(story, is_top_story="on"))
    assert response.status_code == 302
    assert not Article.objects.get(pk=story.pk).is_top_story

    assert "is_top_story" in login(editor).get(change_page(story)).context["adminform"].form.fields
    login(editor).post(change_page(story), story_form(story, is_top_story="on"))
    assert Article.objects.get(pk=story.pk).is_top_story


# Mail goes out once the step has committed: these tests commit for real, as a request does.


@pytest.fixture
def broken_headline(draft_by):
    """A story whose headline has a line break, written before headlines refused them."""

    def make(user, **overrides):
        story = draft_by(user, **overrides)
        Article.objects.filter(pk=story.pk).update(headline="Two\nlines")
        story.refresh_from_db()
        return story

    return make


@pytest.mark.django_db(transaction=True)
def test_a_line_break_in_an_old_headline_still_submits_and_notifies(
    login, broken_headline, writer, editor
):
    story = broken_headline(writer)
    response = login(writer).post(transition(story, "submit"), seen(story))
    assert response.status_code == 302
    assert "was submitted" in response.client.get(response["Location"]).content.decode()
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    [message] = mail.outbox
    assert message.subject == "For review: Two lines"


@pytest.mark.django_db(transaction=True)
def test_bulk_publish_with_an_old_broken_headline_reports_success(
    login, broken_headline, writer, editor
):
    stories = [broken_headline(writer, status=Status.APPROVED) for _ in range(2)]
    response = login(editor).post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [story.pk for story in stories]},
    )
    assert response.status_code == 302
    assert "2 stories published." in response.client.get(response["Location"]).content.decode()
    assert Article.objects.published().count() == 2
    assert [message.subject for message in mail.outbox] == ["Published: Two lines"] * 2


@pytest.mark.django_db(transaction=True)
def test_a_mail_that_cannot_be_sent_is_logged_not_an_error_page(
    login, draft_by, writer, editor, monkeypatch, caplog
):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("articles.notifications.send_mail", refuse)
    monkeypatch.setattr("articles.notifications.RETRY_DELAYS", (0, 0))
    story = draft_by(writer)
    response = login(writer).post(transition(story, "submit"), seen(story))
    assert response.status_code == 302
    assert "was submitted" in response.client.get(response["Location"]).content.decode()
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    [failure] = [record for record in caplog.records if record.levelname == "ERROR"]
    assert failure.name == "articles.notifications"
    assert story.headline in failure.getMessage()
    assert len(attempts) == 3  # tried again before giving up


# Changes requested: seen in the list, its filter, and at the top of the story screen.


def test_a_story_sent_back_shows_changes_requested_in_the_list_and_its_filter(
    login, draft_by, writer, editor
):
    sent_back = draft_by(writer, headline="Sent back", status=Status.IN_REVIEW)
    draft_by(writer, headline="Still writing")
    login(editor).post(
        transition(sent_back, "send_back"), seen(sent_back) | {"note": "Cut it to 600 words."}
    )
    client = login(writer)
    html = client.get(CHANGELIST).content.decode()
    assert '<span class="state state-changes_requested">Changes requested</span>' in html
    for state, expected in [("changes_requested", ["Sent back"]), ("draft", ["Still writing"])]:
        response = client.get(f"{CHANGELIST}?state={state}")
        assert [s.headline for s in response.context["cl"].result_list] == expected, state
    assert "?state=changes_requested" in html  # offered in the filter


def test_the_story_screen_opens_on_the_editor_s_request_for_changes(
    login, draft_by, writer, editor
):
    story = draft_by(writer, status=Status.IN_REVIEW)
    story.send_back(by=editor, note="Cut it to 600 words.")
    html = login(writer).get(change_page(story)).content.decode()
    request = html.index('class="changes-requested"')
    assert html.index('id="article_form"') < request < html.index('name="headline"')
    assert "Changes requested" in html[request:] and "by Erin Editor" in html[request:]
    assert "Cut it to 600 words." in html[request : html.index('name="headline"')]
    story.submit(by=writer)
    assert 'class="changes-requested"' not in login(writer).get(change_page(story)).content.decode()


# Assignments on the story screen and in the list.


def test_only_editors_change_an_assignment_and_the_trail_records_it(
    login, draft_by, writer, editor, make_user
):
    story = draft_by(writer, assigned_to=writer, target_words=500)
    fields = login(writer).get(change_page(story)).context["adminform"].form.fields
    assert not {"assigned_to", "due_at", "target_words"} & set(fields)
    login(writer).post(change_page(story), story_form(story, target_words="5000"))
    assert Article.objects.get(pk=story.pk).target_words == 500

    other = make_user("Writer", first_name="Olga", last_name="Other")
    fields = login(editor).get(change_page(story)).context["adminform"].form.fields
    assert {"assigned_to", "due_at", "target_words"} <= set(fields)
    response = login(editor).post(
        change_page(story),
        story_form(story, assigned_to=other.pk, target_words="700", due_at_0="", due_at_1=""),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.assigned_to, story.target_words) == (other, 700)
    entry = story.audit_entries.get(action="assign")
    assert entry.by == editor and entry.note == "to Olga Other, 700 words"
    # The new writer may now open and write it.
    assert login(other).get(change_page(story)).status_code == 200


def test_the_story_screen_shows_length_against_the_target(login, draft_by, writer):
    story = draft_by(writer, body="<p>One two three.</p><p>Four</p>", target_words=800)
    assert "4 words of 800" in login(writer).get(change_page(story)).content.decode()


def test_assigned_to_me_filter(login, draft_by, writer, editor, make_user):
    draft_by(editor, headline="Mine to write", assigned_to=writer)
    draft_by(writer, headline="My own idea")
    draft_by(editor, headline="Someone else's", assigned_to=make_user("Writer"))
    response = login(writer).get(f"{CHANGELIST}?mine=assigned")
    assert [s.headline for s in response.context["cl"].result_list] == ["Mine to write"]
    response = login(writer).get(CHANGELIST)
    assert {s.headline for s in response.context["cl"].result_list} == {
        "Mine to write",
        "My own idea",
    }


def test_an_editor_approves_and_publishes_in_one_step(login, draft_by, writer, editor):
    story = draft_by(writer, status=Status.IN_REVIEW)
    client = login(editor)
    html = client.get(change_page(story)).content.decode()
    assert 'form="workflow-approve_and_publish"' in html
    assert 'id="workflow-approve_and_publish"' in html
    response = client.post(transition(story, "approve_and_publish"), seen(story), follow=True)
    assert "was approved and published" in response.content.decode()
    story.refresh_from_db()
    assert story.is_published
    assert [entry.action for entry in story.audit_entries.order_by("at", "pk")] == [
        "approve",
        "publish",
    ]


def test_approve_and_publish_is_offered_only_to_who_may_publish(login, draft_by, writer, make_user):
    story = draft_by(writer, status=Status.IN_REVIEW)
    approver = make_user()
    approver.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["approve_article", "change_article", "view_article", "edit_any_article"],
        )
    )
    html = login(approver).get(change_page(story)).content.decode()
    assert "workflow-approve" in html and "Approve and publish" not in html
    response = login(approver).post(
        transition(story, "approve_and_publish"), seen(story), follow=True
    )
    assert "not allowed to publish" in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Status.IN_REVIEW


def test_submit_for_review_saves_what_was_typed_first(login, draft_by, writer):
    story = draft_by(writer)
    response = login(writer).post(
        change_page(story), story_form(story, headline="Typed, not yet saved", _submit="1")
    )
    assert response.status_code == 302 and response.url == change_page(story)
    story.refresh_from_db()
    assert story.headline == "Typed, not yet saved"
    assert story.status == Status.IN_REVIEW and story.submitted_by == writer


def test_a_new_story_is_saved_and_submitted_in_one_step(login, writer, make_section):
    section = make_section()
    data = {
        "headline": "Filed in one go",
        "slug": "filed-in-one-go",
        "standfirst": "A standfirst.",
        "body": "<p>Body.</p>",
        "section": section.pk,
        "tags": "",
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "_submit": "1",
    }
    response = login(writer).post(f"{CHANGELIST}add/", data, follow=True)
    story = Article.objects.get(slug="filed-in-one-go")
    assert story.status == Status.IN_REVIEW and story.created_by == writer
    assert "was saved and submitted for review" in response.content.decode()


def test_a_story_saved_but_refused_submission_says_so(login, draft_by, writer, editor):
    story = draft_by(editor)
    # An editor's own draft, submitted by the editor: allowed; a spiked one is not.
    Article.objects.filter(pk=story.pk).update(status=Status.SPIKED)
    response = login(editor).post(
        change_page(story), story_form(story, headline="Kept", _submit="1"), follow=True
    )
    html = response.content.decode()
    assert "was saved but not submitted" in html
    story.refresh_from_db()
    assert story.headline == "Kept" and story.status == Status.SPIKED
