import io
import re
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Front, Layout, Photo, Section


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    models = (Article, Author, Photo, Section, Layout, get_user_model())
    return [m.objects.count() for m in models]


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


def test_make_run_gives_the_site_the_address_it_serves(tmp_path):
    # Its Python swapped for printenv: the environment `make run HOST=…` gives each command.
    (tmp_path / ".installed").touch()  # newer than pyproject.toml: nothing to install
    run = subprocess.run(
        [
            "make",
            "-s",
            "run",
            "HOST=127.0.0.1:8101",
            f"VENV={tmp_path}",
            "PY=printenv NEWSROOM_SITE_URL",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.splitlines()[0] == "http://127.0.0.1:8101", run.stderr


def test_demo_runs_twice_without_creating_anything_twice(db):
    load()
    before = counts()
    load()
    assert counts() == before


def test_the_demo_home_page_has_a_layout_for_the_desk_to_arrange(client, db):
    load()
    layout = Front.objects.get(section=None).live_layout()
    assert [area.style for area in layout.areas.all()] == ["lead", "row", "row"]
    assert client.get("/").status_code == 200
    editor = get_user_model().objects.get(username="editor")
    client.force_login(editor)
    response = client.get("/admin/articles/front/home/arrange/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/layout/{layout.pk}/arrange/"
