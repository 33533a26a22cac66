"""Who is asking, and whether they have asked too often this minute."""

import time

from django.core.cache import cache

from articles.models import Partner

RATE_PREFIX = "newsroom:api-rate"


def partner_of(request):
    """The active partner whose key the request carries (`Authorization: Bearer <key>`, or
    `X-Api-Key`), else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        key = request.headers.get("X-Api-Key", "")
    return Partner.objects.with_key(key.strip())


def seconds_until_allowed(partner, now=None):
    """0 if the partner may make this request, else how long until the next minute begins.

    Counted in the shared cache, so every server counts the same minute.
    """
    now = time.time() if now is None else now
    minute = int(now // 60)
    key = f"{RATE_PREFIX}:{partner.pk}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between the two calls: this request starts the count
        cache.set(key, 1, timeout=120)
        count = 1
    if count > partner.requests_per_minute:
        return int(60 - now % 60) + 1
    return 0
