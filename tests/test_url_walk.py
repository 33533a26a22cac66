"""Walk every URL pattern of the project, as an anonymous reader, as a writer who does not own
the story and as an editor: an unpublished story's words appear nowhere they should not. Then
throw junk at every public view: 4xx at worst, never 500."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from reversion.models import Version

from articles.models import Status

SECRET = "Zqxsecret"
# Catch-alls and file serving: no content of ours to find there.
SKIP = {"admin/(?P<url>.*)$", "^media/(?P<path>.*)$"}


def routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def fill(route, values):
    """A concrete address for a route, placeholders and regex groups filled in."""
    if route in SKIP:
        return None
    route = re.sub(r"\^\(\?P<app_label>[\w|]+\)/\$", "articles/", route)
    route = route.replace(
        "^([^/]+)/history/(\\d+)/$", f"{values['object_id']}/history/{values['version_id']}/"
    )
    route = route.replace("^recover/(\\d+)/$", f"recover/{values['version_id']}/")
    route = route.replace("^recover/$", "recover/")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + route


@pytest.fixture
def secret(make_article, make_author, make_section, make_photo, writer):
    story = make_article(
        headline=f"{SECRET} headline",
        standfirst=f"{SECRET} standfirst",
        body=f"<p>{SECRET} body</p>",
        status=Status.DRAFT,
        created_by=writer,
        section=make_section(slug="quiet"),
        authors=[make_author(slug="ann", name="Ann")],
        tags=["zqx-tag"],
        lead_photo=make_photo(caption="A harbour"),
    )
    make_article(headline="A public story", tags=["zqx-tag"], section=story.section)
    import reversion

    with reversion.create_revision():
        story.save()
    return story


def addresses(story):
    when = story.created_at
    values = {
        "object_id": story.pk,
        "pk": story.pk,
        "article_id": story.pk,
        "id": story.created_by_id,
        "content_type_id": 1,
        "version_id": Version.objects.get_for_object(story).first().pk,
        "slug": story.slug,
        "year": when.year,
        "month": f"{when.month:02d}",
        "day": f"{when.day:02d}",
        "action": "approve",
        "section": "sections",
        # The invitation's set-password link, with a token that was never issued.
        "uidb64": "MQ",
        "token": "bad-token",
    }
    by_kind = {
        "section": story.section.slug,
        "tag": "zqx-tag",
        "author": "ann",
    }
    urls = set()
    for route in routes():
        for kind, slug in by_kind.items():
            if route.startswith(f"{kind}/<slug:slug>/"):
                urls.add(fill(route, values | {"slug": slug}))
                break
        else:
            urls.add(fill(route, values))
    urls.discard(None)
    return sorted(urls | {f"/search/?q={SECRET}", "/sitemap-tags.xml", "/sitemap-authors.xml"})


def sitemap_pages(client):
    index = client.get("/sitemap.xml").content.decode()
    return [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", index)]


@pytest.mark.parametrize("who", ["anonymous", "another writer", "editor"])
def test_no_address_shows_an_unpublished_story_to_anyone_without_permission(secret, make_user, who):
    client = Client()
    if who != "anonymous":
        client.force_login(make_user("Writer" if who == "another writer" else "Editor"))
    urls = addresses(secret) + sitemap_pages(client)
    assert len(urls) > 80  # the walk really covers the project
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        # Editors may see the story in the admin and its preview; readers' pages never show it.
        allowed = who == "editor" and (url.startswith("/admin/") or url.startswith("/preview/"))
        if not allowed and response.status_code == 200 and not response.streaming:
            html = response.content.decode(errors="replace")
            for part in ("headline", "standfirst", "body"):
                # The bare word may be echoed back by search; the story's own text never.
                assert f"{SECRET} {part}" not in html, (who, url)


JUNK = [
    "x" * 5000,
    "%ff%fe%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "-1",
    "9" * 40,
    "ümlaut—“quotes”",
]


def public_addresses(story):
    return [url for url in addresses(story) if not url.startswith(("/admin/", "/preview/"))]


def test_junk_in_every_query_parameter_is_never_a_server_error(client, secret):
    for url in public_addresses(secret):
        base = url.split("?")[0]
        for junk in JUNK:
            for name in ["page", "q", "sort", "p", "before", "after", "utm_source"]:
                response = client.get(base, {name: junk})
                assert response.status_code < 500, (base, name, junk)
            raw = client.get(f"{base}?page=%ff&q=%c3%28&sort=%00")
            assert raw.status_code < 500, base


def test_junk_in_every_path_segment_is_never_a_server_error(client, secret):
    for url in public_addresses(secret):
        path = url.split("?")[0]
        segments = [s for s in path.split("/") if s]
        for i in range(len(segments)):
            for junk in ["%ff%fe", "x" * 3000, "'%20OR%201=1--", "%00", "9" * 30]:
                broken = "/" + "/".join([*segments[:i], junk, *segments[i + 1 :]]) + "/"
                response = client.get(broken)
                assert response.status_code < 500, broken
