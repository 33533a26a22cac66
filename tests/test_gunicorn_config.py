"""deploy/gunicorn.conf.py, started for real: several workers need a cache they all share."""

import subprocess

import pytest

from bench import services
from tests.live_site import Site, fetch, free_port

LOCAL_MEMORY = {"CACHE_URL": "locmemcache://newsroom"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("site"))
    yield site
    site.stop()


def test_several_workers_on_a_per_process_cache_are_refused(site):
    result = subprocess.run(
        site.gunicorn(port=free_port(), workers=2),
        env=site.env | LOCAL_MEMORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Refusing to start 2 workers on a per-process cache" in result.stderr
    assert "Set CACHE_URL=redis://" in result.stderr


def test_one_worker_on_a_per_process_cache_starts(site):
    url = site.serve(workers=1, **LOCAL_MEMORY)
    assert fetch(url + "/")[0] == 200


def test_several_workers_on_a_shared_cache_start(site, tmp_path):
    with services.redis(tmp_path) as redis_url:
        url = site.serve(workers=2, CACHE_URL=redis_url)
        assert fetch(url + "/")[0] == 200
        site.stop()
