"""`make bench`: seed a throwaway database, serve it with gunicorn, load it with wrk.

    make bench SCALE=10000                     # a temporary SQLite database
    make bench SCALE=1000000 DB=postgres       # a PostgreSQL server started for the run

`python -m bench` seeds the empty database DATABASE_URL names, if any, else a temporary SQLite
file; `make bench DB=postgres` runs it under `scripts/throwaway-postgres`.

Every page is measured from scratch (each request draws everything), uncached (each request
builds its page from the stories' kept pieces), cached in local memory and cached in Redis,
each as a share of the floor: the same gunicorn answering a constant 30 KB page
in the same run. Then the story page through nginx's micro-cache against nginx sending the same
bytes as a file, and how long a withdrawn story stays visible through nginx, and the newsroom
at work (bench/at_work.py): readers while wire drafts arrive, and while live stories are
edited, once a second, each against a control doing the same work without saving. Prints
markdown tables and writes them, with the method, to bench-results/.

    make bench BENCH_ARGS=--at-work            # the newsroom at work alone
"""

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench import admin, at_work, load, pages, paging, proxy, report, server, services

LOCMEM = "locmemcache://bench?max_entries=30000"
REDIS = "cached: Redis"


def cache_setups(redis_url):
    """(label in the table, settings for the server): how each page is measured."""
    # The local-memory cache holds 300 entries unless told otherwise: fewer than the stories
    # an article measurement rotates over, and it would measure evictions, not the cache.
    no_pages = {"CACHE_URL": LOCMEM, "NEWSROOM_STORE_PAGES": "false"}
    return [
        (report.FROM_SCRATCH, no_pages | {"NEWSROOM_STORE_PIECES": "false"}),
        (report.UNCACHED, no_pages),
        ("cached: locmem", {"CACHE_URL": LOCMEM}),
        (REDIS, {"CACHE_URL": redis_url}),
    ]


# A page slower than this is not worth loading: wrk would time every request out.
FIRST_ANSWER_SECONDS = 30


def arguments():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000, help="stories to seed (SCALE)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the table shows medians")
    parser.add_argument("--seconds", type=int, default=4, help="length of one measurement")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of load before each")
    parser.add_argument(
        "--floor-seconds", type=int, default=2, help="length of each floor measurement"
    )
    parser.add_argument(
        "--prime-passes",
        type=int,
        default=3,
        help="cached set-ups: requests per rotated address before the first round",
    )
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--articles", type=int, default=500, help="stories the article rotates")
    parser.add_argument(
        "--feed", help="the RSS feed's path; default: the front page's autodiscovery link"
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--at-work",
        action="store_true",
        help="measure only the newsroom at work: readers while the newsroom saves changes",
    )
    parser.add_argument(
        "--work-seconds",
        type=int,
        default=10,
        help="newsroom at work: length of one measurement, with one change a second",
    )
    parser.add_argument("--out", type=Path, default=server.ROOT / "bench-results")
    return parser.parse_args()


def measure(wrk, base, page, *, cache, args, workdir, floor=False, prime=False):
    """One page under load for one round, or why it cannot be measured."""
    if page.missing:
        return report.Measurement(page=page.label, cache=cache, note=page.missing)
    started = time.monotonic()
    try:
        status, _body = server.fetch(
            base + page.paths[0], timeout=FIRST_ANSWER_SECONDS, headers=page.headers
        )
        alone = time.monotonic() - started
    except OSError:
        note = f"no answer in {FIRST_ANSWER_SECONDS} s"
        return report.Measurement(page=page.label, cache=cache, note=note)
    if status != 200:
        hint = ": not built yet?" if status == 404 else ""
        return report.Measurement(page=page.label, cache=cache, note=f"HTTP {status}{hint}")
    paths_file = Path(workdir) / "paths.txt"
    paths_file.write_text("\n".join(page.paths) + "\n")
    common = {
        "connections": args.connections,
        "page": page.label,
        "cache": cache,
        "headers": page.headers,
    }
    if floor:
        # A constant page needs no warm-up, and thousands of requests in a short run.
        return load.run(wrk, base, paths_file, seconds=args.floor_seconds, **common)
    if prime:
        load.prime(
            base,
            page.paths,
            passes=args.prime_passes,
            connections=args.connections,
            headers=page.headers,
        )
    if args.warmup:
        load.run(wrk, base, paths_file, seconds=args.warmup, **common)
    result = load.run(wrk, base, paths_file, seconds=args.seconds, **common)
    return replace(result, alone_s=alone) if result.failed else result


