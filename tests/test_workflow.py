from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import (
    Article,
    ArticlePhoto,
    AuditEntry,
    ChecklistError,
    Correction,
    ImmutableError,
    Status,
    WorkflowError,
)
from articles.models.workflow import RULES

# Arguments each verb needs besides `by`.
ARGS = {
    "send_back": {"note": "Needs a second source."},
    "withdraw": {"reason": "Legal complaint."},
    "correct": {"text": "An earlier version misspelt the minister's name."},
    "spike": {"note": ""},
    "embargo": {"until": timezone.now() + timedelta(days=1)},
}

# The state each action is tried from in the permission matrix.
START = {
    "submit": Status.DRAFT,
    "send_back": Status.IN_REVIEW,
    "approve": Status.IN_REVIEW,
    "publish": Status.APPROVED,
    "embargo": Status.APPROVED,
    "withdraw": Status.PUBLISHED,
    "restore": Status.WITHDRAWN,
    "spike": Status.DRAFT,
    "correct": Status.PUBLISHED,
    "unschedule": "scheduled",
}

ALLOWED = {
    "Writer": {"submit"},
    "Editor": set(RULES) - {"restore"},
    "Managing editor": set(RULES),
}


def act(story, action, user):
    return getattr(story, action)(by=user, **ARGS.get(action, {}))


@pytest.fixture
def story_in(make_article, writer):
    """A complete story by `writer` in the given status (published ones are live)."""

    def make(status, **overrides):
        live = status in {Status.PUBLISHED, Status.WITHDRAWN}
        if status == "scheduled":
            return make_article(
                status=Status.PUBLISHED,
                publish_at=timezone.now() + timedelta(hours=1),
                created_by=writer,
                **overrides,
            )
        return make_article(
            status=status,
            publish_at=timezone.now() - timedelta(hours=1) if live else None,
            first_published_at=timezone.now() - timedelta(hours=1) if live else None,
            created_by=writer,
            **overrides,
        )

    return make


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("action", list(RULES))
def test_permission_matrix(story_in, make_user, writer, role, action):
    story = story_in(START[action])
    user = writer if role == "Writer" else make_user(role)
    if action in ALLOWED[role]:
        act(story, action, user)
        assert AuditEntry.objects.get(article=story).action == action
    else:
        before = Article.objects.get(pk=story.pk).status
        with pytest.raises(PermissionDenied, match="not allowed"):
            act(story, action, user)
        assert Article.objects.get(pk=story.pk).status == before
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("action", list(RULES))
def test_a_superuser_may_do_everything(story_in, make_user, action):
    act(story_in(START[action]), action, make_user(is_superuser=True))


def test_writers_cannot_submit_other_peoples_stories(story_in, make_user):
    story = story_in(Status.DRAFT)
    with pytest.raises(PermissionDenied):
        story.submit(by=make_user("Writer"))


ILLEGAL = [
    (action, status)
    for action, (_label, sources, _perm) in RULES.items()
    for status in Status
    if status not in sources
]


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_illegal_state_changes_are_refused(story_in, managing_editor, action, status):
    story = story_in(status)
    with pytest.raises(WorkflowError, match="cannot be"):
        act(story, action, managing_editor)
    assert Article.objects.get(pk=story.pk).status == status
    assert not AuditEntry.objects.exists()


def test_the_state_is_checked_in_the_database_not_on_a_stale_copy(story_in, editor):
    story = story_in(Status.IN_REVIEW)
    stale = Article.objects.get(pk=story.pk)
    story.approve(by=editor)
    with pytest.raises(WorkflowError):
        stale.approve(by=editor)
    assert AuditEntry.objects.count() == 1


def test_the_whole_road_from_draft_to_published(story_in, writer, editor):
    story = story_in(Status.DRAFT)
    story.submit(by=writer)
    story.send_back(by=editor, note="Tighten the intro.")
    assert story.status == Status.DRAFT
    story.submit(by=writer)
    story.approve(by=editor)
    story.publish(by=editor)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.is_published
    assert story.submitted_by == writer and story.approved_by == editor
    assert story.published_by == editor
    assert story in Article.objects.published()
    entries = list(
        story.audit_entries.order_by("at", "pk").values_list(
            "action", "from_status", "to_status", "by"
        )
    )
    assert entries == [
        ("submit", "draft", "in_review", writer.pk),
        ("send_back", "in_review", "draft", editor.pk),
        ("submit", "draft", "in_review", writer.pk),
        ("approve", "in_review", "approved", editor.pk),
        ("publish", "approved", "published", editor.pk),
    ]
    assert story.audit_entries.get(action="send_back").note == "Tighten the intro."


