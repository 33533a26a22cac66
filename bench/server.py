"""A throwaway site for the benchmark: its own database, media and static files, and gunicorn.

The database is a temporary SQLite file unless DATABASE_URL names one (an empty one, such as
`scripts/throwaway-postgres` creates); the development database is never touched.
"""

import contextlib
import io
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(workdir, *, database_url=None):
    """Production settings on loopback, for this process and the gunicorn it starts."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS to redirect to.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url or f"sqlite:///{workdir}/bench.sqlite3",
        "MEDIA_ROOT": f"{workdir}/media",
        "STATIC_ROOT": f"{workdir}/static",
        "NEWSROOM_BENCH_FLOOR": "true",
        "LOG_LEVEL": "WARNING",
    }


class Echo:
    """The seeding's progress, shown as it comes: a long run says how far it has got."""

    def write(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()


def prepare(*, stories, seed):
    """Migrate, seed and collect static files; Django must be set up with environment().

    Returns the seeding's summary: what it made, how long it took, how fast.
    """
    from django.core.management import call_command

    from bench.seed.fill import fill

    quiet = {"stdout": io.StringIO(), "verbosity": 0}
    call_command("migrate", interactive=False, **quiet)
    summary = fill(stories=stories, seed=seed, out=Echo())
    call_command("collectstatic", interactive=False, **quiet)
    return summary


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, *, timeout=30, headers=None):
    """(status, body) of one GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def gunicorn(env, *, workers, log, ready_path="/bench/floor/"):
    """gunicorn, the production server, on a free loopback port; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsroom.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        # gunicorn 27 otherwise opens a control socket shared by every gunicorn on the machine.
        "--no-control-socket",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    with open(log, "ab") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{Path(log).read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if fetch(base + ready_path, timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{Path(log).read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def describe_database():
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10_000)
        return f"PostgreSQL {major}.{minor}"
    return connection.display_name


def cpu_count():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
