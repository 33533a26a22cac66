"""deploy/nginx.conf in front of gunicorn, for real: anonymous pages come from the
micro-cache, signed-in people and private pages never do, and a withdrawn story is gone from
the proxy within the micro-cache's lifetime."""

import re
import time
import urllib.error
import urllib.request

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
    site = Site(tmp_path, CACHE_URL=f"filecache://{tmp_path / 'app-cache'}")
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
