"""Under `make run` the embedded SQLite database takes concurrent writes without "database is
locked": WAL mode, an immediate write lock and a busy timeout (settings.DATABASES)."""

from tests.live_site import Site

SECOND_STORY = """
from articles.models import Byline
story = Article.objects.get(slug="storm-closes-port")
author = story.bylines[0]
story.pk, story.slug, story.headline = None, "quake-hits-coast", "Quake hits coast"
story.save()
Byline.objects.create(article=story, author=author)
"""

# Each process publishes its story and keeps its transaction open a little, so the two overlap.
PUBLISH = """
import time
from django.db import connection, transaction
assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
with transaction.atomic():
    Article.objects.get(slug="{slug}").publish(by=erin)
    time.sleep(0.5)
print("published")
"""


def test_two_concurrent_publishes_both_land(tmp_path):
    site = Site(tmp_path)
    site.act(SECOND_STORY)
    editors = [
        site.act_in_background(PUBLISH.replace("{slug}", slug))
        for slug in ("storm-closes-port", "quake-hits-coast")
    ]
    for editor in editors:
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0, err
        assert "published" in out
    assert site.act("print(Article.objects.published().count())").split()[-1] == "3"
