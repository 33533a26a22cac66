"""Two app servers sharing one Redis cache: publishing or withdrawing a story shows at once on
both, because the content version lives in the shared cache."""

import pytest

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