def feed_page(base, path):
    if path:
        return pages.Page(f"RSS feed ({path})", [path])
    _status, front = server.fetch(base + "/")
    return pages.rss_feed(front.decode(errors="replace"))


def describe_setup(args, *, seeded, database, wrk):
    """The lines every report starts with: what was seeded, the software, the commit."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=server.ROOT
    ).stdout.strip()
    wrk_version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
    import django
    import gunicorn

    return [
        f"- {seeded} Database: {database}.",
        f"- gunicorn {gunicorn.__version__}, {args.workers} sync workers, DEBUG off; "
        f"Django {django.get_version()}, Python {platform.python_version()}, "
        f"{' '.join(wrk_version.split()[:2])}; {server.cpu_count()} CPUs; "
        f"commit {commit or 'unknown'}.",
    ]


def describe(args, *, seeded, database, wrk, chosen):
    lines = [
        *describe_setup(args, seeded=seeded, database=database, wrk=wrk),
        f"- Load: wrk, 1 thread, {args.connections} "
        f"connections; each figure is the median of {args.rounds} round(s) of "
        f"{args.seconds} s, each after {args.warmup} s of warm-up. Loopback only.",
        "- from scratch: `NEWSROOM_STORE_PAGES=false NEWSROOM_STORE_PIECES=false`, every "
        "request runs its queries and draws every card and story (nothing kept); uncached: "
        "`NEWSROOM_STORE_PAGES=false`, every request runs its queries and builds its page from "
        "the stories' kept pieces (articles.caching), drawing those missing; "
        f"cached: `CACHE_URL={LOCMEM}` (each worker keeps its own copy) or a Redis server "
        "on loopback shared by the workers; before the first round, every address of a "
        f"rotating page is requested {args.prime_passes} times.",
        "- KB: a response's size on the wire, headers included (wrk's bytes read per request).",
        "- % of floor: requests per second as a share of the floor's, measured for "
        f"{args.floor_seconds} s right after the page on the same server (median over rounds).",
        "- Pages: "
        + "; ".join(f"{page.label}: `{page.paths[0]}`" for page in chosen if page.paths),
    ]
    return "\n".join(lines)


def seed_site(args, workdir):
    """Configure this process for the throwaway site, then migrate, seed and choose the pages."""
    os.environ.update(server.environment(workdir, database_url=os.environ.get("DATABASE_URL")))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from django.db import connections

    print(f"Seeding {args.stories:,} stories...", flush=True)
    seeded = server.prepare(stories=args.stories, seed=args.seed)
    database = server.describe_database()
    chosen = pages.choose(stories=args.stories, articles=args.articles, seed=args.seed)
    # The workers open their own connections; this process only waits from here on.
    connections.close_all()
    return seeded, database, chosen


def measure_rounds(wrk, servers, chosen, *, args, workdir):
    """The median of each page under each cache set-up over the rounds.

    The floor is measured again right after every page, and each page's share of the floor is
    taken against that neighbour; the set-ups take turns within each round. A machine growing
    busier or quieter during the run then shifts a page and its floor alike.
    """
    floor_page, *other_pages = chosen

    def measure_floor(cache, base):
        return measure(wrk, base, floor_page, cache=cache, args=args, workdir=workdir, floor=True)

    rounds = {}
    for number in range(1, args.rounds + 1):
        print(f"Round {number} of {args.rounds}", flush=True)
        for cache, base in servers.items():
            floors = rounds.setdefault((cache, floor_page.label), [])
            measured_floors = len(floors)
            for page in other_pages:
                # Filling the caches once is enough (the uncached set-up's story pieces
                # too); built from scratch, there is nothing to fill.
                prime = number == 1 and cache != report.FROM_SCRATCH and len(page.paths) > 1
                result = measure(
                    wrk, base, page, cache=cache, args=args, workdir=workdir, prime=prime
                )
                if not result.failed:
                    floors.append(measure_floor(cache, base))
                    result = report.with_share(result, floors[-1])
                rounds.setdefault((cache, page.label), []).append(result)
            if len(floors) == measured_floors:
                # No page answered: the floor still shows whether the server itself does.
                floors.append(measure_floor(cache, base))
    return [report.median_of(measurements) for measurements in rounds.values()]


def withdrawal(upstream, article_path, workdir):
    """Withdraw one measured story and time its disappearance through nginx."""
    from django.contrib.auth import get_user_model

    from articles.models import Article

    editor = get_user_model().objects.create_superuser("bench-editor", password=None)
    story = Article.objects.get(slug=article_path.strip("/").split("/")[-1])
    delay = proxy.withdrawal_delay(upstream, story, editor, workdir=workdir)
    if delay is None:
        return "A withdrawn story was still served through nginx after 30 s."
    return (
        f"A withdrawn story answered 410 through nginx {delay:.1f} s after its withdrawal "
        "(the micro-cache keeps a page 5 s, then refreshes it in the background)."
    )


def article_paths_of(chosen):
    return next(page.paths for page in chosen if page.label.startswith("article"))


def at_work_alone(args, wrk, started):
    """`--at-work`: seed, serve from a Redis-cached gunicorn, measure the newsroom at work."""
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="newsroom-bench-"))
        redis_url = stack.enter_context(services.redis(workdir))
        # The newsroom process inherits this environment: it shares the servers' Redis.
        os.environ["CACHE_URL"] = redis_url
        seeded, database, chosen = seed_site(args, workdir)
        base = stack.enter_context(
            server.gunicorn(os.environ, workers=args.workers, log=Path(workdir) / "gunicorn.log")
        )
        article_paths = article_paths_of(chosen)
        phases = at_work.measure(
            wrk, base, article_paths, redis_url=redis_url, args=args, workdir=workdir
        )
    table = at_work.format_table(phases)
    details = "\n".join(
        [
            *describe_setup(args, seeded=seeded, database=database, wrk=wrk),
            at_work.method(args, article_paths),
        ]
    )
    path = write_report(args, "bench-at-work", "Newsroom at work", f"{details}\n\n{table}", started)
    print()
    print(seeded)
    print()
    print(table)
    print(f"Written to {path} ({time.monotonic() - started:.0f} s).")


def main():
    args = arguments()
    wrk = load.find_wrk()
    started = time.monotonic()
    if args.at_work:
        return at_work_alone(args, wrk, started)
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="newsroom-bench-"))
        redis_url = stack.enter_context(services.redis(workdir))
        # This process shares the servers' Redis: a withdrawal made here reaches them.
        os.environ["CACHE_URL"] = redis_url
        seeded, database, chosen = seed_site(args, workdir)
        servers = {
            cache: stack.enter_context(
                server.gunicorn(
                    os.environ | settings,
                    workers=args.workers,
                    log=Path(workdir) / f"gunicorn-{number}.log",
                )
            )
            for number, (cache, settings) in enumerate(cache_setups(redis_url))
        }
        chosen.append(feed_page(next(iter(servers.values())), args.feed))
        results = measure_rounds(wrk, servers, chosen, args=args, workdir=workdir)
        article_paths = article_paths_of(chosen)
        # Before the withdrawal below: readers would be rotating over a story gone.
        at_work_phases = at_work.measure(
            wrk, servers[REDIS], article_paths, redis_url=redis_url, args=args, workdir=workdir
        )
        print("Through nginx...", flush=True)
        proxied = proxy.measure(wrk, servers[REDIS], article_paths, workdir=workdir, args=args)
        withdrawn = withdrawal(servers[REDIS], article_paths[-1], workdir)
        print("Deep pages, OFFSET against cursor...", flush=True)
        deep = paging.table(*paging.measure())
        print("The admin's story list...", flush=True)
        story_list = admin.table(admin.measure())

    table = report.format_table(results)
    proxy_table = report.format_table(proxied).replace("% of floor", "% of file ")
    tables = (
        f"{table}\n## Through nginx (deploy/nginx.conf)\n\n{proxy_table}\n{withdrawn}\n\n"
        f"## Deep pages: OFFSET against cursor\n\n{deep}\n\n"
        f"## The admin's story list (in process, signed in)\n\n{story_list}\n\n"
        f"## Newsroom at work (Redis)\n\n{at_work.method(args, article_paths)}\n\n"
        f"{at_work.format_table(at_work_phases)}"
    )
    details = describe(args, seeded=seeded, database=database, wrk=wrk, chosen=chosen)
    path = write_report(args, "bench", "Newsroom benchmark", f"{details}\n\n{tables}", started)
    print()
    print(seeded)
    print()
    print(tables)
    print(f"Written to {path} ({time.monotonic() - started:.0f} s).")


def write_report(args, name, title, body, started):
    """The report in `args.out`, named for the run's time and size; returns its path."""
    now = datetime.now(UTC)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}-{now:%Y%m%d-%H%M%S}-{args.stories}.md"
    path.write_text(
        f"# {title}, {now:%Y-%m-%d %H:%M} UTC\n\n{body}"
        f"\nWhole run: {time.monotonic() - started:.0f} s.\n"
    )
    return path


if __name__ == "__main__":
    sys.exit(main())
