"""Caching of reader pages, and knowing the moment a cached page must go.

Every cached page is filed under the *content version*: a token kept in the cache itself, so
that all app servers sharing one cache (Redis in production) agree on it. Whatever a reader
could notice - a story published, edited, corrected or withdrawn, a photo, section or author
changed - calls `content_changed()`, which replaces the token: from that moment every page is
built afresh and the old entries simply expire.

Time changes what readers see as well: a scheduled story's minute, an embargo lifting, a photo
licence running out. The next such moment is stored beside each version, and the first request
after it replaces the version itself, so no job has to run.

Views mark their pages with `public_page`; `PageCacheMiddleware` keeps them and answers from
the cache before the view, or most middleware, would run. Pages for anonymous readers carry
`Cache-Control: public` with a short max-age (a CDN or a proxy may hold them that long), an
ETag and a Last-Modified, and conditional requests get 304. Signed-in users get `private,
no-store`: never cached anywhere.
"""

import hashlib
import uuid
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

# Named for the shape of what it holds (a tuple: token, time): a server reading another shape
# from a shared cache, during a deployment, would fail to unpickle it on every request.
VERSION_KEY = "newsroom:content-version:tuple"
SHARED_KEY = "newsroom:shared-version"
NEVER = float("inf")
# The only query parameters reader pages read; others (utm_source=...) share one entry.
PAGE_PARAMETERS = ("page", "p", "q", "sort", "before", "after")
# A request without these headers cannot be answered 304 or 412.
CONDITIONS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


@dataclass(frozen=True)
class StoredPage:
    """A page as kept in the cache: its bytes and headers, quicker to load than a response."""

    content: bytes
    headers: dict


class ContentVersion(NamedTuple):
    token: str
    changed_at: float  # a Unix time: when readers last saw anything change


def _version(read):
    # Kept in the cache as a plain tuple: every request reads it, and a class instance takes
    # four times as long to unpickle.
    return read and ContentVersion(*read)


class WorkerMemo:
    """Values this worker keeps, by keys that name one version of something, so that what a
    key holds never changes: up to `limit` in all, as `weigh` counts them, after which it
    starts afresh (the shared cache still has them)."""

    def __init__(self, limit, weigh=lambda value: 1):
        self.limit = limit
        self.weigh = weigh
        self._values = {}
        self._weight = 0

    def get(self, key):
        return self._values.get(key)

    def keep(self, key, value):
        if (kept := self._values.pop(key, None)) is not None:
            # Kept again (a memo past its moment, a page built twice): it counts once.
            self._weight -= self.weigh(kept)
        weight = self.weigh(value)
        if self._weight + weight > self.limit:
            self.clear()
        self._values[key] = value
        self._weight += weight
        return value

    def values(self):
        return self._values.values()

    def clear(self):
        self._values.clear()
        self._weight = 0


def content_changed(*, shared=True):
    """Everything readers see may have changed: every cached page is stale from now on.

    `shared=False` for a change to one story alone: its own fragments (articles.fragments)
    carry its version, and every other story's stay good. Anything several stories show - a
    section, an author, a photo, a tag - changes the shared version too.
    """
    changes = [_new_version, _new_shared_version] if shared else [_new_version]
    for change in changes:
        change()
        # Inside a transaction another request can rebuild pages from the data as it was
        # before the commit; a second new version once it commits drops whatever it cached
        # meanwhile.
        transaction.on_commit(change)


def _new_version(now=None):
    version = ContentVersion(uuid.uuid4().hex, (now or timezone.now()).timestamp())
    cache.set(VERSION_KEY, tuple(version), timeout=None)
    return version


def _new_shared_version():
    token = uuid.uuid4().hex
    cache.set(SHARED_KEY, token, timeout=None)
    return token


