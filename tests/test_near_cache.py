"""Each process's copies of what page hits read from Redis: read without a round trip while
they hold, dropped as soon as anyone changes them (newsroom/near_cache.py), against a real
Redis server."""

import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from bench import services
from newsroom.near_cache import Copies, NearRedisCache


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with services.redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def server(redis_url):
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    time.sleep(0.1)  # the flush's message heard by earlier tests' copies, not during this one
    return server


def near(redis_url, **options):
    cache = NearRedisCache(redis_url, {"OPTIONS": {"NEAR_PREFIXES": ["page:"], **options}})
    assert eventually(cache.hears_changes)
    return cache


def eventually(condition, seconds=5):
    until = time.monotonic() + seconds
    while not (met := condition()) and time.monotonic() < until:
        time.sleep(0.01)
    return met


def heard():
    """Lets Redis's messages about writes just made arrive: a process hears of its own writes
    too, and each drops a copy kept since (one more read, never a stale one)."""
    time.sleep(0.1)


def reads(server):
    stats = server.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget"))


@pytest.fixture
def other(redis_url):
    """Another process's cache, as Redis sees it: a client of its own, keeping no copies."""
    return RedisCache(redis_url, {})


def test_a_kept_key_is_read_from_redis_once_while_nobody_changes_it(redis_url, server):
    cache = near(redis_url)
    cache.set("page:front", "The front page")
    heard()
    assert cache.get("page:front") == "The front page"
    before = reads(server)
    assert [cache.get("page:front") for _ in range(50)] == ["The front page"] * 50
    assert cache.get_many(["page:front", "page:absent"]) == {"page:front": "The front page"}
    assert cache.get_many(["page:front", "page:absent"]) == {"page:front": "The front page"}
    assert reads(server) == before + 1  # only the first look for the absent page


def test_copies_are_kept_while_redis_is_quiet(redis_url, server):
    cache = near(redis_url, NEAR_SECONDS=10)
    cache.set("page:front", "The front page")
    heard()
    cache.get("page:front")
    time.sleep(1.5)  # pinged meanwhile, and answered
    before = reads(server)
    assert cache.hears_changes() and cache.get("page:front") == "The front page"
    assert reads(server) == before


def test_keys_outside_the_prefixes_are_read_from_redis_every_time(redis_url, server):
    cache = near(redis_url)
    cache.set("token:story:1", "a")
    heard()
    before = reads(server)
    assert [cache.get("token:story:1") for _ in range(3)] == ["a"] * 3
    assert reads(server) == before + 3


def test_another_process_changing_a_kept_key_is_read_as_soon_as_redis_tells(
    redis_url, server, other
):
    cache = near(redis_url)
    cache.set("page:front", "old")
    cache.get("page:absent")
    assert cache.get("page:front") == "old"
    other.set("page:front", "new")
    other.set("page:absent", "there now")
    started = time.monotonic()
    assert eventually(lambda: cache.get("page:front") == "new", seconds=1)
    assert eventually(lambda: cache.get("page:absent") == "there now", seconds=1)
    assert time.monotonic() - started < 0.5
    # Gone: the copy goes with it.
    other.delete("page:front")
    assert eventually(lambda: cache.get("page:front") is None, seconds=1)


def test_a_process_reads_its_own_writes_at_once(redis_url):
    cache = near(redis_url)
    cache.set("page:front", 1)
    assert cache.get("page:front") == 1
    for write, expected in [
        (lambda: cache.set("page:front", 2), 2),
        (lambda: cache.set_many({"page:front": 3}), 3),
        (lambda: cache.incr("page:front"), 4),
        (lambda: cache.delete("page:front"), None),
        (lambda: cache.add("page:front", 5), 5),
        (lambda: cache.delete_many(["page:front"]), None),
    ]:
        write()
        assert cache.get("page:front") == expected
    # Before Redis's message could say so, however quick it is.
    for number in range(300):
        cache.set("page:count", number)
        assert cache.get("page:count") == number


