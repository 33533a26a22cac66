import logging

import pytest

from newsroom.proxies import client_address

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


def test_a_client_cannot_name_another_address_without_a_trusted_proxy(client, staff, settings):
    settings.NEWSROOM_TRUSTED_PROXIES = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    response = client.post(
        LOGIN,
        {"username": "erin", "password": "correct-horse-battery"},
        HTTP_X_REAL_IP="203.0.113.9",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_reader_is_counted_at_their_own_address(
    client, staff, settings
):
    settings.NEWSROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    via_proxy = {"REMOTE_ADDR": "10.1.2.3"}
    guess_wrong(client, settings.AXES_FAILURE_LIMIT, HTTP_X_REAL_IP="198.51.100.7", **via_proxy)
    right = {"username": "erin", "password": "correct-horse-battery"}
    assert client.post(LOGIN, right, HTTP_X_REAL_IP="198.51.100.7", **via_proxy).status_code == 429
    assert client.post(LOGIN, right, HTTP_X_REAL_IP="203.0.113.9", **via_proxy).status_code == 302


def test_a_header_from_an_address_not_trusted_is_ignored(client, staff, settings):
    settings.NEWSROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    elsewhere = {"REMOTE_ADDR": "192.0.2.1"}
    guess_wrong(client, settings.AXES_FAILURE_LIMIT, HTTP_X_REAL_IP="198.51.100.7", **elsewhere)
    right = {"username": "erin", "password": "correct-horse-battery"}
    assert client.post(LOGIN, right, HTTP_X_REAL_IP="203.0.113.9", **elsewhere).status_code == 429


def test_a_trusted_proxy_without_an_address_header_counts_as_itself(rf, settings):
    settings.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="x")) == "127.0.0.1"
    forwarded = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="2001:db8::1")
    assert client_address(forwarded) == "2001:db8::1"


def guess_wrong(client, times, **request):
    for _ in range(times):
        client.post(LOGIN, {"username": "erin", "password": "wrong"}, **request)
