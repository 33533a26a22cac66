"""Django's Redis cache backend, keeping one client per server and watching a few hot keys.

Django's client makes a new `redis.Redis` for every cache call, and redis-py's constructor
builds its table of some 170 response callbacks each time: measured here, 60 µs a call, about
as long as the round trip to Redis itself. One client per connection pool is what redis-py
intends (it is thread-safe; the pool hands each command a connection).

A few keys are read by every request (the content versions, in articles.caching): OPTIONS
"WATCH" names their prefixes, and this process answers them from its own memory until Redis
says they changed. That is Redis's server-assisted client-side caching in broadcasting mode:
Redis sends the name of every key under those prefixes that anyone sets, deletes, expires or
flushes to one connection of ours, which each read drains first. redis-py has this built in
only for Redis 7.4 and later; Debian's is 7.0.
"""

import os
import select
import threading
import time

from django.core.cache.backends import redis
from redis.exceptions import ConnectionError as Disconnected
from redis.exceptions import TimeoutError as Unanswered

# A value learned is trusted this long at most, even though Redis says when it changes: a
# connection that dies without a word (a firewall dropping idle sockets) loses at most this.
TRUST_SECONDS = 1.0
INVALIDATIONS = "__redis__:invalidate"


class Watch:
    """The last known values of keys under some prefixes, dropped the moment Redis says one
    changed, or the watch's own connection fails.

    Every caller is handed the same object: watched keys must hold values nobody changes.
    """

    def __init__(self, prefixes, connect):
        self.prefixes = tuple(prefixes)
        self._connect = connect
        self._lock = threading.Lock()
        self._connection = None
        self._readable = None  # polls the connection's socket
        self._pid = None
        self._values = {}  # key -> (value or None when absent, trusted until)
        self._generation = 0  # counts what dropped values, so a read in flight is not kept

    def watches(self, key):
        return key.startswith(self.prefixes)

    def known(self, keys):
        """The values this process knows of those keys that are watched, and a mark to hand
        back to `learn()` with what was read for the others."""
        with self._lock:
            if not self._listening():
                return {}, None
            now = time.monotonic()
            known = {}
            for key in keys:
                entry = self._values.get(key)
                if entry is not None and entry[1] > now:
                    known[key] = entry[0]
            return known, self._generation

    def learn(self, read, mark):
        """Keep what was read of watched keys, unless something changed since `known()`."""
        with self._lock:
            if mark is None or mark != self._generation:
                return
            until = time.monotonic() + TRUST_SECONDS
            for key, value in read.items():
                if self.watches(key):
                    self._values[key] = (value, until)

    def _listening(self):
        """Whether every change Redis announced has been taken in; connects if need be."""
        if self._pid != os.getpid():
            # A forked worker shares its parent's socket: it needs its own.
            self._connection, self._pid = None, os.getpid()
            self._forget()
        try:
            if self._connection is None:
                self._connection = self._subscribe()
                self._readable = select.poll()
                self._readable.register(self._connection._sock, select.POLLIN)
                self._drain()
            # Each drain empties redis-py's buffer, so the socket alone tells whether anything
            # came since: a poll takes a microsecond, redis-py's own check ten.
            elif self._readable.poll(0):
                self._drain()
            return True
        except (Disconnected, Unanswered, OSError):
            # Whatever happened meanwhile went unheard: start over, asking Redis.
            self._close()
            return False

    def _subscribe(self):
        connection = self._connect()
        try:
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            prefixes = [part for prefix in self.prefixes for part in ("PREFIX", prefix)]
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", *prefixes
            )
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATIONS)
            connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
        # Values from before the subscription may have changed unannounced.
        self._forget()
        return connection

    def _drain(self):
        while self._connection.can_read(timeout=0):
            self._take(self._connection.read_response())

    def _take(self, message):
        if message[0] != b"message":
            return
        keys = message[2]
        if keys is None:  # the database was flushed
            self._forget()
            return
        self._generation += 1
        for key in keys:
            self._values.pop(key.decode(), None)

    def _forget(self):
        self._generation += 1
        self._values.clear()

    def _close(self):
        if self._connection is not None:
            self._connection.disconnect()
        self._connection = self._readable = None
        self._forget()


_watches = {}
_watches_lock = threading.Lock()


def _shared_watch(server, prefixes, connect):
    # Django makes a cache backend per thread: they share one watch, and its one connection.
    with _watches_lock:
        key = (server, tuple(prefixes))
        if key not in _watches:
            _watches[key] = Watch(prefixes, connect)
        return _watches[key]


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, servers, *, watch=(), **options):
        super().__init__(servers, **options)
        self._clients = {}
        self._watch = watch and _shared_watch(self._servers[0], watch, self._watch_connection)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this client
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get(self, key, default):
        if self._watch and self._watch.watches(key):
            return self.get_many([key]).get(key, default)
        return super().get(key, default)

    def get_many(self, keys):
        if not self._watch:
            return super().get_many(keys)
        values, mark = self._watch.known(keys)
        asked = [key for key in keys if key not in values]
        if asked:
            # Watched keys are read where they are written: a replica lagging behind could
            # hand back a value Redis has already said is stale.
            watched = any(self._watch.watches(key) for key in asked)
            raw = self.get_client(write=watched).mget(asked)
            read = {
                key: None if value is None else self._serializer.loads(value)
                for key, value in zip(asked, raw, strict=True)
            }
            self._watch.learn(read, mark)
            values.update(read)
        return {key: value for key, value in values.items() if value is not None}

    def _watch_connection(self):
        # Redis announces changes where keys are written. RESP2, so that after SUBSCRIBE the
        # connection carries nothing but the announcements.
        options = {**self._pool_options, "protocol": 2}
        pool = self._pool_class.from_url(self._servers[0], **options)  # the server written to
        return pool.get_connection()


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        options = dict(self._options)
        prefixes = options.pop("WATCH", ())
        self._options = {**options, "watch": [self.make_key(prefix) for prefix in prefixes]}
