"""The recommended front, measured: nginx's micro-cache (deploy/nginx.conf) before gunicorn.

Two figures. How close a story page served from the micro-cache comes to nginx sending the
same bytes as a plain file - the physical limit of this machine - and how long a withdrawn
story stays visible through the proxy.
"""

import time
from dataclasses import replace
from pathlib import Path

from bench import load, report, server, services

MICRO_CACHE = "nginx micro-cache"
STATIC = "nginx static file"


def measure(wrk, upstream, article_paths, *, workdir, args):
    """The rotating story page through nginx, and one of its pages as a static file."""
    folder = Path(workdir) / "nginx"
    static = folder / "static"
    static.mkdir(parents=True)
    status, html = server.fetch(upstream + article_paths[0])
    if status != 200:
        return [report.Measurement(page="article", cache=MICRO_CACHE, note=f"HTTP {status}")]
    (static / "article.html").write_bytes(html)
    host = upstream.removeprefix("http://")
    with services.nginx(folder, upstream=host, static_files=static, workers=args.workers) as base:
        label = f"article (rotating over {len(article_paths):,} stories)"
        pages = [
            (label, MICRO_CACHE, article_paths),
            ("the same page", STATIC, ["/bench-static/article.html"]),
        ]
        results = []
        for page, cache, paths in pages:
            paths_file = folder / "paths.txt"
            paths_file.write_text("\n".join(paths) + "\n")
            load.prime(base, paths, passes=1, connections=args.connections)
            common = {"connections": args.connections, "page": page, "cache": cache}
            load.run(wrk, base, paths_file, seconds=args.warmup or 1, **common)
            rounds = [
                load.run(wrk, base, paths_file, seconds=args.seconds, **common)
                for _ in range(args.rounds)
            ]
            results.append(report.median_of(rounds))
    proxied, static_file = results
    return [report.with_share(proxied, static_file), replace(static_file, share=100.0)]


def withdrawal_delay(upstream, story, editor, *, workdir, timeout=30):
    """Seconds from a story's withdrawal until nginx answers 410 for it, once it was cached.

    The app servers must share this process's cache (Redis): the withdrawal made here is
    what tells them.
    """
    folder = Path(workdir) / "nginx-withdrawal"
    folder.mkdir()
    host = upstream.removeprefix("http://")
    with services.nginx(folder, upstream=host) as base:
        url = base + story.get_absolute_url()
        for _ in range(3):
            server.fetch(url)
        story.withdraw(by=editor, reason="Benchmark: how long a withdrawn story stays visible")
        withdrawn_at = time.monotonic()
        while server.fetch(url)[0] != 410:
            if time.monotonic() - withdrawn_at > timeout:
                return None
            time.sleep(0.05)
        return time.monotonic() - withdrawn_at