@pytest.mark.parametrize(
    ("action", "argument"), [("send_back", "note"), ("withdraw", "reason"), ("correct", "text")]
)
def test_notes_reasons_and_corrections_are_required(story_in, editor, action, argument):
    story = story_in(START[action])
    with pytest.raises(WorkflowError):
        getattr(story, action)(by=editor, **{argument: "   "})
    assert not AuditEntry.objects.exists()


def test_scheduled_story_appears_at_its_minute(story_in, editor):
    story = story_in(Status.APPROVED)
    at = timezone.now() + timedelta(hours=3)
    story.publish(by=editor, at=at)
    assert story.state == "scheduled"
    assert story not in Article.objects.published()
    with time_machine.travel(at - timedelta(seconds=1)):
        assert story not in Article.objects.published()
    with time_machine.travel(at + timedelta(seconds=1)):
        assert story in Article.objects.published()
        assert story.state == "published"


def test_embargo_holds_a_story_until_it_lifts(story_in, editor):
    story = story_in(Status.APPROVED)
    until = timezone.now() + timedelta(hours=2)
    story.embargo(by=editor, until=until)
    story.publish(by=editor)
    assert story.state == "embargoed"
    assert story not in Article.objects.published()
    with time_machine.travel(until + timedelta(seconds=1)):
        assert story in Article.objects.published()


def test_first_publication_time_is_kept_for_ever(story_in, editor, managing_editor):
    story = story_in(Status.APPROVED)
    story.publish(by=editor)
    first = story.first_published_at
    story.withdraw(by=editor, reason="Legal")
    story.restore(by=managing_editor)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.first_published_at == first


def test_a_schedule_can_be_brought_forward_before_it_is_reached(story_in, editor):
    story = story_in(Status.APPROVED)
    story.publish(by=editor, at=timezone.now() + timedelta(days=1))
    story.publish(by=editor)
    assert story.is_published
    assert story.first_published_at <= timezone.now()
    with pytest.raises(WorkflowError, match="already published"):
        story.publish(by=editor)


def test_publishing_is_refused_with_every_missing_point_listed(make_article, editor, make_photo):
    story = make_article(
        status=Status.APPROVED,
        publish_at=None,
        authors=[],
        standfirst="",
        body="",
        section=None,
        lead_photo=make_photo(credit="", alt_text=""),
    )
    with pytest.raises(ChecklistError) as refused:
        story.publish(by=editor)
    problems = refused.value.problems
    assert problems[:4] == [
        "it needs a standfirst",
        "it needs a section",
        "it needs at least one byline",
        "it needs body text",
    ]
    assert any("lead photo" in p and "no credit" in p for p in problems)
    assert any("lead photo" in p and "no alt text" in p for p in problems)
    story.refresh_from_db()
    assert story.status == Status.APPROVED
    assert not AuditEntry.objects.exists()


def test_gallery_photos_are_on_the_checklist_too(story_in, editor, make_photo):
    story = story_in(Status.APPROVED)
    ArticlePhoto.objects.create(article=story, photo=make_photo(credit=""))
    assert story.publish_problems() == [f"photo “{story.photos.get().photo}”: no credit"]


def test_a_photo_with_an_expired_licence_blocks_publishing(story_in, editor, make_photo):
    photo = make_photo(rights_expire_at=timezone.now() - timedelta(days=1))
    story = story_in(Status.APPROVED, lead_photo=photo)
    with pytest.raises(ChecklistError, match="licence expired on"):
        story.publish(by=editor)


