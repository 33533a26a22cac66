"""A live page under load: readers polling for updates while the desk posts entries.

    .venv/bin/python -m bench.live                  # 200 readers, an entry every 5 s, 60 s
    .venv/bin/python -m bench.live --readers 50 --seconds 20

A throwaway site (temporary SQLite, its own Redis as the shared cache, gunicorn on loopback)
with one live story. Each simulated reader (a thread, http.client) opens the story's page once,
then asks for updates every `--every` seconds, as static/articles/live.js does: with the cursor
the last answer gave and the ETag it came with. Meanwhile this process posts an entry every
`--post-every` seconds through `LiveEntry.post`, as the live desk does.

Reported: the application's requests per second and p99 latency, the requests that reached
the view (each one builds and keeps a page, which Redis announces: a keyspace notification
for every SET of a page key) per new entry, and the delay from posting an entry to each reader
receiving it.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import server, services

PAGE_KEYS = b":newsroom:page:"
TARGET_VIEW_REQUESTS_PER_ENTRY = 5
TARGET_DELAY_SECONDS = 15


# --- Pure parts ---------------------------------------------------------------------------


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Results:
    seconds: float
    readers: int
    latencies: list = field(default_factory=list)  # seconds, every reader request
    statuses: dict = field(default_factory=dict)  # status -> count
    posted: dict = field(default_factory=dict)  # entry id -> monotonic time posted
    seen: dict = field(default_factory=dict)  # (reader, entry id) -> monotonic time received
    view_requests: int = 0  # pages built (and kept) while the readers polled

    def summary(self):
        delays = [
            at - self.posted[entry] for (_, entry), at in self.seen.items() if entry in self.posted
        ]
        entries = len(self.posted)
        expected = entries * self.readers
        return {
            "readers": self.readers,
            "seconds": round(self.seconds, 1),
            "requests": len(self.latencies),
            "requests_per_second": round(len(self.latencies) / self.seconds, 1),
            "p50_ms": _ms(percentile(self.latencies, 0.50)),
            "p99_ms": _ms(percentile(self.latencies, 0.99)),
            "statuses": dict(sorted(self.statuses.items())),
            "entries_posted": entries,
            "view_requests": self.view_requests,
            "view_requests_per_entry": round(self.view_requests / entries, 2) if entries else None,
            "deliveries": f"{len(delays)} of {expected}",
            "delay_p50_s": _s(percentile(delays, 0.50)),
            "delay_p99_s": _s(percentile(delays, 0.99)),
            "delay_max_s": _s(max(delays, default=None)),
        }


def _ms(seconds):
    return None if seconds is None else round(1000 * seconds, 1)


def _s(seconds):
    return None if seconds is None else round(seconds, 2)


def format_summary(summary):
    lines = [
        f"| readers | {summary['readers']} polling for {summary['seconds']} s |",
        f"| application requests | {summary['requests']} "
        f"({summary['requests_per_second']}/s), statuses {summary['statuses']} |",
        f"| latency | p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms |",
        f"| entries posted | {summary['entries_posted']} |",
        f"| requests reaching the view | {summary['view_requests']} "
        f"({summary['view_requests_per_entry']} per entry; target ≤ "
        f"{TARGET_VIEW_REQUESTS_PER_ENTRY}) |",
        f"| posted → seen by a reader | p50 {summary['delay_p50_s']} s, p99 "
        f"{summary['delay_p99_s']} s, max {summary['delay_max_s']} s "
        f"({summary['deliveries']} deliveries; target ≤ {TARGET_DELAY_SECONDS} s) |",
    ]
    return "| measure | value |\n|---|---|\n" + "\n".join(lines)


# --- The run ------------------------------------------------------------------------------


class Reader(threading.Thread):
    """One open live page: loads it, then polls as live.js does, until `stop` is set."""

    def __init__(self, number, *, port, path, slug, every, results, lock, stop):
        super().__init__(daemon=True)
        self.number, self.port, self.path, self.slug = number, port, path, slug
        self.every, self.results, self.lock, self.stop = every, results, lock, stop
        self.etags = {}

    def get(self, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        began = time.monotonic()
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        took = time.monotonic() - began
        with self.lock:
            self.results.latencies.append(took)
            self.results.statuses[response.status] = (
                self.results.statuses.get(response.status, 0) + 1
            )
        return response, body

    def run(self):
        _, body = self.get(self.path)
        after = re.search(rb'data-after="([^"]*)"', body)[1].decode()
        # Readers open the page at different moments: their polls spread over the interval.
        if self.stop.wait(random.uniform(0, self.every)):
            return
        while not self.stop.is_set():
            path = f"/live/{self.slug}/updates/?after={quote(after)}"
            headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
            response, body = self.get(path, headers)
            received = time.monotonic()
            if response.status == 200:
                self.etags[path] = response.getheader("ETag")
                data = json.loads(body)
                after = data["after"] or after
                with self.lock:
                    for entry in data["entries"]:
                        if entry["new"]:
                            self.results.seen.setdefault((self.number, entry["id"]), received)
            self.stop.wait(self.every)


@contextlib.contextmanager
def counting_page_builds(cache_url):
    """Counts SETs of page keys in Redis (keyspace notifications) while the block runs."""
    import redis

    client = redis.Redis.from_url(cache_url)
    client.config_set("notify-keyspace-events", "K$")
    pubsub = client.pubsub()
    pubsub.psubscribe("__keyspace@0__:*")
    count = [0]
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            message = pubsub.get_message(timeout=0.2)
            if (
                message
                and message["type"] == "pmessage"
                and message["data"] == b"set"
                and PAGE_KEYS in message["channel"]
            ):
                count[0] += 1

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        yield count
    finally:
        stop.set()
        listener.join()
        pubsub.close()


def make_live_story():
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from articles.models import Article, Author, Byline, Section, Status

    editor = get_user_model().objects.create_user("live-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    author = Author.objects.create(name="Live Desk", slug="live-desk", user=editor)
    now = timezone.now()
    story = Article.objects.create(
        headline="Election night: results as they come in",
        slug="election-night",
        standfirst="Every declaration, live.",
        body="<p>Polls closed at ten.</p>",
        section=Section.objects.create(name="Politics", slug="politics"),
        status=Status.PUBLISHED,
        publish_at=now - timedelta(hours=1),
        first_published_at=now - timedelta(hours=1),
        coverage_starts_at=now - timedelta(hours=1),
    )
    Byline.objects.create(article=story, author=author)
    return story, editor


def run(arguments):
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    with services.redis(workdir) as cache_url:
        env = server.environment(workdir) | {"CACHE_URL": cache_url}
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from articles.models import LiveEntry

        quiet = {"verbosity": 0, "interactive": False}
        call_command("migrate", **quiet)
        call_command("collectstatic", **quiet)
        story, editor = make_live_story()
        for n in range(20):  # the coverage so far
            LiveEntry.post(story, by=editor, text=f"<p>Earlier update {n}.</p>")
        full_env = os.environ.copy()
        with server.gunicorn(
            full_env, workers=arguments.workers, log=workdir / "gunicorn.log"
        ) as base:
            port = int(base.rsplit(":", 1)[1])
            results = Results(seconds=arguments.seconds, readers=arguments.readers)
            lock, stop = threading.Lock(), threading.Event()
            readers = [
                Reader(
                    number,
                    port=port,
                    path=story.get_absolute_url(),
                    slug=story.slug,
                    every=arguments.every,
                    results=results,
                    lock=lock,
                    stop=stop,
                )
                for number in range(arguments.readers)
            ]
            for reader in readers:
                reader.start()
            # Everyone has the page open, and polls, before the first entry.
            time.sleep(arguments.every + 1)
            with lock:
                results.latencies.clear()
                results.statuses.clear()
            with counting_page_builds(cache_url) as built:
                began = time.monotonic()
                number = 0
                while time.monotonic() - began < arguments.seconds:
                    entry = LiveEntry.post(story, by=editor, text=f"<p>Declaration {number}.</p>")
                    with lock:
                        results.posted[entry.anchor] = time.monotonic()
                    number += 1
                    time.sleep(max(0, began + number * arguments.post_every - time.monotonic()))
                # The last entries' readers poll once more before counting stops.
                time.sleep(arguments.every + 1)
                stop.set()
                results.seconds = time.monotonic() - began
                results.view_requests = built[0]
            for reader in readers:
                reader.join(timeout=35)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.live", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--every", type=float, default=10, help="seconds between a reader's polls")
    parser.add_argument("--post-every", type=float, default=5, help="seconds between entries")
    parser.add_argument("--seconds", type=float, default=60, help="how long entries are posted")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    arguments = parser.parse_args(argv)
    summary = run(arguments).summary()
    print(format_summary(summary))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
