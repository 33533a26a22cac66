"""Reader pages, and the pieces they are made of, kept until something they show changes.

**Names** say what readers see: `story:42` (story 42's page), `card:42` and `brief:42` (its
card, and the brief card beside related stories), `list:section:3`, `list:tag:7` and
`list:author:5` (which stories those pages list, in what order), `stories` (any public story:
the front page, feeds, sitemaps), `site` (what every page shows, like the section menu, or a
change too wide to say) and `alerts` (the breaking news banner, on every page but in no card).
A view names what its page shows with `shows(request, ...)`; a page that names nothing shows
`stories`, every page and piece shows `site`, and every page `alerts`.

**Changes** give names new tokens in the shared cache: `changed(*names)`, which
`articles.invalidation` calls with the names of what each saved change shows readers (a
draft shows none). A kept page or piece holds the tokens its names had when it was built and
is used only while they all still hold, so a change ends exactly what shows it, on every
server sharing the cache (Redis in production), and a page built while anything changed is
not kept at all.

**Time** changes what readers see with nothing saved: a scheduled story's minute, an embargo
lifting, a photo licence running out, a banner's start and end. The next such moment is kept in
the cache, and the first request after it asks the function registered with `on_schedule()`
what came due. A page showing something that ends by itself says when (`expires()`): no
browser or proxy is told to keep it past that moment, however it is served.

**Pages** of views marked `public_page` are kept whole by `PageCacheMiddleware`, which answers
readers without a session cookie before sessions, CSRF and authentication run: the page, a
note of when it was last found current, the schedule and the "done" token in one read, and its
names' tokens in a second only after a change somewhere. On Redis each process keeps a copy of
the page, the clock and "done", which Redis tells it to drop when they change, and its notes
for itself (`newsroom/near_cache.py`): a hit makes no round trip. Tokens that vouch for a page
are always read from the cache itself.
Anonymous readers get `Cache-Control: public` with a short max-age, an ETag, a Last-Modified
and 304s; signed-in users get `private, no-store`. **Pieces** (`kept_pieces()`) are each
story's cards and its part of its page, for the pages built afresh: a change to one story draws
only its own again. `kept_value()` keeps what a page works out before drawing (the story or
list at an address, a list's page of stories, a search's matches, a story's related stories, a
front's arrangement) with the names it was built from.
"""

import functools
import hashlib
import uuid
from datetime import UTC, datetime

import django
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.safestring import mark_safe

PREFIX = "newsroom:"
SCHEDULE = f"{PREFIX}schedule"
# A new token as every change begins: a page built while it moved is not kept.
ANY_CHANGE = "any"
# And as every change ends: a kept page holding the current one needs no other token read.
DONE = "done"
SITE = "site"
ALERTS = "alerts"
EDITION_SETTINGS = [
    "NEWSROOM_SITE_NAME",
    "NEWSROOM_LOGO",
    "NEWSROOM_SHARE_IMAGE",
    "TIME_ZONE",
    "NEWSROOM_COPYRIGHT_NOTICE",
    "NEWSROOM_COPYRIGHT_HOLDER",
    "STATIC_URL",
]
# The only query parameters reader pages read; others (utm_source=...) share one entry.
PAGE_PARAMETERS = ("page", "p", "q", "sort", "before", "after")


def _token_key(name):
    return f"{PREFIX}token:{name}"


def changed(*names):
    """What those names show has changed: whatever was kept showing them is not used again.

    The "any change" token is replaced first, then the names', then "done": a cache that
    writes one key at a time (files, local memory) must never show a page being kept the new
    token of a name with the old "any change", or a page built from the data before would be
    kept as current; and a page holding the "done" token read before its names holds every
    name a change finished before it. Pages read them the other way round
    (PageCacheMiddleware).
    """
    if names:
        cache.set(_token_key(ANY_CHANGE), uuid.uuid4().hex, timeout=None)
        given = {_token_key(name): uuid.uuid4().hex for name in names}
        cache.set_many(given, timeout=None)
        cache.set(_token_key(DONE), uuid.uuid4().hex, timeout=None)


