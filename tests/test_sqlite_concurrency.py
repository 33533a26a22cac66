"""Under `make run` the embedded SQLite database takes concurrent writes without "database is
locked": WAL mode, an immediate write lock and a busy timeout (settings.DATABASES)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from django.contrib.auth.models import Group, User
from articles.models import Article, Author, Byline, Section, Status
editor = User.objects.create_user("erin", is_staff=True)
editor.groups.add(Group.objects.get(name="Editor"))
section = Section.objects.create(name="World", slug="world")
author = Author.objects.create(name="Jane Doe", slug="jane-doe")
for n in (1, 2):
    story = Article.objects.create(headline=f"Story {n}", slug=f"story-{n}", dek="Dek",
                                   body="<p>Body</p>", section=section, status=Status.APPROVED)
    Byline.objects.create(article=story, author=author)
"""

# Each process publishes its story and keeps its transaction open a little, so the two overlap.
PUBLISH = """
import time
from django.contrib.auth.models import User
from django.db import connection, transaction
from articles.models import Article
assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
story = Article.objects.get(slug="{slug}")
with transaction.atomic():
    story.publish(by=User.objects.get(username="erin"))
    time.sleep(0.5)
print("published", story.slug)
"""


def manage(database, *args, wait=True):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "EMAIL_URL": "dummymail://"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return (*process.communicate(timeout=120), process.returncode) if wait else process


def test_two_concurrent_publishes_both_land(tmp_path):
    database = tmp_path / "newsroom.sqlite3"
    assert manage(database, "migrate", "--no-input")[2] == 0
    _out, err, code = manage(database, "shell", "-c", SETUP)
    assert code == 0, err

    processes = []
    for slug in ("story-1", "story-2"):
        script = tmp_path / f"publish-{slug}.py"
        script.write_text(PUBLISH.replace("{slug}", slug))
        runner = f"exec(open({str(script)!r}).read())"
        processes.append(manage(database, "shell", "-c", runner, wait=False))
    results = [(*process.communicate(timeout=120), process.returncode) for process in processes]
    for out, err, code in results:
        assert code == 0, err
        assert "published" in out

    check = "from articles.models import Article; print(Article.objects.published().count())"
    out, err, code = manage(database, "shell", "-c", check)
    assert out.strip().splitlines()[-1] == "2", err
