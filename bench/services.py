"""Redis and nginx from Debian's packages, on loopback, for the bench and the tests.

Both are what production runs in front of and beside the app servers (README, "Deployment"):
Redis as the cache every app server shares, nginx with the committed `deploy/nginx.conf`.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONFIG = ROOT / "deploy" / "nginx.conf"


def program(name, *, package):
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if found is None:
        raise RuntimeError(f"{name} is missing: apt-get install {package} (.ci/run does it).")
    return found


def _wait_for_port(port, process, name, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start (exit {process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {port}")


@contextlib.contextmanager
def running(command, *, port, name, log=None):
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, stdout=output, stderr=output)
    try:
        _wait_for_port(port, process, name)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()


@contextlib.contextmanager
def redis(folder):
    """A Redis server that keeps nothing on disk; yields its CACHE_URL."""
    port = free_port()
    command = [
        program("redis-server", package="redis-server"),
        *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
        *("--dir", str(folder)),
    ]
    with running(command, port=port, name="redis-server"):
        yield f"redis://127.0.0.1:{port}/0"


def nginx_config(folder, *, listen, upstream, media=None, static_files=None, workers=1):
    """The committed configuration, pointed at this run's folders and ports.

    `static_files`: a folder nginx serves as plain files under /bench-static/, to compare a
    page from the micro-cache with the same bytes from disk.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = NGINX_CONFIG.read_text()
    config = config.replace("/var/cache/nginx/newsroom", str(folder / "cache"))
    config = config.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    config = config.replace("server 127.0.0.1:8000;", f"server {upstream};")
    config = config.replace("/srv/newsroom/media/", f"{media or folder / 'media'}/")
    config = config.replace("/srv/newsroom/", f"{ROOT}/")
    if static_files:
        config = config.replace(
            "    location / {",
            f"    location /bench-static/ {{\n        alias {static_files}/;\n    }}\n\n"
            "    location / {",
            1,
        )
    (folder / "newsroom.conf").write_text(config)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes {workers};\nerror_log {folder / 'error.log'};\n"
        f"pid {folder / 'nginx.pid'};\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {temp}/body; "
        f"proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi; "
        f"uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi; "
        f"include {folder / 'newsroom.conf'}; }}\n"
    )
    return folder / "nginx.conf"


@contextlib.contextmanager
def nginx(folder, *, upstream, **options):
    """nginx with deploy/nginx.conf in front of `upstream` (host:port); yields its base URL."""
    binary = program("nginx", package="nginx")
    port = free_port()
    config = nginx_config(folder, listen=port, upstream=upstream, **options)
    check = subprocess.run([binary, "-t", "-c", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused its configuration:\n{check.stderr}")
    with running([binary, "-c", str(config), "-g", "daemon off;"], port=port, name="nginx"):
        yield f"http://127.0.0.1:{port}"
