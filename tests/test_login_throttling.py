import logging

import pytest

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(make_user):
    user = make_user("Editor")
    user.username = "erin"
    user.set_password("correct-horse-battery")
    user.save()
    return user


def attempt(client, password):
    return client.post(LOGIN, {"username": "erin", "password": password})


def test_repeated_failures_lock_the_account_from_that_address(client, staff, settings, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused until the lock expires.
    assert attempt(client, "correct-horse-battery").status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)


def test_a_successful_login_is_logged_and_resets_the_count(client, staff, caplog):
    caplog.set_level(logging.INFO)
    attempt(client, "wrong")
    response = attempt(client, "correct-horse-battery")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert any("successful login" in record.getMessage().lower() for record in caplog.records)


def test_another_address_is_not_locked_out(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    response = client.post(
        LOGIN,
        {"username": "erin", "password": "correct-horse-battery"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
