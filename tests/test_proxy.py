"""deploy/nginx.conf in front of gunicorn, for real: anonymous pages come from the
micro-cache, signed-in people and private pages never do, and a withdrawn story is gone from
the proxy within the micro-cache's lifetime."""

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

import pytest

from bench import services
from tests.live_site import ROOT, Site, fetch, wait_for

MICROCACHE_SECONDS = int(
    re.search(
        r"proxy_cache_valid 200 301 404 410 (\d+)s;", (ROOT / "deploy/nginx.conf").read_text()
    ).group(1)
)


@pytest.fixture
def proxied(tmp_path):
    # The editor acts from another process: app and editor share a file cache, as app servers
    # share Redis in production.
    site = Site(
        tmp_path,
        CACHE_URL=f"filecache://{tmp_path / 'app-cache'}",
        # As deployed: nginx on the same machine, whose X-Real-IP the app believes.
        NEWSROOM_TRUSTED_PROXIES="127.0.0.1",
    )
    upstream = site.serve().removeprefix("http://")
    with services.nginx(tmp_path, upstream=upstream) as url:
        wait_for(url + "/")
        yield site, url
    site.stop()


def cache_status(url, **headers):
    return fetch(url, headers)[1]["X-Cache"]


def test_anonymous_pages_come_from_the_micro_cache(proxied):
    _site, url = proxied
    cache_status(url + "/")
    assert cache_status(url + "/") == "HIT"
    assert cache_status(url + "/feed/") in {"MISS", "EXPIRED"}
    assert cache_status(url + "/feed/") == "HIT"


def test_signed_in_people_and_private_pages_always_reach_the_app(proxied):
    _site, url = proxied
    cache_status(url + "/")
    assert cache_status(url + "/", Cookie="sessionid=abc") == "BYPASS"
    for _ in range(2):
        assert cache_status(url + "/admin/login/") != "HIT"


def test_a_withdrawn_story_is_gone_through_the_proxy_within_the_micro_cache_lifetime(proxied):
    site, url = proxied
    path = site.path_of("harbour-reopens")
    for address in ("/", path):
        fetch(url + address)
        assert cache_status(url + address) == "HIT"
    site.act("Article.objects.get(slug='harbour-reopens').withdraw(by=erin, reason='Legal')")
    withdrawn_at = time.monotonic()
    while fetch(url + path)[0] != 410 or "Harbour reopens" in fetch(url + "/")[2]:
        assert time.monotonic() - withdrawn_at < MICROCACHE_SECONDS + 2, "still served"
        time.sleep(0.1)
    gone_after = time.monotonic() - withdrawn_at
    print(f"withdrawn story gone through the proxy after {gone_after:.1f} s")
    assert gone_after <= MICROCACHE_SECONDS + 2


def test_the_app_knows_how_long_nginx_keeps_a_page(settings):
    # A page whose banner ends sooner tells nginx so (articles.caching._kept_until).
    assert settings.NEWSROOM_MICROCACHE_SECONDS == MICROCACHE_SECONDS


def test_a_banner_is_gone_through_the_proxy_at_its_end(proxied):
    site, url = proxied
    path = site.path_of("harbour-reopens")
    ends = float(
        site.act(
            "from datetime import timedelta\n"
            "from django.utils import timezone\n"
            "from articles.models import Alert\n"
            "alert = Alert.objects.create(text='Storm closes every port', link='/',\n"
            "    ends_at=timezone.now() + timedelta(seconds=8))\n"
            "print(alert.ends_at.timestamp())"
        ).split()[-1]
    )
    seen = []  # (when asked, address, shows the banner, X-Cache, Expires)
    while (asked := time.time()) < ends + 3:
        for address in ("/", path):
            status, headers, body = fetch(url + address)
            assert status == 200
            banner = "Storm closes every port" in body
            expires = headers["Expires"] and parsedate_to_datetime(headers["Expires"])
            seen.append((asked, address, banner, headers["X-Cache"], expires))
        time.sleep(0.1)
    shown = [entry for entry in seen if entry[2]]
    assert any(cached == "HIT" for *_, cached, _ in shown), "never from the micro-cache"
    # No browser is told to keep it past its end, however it came...
    for _asked, _address, _banner, _cached, expires in shown:
        assert expires and expires.timestamp() <= ends
    # ...and nginx keeps it no longer: after its end, only as the copy it hands over while it
    # asks the app for the page again (proxy_cache_use_stale updating), expired already.
    late = [(round(asked - ends, 2), cached) for asked, _, _, cached, _ in shown if asked > ends]
    assert {cached for _, cached in late} <= {"STALE", "UPDATING"}, late
    assert all(after < 2 for after, _ in late), late
    print(f"banner shown after its end: {late}")


