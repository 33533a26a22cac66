"""The newsroom at work: readers at full speed while the newsroom saves a change every second.

Two scenarios, each against its control. Readers: wrk rotating over the story pages (and the
front page, one request in ten) of a gunicorn whose workers share the bench's Redis cache. The
newsroom: a separate process with the bench's settings (`python -m bench.at_work`) that, once
a second for the length of the measurement, either

- imports a **wire draft** with a photo: a new wire file parsed, its picture (a JPEG made for
  it) checked as the importer checks it, and both saved through `save_wire_story`; or
- makes a **live edit**: loads one of the newest published stories (a different one of five
  each time) and saves it with a new standfirst, as the admin does (`story.save()`).

The control does the same work in a transaction that is rolled back, with the cache told
nothing (`articles.caching.changed` a no-op: changes are told at once as well as on commit).
So the control costs the machine the same CPU and queries, files written and deleted again,
and tells readers nothing; what the share loses is what saving does to the readers.

The hit ratio is the page cache's: the share of reader requests answered with a page already
kept. PageCacheMiddleware keeps every reader page it has to build, so each miss is exactly one
SET of a `newsroom:page:` key, which Redis announces (keyspace notifications) to a counter in
the bench's process. Redis's own keyspace_hits/misses would not do: every request reads the
schedule and names' tokens too, and a miss reads and writes pieces.
"""

import contextlib
import hashlib
import io
import json
import select
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench import load, report

WIRE_DRAFTS = "wire drafts with a photo"
LIVE_EDITS = "live standfirst edits"
# The issue's targets: readers' rate while saving, as a share of the control's.
TARGETS = {WIRE_DRAFTS: 95, LIVE_EDITS: 80}
SCENARIOS = {WIRE_DRAFTS: "drafts", LIVE_EDITS: "edits"}
SAVED, CONTROL = "saved", "control (rolled back)"
MARKER = "AT-WORK-JSON "
READY, GO = "READY", "GO"
FRONT_EVERY = 10  # readers land on the front page often: one request in ten
LIVE_STORIES = 5
# A small wire picture. Saving a photo draws its renditions before it returns (16 at this size,
# 22 at 1200 wide, 30 at 1600): with readers at full speed on two cores, a larger picture no
# longer imports within the second (docs/performance.md).
PHOTO_SIZE = (800, 533)
PAGE_KEYS = b":newsroom:page:"
DEMO_WIRE = Path(__file__).resolve().parent.parent / "articles" / "demo" / "wire"


# --- Pure parts ---------------------------------------------------------------------------


def reader_paths(article_paths, *, front="/", every=FRONT_EVERY):
    """The rotation: the story pages, with the front page in place of every `every`-th."""
    paths = []
    for path in article_paths:
        if len(paths) % every == 0:
            paths.append(front)
        paths.append(path)
    return paths


def every_second(change, *, count, interval=1.0, clock=time.monotonic, sleep=time.sleep):
    """Call change(0), change(1)... at most `count` times, one per interval from now.

    A change that runs late is followed by the next at once, never by a burst to catch up;
    nothing starts after count intervals (and one more). Returns the seconds each change took.
    """
    start = clock()
    deadline = start + (count + 1) * interval
    due = start
    took = []
    for number in range(count):
        if (wait := due - clock()) > 0:
            sleep(wait)
        began = clock()
        if began > deadline:
            break
        change(number)
        took.append(clock() - began)
        due = max(due + interval, clock())
    return took


def parse_summary(stdout):
    """The seconds each change took, from the newsroom process's summary line; None if none."""
    line = next((line for line in stdout.splitlines() if line.startswith(MARKER)), None)
    return None if line is None else json.loads(line.removeprefix(MARKER))["took"]


def hit_ratio(requests, pages_built):
    """The share of requests answered from the page cache: each miss built (and kept) a page."""
    if not requests:
        return None
    return max(0.0, 1 - pages_built / requests)


