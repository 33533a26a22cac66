"""A bounded load test on loopback: readers on the public pages while editors publish, correct
and withdraw stories. No server error, no withdrawn story served after its withdrawal, and the
figures printed (`pytest -s tests/test_load.py`; LOAD_SECONDS sets the length)."""

import contextlib
import os
import random
import statistics
import threading
import time
import urllib.error
import urllib.request

import pytest

from bench import services
from tests.live_site import Site

SECONDS = float(os.environ.get("LOAD_SECONDS", "12"))
READERS = 6

# The editors' side, run in one Django process: every step prints when it committed.
NEWSROOM_DAY = """
import time
from articles.models import Article, Byline, Status
world = Article.objects.get(slug="harbour-reopens")
for n in range({steps}):
    story = Article.objects.create(
        headline=f"Breaking {{n}}", slug=f"breaking-{{n}}", standfirst="Standfirst",
        body="<p>Body</p>", section=world.section, status=Status.APPROVED,
    )
    Byline.objects.create(article=story, author=world.bylines[0])
    story.publish(by=erin)
    print("published", story.slug, time.time(), flush=True)
    time.sleep(0.3)
    story.correct(by=erin, text="A name was misspelt.")
    print("corrected", story.slug, time.time(), flush=True)
    time.sleep(0.3)
    story.withdraw(by=erin, reason="Legal")
    print("withdrawn", story.slug, time.time(), flush=True)
    time.sleep(0.3)
"""


@pytest.fixture(params=["files", "redis"])
def site(request, tmp_path):
    """On Redis each worker keeps copies of what hits read, dropped when Redis says so."""
    with contextlib.ExitStack() as stack:
        if request.param == "redis":
            cache_url = stack.enter_context(services.redis(tmp_path))
        else:
            cache_url = f"filecache://{tmp_path / 'app-cache'}"
        site = Site(tmp_path, CACHE_URL=cache_url)
        yield site
        site.stop()


def read(url):
    started = time.time()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, ""
    return started, time.time() - started, status, body


def test_readers_never_see_errors_or_withdrawn_stories_while_editors_work(site):
    server = site.serve(workers=2)
    pages = ["/", "/latest/", "/section/world/", "/feed/", "/news-sitemap.xml", "/search/?q=port"]
    log, stop = [], threading.Event()

    def reader():
        rng = random.Random()
        while not stop.is_set():
            page = rng.choice(pages)
            log.append((page, *read(server + page)))

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    steps = max(1, int(SECONDS / 1.2))
    out = site.act(NEWSROOM_DAY.format(steps=steps))
    stop.set()
    for thread in threads:
        thread.join()

    withdrawn = {
        slug: float(at)
        for _kind, slug, at in (
            line.split() for line in out.splitlines() if line.startswith("withdrawn ")
        )
    }
    errors = [entry for entry in log if entry[3] >= 500]
    # A request that started after the withdrawal committed must not show the story.
    stale = [
        (page, slug)
        for page, started, _took, _status, body in log
        for slug, at in withdrawn.items()
        if started > at and f'/{slug}/"' in body
    ]
    times = sorted(took for _page, _started, took, _status, _body in log)
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"\nload: {len(log)} requests by {READERS} readers in {SECONDS:.0f} s while "
        f"{len(withdrawn)} stories were published, corrected and withdrawn; "
        f"{len(errors)} errors, {len(stale)} stale; "
        f"p50 {statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
    assert len(log) > 50
    # Readers did see the stories while they were up, so "stale" could have been caught.
    assert any(f'/{slug}/"' in body for slug in withdrawn for *_rest, body in log)
    assert not errors, errors[:5]
    assert not stale, stale[:5]