class Reader:
    """A browser at its own loopback address (all of 127.0.0.0/8 is this machine), with its
    cookies: nginx sees the connection come from that address."""

    def __init__(self, url, address):
        self.host, self.port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
        self.address = address
        self.cookies = SimpleCookie()

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=10, source_address=(self.address, 0)
        )
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        try:
            connection.request(method, path, body, {"Cookie": cookie} | (headers or {}))
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status

    def log_in(self, password, **headers):
        if "csrftoken" not in self.cookies:
            self.request("GET", LOGIN)
        form = {
            "username": "erin",
            "password": password,
            "csrfmiddlewaretoken": self.cookies["csrftoken"].value,
        }
        return self.request(
            "POST",
            LOGIN,
            urllib.parse.urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"} | headers,
        )


LOGIN = "/admin/login/?next=/admin/"
FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default


def test_wrong_passwords_lock_out_the_address_they_came_from_not_everyone(proxied):
    site, url = proxied
    site.act("erin.set_password('correct-horse-battery'); erin.save()")
    guesser = Reader(url, "127.0.0.2")
    # What a reader sends is replaced by nginx: naming another address changes nothing.
    forged = {"X-Real-IP": "127.0.0.3", "X-Forwarded-For": "127.0.0.3"}
    statuses = [guesser.log_in("wrong", **forged) for _ in range(FAILURE_LIMIT)]
    assert statuses == [200] * (FAILURE_LIMIT - 1) + [429]
    assert guesser.log_in("correct-horse-battery") == 429
    assert Reader(url, "127.0.0.3").log_in("correct-horse-battery") == 302


def media_status(url):
    """(status, Cache-Control) of a picture through the proxy, its bytes left undecoded."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            # The rules for every upload hold for short-lived renditions too.
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
            return response.status, response.headers["Cache-Control"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Cache-Control"]


def test_an_expired_photos_renditions_stop_answering_and_are_never_cached_long(proxied):
    site, url = proxied
    expires_in = 6
    addresses = site.act(
        "from datetime import timedelta\n"
        "from django.core.files.base import ContentFile\n"
        "from django.utils import timezone\n"
        "from articles.models import Photo\n"
        "from tests.conftest import jpeg_bytes\n"
        f"for expiry in (timezone.now() + timedelta(seconds={expires_in}), None):\n"
        "    photo = Photo(credit='Reuters', rights_expire_at=expiry,\n"
        "                  image=ContentFile(jpeg_bytes(size=(900, 600)), 'a.jpg'))\n"
        "    photo.save()\n"
        "    print(photo.rendition(400).url, photo.syndication_rendition.url)"
    ).splitlines()[-2:]
    created = time.monotonic()
    expiring, lasting = (line.split() for line in addresses)
    for address in expiring:
        assert "/renditions/expiring/" in address
        status, cache_control = media_status(url + address)
        assert status == 200 and cache_control == "max-age=60"
    for address in lasting:
        assert media_status(url + address) == (200, f"max-age={30 * 24 * 60 * 60}")
    time.sleep(max(0, expires_in - (time.monotonic() - created)) + 0.5)
    assert "1 expired photos" in site.manage("expire_licences")
    for address in expiring:
        assert media_status(url + address)[0] == 404
    for address in lasting:
        assert media_status(url + address)[0] == 200