@dataclass(frozen=True)
class Phase:
    """Readers during one phase of a scenario: the newsroom saving, or its control."""

    scenario: str
    phase: str
    readers: report.Measurement
    hits: float | None = None
    took: list[float] = field(default_factory=list)  # seconds each change took, in the newsroom

    @property
    def changes(self):
        return len(self.took)


def median_phase(rounds):
    """One phase's rounds summed up by their medians."""
    first = rounds[0]
    hits = [phase.hits for phase in rounds if phase.hits is not None]
    return Phase(
        scenario=first.scenario,
        phase=first.phase,
        readers=report.median_of([phase.readers for phase in rounds]),
        hits=statistics.median(hits) if hits else None,
        took=[seconds for phase in rounds for seconds in phase.took],
    )


def share(saved, control):
    if saved.readers.failed or control.readers.failed or not control.readers.rps:
        return None
    return 100 * saved.readers.rps / control.readers.rps


def _percent(value):
    if value is None:
        return "—"
    return f"{value:.1f} %" if value < 10 else f"{value:.0f} %"


def format_table(phases):
    """A markdown table: each scenario's saved phase with its share of the control's rate."""
    header = [
        "scenario",
        "phase",
        "req/s",
        "p50 ms",
        "p99 ms",
        "page hits",
        "changes",
        "s a change",
        "% of control",
        "target",
    ]
    controls = {phase.scenario: phase for phase in phases if phase.phase == CONTROL}
    rows = []
    for phase in phases:
        readers = phase.readers
        ratio, target = (100.0, "") if phase.phase == CONTROL else (None, "")
        if phase.phase == SAVED:
            ratio = share(phase, controls[phase.scenario]) if phase.scenario in controls else None
            goal = TARGETS.get(phase.scenario)
            if goal is not None:
                verdict = "—" if ratio is None else "met" if ratio >= goal else "not met"
                target = f"≥ {goal} %: {verdict}"
        took = f"{statistics.median(phase.took):.2f}" if phase.took else "—"
        rows.append(
            [
                phase.scenario,
                phase.phase,
                "—" if readers.failed else f"{readers.rps:,.0f}",
                "—" if readers.failed else f"{readers.p50_ms:.1f}",
                "—" if readers.failed else f"{readers.p99_ms:.1f}",
                "—" if phase.hits is None else f"{100 * phase.hits:.1f} %",
                f"{phase.changes}",
                took,
                "—" if readers.failed else _percent(ratio),
                target or readers.note,
            ]
        )
    numeric = {2, 3, 4, 5, 6, 7, 8}
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        padded = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (width + 1) + ":" if i in numeric else "-" * (width + 2)
        for i, width in enumerate(widths)
    )
    return "\n".join([line(header), rule + "|", *(line(row) for row in rows)]) + "\n"


# --- The newsroom's side: a separate process with the bench's settings -------------------


def wire_text(number, run):
    """A wire file for the number-th draft of this run: the demo story under its own headline."""
    demo = next(DEMO_WIRE.glob("*.txt")).read_bytes()
    return f"Summit at the cosmodrome, wire take {number} of run {run}\n\n".encode() + demo


def photo_jpeg(number, size=PHOTO_SIZE):
    """A JPEG for the number-th draft, different for each: a tinted gradient with grain, which
    encodes as a photograph does (pure noise would take WebP twice as long)."""
    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, (number * 37 % 256, number * 91 % 256, number * 13 % 256))
    grain = Image.effect_noise(size, 24).convert("RGB")
    picture = ImageChops.blend(ImageChops.blend(gradient, tint, 0.5), grain, 0.15)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def wire_draft(number, *, run):
    """What the importer does for one wire file with its picture beside it."""
    from django.conf import settings
    from django.core.files import File

    from articles.imaging import inspect_image
    from articles.wire.importer import WireIdentity, save_wire_story
    from articles.wire.parser import parse

    text, picture = wire_text(number, run), photo_jpeg(number)
    story = parse(text)
    handle = io.BytesIO(picture)
    inspect_image(
        handle,
        max_bytes=settings.NEWSROOM_MAX_UPLOAD_BYTES,
        max_pixels=settings.NEWSROOM_MAX_IMAGE_PIXELS,
    )
    handle.seek(0)
    identity = WireIdentity(feed="bench-at-work", key=f"{run}-{number:04d}.txt")
    digest = hashlib.sha256(text + picture).hexdigest()
    return save_wire_story(
        story, identity=identity, digest=digest, image=File(handle, name=f"{identity.key}.jpg")
    )


