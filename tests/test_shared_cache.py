"""Two app servers sharing one Redis cache: publishing or withdrawing a story shows at once on
both, because the content version lives in the shared cache. And the Redis backend itself
(newsroom.redis_cache): one client per server, and keys every request reads answered from
memory until Redis says they changed."""

import os
import time

import pytest
import redis

from bench import services
from tests.live_site import Site, fetch


@pytest.fixture
def redis_url(tmp_path):
    with services.redis(tmp_path) as url:
        yield url


@pytest.fixture
def site(tmp_path, redis_url):
    site = Site(tmp_path, CACHE_URL=redis_url)
    yield site
    site.stop()


def page(url):
    return fetch(url)[2]


def test_publishing_and_withdrawing_show_at_once_on_every_app_server(site):
    servers = [site.serve(), site.serve()]
    for server in servers:
        assert "Harbour reopens" in page(server + "/")
        assert "Storm closes port" not in page(server + "/")

    # Behind the models' back nothing changes the cached pages: they really come from Redis.
    site.act("Article.objects.filter(slug='harbour-reopens').update(headline='Sneaky edit')")
    for server in servers:
        assert "Sneaky edit" not in page(server + "/")

    site.act("Article.objects.get(slug='storm-closes-port').publish(by=erin)")
    for server in servers:
        assert "Storm closes port" in page(server + "/")

    site.act("Article.objects.get(slug='storm-closes-port').withdraw(by=erin, reason='Legal')")
    path = site.path_of("storm-closes-port")
    for server in servers:
        assert "Storm closes port" not in page(server + "/")
        assert "Storm closes port" not in page(server + "/feed/")
        assert fetch(server + path)[0] == 410


def test_the_redis_backend_keeps_one_client_per_server(redis_url):
    from newsroom.redis_cache import RedisCache

    cache = RedisCache(redis_url, {})
    cache.set("greeting", ("hello", 1.5))
    assert cache.get("greeting") == ("hello", 1.5)
    assert cache.get_many(["greeting", "absent"]) == {"greeting": ("hello", 1.5)}
    # Django's own client makes a redis.Redis per call, which costs as much as the round trip.
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


@pytest.fixture
def watching(redis_url):
    from newsroom.redis_cache import RedisCache

    return RedisCache(redis_url, {"OPTIONS": {"WATCH": ["hot:"]}})


@pytest.fixture
def other_server(redis_url):
    """Redis as another app server (or anyone) sees it: keys as Django makes them."""
    return redis.Redis.from_url(redis_url)


def reads(other_server):
    stats = other_server.info("commandstats")
    return sum(stats.get(f"cmdstat_{command}", {}).get("calls", 0) for command in ("get", "mget"))


def test_a_watched_key_is_asked_of_redis_once_until_it_changes(watching, other_server):
    watching.set("hot:version", ("a", 1.0))
    watching.set("cold", "page")
    before = reads(other_server)
    assert watching.get("hot:version") == ("a", 1.0)
    assert watching.get("hot:version") == ("a", 1.0)
    assert watching.get_many(["hot:version"]) == {"hot:version": ("a", 1.0)}
    assert reads(other_server) == before + 1
    # Keys that are not watched are asked every time, alone when the watched ones are known.
    assert watching.get_many(["hot:version", "cold"]) == {"hot:version": ("a", 1.0), "cold": "page"}
    assert watching.get("cold") == "page"
    assert reads(other_server) == before + 3

    watching.set("hot:version", ("b", 2.0))
    assert watching.get("hot:version") == ("b", 2.0)
    assert reads(other_server) == before + 4


def test_a_watched_key_follows_every_change_whoever_makes_it(watching, other_server):
    watching.set("hot:version", "first")
    assert watching.get("hot:version") == "first"

    other_server.set(":1:hot:version", b"2")  # Django stores integers unpickled
    assert watching.get("hot:version") == 2
    other_server.delete(":1:hot:version")
    assert watching.get("hot:version", "absent") == "absent"
    other_server.set(":1:hot:version", b"3")
    assert watching.get("hot:version") == 3
    other_server.flushdb()
    assert watching.get("hot:version") is None
    other_server.set(":1:hot:version", b"4")
    assert watching.get_many(["hot:version", "cold"]) == {"hot:version": 4}


def test_a_lost_watch_never_answers_from_memory(watching, other_server):
    watching.set("hot:version", 1)
    assert watching.get("hot:version") == 1
    # Redis drops our watching connection (a restart, a client-output limit), then the key
    # changes with nobody told.
    assert other_server.client_kill_filter(_type="pubsub") == 1
    other_server.set(":1:hot:version", b"2")
    assert watching.get("hot:version") == 2

    # And it watches again.
    before = reads(other_server)
    assert watching.get("hot:version") == 2
    other_server.set(":1:hot:version", b"3")
    assert watching.get("hot:version") == 3
    assert reads(other_server) == before + 2


def test_a_watched_value_is_trusted_for_a_moment_at_most(watching, other_server, monkeypatch):
    # However quiet its connection, in case it died without a word.
    monkeypatch.setattr("newsroom.redis_cache.TRUST_SECONDS", 0.05)
    watching.set("hot:version", 1)
    assert watching.get("hot:version") == 1
    before = reads(other_server)
    assert watching.get("hot:version") == 1
    assert reads(other_server) == before
    time.sleep(0.1)
    assert watching.get("hot:version") == 1
    assert reads(other_server) == before + 1


def test_a_forked_worker_watches_on_its_own_connection(watching, other_server):
    watching.set("hot:version", 1)
    assert watching.get("hot:version") == 1
    other_server.set(":1:hot:version", b"2")
    child = os.fork()
    if child == 0:
        # Sharing its parent's socket, it would take the parent's news of the change.
        os._exit(0 if watching.get("hot:version") == 2 else 1)
    assert os.waitpid(child, 0)[1] == 0
    assert watching.get("hot:version") == 2