def test_a_process_keeps_its_own_notes_to_itself(redis_url, server, other):
    cache = near(redis_url, OWN_PREFIXES=["note:"])
    cache.set("note:front", ("page 1", "done 7"))
    assert cache.get("note:front") == ("page 1", "done 7")
    assert other.get("note:front") is None  # never in Redis: no other process reads it
    other.set("note:front", "another's")
    assert cache.get("note:front") == ("page 1", "done 7")
    cache.delete("note:front")
    assert cache.get("note:front") is None
    # Not hearing from Redis, a process keeps no copies, nor notes of its own: it uses Redis.
    server.client_kill_filter(_type="pubsub")
    assert eventually(lambda: not cache.hears_changes(), seconds=2)
    cache.set("note:front", "in Redis")
    assert other.get("note:front") == "in Redis"


def test_every_read_returns_objects_of_its_own(redis_url):
    cache = near(redis_url)
    cache.set("page:front", {"headers": {"ETag": "1"}})
    cache.get("page:front")["headers"]["ETag"] = "changed by a caller"
    assert cache.get("page:front") == {"headers": {"ETag": "1"}}


def test_a_flush_drops_every_copy(redis_url, server):
    cache = near(redis_url)
    cache.set("page:front", "kept")
    cache.get("page:front")
    server.flushdb()
    assert eventually(lambda: cache.get("page:front") is None, seconds=1)


def test_a_lost_connection_drops_every_copy_and_reads_go_to_redis_until_it_is_back(
    redis_url, server, other
):
    cache = near(redis_url)
    cache.set("page:front", "old")
    cache.get("page:front")
    killed = server.client_kill_filter(_type="pubsub")
    assert killed >= 1
    # Changed while nobody listens: no message will ever say so.
    other.set("page:front", "new")
    assert cache.get("page:front") == "new"
    assert eventually(cache.hears_changes)
    other.set("page:front", "newer")
    assert eventually(lambda: cache.get("page:front") == "newer", seconds=1)


def test_a_copy_read_while_a_change_was_heard_is_not_kept(redis_url):
    copies = Copies.of(redis_url, (":1:page:",), 100)
    assert eventually(lambda: copies.listening)
    since = copies.generation
    # What the read found may be older than the change heard meanwhile.
    copies.drop([":1:page:front"])
    copies.keep({":1:page:front": "maybe old"}, since, 5)
    assert copies.get(":1:page:front") is None
    copies.keep({":1:page:front": "read after"}, copies.generation, 5)
    assert copies.get(":1:page:front") is not None
    # A change to another key meanwhile does not stop this one being kept: on a busy news
    # day something changes during most reads.
    since = copies.generation
    copies.drop([":1:page:other"])
    copies.keep({":1:page:story": "current"}, since, 5)
    assert copies.get(":1:page:story") is not None
    # A flush meanwhile stops everything read before it.
    since = copies.generation
    copies.drop(None)
    copies.keep({":1:page:story": "maybe old"}, since, 5)
    assert copies.get(":1:page:story") is None


def test_copies_are_kept_no_longer_than_near_seconds(redis_url, server):
    cache = near(redis_url, NEAR_SECONDS=0.2)
    cache.set("page:front", "kept")
    heard()
    cache.get("page:front")
    before = reads(server)
    cache.get("page:front")
    assert reads(server) == before
    time.sleep(0.3)
    cache.get("page:front")
    assert reads(server) == before + 1


def test_a_page_hit_makes_no_round_trip_to_redis(
    redis_url, server, settings, client, make_article, warm_site
):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.near_cache.NearRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {
                "NEAR_PREFIXES": settings.NEWSROOM_HIT_KEYS,
                "OWN_PREFIXES": settings.NEWSROOM_OWN_KEYS,
            },
        }
    }
    from django.core.cache import cache

    assert eventually(cache.hears_changes)
    story = make_article(headline="Harbour reopens")
    warm_site()
    url = story.get_absolute_url()
    client.get(url)
    heard()
    client.get(url)
    before = server.info("stats")["total_commands_processed"]
    for _ in range(20):
        response = client.get(url)
        assert response.context is None and b"Harbour reopens" in response.content
    # INFO itself is the one command counted.
    assert server.info("stats")["total_commands_processed"] == before + 1

    story.headline = "Harbour closes"
    story.save()
    assert eventually(lambda: b"Harbour closes" in client.get(url).content, seconds=1)