def tokens(names, read=None):
    """The current token of each name.

    A name without one (never changed yet, or its token evicted from a full cache) is given a
    new one: were "none" a token, a page kept while a name had none would come back into use
    whenever the cache dropped the token a change gave it since. A new token only ever ends
    what was kept, so two requests giving one at once cost a rebuild, never a stale page.
    """
    read = cache.get_many([_token_key(name) for name in names]) if read is None else read
    current = {name: read.get(_token_key(name)) for name in names}
    if missing := [name for name, token in current.items() if token is None]:
        given = {name: uuid.uuid4().hex for name in missing}
        cache.set_many({_token_key(name): token for name, token in given.items()}, timeout=None)
        current |= given
    return current


def shows(request, *names):
    """The page being built for `request` shows these names (see the module's docstring)."""
    request.shows = getattr(request, "shows", set()) | set(names)


def expires(request, moment):
    """The page being built for `request` changes by itself at `moment` (a banner ends, or
    one starts): nobody is told to keep it longer."""
    if moment is not None:
        request.expires_at = min(moment, getattr(request, "expires_at", moment))


# Time

_schedule = None


def on_schedule(function):
    """Registers `function(since, now)`: names what readers see differently between the two
    moments with nothing saved, and returns (those names, the next such moment or None)."""
    global _schedule
    _schedule = function
    return function


def schedule_changed():
    """A saved change may have moved the next moment (a story scheduled, a licence given an
    end): the next request looks again."""
    if (read := cache.get(SCHEDULE)) is not None:
        cache.set(SCHEDULE, (read[0], timezone.now().timestamp()), timeout=None)


def keep_time(read):
    """Tells what came due since a request last looked, when something did; True if so.

    With no schedule kept (a new or emptied cache), nothing kept can be vouched for: the whole
    site changes.
    """
    now = timezone.now().timestamp()
    if _schedule is None or (read is not None and (read[1] is None or read[1] > now)):
        return False
    since = read[0] if read else now
    names, moment = _schedule(datetime.fromtimestamp(since, UTC), datetime.fromtimestamp(now, UTC))
    changed(*names, *([] if read else [SITE]))
    cache.set(SCHEDULE, (now, moment and moment.timestamp()), timeout=None)
    return True


# Pieces


def kept_pieces(pieces, draw, *, keep=True):
    """Each piece's kept HTML, in order, drawing only those not kept or no longer current.

    `pieces` are (key, name) pairs: what the piece is, and the name whose change it shows;
    `draw(missing keys)` returns the HTML of each by key (one it leaves out, its story deleted
    meanwhile, comes back empty).
    """
    if not (keep and settings.NEWSROOM_STORE_PIECES):  # `keep=False`: a preview, for one editor
        drawn = draw([key for key, _ in pieces])
        return [mark_safe(drawn.get(key, "")) for key, _ in pieces]
    shown = dict(pieces)
    names = {*shown.values(), SITE}
    edition = _edition()
    stored_as = {key: f"{PREFIX}piece:{edition}:{key}" for key in shown}
    read = cache.get_many([*stored_as.values(), SCHEDULE, *map(_token_key, names)])
    if keep_time(read.get(SCHEDULE)):
        read |= cache.get_many([_token_key(name) for name in names])
    current = tokens(names, read)

    def holding(key):
        return (current[shown[key]], current[SITE])

    found = {}
    for key in shown:
        entry = read.get(stored_as[key])
        if entry is not None and entry[0] == holding(key):
            found[key] = entry[1]
    if missing := [key for key in shown if key not in found]:
        drawn = draw(missing)
        # With the tokens read before drawing: after a change meanwhile, they are not used.
        cache.set_many(
            {stored_as[key]: (holding(key), html) for key, html in drawn.items()},
            timeout=settings.NEWSROOM_PIECE_CACHE_SECONDS,
        )
        found |= drawn
    return [mark_safe(found.get(key, "")) for key, _ in pieces]