def test_a_withdrawn_story_vanishes_and_keeps_its_reason(story_in, editor):
    story = story_in(Status.PUBLISHED)
    story.withdraw(by=editor, reason="Legal complaint")
    story.refresh_from_db()
    assert story not in Article.objects.published()
    assert story.withdrawal_reason == "Legal complaint"
    assert story.withdrawn_by == editor


def test_corrections_are_dated_and_update_the_story(story_in, editor):
    story = story_in(Status.PUBLISHED)
    story.correct(by=editor, text="The minister's name was misspelt.")
    story.refresh_from_db()
    correction = story.corrections.get()
    assert correction.text == "The minister's name was misspelt."
    assert story.revised_at == correction.created_at
    assert story.audit_entries.get().note == "The minister's name was misspelt."


def test_only_a_story_readers_can_see_can_be_corrected(story_in, editor):
    story = story_in(Status.APPROVED)
    story.publish(by=editor, at=timezone.now() + timedelta(hours=1))
    with pytest.raises(WorkflowError, match="readers can see"):
        story.correct(by=editor, text="x")


def test_audit_entries_and_corrections_cannot_be_changed_or_deleted(story_in, editor):
    story = story_in(Status.PUBLISHED)
    story.correct(by=editor, text="Fixed a date.")
    entry, correction = AuditEntry.objects.get(), Correction.objects.get()
    for record in (entry, correction):
        with pytest.raises(ImmutableError):
            record.save()
        with pytest.raises(ImmutableError):
            record.delete()
    assert AuditEntry.objects.count() == Correction.objects.count() == 1


def test_spiked_drafts_can_be_restored_to_draft(story_in, editor, managing_editor):
    story = story_in(Status.DRAFT)
    story.spike(by=editor, note="Overtaken by events")
    assert story.status == Status.SPIKED
    story.restore(by=managing_editor)
    assert story.status == Status.DRAFT


def test_an_edit_after_publication_shows_an_updated_time(story_in):
    story = story_in(Status.PUBLISHED)
    story.record_edit()
    assert story.revised_at is not None
    draft = story_in(Status.DRAFT)
    draft.record_edit()
    assert draft.revised_at is None


def test_who_may_edit_what(story_in, writer, editor, make_user):
    draft, published = story_in(Status.DRAFT), story_in(Status.PUBLISHED)
    assert draft.can_edit(writer) and not published.can_edit(writer)
    assert not draft.can_edit(make_user("Writer"))
    assert draft.can_edit(editor) and published.can_edit(editor)


def test_allowed_actions_are_exactly_what_the_user_may_do_now(story_in, writer, editor):
    story = story_in(Status.IN_REVIEW)
    assert story.allowed_actions(writer) == []
    assert story.allowed_actions(editor) == ["send_back", "approve", "spike"]


def test_state_counts_separate_live_scheduled_and_embargoed(make_article):
    make_article()
    make_article(publish_at=timezone.now() + timedelta(hours=1))
    make_article(embargo_until=timezone.now() + timedelta(hours=1))
    make_article(status=Status.DRAFT, publish_at=None)
    counts = Article.objects.state_counts()
    assert counts[Status.PUBLISHED] == 1
    assert counts["scheduled"] == 1 and counts["embargoed"] == 1
    assert counts[Status.DRAFT] == 1


def test_a_scheduled_story_is_unscheduled_not_withdrawn(story_in, editor):
    story = story_in(Status.APPROVED)
    story.publish(by=editor, at=timezone.now() + timedelta(minutes=3))
    assert "withdraw" not in story.allowed_actions(editor)
    with pytest.raises(WorkflowError, match="cancel its schedule"):
        story.withdraw(by=editor, reason="Changed our minds")
    story.unschedule(by=editor)
    story.refresh_from_db()
    assert story.status == Status.APPROVED
    assert story.publish_at is None and story.first_published_at is None
    assert AuditEntry.objects.filter(article=story).first().action == "unschedule"


def test_a_live_story_is_withdrawn_not_unscheduled(story_in, editor):
    story = story_in(Status.PUBLISHED)
    assert "unschedule" not in story.allowed_actions(editor)
    with pytest.raises(WorkflowError, match="withdraw it"):
        story.unschedule(by=editor)