def current_version(now=None, *, read=None):
    """The version pages are filed under; a new one once a scheduled change has come due.

    `read` is what the cache held under VERSION_KEY, when the caller read it already.
    """
    global _last_token
    now = now or timezone.now()
    version = _version(read or cache.get(VERSION_KEY)) or _new_version(now)
    if _next_change(version, now) <= now.timestamp():
        # A photo's licence running out changes every card that shows it.
        _new_shared_version()
        version = _new_version(now)
        _next_change(version, now)
    _last_token = version.token
    return version


# The version this worker last saw: almost always still the current one, so a page can be
# asked for under it in the same round trip as the version itself.
_last_token = None


def shared_version():
    """The token of what several stories show, which every story's fragments are filed under."""
    read = cache.get_many([VERSION_KEY, SHARED_KEY])  # one round trip for both
    stored = read.get(VERSION_KEY)
    # Turns the shared version over too when a scheduled change is due.
    if current_version(read=stored) != stored:
        return cache.get(SHARED_KEY) or _new_shared_version()
    return read.get(SHARED_KEY) or _new_shared_version()


# What this worker already knows of each version's next change: one version's answer never
# changes (any change to content makes a new version), so only its age matters.
_known_next_changes = WorkerMemo(100)


def _next_change(version, now):
    known = _known_next_changes.get(version.token)
    if known and known[1] > now.timestamp():
        return known[0]
    key = f"newsroom:next-change:{version.token}"
    moment = cache.get(key)
    if moment is None:
        # The version was made by this or another server moments ago: look it up once.
        moment = _next_visible_change(now)
        cache.set(key, moment, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
    _known_next_changes.keep(
        version.token, (moment, now.timestamp() + settings.NEWSROOM_PAGE_CACHE_SECONDS)
    )
    return moment


def _next_visible_change(now):
    # Imported here because the models call content_changed() from their save methods.
    from articles.models import Article, Photo

    moments = [
        Article.objects.next_visibility_change(now),
        Photo.objects.filter(rights_expire_at__gt=now).aggregate(at=Min("rights_expire_at"))["at"],
    ]
    return min((moment.timestamp() for moment in moments if moment), default=NEVER)


# Values remembered by this worker, by name and version: a version's value never changes.
_remembered = WorkerMemo(100)


def remember(name, compute):
    """A value derived from content, kept until content changes (e.g. the section menu).

    Shared by every request a worker serves: callers must not change it.
    """
    key = f"newsroom:{name}:{current_version().token}"
    value = _remembered.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
        _remembered.keep(key, value)
    return value


def public_page(view=None, *, store=True):
    """Pages the same for every anonymous reader: validators and a public Cache-Control, and
    PageCacheMiddleware keeps them. Signed-in users get `private, no-store`.

    `store=False` still sends the headers and answers conditional requests, but keeps the page
    out of the cache: for search, whose addresses are as many as the queries readers type.
    """
    if view is None:
        return lambda view: public_page(view, store=store)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
            return response
        if callable(getattr(response, "render", None)):
            response.render()
        patch_cache_control(response, public=True, max_age=settings.NEWSROOM_CACHE_MAX_AGE)
        if response.status_code != 200 or response.streaming:
            return response
        # The syndication framework writes a feed in thousands of small pieces, and a WSGI
        # server sends each as its own write: join them once, before caching.
        response.content = response.content
        response.headers["ETag"] = _etag(response.content)
        # The version's time is when anything readers see last changed, on any page: later
        # than or equal to this page's own last change, so a 304 on it is always right.
        version = getattr(request, "content_version", None) or current_version()
        response.headers["Last-Modified"] = http_date(version.changed_at)
        response.content_version = version  # for PageCacheMiddleware: a page for everyone
        return response

    wrapped.keeps_pages = store
    return wrapped


def _etag(content):
    # SHA-256, which CPUs with SHA instructions (this machine's, current servers') compute
    # several times faster than Django's MD5: 78 against 358 µs for the news sitemap's 140 KB,
    # a fifth of what building it from kept fragments costs.
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def _signed_in(request):
    # Without a session cookie nobody is signed in: no need to load a session to know.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


class PageCacheMiddleware:
    """Answers readers without a session from the cache before the rest of the stack runs,
    and keeps the pages public_page() views make as the stack below it finished them.

    A hit resolves no URL and runs no view and no session, CSRF, authentication, messages or
    Content-Security-Policy middleware: their headers were kept with the page. Nobody without a
    session cookie is signed in, so the cookie alone decides; a request carrying one goes
    through the whole stack (the view's public_page tells an editor from a reader).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = _route(request)
        never_kept = _not_kept.get(route)
        key = None
        if not never_kept and self._may_keep(request):
            version, stored, key = _stored_page(request)
            if stored is not None:
                # Stored with its validators and Cache-Control: they hold for the whole version.
                response = HttpResponse(stored.content, headers=stored.headers)
                return _conditional(request, response, version)
            request.content_version = version
        response = self.get_response(request)
        view = getattr(request.resolver_match, "func", None)
        if not never_kept and not getattr(view, "keeps_pages", False):
            # Search, the admin, anything not a reader's page: not worth looking up again.
            _not_kept.keep(route, True)
        version = getattr(response, "content_version", None)
        if version is None:
            return response
        if key and _same_for_everyone(request, response):
            page = StoredPage(response.content, dict(response.headers.items()))
            cache.set(key, page, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
            _saw(key, page)
        return _conditional(request, response, version)

    @staticmethod
    def _may_keep(request):
        return (
            settings.NEWSROOM_STORE_PAGES
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )


# Paths whose view never keeps a page, by this worker: under one URLconf a path always leads
# to the same view.
_not_kept = WorkerMemo(1000)


def _route(request):
    return (getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)


def _same_for_everyone(request, response):
    """Whether nothing in the page is this reader's own: no cookie set, by the view or by the
    middleware above this one (a CSRF token, a session), so that it may go to others."""
    session = getattr(request, "session", None)
    return not (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
    )


def _stored_page(request):
    """The current version, the stored page if any, and the key it is (or would be) stored
    under: one round trip to the cache when the version is the one this worker last saw, and
    only the version's own when this worker has served the page under it already."""
    token = _last_token
    guess = _page_key(request, token) if token else None
    seen = _seen_pages.get(guess)
    if guess is None or seen:
        version_read, page_read = cache.get(VERSION_KEY), None
    else:
        read = cache.get_many([VERSION_KEY, guess])
        version_read, page_read = read.get(VERSION_KEY), read.get(guess)
    version = current_version(read=version_read)
    if version.token == token:
        return version, seen or _saw(guess, page_read), guess
    key = _page_key(request, version.token)
    return version, _saw(key, cache.get(key)), key


# Pages this worker has served, by key, up to 32 MB. A key names one page under one version,
# and a version never changes: while it is current the page may come from here, without its
# bytes crossing from the shared cache again.
_seen_pages = WorkerMemo(32 * 1024 * 1024, weigh=lambda page: len(page.content))


def _saw(key, page):
    return page if page is None else _seen_pages.keep(key, page)


def _page_key(request, token):
    # The raw query string parsed as request.GET would be, without building a QueryDict and
    # encoding it again: a third of a deep page's hit.
    read = []
    if query := request.META.get("QUERY_STRING"):
        pairs = parse_qsl(query, keep_blank_values=True)
        read = sorted(pair for pair in pairs if pair[0] in PAGE_PARAMETERS)
    # get_host() refuses a host not in ALLOWED_HOSTS, before any page is looked up.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{read or ''}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"newsroom:page:{token}:{digest}"


def _conditional(request, response, version):
    """304 Not Modified when the reader's copy is still the page's."""
    if not any(header in request.META for header in CONDITIONS):
        return response
    return get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=int(version.changed_at),
        response=response,
    )
