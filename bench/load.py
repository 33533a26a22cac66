"""Load from wrk, the HTTP benchmarking tool, and its result as a Measurement.

Why wrk: it is written in C and event-driven, so one wrk thread drives the server while taking a
small share of one core; on a two-core machine a load generator written in Python would compete
with the gunicorn workers for the same CPUs and measure itself. It records every request's
latency for exact percentiles, and a Lua hook (rotate.lua) walks a list of addresses so that a
page can rotate over many stories.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from bench.report import Measurement
from bench.server import fetch

ROTATE = Path(__file__).with_name("rotate.lua")
MARKER = "BENCH-JSON "


def find_wrk():
    """wrk's path; installs Debian's package when it is missing and we may."""
    if path := shutil.which("wrk"):
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("make bench needs wrk, the HTTP benchmarking tool: apt-get install -y wrk")
    print("Installing wrk from Debian's packages...", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk.")


def parse(stdout, *, page, cache):
    """wrk's output (with rotate.lua's summary line) into a Measurement."""
    line = next((line for line in stdout.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        return Measurement(page=page, cache=cache, note="wrk printed no result")
    result = json.loads(line.removeprefix(MARKER))
    errors = sum(
        result[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    if not result["requests"] or not result["duration_us"]:
        return Measurement(page=page, cache=cache, errors=errors, note="no response in time")
    return Measurement(
        page=page,
        cache=cache,
        rps=result["requests"] / (result["duration_us"] / 1e6),
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        kb=result["bytes"] / result["requests"] / 1024,
        requests=result["requests"],
        errors=errors,
    )


def run(wrk, base_url, paths_file, *, seconds, connections, page, cache, headers=None):
    """Load the server with the paths in paths_file for some seconds; loopback only."""
    if urlsplit(base_url).hostname != "127.0.0.1":
        raise ValueError(f"The benchmark only sends traffic to 127.0.0.1, not {base_url}")
    completed = subprocess.run(
        command(
            wrk, base_url, paths_file, seconds=seconds, connections=connections, headers=headers
        ),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    return parse(completed.stdout, page=page, cache=cache)


def command(wrk, base_url, paths_file, *, seconds, connections, headers=None):
    """wrk's command line; rotate.lua's requests carry the `headers` given here."""
    return [
        wrk,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        *(
            arg
            for name, value in (headers or {}).items()
            for arg in ("--header", f"{name}: {value}")
        ),
        "--script",
        str(ROTATE),
        base_url,
        "--",
        str(paths_file),
    ]


def prime(base_url, paths, *, passes, connections, seconds=120, headers=None):
    """Request every path `passes` times, a few at once, within a time limit.

    A page rotating over hundreds of addresses would otherwise be measured "cached" while most
    requests miss: each gunicorn worker keeps its own local-memory cache, and a short warm-up
    reaches only part of the list.
    """
    if urlsplit(base_url).hostname != "127.0.0.1":
        raise ValueError(f"The benchmark only sends traffic to 127.0.0.1, not {base_url}")
    deadline = time.monotonic() + seconds

    def get(path):
        # A slow or failing page is the measurement's to report, not the priming's.
        if time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                fetch(base_url + path, headers=headers)

    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(get, paths * passes))
