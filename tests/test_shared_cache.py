"""Two app servers sharing one Redis cache, and the newsroom working in a third process: a
change shows at once on both, because what it changes is told in the shared cache, and ends
nothing else there."""

import pytest
from PIL import Image

from bench import services
from tests.live_site import Site, fetch


@pytest.fixture
def redis_url(tmp_path):
    with services.redis(tmp_path) as url:
        yield url


@pytest.fixture
def site(tmp_path, redis_url):
    site = Site(tmp_path, CACHE_URL=redis_url)
    yield site
    site.stop()


def page(url):
    return fetch(url)[2]


def test_publishing_and_withdrawing_show_at_once_on_every_app_server(site):
    servers = [site.serve(), site.serve()]
    for server in servers:
        assert "Harbour reopens" in page(server + "/")
        assert "Storm closes port" not in page(server + "/")

    # Behind the models' back nothing changes the cached pages: they really come from Redis.
    site.act("Article.objects.filter(slug='harbour-reopens').update(headline='Sneaky edit')")
    for server in servers:
        assert "Sneaky edit" not in page(server + "/")

    site.act("Article.objects.get(slug='storm-closes-port').publish(by=erin)")
    for server in servers:
        assert "Storm closes port" in page(server + "/")

    site.act("Article.objects.get(slug='storm-closes-port').withdraw(by=erin, reason='Legal')")
    path = site.path_of("storm-closes-port")
    for server in servers:
        assert "Storm closes port" not in page(server + "/")
        assert "Storm closes port" not in page(server + "/feed/")
        assert fetch(server + path)[0] == 410


WIRE = (
    "Storm closes ports along the coast\n\nBy Jane Doe\n\n"
    "SEOUL, Sept 13 (Reuters) - A storm closed ports along the coast on Wednesday.\n\n"
    "Photo: AP Photo/Jane Doe\n"
)


def kept_pages(site, servers, paths):
    """Every page asked on every server, so kept; then its headline edited behind the
    models' back, so that a page built again would show it."""
    for server in servers:
        for path in paths:
            assert fetch(server + path)[0] == 200
    site.act(
        "from django.db.models import Value\n"
        "from django.db.models.functions import Concat\n"
        "Article.objects.update(headline=Concat('headline', Value(' (rebuilt)')))"
    )


def rebuilt(servers, paths):
    return {path for server in servers for path in paths if "(rebuilt)" in page(server + path)}


def test_a_wire_draft_with_a_photo_leaves_every_servers_pages_in_place(site, tmp_path):
    servers = [site.serve(), site.serve()]
    paths = ["/", "/section/world/", "/feed/", site.path_of("harbour-reopens")]
    kept_pages(site, servers, paths)
    wire = tmp_path / "wire"
    wire.mkdir()
    (wire / "storm.txt").write_text(WIRE)
    Image.new("RGB", (800, 533), (30, 90, 160)).save(wire / "storm.jpg", "JPEG")
    site.manage("import_wire", str(wire))
    draft = "Article.objects.get(headline__startswith='Storm closes ports')"
    assert site.act(f"print({draft}.lead_photo.image.name)")
    assert rebuilt(servers, paths) == set()


def test_a_correction_leaves_the_pages_not_showing_its_story(site):
    site.act(
        "from articles.models import Section\n"
        "story = Article.objects.get(slug='storm-closes-port')\n"
        "story.section = Section.objects.create(name='Sport', slug='sport')\n"
        "story.save()\n"
        "story.publish(by=erin)"
    )
    servers = [site.serve(), site.serve()]
    harbour, storm = site.path_of("harbour-reopens"), site.path_of("storm-closes-port")
    paths = ["/section/world/", "/section/sport/", harbour, storm]
    kept_pages(site, servers, paths)
    site.act(
        "from articles.models import Correction\n"
        "from django.utils import timezone\n"
        "Correction.objects.create(article=Article.objects.get(slug='storm-closes-port'), "
        "text='The port is in the north.', created_at=timezone.now())"
    )
    assert rebuilt(servers, paths) == {storm}
    assert all("The port is in the north." in page(server + storm) for server in servers)
