import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Photo, Section


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return [m.objects.count() for m in (Article, Author, Photo, Section, get_user_model())]


def test_demo_loads_a_working_site_and_prints_the_accounts(client, db, settings):
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8101"
    out = load()
    assert "Admin: http://127.0.0.1:8101/admin/" in out
    # An account for each role, each of them able to log in and holding the role printed.
    for username, role in [
        ("writer", "Writer"),
        ("editor", "Editor"),
        ("managing", "Managing editor"),
    ]:
        password = re.search(rf"{role} +username: {username}  password: (\S+)", out).group(1)
        login = client.post("/admin/login/", {"username": username, "password": password})
        assert login.status_code == 302
        assert list(
            get_user_model().objects.get(username=username).groups.values_list("name", flat=True)
        ) == [role]
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
