from django.test import RequestFactory

from newsroom.floor import SIZE, floor


def test_floor_is_a_constant_30_kb_page():
    response = floor(RequestFactory().get("/bench/floor/"))
    assert response.status_code == 200
    assert len(response.content) == SIZE == 30 * 1024
    assert response.content.startswith(b"<!DOCTYPE html>")
    assert response.content == floor(RequestFactory().get("/bench/floor/")).content


def test_floor_is_not_served_unless_the_benchmark_asks(client, db, settings):
    assert settings.NEWSROOM_BENCH_FLOOR is False
    assert client.get("/bench/floor/").status_code == 404
