"""gunicorn for Newsroom: `gunicorn -c deploy/gunicorn.conf.py` from anywhere.

Serves newsroom.wsgi behind nginx (deploy/nginx.conf's upstream). Options given on the command
line override these (`--workers 4`, `--bind 10.0.0.5:8000`); so does WEB_CONCURRENCY for the
number of workers.

It refuses to start several workers on a per-process cache: each would keep its own pages and
content version, and a story withdrawn through one worker would go on being served by the
others (articles.checks). CACHE_URL must name a shared cache (Redis) for more than one.
"""

import os
import sys
from pathlib import Path

wsgi_app = "newsroom.wsgi:application"
# The checkout, whatever the current folder: gunicorn imports the app from here.
chdir = str(Path(__file__).resolve().parent.parent)
bind = ["127.0.0.1:8000"]
# gunicorn 27 otherwise opens a control socket shared by every gunicorn on the machine, and
# through it the worker count could be changed behind the check below.
control_socket_disable = True


def per_process_cache():
    # Called in the master, before gunicorn has put the checkout on the path for the app.
    if chdir not in sys.path:
        sys.path.insert(0, chdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from articles.checks import per_process_cache

    return per_process_cache()


def refusal(workers):
    return (
        f"Refusing to start {workers} workers on a per-process cache (CACHE_URL is local "
        "memory): each would keep its own pages, and a withdrawn story would go on being "
        "served by the others. Set CACHE_URL=redis://… (a cache every worker and app server "
        "shares), or start one worker."
    )


def nworkers_changed(server, new_value, old_value):
    # At the start (from no workers), and whenever SIGTTIN adds one to a running server.
    if new_value <= 1 or not per_process_cache():
        return
    if old_value is None:
        raise RuntimeError(refusal(new_value))  # gunicorn prints it and exits with status 1
    server.log.error(refusal(new_value))
    server.num_workers = old_value