def live_stories(count=LIVE_STORIES):
    """The newest published stories: the ones a newsroom keeps updating."""
    from articles.models import Article

    newest = Article.objects.published().order_by("-publish_at", "-pk")
    return list(newest.values_list("pk", flat=True)[:count])


def live_edit(number, *, stories):
    """A new standfirst on one live story, loaded and saved as the admin saves it."""
    from articles.models import Article

    story = Article.objects.get(pk=stories[number % len(stories)])
    story.standfirst = (
        f"Updated {time.strftime('%H:%M:%S')} (edit {number}): {story.standfirst[:200]}"
    )
    story.save()


@contextlib.contextmanager
def unannounced():
    """The cache told nothing of the changes made meanwhile (articles.caching.changed)."""
    from articles import caching

    real = caching.changed
    caching.changed = lambda *names: None
    try:
        yield
    finally:
        caching.changed = real


def as_control(change):
    """The same change, rolled back and unannounced: the work without the save."""
    from django.db import transaction

    def control(number):
        with unannounced(), transaction.atomic():
            change(number)
            transaction.set_rollback(True)

    return control


def newsroom_change(scenario, *, control):
    """The change to make each second, ready to run: Django set up with the bench's settings."""
    if scenario == "drafts":
        run = uuid.uuid4().hex[:8]
        change = lambda number: wire_draft(number, run=run)  # noqa: E731
    elif scenario == "edits":
        stories = live_stories()
        change = lambda number: live_edit(number, stories=stories)  # noqa: E731
    else:
        raise ValueError(f"no such scenario: {scenario}")
    return as_control(change) if control else change


def newsroom(argv=None):
    """`python -m bench.at_work drafts|edits --changes N [--control]`: wait for GO, then work."""
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.at_work")
    parser.add_argument("scenario", choices=sorted(SCENARIOS.values()))
    parser.add_argument("--changes", type=int, required=True, help="one a second, this many")
    parser.add_argument("--control", action="store_true", help="roll each change back")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    change = newsroom_change(args.scenario, control=args.control)
    print(READY, flush=True)
    if sys.stdin.readline().strip() != GO:
        return 1  # the bench went away
    took = every_second(change, count=args.changes)
    print(MARKER + json.dumps({"took": took}), flush=True)
    return 0


# --- The bench's side ----------------------------------------------------------------------


class PageStores:
    """Counts pages stored in Redis while it runs: one per request that missed its page."""

    def __init__(self, redis_url):
        import redis

        self._client = redis.Redis.from_url(redis_url)
        self._count = 0
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        # E: keyevent notifications, $: those of string commands (SET).
        self._client.config_set("notify-keyspace-events", "E$")
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.psubscribe("__keyevent@*__:set")
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()
        return self

    def _listen(self):
        while not self._stop.is_set():
            message = self._pubsub.get_message(timeout=0.1)
            if message and PAGE_KEYS in message["data"]:
                self._count += 1

    def settled(self, wait=0.3):
        """The count, once the notifications already sent have come in."""
        time.sleep(wait)
        return self._count

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self._pubsub.close()
        self._client.config_set("notify-keyspace-events", "")
        self._client.close()