def kept_value(key, build, *, keep=True):
    """A value kept until a name it shows changes: `build()` returns it with those names, or
    raises (nothing is kept).

    For what a page works out before it draws anything, when which names it shows depends on
    the data itself (a story's related stories follow its tags).
    """
    if not (keep and settings.NEWSROOM_STORE_PIECES):  # `keep=False`: a preview, as for pieces
        return build()[0]
    stored_as = f"{PREFIX}piece:{_edition()}:{key}"
    read = cache.get_many([stored_as, SCHEDULE, _token_key(DONE)])
    # As a page is vouched for, with no further read while nothing changed (see changed()).
    done = tokens([DONE], read)[DONE]
    if keep_time(read.get(SCHEDULE)):
        done = tokens([DONE])[DONE]
    if (entry := read.get(stored_as)) is not None and _tokens_after(done, entry[0]) == entry[0]:
        return entry[1]
    # As for pages: kept only if nothing changed while it was built (see changed()).
    before = tokens([ANY_CHANGE])[ANY_CHANGE]
    value, names = build()
    built_with = tokens([*names, SITE])
    if tokens([ANY_CHANGE])[ANY_CHANGE] == before:
        cache.set(stored_as, (built_with, value), timeout=settings.NEWSROOM_PIECE_CACHE_SECONDS)
    return value


def _edition():
    """What every kept thing may show that no saved change names: the year (copyright lines),
    the site's name, logo and notice, the zone times are shown in, the stylesheet's address (a
    deployment)."""
    return _edition_of(
        timezone.localdate().year,
        *(getattr(settings, name) for name in EDITION_SETTINGS),
    )


@functools.lru_cache(maxsize=16)
def _edition_of(*edition):
    # The stylesheet's hashed name, looked up once: reading the manifest costs more. Django's
    # version: kept stories are pickled models, which another version may not read.
    value = repr((*edition, static("css/site.css"), django.get_version())).encode()
    return hashlib.blake2b(value, digest_size=8).hexdigest()


# Pages


