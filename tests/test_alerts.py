from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Alert, AlertChange
from articles.models.alerts import AlertError


@pytest.fixture
def trio_of_alerts(make_alert):
    """The core of every visibility test, for alerts: live, scheduled and ended."""
    now = timezone.now()
    return {
        "live": make_alert(text="Live alert", ends_at=now + timedelta(minutes=30)),
        "scheduled": make_alert(
            text="Scheduled alert",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=2),
        ),
        "ended": make_alert(
            text="Ended alert",
            starts_at=now - timedelta(hours=2),
            ends_at=now - timedelta(hours=1),
        ),
    }


def test_only_an_alert_between_its_start_and_end_is_live(trio_of_alerts):
    assert list(Alert.objects.live()) == [trio_of_alerts["live"]]
    assert [alert.is_live for alert in trio_of_alerts.values()] == [True, False, False]
    assert [alert.state for alert in trio_of_alerts.values()] == ["live", "scheduled", "ended"]
    assert list(Alert.objects.scheduled()) == [trio_of_alerts["scheduled"]]
    assert list(Alert.objects.ended()) == [trio_of_alerts["ended"]]


def test_the_banner_is_the_live_alert_until_the_next_alert_starts_or_ends(
    trio_of_alerts, django_assert_num_queries
):
    now = timezone.now()
    with django_assert_num_queries(1):
        shown, changes_at = Alert.objects.banner(now)
    assert shown == trio_of_alerts["live"]
    assert changes_at == trio_of_alerts["live"].ends_at
    shown, changes_at = Alert.objects.banner(trio_of_alerts["live"].ends_at)
    assert shown is None and changes_at == trio_of_alerts["scheduled"].starts_at
    shown, changes_at = Alert.objects.banner(trio_of_alerts["scheduled"].starts_at)
    assert shown == trio_of_alerts["scheduled"]
    assert changes_at == trio_of_alerts["scheduled"].ends_at
    assert Alert.objects.banner(trio_of_alerts["scheduled"].ends_at) == (None, None)


def test_of_several_live_alerts_readers_see_the_one_that_started_last(make_alert):
    now = timezone.now()
    newer = make_alert(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=30))
    make_alert(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3))
    shown, changes_at = Alert.objects.banner(now)
    assert shown == newer and changes_at == newer.ends_at


def test_came_due_says_whether_an_alert_started_or_ended_and_when_the_next_will(trio_of_alerts):
    live, scheduled = trio_of_alerts["live"], trio_of_alerts["scheduled"]
    now = timezone.now()
    assert Alert.objects.came_due(now - timedelta(seconds=1), now) == (False, live.ends_at)
    # The moment itself is the first at which readers see it differently.
    assert Alert.objects.came_due(now, live.ends_at) == (True, scheduled.starts_at)
    assert Alert.objects.came_due(live.ends_at, scheduled.starts_at) == (True, scheduled.ends_at)
    assert Alert.objects.came_due(scheduled.ends_at, scheduled.ends_at) == (False, None)


def test_a_new_alert_shows_from_now_for_two_hours(db):
    alert = Alert(text="Storm closes every port")
    assert alert.starts_at <= timezone.now()
    assert alert.ends_at - alert.starts_at == pytest.approx(
        timedelta(hours=2), abs=timedelta(seconds=1)
    )


def test_an_alert_ends_after_it_starts(make_alert):
    now = timezone.now()
    alert = Alert(text="Backwards", starts_at=now + timedelta(hours=1), ends_at=now)
    with pytest.raises(ValidationError, match="must end after it starts"):
        alert.full_clean()
    with pytest.raises(IntegrityError):
        alert.save()


def test_a_new_alert_that_has_already_ended_is_refused(db):
    now = timezone.now()
    alert = Alert(text="Too late", starts_at=now - timedelta(hours=2), ends_at=now)
    with pytest.raises(ValidationError, match="nobody would see"):
        alert.full_clean()


def test_an_alert_is_one_line(db):
    with pytest.raises(ValidationError, match="one line"):
        Alert(text="Storm\nports closed").full_clean()


def test_adding_and_changing_an_alert_is_recorded(editor):
    alert = Alert(text="Storm closes ports", link="/storm/").edit(by=editor)
    alert.text = "Storm closes every port"
    alert.edit(by=editor)
    alert.edit(by=editor)  # nothing changed: nothing to record
    changed, added = alert.changes.all()
    assert (added.action, added.by, alert.created_by) == ("add", editor, editor)
    assert added.values["text"] == "Storm closes ports"
    assert (changed.action, changed.fields, changed.fields_display) == ("change", ["text"], "text")
    assert changed.values["text"] == "Storm closes every port"


def test_ending_a_live_alert_takes_it_off_at_once_and_is_recorded(make_alert, editor):
    alert = make_alert()
    alert.end(by=editor)
    assert not alert.is_live and not Alert.objects.live().exists()
    entry = alert.changes.get()
    assert (entry.action, entry.by, entry.fields) == ("end", editor, ["ends_at"])
    with pytest.raises(AlertError, match="already ended"):
        alert.end(by=editor)


def test_an_alert_not_started_is_not_ended_but_changed_or_deleted(make_alert, editor):
    now = timezone.now()
    alert = make_alert(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    with pytest.raises(AlertError, match="has not started"):
        alert.end(by=editor)


def test_a_deleted_alert_leaves_its_record(make_alert, editor):
    alert = make_alert(text="Storm closes ports")
    pk = alert.pk
    alert.delete(by=editor)
    entry = AlertChange.objects.get(alert_id=pk)
    assert (entry.action, entry.by, entry.values["text"]) == (
        "delete",
        editor,
        "Storm closes ports",
    )


def test_the_record_of_an_alert_cannot_be_changed(make_alert, editor):
    alert = make_alert()
    alert.end(by=editor)
    entry = alert.changes.get()
    entry.action = "add"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()


def test_writers_may_not_add_change_end_or_delete_alerts(make_alert, writer):
    with pytest.raises(PermissionDenied):
        Alert(text="Not mine to say").edit(by=writer)
    alert = make_alert()
    alert.text = "Changed by a writer"
    with pytest.raises(PermissionDenied):
        alert.edit(by=writer)
    with pytest.raises(PermissionDenied):
        alert.end(by=writer)
    with pytest.raises(PermissionDenied):
        alert.delete(by=writer)
    assert Alert.objects.live().get().text != "Changed by a writer"
    assert not AlertChange.objects.exists()


@pytest.mark.parametrize("role", ["editor", "managing_editor"])
def test_editors_and_managing_editors_add_change_end_and_delete_alerts(role, request):
    user = request.getfixturevalue(role)
    alert = Alert(text="Storm closes ports").edit(by=user)
    alert.text = "Storm closes every port"
    alert.edit(by=user).end(by=user)
    alert.delete(by=user)
    actions = AlertChange.objects.values_list("action", flat=True)
    assert sorted(actions) == ["add", "change", "delete", "end"]
