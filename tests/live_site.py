"""A real site for tests that need real servers: a throwaway SQLite database, gunicorn, and
whatever stands in front of it. Used by the shared-cache and proxy tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"

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
        headline=headline, slug=headline.lower().replace(" ", "-"), standfirst="Standfirst",
        body="<p>Body</p>", section=section, status=status,
        publish_at=when, first_published_at=when,
    )
    Byline.objects.create(article=story, author=author)
"""


PRELUDE = (
    "from django.contrib.auth.models import User\n"
    "from articles.models import Article\n"
    "erin = User.objects.get(username='erin')\n"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=10).read().decode()
        # A worker's first page can be slow on a busy machine: wait for it, like a browser.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def fetch(url, headers=None):
    """(status, headers, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        response = urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    return response.status, response.headers, response.read().decode()


class Site:
    """One database, any number of gunicorn servers on it, and `manage` to act on it."""

    def __init__(self, folder, **environment):
        self.folder = folder
        self.env = (
            {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            | {
                "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
                "EMAIL_URL": "dummymail://",
                "MEDIA_ROOT": str(folder / "media"),
            }
            | environment
        )
        self.processes = []
        self.manage("migrate", "--no-input")
        self.manage("shell", "-c", SETUP)

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def act(self, code):
        """Run Python against the site, with `erin` (a managing editor) and `Article` at hand."""
        return self.manage("shell", "-c", PRELUDE + code).strip()

    def act_in_background(self, code):
        """The same, as a process still running: `communicate()` gives (stdout, stderr)."""
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", PRELUDE + code],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def path_of(self, slug):
        return self.act(f"print(Article.objects.get(slug='{slug}').get_absolute_url())").split()[-1]

    def gunicorn(self, *, port, workers=1):
        """The command that starts gunicorn as deployed (deploy/gunicorn.conf.py) on `port`."""
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(GUNICORN_CONFIG),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]

    def serve(self, workers=1, **environment):
        port = free_port()
        self.start(self.gunicorn(port=port, workers=workers), **environment)
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/")
        return url

    def start(self, command, **environment):
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env | environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(10)
