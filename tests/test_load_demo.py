import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Photo, Section


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return [m.objects.count() for m in (Article, Author, Photo, Section, get_user_model())]


def test_demo_loads_a_working_site_and_prints_the_accounts(client, db):
    out = load()
    assert "username: editor" in out and "password: newsroom-editor" in out
    assert "username: writer" in out
    login = client.post("/admin/login/", {"username": "editor", "password": "newsroom-editor"})
    assert login.status_code == 302
    seed = Article.objects.get(slug="kim-putin-summit")
    assert seed.is_published
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "Photo: Reuters" in page and "© Copyright 2023. All Rights Reserved" in page
    home = client.get("/").content.decode()
    assert "Photo: Newsroom demo graphic" in home


def test_demo_runs_twice_without_creating_anything_twice(db):
    load()
    before = counts()
    load()
    assert counts() == before
