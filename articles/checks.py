"""System checks for what settings alone cannot refuse when they are imported."""

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Error
from django.utils.module_loading import import_string


def per_process_cache():
    """Whether the default cache lives in each process's own memory, unseen by the others.

    Every process must see one cache: it holds the tokens that end every kept page showing a
    story when it is published, edited or withdrawn (articles.caching), and the pages
    themselves. Kept per process, a change made in one worker (or a management command) leaves
    the others serving what they kept.
    """
    return issubclass(import_string(settings.CACHES["default"]["BACKEND"]), LocMemCache)


def shared_cache(app_configs, **kwargs):
    # Not only under --deploy: `migrate` runs this too, on every release. DEBUG off is taken
    # as production, where a single process never serves alone (management commands change
    # content too); runserver and the tests keep the local-memory default.
    if settings.DEBUG or not per_process_cache():
        return []
    return [
        Error(
            "The default cache is local memory, kept by each process: with several workers, "
            "app servers or management commands, each keeps its own pages and tokens, "
            "and a withdrawn story goes on being served for up to "
            f"NEWSROOM_PAGE_CACHE_SECONDS ({settings.NEWSROOM_PAGE_CACHE_SECONDS} s).",
            hint="Set CACHE_URL to a Redis server every app server shares (redis://host:6379/1).",
            id="articles.E001",
        )
    ]
