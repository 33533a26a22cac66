"""Two app servers sharing one Redis cache: publishing or withdrawing a story shows at once on
both, because the content version lives in the shared cache."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from articles.models import Article, Author, Byline, Section, Status
editor = User.objects.create_user("erin", is_staff=True)
editor.groups.add(Group.objects.get(name="Managing editor"))
section = Section.objects.create(name="World", slug="world")
author = Author.objects.create(name="Jane Doe", slug="jane-doe")
an_hour_ago = timezone.now() - timedelta(hours=1)
for headline, status, when in [
    ("Harbour reopens", Status.PUBLISHED, an_hour_ago),
    ("Storm closes port", Status.APPROVED, None),
]:
    story = Article.objects.create(
        headline=headline, slug=headline.lower().replace(" ", "-"), dek="Dek",
        body="<p>Body</p>", section=section, status=status,
        publish_at=when, first_published_at=when,
    )
    Byline.objects.create(article=story, author=author)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=2).read().decode()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def fetch(url):
    try:
        response = urllib.request.urlopen(url, timeout=5)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    return response.status, response.read().decode()


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("These tests need Redis: apt-get install redis-server (.ci/run does it).")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture
def site(tmp_path, redis_url):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "CACHE_URL": redis_url,
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--no-input")
    manage("shell", "-c", SETUP)
    servers, processes = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        servers.append(f"http://127.0.0.1:{port}")
    for server in servers:
        wait_for(server + "/")
    yield servers, manage
    for process in processes:
        process.terminate()
        process.wait(10)


def step(manage, code):
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        "from articles.models import Article\n"
        "erin = User.objects.get(username='erin')\n" + code,
    )


def test_publishing_and_withdrawing_show_at_once_on_every_app_server(site):
    servers, manage = site
    for server in servers:
        assert "Harbour reopens" in fetch(server + "/")[1]
        assert "Storm closes port" not in fetch(server + "/")[1]

    # Behind the models' back nothing changes the cached pages: they really come from Redis.
    manage(
        "shell",
        "-c",
        "from articles.models import Article; "
        "Article.objects.filter(slug='harbour-reopens').update(headline='Sneaky edit')",
    )
    for server in servers:
        assert "Sneaky edit" not in fetch(server + "/")[1]

    step(manage, "Article.objects.get(slug='storm-closes-port').publish(by=erin)")
    for server in servers:
        assert "Storm closes port" in fetch(server + "/")[1]

    step(manage, "Article.objects.get(slug='storm-closes-port').withdraw(by=erin, reason='Legal')")
    for server in servers:
        assert "Storm closes port" not in fetch(server + "/")[1]
        assert "Storm closes port" not in fetch(server + "/feed/")[1]
        status, _html = fetch(server + story_path(manage, "storm-closes-port"))
        assert status == 410


def story_path(manage, slug):
    code = f"print(Article.objects.get(slug='{slug}').get_absolute_url())"
    out = manage("shell", "-c", "from articles.models import Article\n" + code)
    return out.strip().splitlines()[-1]
