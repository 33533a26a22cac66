from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Alert, AlertChange

ALERTS = "/admin/articles/alert/"


def form_times(moment, name):
    local = timezone.localtime(moment)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def test_a_new_alert_starts_now_and_ends_in_two_hours_unless_the_editor_says_otherwise(
    login, editor
):
    form = login(editor).get(f"{ALERTS}add/").context["adminform"].form
    starts, ends = form["starts_at"].initial, form["ends_at"].initial
    assert abs(starts - timezone.now()) < timedelta(seconds=5)
    assert abs(ends - starts - timedelta(hours=2)) < timedelta(seconds=1)


def test_an_editor_adds_an_alert_readers_see_at_once(login, editor, client, make_article):
    make_article()
    assert "breaking-news" not in client.get("/").content.decode()
    now = timezone.now()
    response = login(editor).post(
        f"{ALERTS}add/",
        {
            "text": "Storm closes every port on the coast",
            "link": "/2026/12/07/storm/",
            **form_times(now - timedelta(seconds=1), "starts_at"),
            **form_times(now + timedelta(hours=2), "ends_at"),
        },
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.created_by == editor
    assert alert.changes.get().action == "add"
    client.logout()
    assert "Storm closes every port on the coast" in client.get("/").content.decode()


def test_a_link_to_anywhere_but_this_site_or_a_secure_address_is_refused(login, editor):
    now = timezone.now()
    response = login(editor).post(
        f"{ALERTS}add/",
        {
            "text": "Storm closes every port",
            "link": "javascript:alert(1)",
            **form_times(now, "starts_at"),
            **form_times(now + timedelta(hours=1), "ends_at"),
        },
    )
    assert response.status_code == 200
    assert "starting with https://" in response.context["adminform"].form.errors["link"][0]
    assert not Alert.objects.exists()


def test_end_now_takes_the_selected_live_alert_off_every_page(
    login, editor, client, make_alert, make_article
):
    story = make_article()
    live = make_alert(text="Storm closes every port")
    scheduled = make_alert(
        starts_at=timezone.now() + timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=2)
    )
    for url in ["/", story.get_absolute_url()]:
        assert "Storm closes every port" in client.get(url).content.decode()  # and kept
    response = login(editor).post(
        ALERTS,
        {"action": "end_now", "_selected_action": [live.pk, scheduled.pk]},
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert "1 alert ended: gone from every page." in said
    assert any("has not started" in line for line in said)
    live.refresh_from_db()
    assert not live.is_live and live.changes.get().by == editor
    client.logout()
    for url in ["/", story.get_absolute_url()]:
        assert "Storm closes every port" not in client.get(url).content.decode()


def test_the_alert_page_lists_who_changed_it_and_when(login, editor, make_alert):
    alert = make_alert()
    alert.text = "Storm closes every port"
    alert.edit(by=editor)
    alert.end(by=editor)
    html = login(editor).get(f"{ALERTS}{alert.pk}/change/").content.decode()
    assert "Changes made" in html
    assert "Ended (Erin Editor)" in html and "Changed text (Erin Editor)" in html


def test_deleting_alerts_in_the_admin_is_recorded(login, editor, make_alert):
    alerts = [make_alert(), make_alert()]
    response = login(editor).post(
        ALERTS,
        {"action": "delete_selected", "_selected_action": [a.pk for a in alerts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Alert.objects.exists()
    deletions = AlertChange.objects.filter(action="delete", by=editor)
    assert sorted(deletions.values_list("alert_id", flat=True)) == [a.pk for a in alerts]


@pytest.mark.parametrize("address", ["", "add/"])
def test_writers_never_reach_the_alerts(login, writer, address):
    assert login(writer).get(f"{ALERTS}{address}").status_code == 403


def test_writers_are_not_offered_the_alerts(login, writer, editor):
    assert ALERTS not in login(writer).get("/admin/articles/").content.decode()
    assert ALERTS in login(editor).get("/admin/articles/").content.decode()


def test_the_desk_puts_up_a_banner_from_the_story_budget(login, editor):
    budget = login(editor).get("/admin/", follow=True).content.decode()
    assert f'href="{ALERTS}add/">Breaking news banner</a>' in budget