@contextlib.contextmanager
def newsroom_process(scenario, *, control, changes, log, ready_seconds=60):
    """The newsroom process, set up and waiting; yields a function that starts its work and
    one that waits for its summary."""
    command = [sys.executable, "-m", "bench.at_work", SCENARIOS[scenario]]
    command += ["--changes", str(changes), *(["--control"] if control else [])]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            cwd=load.ROTATE.parent.parent,
        )
    try:
        ready, _, _ = select.select([process.stdout], [], [], ready_seconds)
        if not ready or process.stdout.readline().strip() != READY:
            raise RuntimeError(f"the newsroom process did not start:\n{Path(log).read_text()}")

        def start():
            process.stdin.write(GO + "\n")
            process.stdin.flush()

        def summary():
            stdout, _ = process.communicate(timeout=changes + 60)
            took = parse_summary(stdout)
            if took is None:
                raise RuntimeError(f"the newsroom process failed:\n{Path(log).read_text()}")
            return took

        yield start, summary
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def measure_phase(wrk, base, paths, *, scenario, control, stores, args, workdir):
    """Readers at full speed while the newsroom makes `args.work_seconds` changes."""
    paths_file = Path(workdir) / "at-work-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    phase = CONTROL if control else SAVED
    common = {"connections": args.connections, "page": scenario, "cache": phase}
    # Every phase starts from a full cache: the one before may have turned it over.
    load.prime(base, paths, passes=1, connections=args.connections)
    log = Path(workdir) / "newsroom.log"
    with newsroom_process(scenario, control=control, changes=args.work_seconds, log=log) as (
        start,
        summary,
    ):
        if args.warmup:
            load.run(wrk, base, paths_file, seconds=args.warmup, **common)
        before = stores.settled()
        start()
        readers = load.run(wrk, base, paths_file, seconds=args.work_seconds, **common)
        built = stores.settled() - before
        took = summary()
    hits = None if readers.failed else hit_ratio(readers.requests, built)
    return Phase(scenario, phase, readers, hits=hits, took=took)


def measure(wrk, base, article_paths, *, redis_url, args, workdir):
    """Both scenarios, saved and control, over the rounds; the control first in odd rounds."""
    paths = reader_paths(article_paths)
    rounds = {}
    with PageStores(redis_url) as stores:
        for number in range(1, args.rounds + 1):
            for scenario in SCENARIOS:
                order = (True, False) if number % 2 else (False, True)
                for control in order:
                    print(
                        f"Newsroom at work, round {number}: {scenario}, "
                        f"{CONTROL if control else SAVED}...",
                        flush=True,
                    )
                    phase = measure_phase(
                        wrk,
                        base,
                        paths,
                        scenario=scenario,
                        control=control,
                        stores=stores,
                        args=args,
                        workdir=workdir,
                    )
                    rounds.setdefault((scenario, phase.phase), []).append(phase)
    ordered = [rounds[(scenario, phase)] for scenario in SCENARIOS for phase in (SAVED, CONTROL)]
    return [median_phase(phases) for phases in ordered]


def method(args, article_paths):
    return (
        f"- Readers: wrk, 1 thread, {args.connections} connections, rotating over "
        f"{len(article_paths):,} story pages with the front page as one request in "
        f"{FRONT_EVERY}; {args.workers} gunicorn workers sharing one Redis cache. Each phase "
        f"starts from a full cache (every address requested once), then {args.warmup} s of "
        f"warm-up, then {args.work_seconds} s measured while the newsroom process makes one "
        f"change a second; median of {args.rounds} round(s), the control first in odd rounds.\n"
        f"- Wire drafts: a wire file parsed, an {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} JPEG made and "
        "checked, saved through "
        "`save_wire_story` (a new draft, its byline and its photo with renditions). Live edits: "
        f"one of the {LIVE_STORIES} newest published stories loaded and saved with a new "
        "standfirst (`story.save()`), a different one each second.\n"
        "- Control: the same change in a transaction rolled back, with `content_changed()` a "
        "no-op (it would replace the content version even in a transaction rolled back).\n"
        "- page hits: the share of reader requests answered from the page cache, counted as "
        "1 − pages stored ÷ requests (a page is stored exactly when a request missed it; Redis "
        "keyspace notifications count the stores). s a change: the median time one change "
        "took in the newsroom process."
    )


if __name__ == "__main__":
    sys.exit(newsroom())