def test_a_writers_submission_never_carries_a_front_page_placement(story_in, writer, editor):
    # A flag set before writers lost the field, or brought back by restoring an old revision.
    story = story_in(Status.DRAFT, is_top_story=True)
    story.submit(by=writer)
    assert not Article.objects.get(pk=story.pk).is_top_story
    story.approve(by=editor)
    story.publish(by=editor)
    assert not Article.objects.filter(is_top_story=True).published().exists()

    # Placement is the desk's: an editor's own submission keeps it.
    placed = story_in(Status.DRAFT, is_top_story=True)
    placed.submit(by=editor)
    assert Article.objects.get(pk=placed.pk).is_top_story


# Changes requested: a derived state, like scheduled, of a draft the desk sent back.


@pytest.mark.parametrize("start", [Status.IN_REVIEW, Status.APPROVED])
def test_a_story_sent_back_is_changes_requested_with_who_when_and_the_note(story_in, editor, start):
    story = story_in(start)
    story.send_back(by=editor, note="Needs a second source.")
    story = Article.objects.get(pk=story.pk)
    assert story.status == Status.DRAFT
    assert story.state == "changes_requested" and story.state_label == "Changes requested"
    assert story.changes_requested_by == editor
    assert story.changes_requested_at is not None
    assert story.changes_requested_note == "Needs a second source."


def test_submitting_again_clears_the_request_for_changes(story_in, writer, editor):
    story = story_in(Status.IN_REVIEW)
    story.send_back(by=editor, note="Needs a second source.")
    story.submit(by=writer)
    story = Article.objects.get(pk=story.pk)
    assert story.state == Status.IN_REVIEW
    assert story.changes_requested_at is None and story.changes_requested_by is None
    assert story.changes_requested_note == ""
    # The note stays in the conversation and the trail.
    assert [note.text for note in story.notes.all()] == ["Needs a second source."]
    assert story.audit_entries.get(action="send_back").note == "Needs a second source."


def test_the_send_back_note_is_the_story_s_first_note(story_in, editor):
    story = story_in(Status.IN_REVIEW)
    story.send_back(by=editor, note="Tighten the intro.")
    [note] = story.notes.all()
    assert (note.author, note.text) == (editor, "Tighten the intro.")
    assert note.created_at == story.changes_requested_at


def test_changes_requested_fields_are_not_editable_in_forms():
    for name in ["changes_requested_at", "changes_requested_by", "changes_requested_note"]:
        assert not Article._meta.get_field(name).editable, name


def test_queryset_separates_drafts_in_progress_from_changes_requested(
    story_in, editor, make_article
):
    written = story_in(Status.DRAFT)
    sent_back = story_in(Status.IN_REVIEW)
    sent_back.send_back(by=editor, note="Shorter, please.")
    make_article()  # published: neither
    assert list(Article.objects.changes_requested()) == [sent_back]
    assert list(Article.objects.in_progress()) == [written]
    counts = Article.objects.state_counts()
    assert counts["changes_requested"] == 1 and counts[Status.DRAFT] == 1


def test_approve_and_publish_records_both_steps(story_in, editor):
    story = story_in(Status.IN_REVIEW)
    story.approve_and_publish(by=editor)
    story.refresh_from_db()
    assert story.is_published
    assert story.approved_by == editor and story.published_by == editor
    entries = story.audit_entries.order_by("at", "pk").values_list("action", "from_status", "by")
    assert list(entries) == [
        ("approve", "in_review", editor.pk),
        ("publish", "approved", editor.pk),
    ]


def test_approve_and_publish_does_neither_when_publishing_is_refused(story_in, editor):
    story = story_in(Status.IN_REVIEW, standfirst="")
    with pytest.raises(ChecklistError):
        story.approve_and_publish(by=editor)
    assert story.status == Status.IN_REVIEW and story.approved_by is None
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW and story.approved_by is None
    assert not story.audit_entries.exists()


def test_approve_and_publish_needs_both_permissions(story_in, make_user):
    # May approve but not publish: the approval is not done alone either.
    approver = make_user()
    approver.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["approve_article", "change_article", "edit_any_article"],
        )
    )
    story = story_in(Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        story.approve_and_publish(by=approver)
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    assert not story.audit_entries.exists()
