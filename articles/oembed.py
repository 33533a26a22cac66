"""Embeds by address: which providers we take, what their oEmbed endpoints answer, and the one
address readers' browsers may frame for each (docs/architecture.md, "Story bodies").

A small table of our own rather than micawber's: besides an endpoint, each provider needs
what no oEmbed library knows - the origin its player is framed from (the Content-Security-
Policy's `frame-src` is built from this table), the privacy-enhanced player to use instead
(youtube-nocookie.com), the hosts its thumbnails may come from (we download them, so nothing
else may be asked), and, for maps, a player built from the address since OpenStreetMap and
Google Maps have no oEmbed endpoint. `NEWSROOM_OEMBED_PROVIDERS` overrides any of these per
provider (tests point them at a server on loopback).
"""

import dataclasses
import json
import math
import re
import socket
from html.parser import HTMLParser
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit
from urllib.request import Request, urlopen

# An address longer than this is not one an editor pasted.
MAX_URL = 500
MAX_ANSWER_BYTES = 512 * 1024
MAX_TEXT = 300


@dataclasses.dataclass(frozen=True)
class Provider:
    key: str
    name: str
    domain: str  # what the reader's button names: "sends you to youtube.com"
    noun: str  # "video", "post", "map"
    hosts: frozenset
    path: str  # a regular expression the address's path (and query) must match whole
    endpoint: str = ""  # its oEmbed endpoint; none for maps, or where one needs an app token
    frame_origins: tuple = ()  # where its player may be framed from; none: readers get a link
    # A player address from the answer on one of these hosts is moved to the other.
    frame_rewrite: tuple = ()
    thumbnail_hosts: tuple = ()  # the hosts (or their parents) its thumbnails come from
    map: str = ""  # "osm" or "google": a player built from the address itself

    def matches(self, url):
        parts = urlsplit(url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        return parts.hostname in self.hosts and re.fullmatch(self.path, where) is not None


_ID = r"[A-Za-z0-9_-]"
PROVIDERS = (
    Provider(
        "youtube",
        "YouTube",
        "youtube.com",
        "video",
        frozenset({"www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be"}),
        rf"/watch\?(?:[^#]*&)?v={_ID}{{11}}(?:&[^#]*)?|/(?:shorts/|embed/|live/)?{_ID}{{11}}(?:\?[^#]*)?",
        endpoint="https://www.youtube.com/oembed",
        frame_origins=("https://www.youtube-nocookie.com",),
        frame_rewrite=(("www.youtube.com", "www.youtube-nocookie.com"),),
        thumbnail_hosts=("ytimg.com",),
    ),
    Provider(
        "vimeo",
        "Vimeo",
        "vimeo.com",
        "video",
        frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}),
        r"/(?:video/)?[0-9]{1,12}(?:/[0-9a-f]{1,20})?(?:\?[^#]*)?",
        endpoint="https://vimeo.com/api/oembed.json",
        frame_origins=("https://player.vimeo.com",),
        thumbnail_hosts=("vimeocdn.com",),
    ),
    Provider(
        "x",
        "X",
        "x.com",
        "post",
        frozenset({"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}),
        r"/\w{1,15}/status/[0-9]{1,25}(?:\?[^#]*)?",
        endpoint="https://publish.twitter.com/oembed",
    ),
    Provider(
        "bluesky",
        "Bluesky",
        "bsky.app",
        "post",
        frozenset({"bsky.app"}),
        r"/profile/[A-Za-z0-9.:_-]{1,253}/post/[a-z0-9]{1,20}",
        endpoint="https://embed.bsky.app/oembed",
    ),
    Provider(
        # Meta's oEmbed needs an app token (set one with NEWSROOM_OEMBED_PROVIDERS).
        "instagram",
        "Instagram",
        "instagram.com",
        "post",
        frozenset({"instagram.com", "www.instagram.com"}),
        r"/(?:[\w.]{1,30}/)?(?:p|reel|tv)/[A-Za-z0-9_-]{1,40}/?(?:\?[^#]*)?",
    ),
    Provider(
        "tiktok",
        "TikTok",
        "tiktok.com",
        "video",
        frozenset({"www.tiktok.com", "tiktok.com"}),
        r"/@[\w.-]{1,40}/video/[0-9]{1,25}(?:\?[^#]*)?",
        endpoint="https://www.tiktok.com/oembed",
        thumbnail_hosts=("tiktokcdn.com", "tiktokcdn-us.com"),
    ),
    Provider(
        "facebook",
        "Facebook",
        "facebook.com",
        "post",
        frozenset({"www.facebook.com", "facebook.com", "m.facebook.com"}),
        r"/[\w.-]{1,80}/(?:posts|videos)/[\w.-]{1,80}/?(?:\?[^#]*)?|/watch/?\?v=[0-9]{1,25}",
    ),
    Provider(
        "openstreetmap",
        "OpenStreetMap",
        "openstreetmap.org",
        "map",
        frozenset({"www.openstreetmap.org", "openstreetmap.org"}),
        r"/(?:\?[^#]*)?",
        frame_origins=("https://www.openstreetmap.org",),
        map="osm",
    ),
    Provider(
        "googlemaps",
        "Google Maps",
        "google.com",
        "map",
        frozenset({"www.google.com", "google.com", "maps.google.com"}),
        r"/maps(?:/[^?#]*)?(?:\?[^#]*)?",
        frame_origins=("https://www.google.com",),
        map="google",
    ),
)
# What the Content-Security-Policy lets a reader's page frame, and nothing else.
FRAME_ORIGINS = tuple(dict.fromkeys(o for p in PROVIDERS for o in p.frame_origins))


def providers(overrides=None):
    """The table, with `overrides` ({key: {field: value}}, NEWSROOM_OEMBED_PROVIDERS) applied."""
    overrides = overrides or {}
    return tuple(dataclasses.replace(p, **overrides.get(p.key, {})) for p in PROVIDERS)


def provider_for(url, table=PROVIDERS):
    """The provider of an address an editor pasted, or None: an address we do not embed."""
    if not isinstance(url, str) or len(url) > MAX_URL or not re.fullmatch(r"https?://\S+", url):
        return None
    if re.search(r"[\"'<>\\`]", url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    if parts.username or parts.password:
        return None
    return next((provider for provider in table if provider.matches(url)), None)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What we keep of a provider's answer: text, a thumbnail to copy, a player to frame."""

    title: str = ""
    author_name: str = ""
    thumbnail_url: str = ""
    frame_src: str = ""
    width: int | None = None
    height: int | None = None


class EmbedError(Exception):
    """A provider's answer we could not use; the message is written for the editor."""


def fetch(url, provider, *, timeout):
    """Ask the provider about `url`; an Answer, or EmbedError saying what went wrong."""
    if provider.map:
        return map_answer(url, provider)
    if not provider.endpoint:
        return Answer()
    query = urlencode({"url": url, "format": "json", "maxwidth": 1200})
    data = _get(f"{provider.endpoint}?{query}", provider, timeout=timeout, limit=MAX_ANSWER_BYTES)
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise EmbedError(f"{provider.name} answered with something that is not an oEmbed answer.")
    return parse_answer(answer, provider)


def download(url, provider, *, timeout, limit):
    """The bytes of a thumbnail the answer named, from one of the provider's own hosts."""
    if not thumbnail_allowed(url, provider):
        raise EmbedError(f"{provider.name}'s thumbnail is not on one of its own hosts.")
    return _get(url, provider, timeout=timeout, limit=limit)


def thumbnail_allowed(url, provider):
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme in {"http", "https"} and any(
        host == allowed or host.endswith(f".{allowed}") for allowed in provider.thumbnail_hosts
    )


def _get(url, provider, *, timeout, limit):
    request = Request(
        url, headers={"Accept": "application/json, image/*", "User-Agent": "Newsroom"}
    )
    try:
        with urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except HTTPError as error:
        raise EmbedError(
            f"{provider.name} refused ({error.code}): the {provider.noun} may be private, "
            "deleted or not embeddable."
        ) from error
    except TimeoutError as error:
        raise EmbedError(f"{provider.name} did not answer within {timeout:g} seconds.") from error
    except (URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise EmbedError(
                f"{provider.name} did not answer within {timeout:g} seconds."
            ) from error
        raise EmbedError(f"{provider.name} could not be reached ({reason}).") from error
    if len(data) > limit:
        raise EmbedError(f"{provider.name} answered with more than we read.")
    return data


def _text(value):
    return " ".join(str(value).split())[:MAX_TEXT] if isinstance(value, str | int) else ""


def _size(value):
    try:
        size = int(value)
    except (TypeError, ValueError):
        return None
    return size if 0 < size <= 10_000 else None


def parse_answer(answer, provider):
    """An oEmbed answer (a dict) as we keep it. Pure. The answer's HTML is read only for its
    iframe's address, kept when it is on the provider's own player origin."""
    width, height = _size(answer.get("width")), _size(answer.get("height"))
    thumbnail = answer.get("thumbnail_url")
    return Answer(
        title=_text(answer.get("title")),
        author_name=_text(answer.get("author_name")),
        thumbnail_url=thumbnail if isinstance(thumbnail, str) and len(thumbnail) <= 1000 else "",
        frame_src=frame_src(answer.get("html"), provider),
        width=width if width and height else None,
        height=height if width and height else None,
    )


class _FirstFrame(HTMLParser):
    src = None

    def handle_starttag(self, tag, attrs):
        if tag == "iframe" and self.src is None:
            self.src = dict(attrs).get("src") or ""


def frame_src(html, provider):
    """The address of the iframe in a provider's HTML, on its own player origin (moved to its
    privacy-enhanced player), or "" when there is none we would frame."""
    if not provider.frame_origins or not isinstance(html, str):
        return ""
    parser = _FirstFrame()
    parser.feed(html[:MAX_ANSWER_BYTES])
    return valid_frame(parser.src or "", provider)


def valid_frame(src, provider):
    """`src` when readers' browsers may frame it for this provider, else ""."""
    if len(src) > 1000 or re.search(r"[\s\"'<>\\`]", src):
        return ""
    for old, new in provider.frame_rewrite:
        src = re.sub(rf"^https://{re.escape(old)}/", f"https://{new}/", src)
    try:
        parts = urlsplit(src)
    except ValueError:
        return ""
    if parts.username or parts.password:
        return ""
    origin = f"{parts.scheme}://{parts.netloc}"
    return src if origin in provider.frame_origins and parts.path.startswith("/") else ""


def map_answer(url, provider):
    """A map's player, built from where its address points. Pure."""
    parts = urlsplit(url)
    if provider.map == "osm":
        found = re.fullmatch(
            r"map=(\d{1,2})/(-?\d{1,2}(?:\.\d+)?)/(-?\d{1,3}(?:\.\d+)?)", parts.fragment
        )
        if not found:
            raise EmbedError("An OpenStreetMap address must show a place (…#map=zoom/lat/lon).")
        zoom, lat, lon = int(found[1]), float(found[2]), float(found[3])
        if not (0 <= zoom <= 19 and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise EmbedError("This OpenStreetMap address points nowhere on the map.")
        # The box an 800×450 player shows at that zoom (256-pixel tiles).
        half_width = 360 / 2**zoom * 800 / 256 / 2
        half_height = half_width * 450 / 800 * max(math.cos(math.radians(lat)), 0.01)
        bbox = ",".join(
            f"{value:.5f}"
            for value in (lon - half_width, lat - half_height, lon + half_width, lat + half_height)
        )
        query = urlencode({"bbox": bbox, "layer": "mapnik", "marker": f"{lat},{lon}"})
        src = f"https://www.openstreetmap.org/export/embed.html?{query}"
        return Answer(title=f"Map of {lat:.4f}, {lon:.4f}", frame_src=valid_frame(src, provider))
    if parts.path == "/maps/embed" and parse_qs(parts.query).get("pb"):
        src = (
            f"https://www.google.com/maps/embed?{urlencode({'pb': parse_qs(parts.query)['pb'][0]})}"
        )
        return Answer(title="Map", frame_src=valid_frame(src, provider))
    found = re.search(
        r"/@(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?),(\d{1,2}(?:\.\d+)?)z", parts.path
    )
    if not found:
        raise EmbedError(
            "A Google Maps address must show a place (…/@lat,lon,zoomz) or be a map's "
            "“Embed a map” address."
        )
    place = re.search(r"/maps/place/([^/@]{1,200})", parts.path)
    title = unquote_plus(place[1]) if place else f"{float(found[1]):.4f}, {float(found[2]):.4f}"
    query = urlencode({"q": f"{found[1]},{found[2]}", "z": int(float(found[3])), "output": "embed"})
    return Answer(
        title=f"Map of {_text(title)}",
        frame_src=valid_frame(f"https://www.google.com/maps?{query}", provider),
    )
