"""Django's Redis cache, with each process keeping a copy of the few keys every page hit reads.

A page hit reads a handful of small keys and one page: a round trip to Redis each time costs
more than the rest of the hit. So each process keeps what it read of the keys under the
`NEAR_PREFIXES` option, and Redis tells it when any of them changes: this is Redis's own
client-side caching ("tracking", Redis 6 and later) in broadcasting mode. One connection per
process, in RESP2, asks Redis to track those prefixes, redirects the messages to itself and
listens. Any write to such a key by anyone drops the copy; a flush, a lost connection or
silence from Redis drops them all and reads go to Redis until the connection is back. redis-py
has client-side caching of its own, but only from Redis 7.4 (Debian 12 has 7.0).

A copy is kept only when no message arrived while it was being read (else a message about a
newer value could be handled before the older value is stored), and at most `NEAR_SECONDS`
whatever happens. Writes through this cache drop the copies they touch at once, so a process
reads its own writes. Values are kept pickled, as in Django's local-memory cache: every read
returns objects of its own.

What it keeps must be safe to read a moment late: `articles.caching` reads the tokens that
vouch for a page (its names' and "any change") from Redis itself, outside these prefixes.

Keys under `OWN_PREFIXES` (get, set and delete) are the process's own while it hears from
Redis, and never sent there: the notes that a page was found current, which each process
finds out for itself. Shared, every note one wrote cost the others a read.
"""

import contextlib
import logging
import os
import pickle
import re
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

_ABSENT = object()  # a key Redis does not hold: kept too, as most page lookups find it so


class NearRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        near = tuple(options.pop("NEAR_PREFIXES", ()))
        own = tuple(options.pop("OWN_PREFIXES", ()))
        self._near_seconds = options.pop("NEAR_SECONDS", 5)
        self._near_entries = options.pop("NEAR_MAX_ENTRIES", 4000)
        super().__init__(server, {**params, "OPTIONS": options})
        # Copies only with one server: tracking on a primary says nothing of its replicas.
        self._server = server if isinstance(server, str) and not re.search("[;,]", server) else None
        self._near_prefixes = tuple(self.make_key(prefix) for prefix in near)
        self._own_prefixes = tuple(self.make_key(prefix) for prefix in own)
        if any(not self.make_key(f"{p}x").startswith(self.make_key(p)) for p in near + own):
            raise ImproperlyConfigured("NEAR_PREFIXES need a KEY_FUNCTION that keeps prefixes.")

    @property
    def _copies(self):
        if not self._near_prefixes or self._server is None:
            return None
        copies = Copies.of(self._server, self._near_prefixes, self._near_entries)
        return copies if copies.listening else None

    def hears_changes(self):
        """Whether this process keeps copies now: Redis is telling it of their changes."""
        return self._copies is not None

    def _kept(self, key):
        return key.startswith(self._near_prefixes)

    def _own(self, key):
        return key.startswith(self._own_prefixes)

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def get_many(self, keys, version=None):
        if (copies := self._copies) is None:
            return super().get_many(keys, version=version)
        made = {key: self.make_and_validate_key(key, version=version) for key in keys}
        found, missing = {}, []
        for key, stored_as in made.items():
            copy = copies.get(stored_as) if self._kept(stored_as) else None
            if self._own(stored_as):
                if (copy := copies.get(stored_as)) is not None:
                    found[key] = pickle.loads(copy)
            elif copy is None:
                missing.append(key)
            elif copy is not _ABSENT:
                found[key] = pickle.loads(copy)
        if missing:
            since = copies.generation
            read = super().get_many(missing, version=version)
            keep = {made[key]: read.get(key, _ABSENT) for key in missing if self._kept(made[key])}
            copies.keep(keep, since, self._near_seconds)
            found |= read
        return found

    # Every write drops the copies of what it writes, before and after: a read meanwhile in
    # another thread of this process may not keep what it found either.

    @contextlib.contextmanager
    def _writing(self, keys, version=None):
        copies = self._copies
        stored_as = [self.make_and_validate_key(key, version=version) for key in keys]
        if copies is not None:
            copies.drop(stored_as)
        try:
            yield
        finally:
            if copies is not None:
                copies.drop(stored_as)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._writing([key], version):
            return super().add(key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with self._writing([key], version):
            return super().touch(key, timeout, version)

    def delete(self, key, version=None):
        with self._writing([key], version):
            return super().delete(key, version)

    def incr(self, key, delta=1, version=None):
        with self._writing([key], version):
            return super().incr(key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if (copies := self._copies) is not None:
            own = {key for key in data if self._own(self.make_and_validate_key(key, version))}
            seconds = self.get_backend_timeout(timeout)
            copies.put({self.make_key(key, version): data[key] for key in own}, seconds)
            data = {key: value for key, value in data.items() if key not in own}
        with self._writing(list(data), version):
            return super().set_many(data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        with self._writing(keys, version):
            super().delete_many(keys, version)

    def clear(self):
        if (copies := self._copies) is not None:
            copies.drop(None)
        return super().clear()


class Copies:
    """One process's copies of the tracked keys, and the thread that hears of their changes."""

    _lock = threading.Lock()
    _every = {}

    @classmethod
    def of(cls, url, prefixes, entries):
        # Django makes a cache object per thread; the copies are the process's. A worker
        # forked from a parent that had them starts its own, with its own connection.
        with cls._lock:
            key = (os.getpid(), url, prefixes)
            if key not in cls._every:
                cls._every[key] = cls(url, prefixes, entries)
            return cls._every[key]

    def __init__(self, url, prefixes, entries):
        self.url, self.prefixes, self.entries = url, prefixes, entries
        self.lock = threading.Lock()
        self.values = {}
        # Each drop's number, and the last one of each key: a read kept only what did not
        # change while it was under way. Past a bound they are forgotten, with every copy
        # read before.
        self.generation = 0
        self.dropped = {}
        self.forgotten = 0
        self.listening = False
        threading.Thread(target=self._listen, name="near-cache", daemon=True).start()

    def get(self, key):
        entry = self.values.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def keep(self, values, since, seconds):
        """Keeps what was read, but not a key whose change was heard since the read began."""
        until = time.monotonic() + seconds
        with self.lock:
            if since < self.forgotten or not self.listening:
                return
            for key, value in values.items():
                if self.dropped.get(key, since) > since:
                    continue
                self.values.pop(key, None)  # to the end: the oldest copies go first
                self.values[key] = (until, value if value is _ABSENT else pickle.dumps(value))
            while len(self.values) > self.entries:
                del self.values[next(iter(self.values))]

    def put(self, values, seconds):
        """Keeps this process's own values, which Redis never holds."""
        until = time.monotonic() + (3600 if seconds is None else seconds)
        with self.lock:
            for key, value in values.items():
                self.values.pop(key, None)
                self.values[key] = (until, pickle.dumps(value))
            while len(self.values) > self.entries:
                del self.values[next(iter(self.values))]

    def drop(self, keys):
        """Drops the copies of `keys` (all with None)."""
        with self.lock:
            self.generation += 1
            for key in keys or ():
                self.values.pop(key, None)
                self.dropped[key] = self.generation
            if keys is None:
                self.values.clear()
            if keys is None or len(self.dropped) > 10 * self.entries:
                self.dropped.clear()
                self.forgotten = self.generation

    def _listen(self):
        while True:
            connection = redis.ConnectionPool.from_url(self.url, protocol=2).make_connection()
            try:
                self._track(connection)
            except Exception as error:  # whatever it was, the copies go and it starts again
                # Said once an outage, not each second it lasts.
                log = logger.warning if self.listening else logger.debug
                log("Near cache: not hearing from Redis (%s), so reading it", error)
            finally:
                with self.lock:
                    self.listening = False
                self.drop(None)
                connection.disconnect()
            time.sleep(1)

    def _track(self, connection):
        connection.connect()
        connection.send_command("CLIENT", "ID")
        me = connection.read_response()
        prefixes = [part for prefix in self.prefixes for part in ("PREFIX", prefix)]
        connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", me, "BCAST", *prefixes)
        connection.read_response()
        connection.send_command("SUBSCRIBE", "__redis__:invalidate")
        connection.read_response()
        self.drop(None)
        with self.lock:
            self.listening = True
        heard = time.monotonic()
        while True:
            if connection.can_read(timeout=0.5):
                reply = connection.read_response()  # a message, or ["pong", ""]
                heard = time.monotonic()
                if reply[0] == b"message":
                    # None: the database was flushed.
                    keys = reply[2]
                    self.drop(None if keys is None else [key.decode() for key in keys])
            elif time.monotonic() - heard > 2:
                raise redis.ConnectionError("no answer to PING for 2 s")
            else:
                connection.send_command("PING")