def public_page(view=None, *, store=True):
    """Pages the same for every anonymous reader: validators and a public Cache-Control, and
    PageCacheMiddleware keeps them. Signed-in users get `private, no-store`.

    `store=False` still sends the headers and answers conditional requests, but keeps the page
    out of the cache: for search, whose addresses are as many as the queries readers type.
    """
    if view is None:
        return lambda view: public_page(view, store=store)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            return response
        if callable(getattr(response, "render", None)):
            response.render()
        patch_cache_control(response, public=True, max_age=settings.NEWSROOM_CACHE_MAX_AGE)
        if response.status_code == 200 and not response.streaming:
            # The syndication framework writes a feed in thousands of small pieces, and a WSGI
            # server sends each as its own write: joined once.
            response.content = response.content
            response.headers["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            response.headers.setdefault("Last-Modified", http_date())
            response.public_page = store
        return response

    wrapped.keeps_pages = store
    return wrapped


class PageCacheMiddleware:
    """Answers readers without a session cookie from the cache, before the rest of the stack
    runs, and keeps the pages public_page() views make, as the stack below finished them.

    Nobody without a session cookie is signed in, so the cookie alone decides; a request
    carrying one goes through the whole stack (the view's public_page tells an editor from a
    reader).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_keep(request):
            response = self.get_response(request)
            return _kept_until(response, getattr(request, "expires_at", None))
        key = _page_key(request)
        checked = _checked_key(key)
        read = cache.get_many([key, checked, SCHEDULE, _token_key(DONE)])
        # Read before any name's token: a page may be vouched for with it (see changed()).
        done = tokens([DONE], read)[DONE]
        if (page := read.get(key)) is not None:
            # The tokens of its names when it was built, when it changes by itself, and which
            # page it is. Beside it, small, the "done" token it was last found current with:
            # while that holds nothing changed since, and the one read served.
            content, headers, built_with, expires_at, which = page
            if keep_time(read.get(SCHEDULE)):
                done = tokens([DONE])[DONE]
            current = read.get(checked) == (which, done)
            if not current and (current := _tokens_after(done, built_with) == built_with):
                cache.set(checked, (which, done), timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
            if current:
                response = HttpResponse(content, headers=headers)
                return _conditional(request, _kept_until(response, expires_at))
        before = tokens([ANY_CHANGE])[ANY_CHANGE]
        response = self.get_response(request)
        expires_at = getattr(request, "expires_at", None)
        if getattr(response, "public_page", False) and _same_for_everyone(request, response):
            names = getattr(request, "shows", None) or {"stories"}
            # The names first, then "any change" (see changed()): unchanged since the page began,
            # no name's token read here is newer than the data the page was built from.
            now = tokens([*names, SITE, ALERTS])
            _known_after(done).update(now)
            if tokens([ANY_CHANGE])[ANY_CHANGE] == before:
                which = uuid.uuid4().hex
                page = (response.content, dict(response.headers.items()), now, expires_at, which)
                cache.set_many(
                    {key: page, checked: (which, done)},
                    timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS,
                )
        return _conditional(request, _kept_until(response, expires_at))

    @staticmethod
    def _may_keep(request):
        return (
            settings.NEWSROOM_STORE_PAGES
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Not looked up for what no view keeps (the admin, search, a 404): resolving the
            # address costs less than a round trip to the cache.
            and getattr(_view(request), "keeps_pages", False)
        )


# The tokens of the names of the pages this process built or vouched for, each read after
# "done" had the token kept beside them: after a change the process reads them all again at
# once, not once for each page it vouches for again.
_known = (None, {})
KNOWN_MAX = 20_000


def _known_after(done):
    global _known
    if _known[0] != done:
        names = list(_known[1]) if len(_known[1]) <= KNOWN_MAX else []
        _known = (done, tokens(names) if names else {})
    return _known[1]


def _tokens_after(done, names):
    """The current tokens of `names`, each read after "done" had the token `done`: what a page
    is vouched for with (see changed())."""
    known = _known_after(done)
    if missing := [name for name in names if name not in known]:
        known |= tokens(missing)
    return {name: known[name] for name in names}


def _view(request):
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return None


def _same_for_everyone(request, response):
    """Whether nothing in the page is this reader's own: no cookie set, by the view or by the
    middleware above this one (a CSRF token, a session), so that it may go to others."""
    session = getattr(request, "session", None)
    return not (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
    )


def _page_key(request):
    read = sorted((name, value) for name, value in request.GET.items() if name in PAGE_PARAMETERS)
    # get_host() refuses a host not in ALLOWED_HOSTS, before any page is looked up.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{read}"
    # "v2": what a page holds changed; pages the release before kept are not read.
    return f"{PREFIX}page:v2:{_edition()}:{hashlib.sha256(address.encode()).hexdigest()}"


def _checked_key(page_key):
    # Apart from the page: after a change, a page still current is vouched for again with a
    # few bytes, not rewritten whole. Naming the page, so that a request vouching for the
    # page it read never vouches for one built since.
    return page_key.replace(f"{PREFIX}page:", f"{PREFIX}checked:", 1)


def _kept_until(response, moment):
    """A page that changes by itself at `moment` is kept by browsers and nginx no longer.

    Browsers get an absolute Expires in place of max-age: nginx hands a kept page on for a few
    seconds with the headers it came with, and a lifetime counted from when a browser receives
    it would outlast the moment by as much. nginx is told with X-Accel-Expires when the moment
    comes within its own lifetime for the page. Worked out as the page is sent: a page kept
    here was built with the lifetime it had then.
    """
    if moment is None:
        return response
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    if {"private", "no-store"} & set(directives):
        return response
    now, at = timezone.now().timestamp(), moment.timestamp()
    max_age = next((int(d[8:]) for d in directives if d.startswith("max-age=")), None)
    if max_age is not None and at - now < max_age:
        response["Cache-Control"] = ", ".join(d for d in directives if d != f"max-age={max_age}")
        response["Expires"] = http_date(at)
    # nginx counts in whole seconds and uses a page through the last one it is given (as it
    # does its own lifetime): the second before the moment's is the last it may have. An
    # absolute time, or the moments nginx and this server take the page at would add up.
    last = int(at) - 1
    if last < int(now) + settings.NEWSROOM_MICROCACHE_SECONDS:
        response["X-Accel-Expires"] = f"@{last}" if last >= int(now) else "0"
    return response


def _conditional(request, response):
    """304 Not Modified when the reader's copy is still the page's."""
    modified = parse_http_date_safe(response.headers.get("Last-Modified", ""))
    etag = response.headers.get("ETag")
    return get_conditional_response(request, etag=etag, last_modified=modified, response=response)
