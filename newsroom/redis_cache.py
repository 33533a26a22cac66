"""Django's Redis cache backend, keeping one client per server.

Django's client makes a new `redis.Redis` for every cache call, and redis-py's constructor
builds its table of some 170 response callbacks each time: measured here, 60 µs a call, about
as long as the round trip to Redis itself. A cached page asks Redis one question, so that was
a third of its time. One client per connection pool is what redis-py intends (it is
thread-safe; the pool hands each command a connection).
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this client
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
