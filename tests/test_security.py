import re

import pytest

PUBLIC_PAGES = ["/", "/latest/", "/search/?q=story"]


def csp(response):
    return dict(
        ([*part.split(" ", 1), ""])[:2] for part in response["Content-Security-Policy"].split("; ")
    )


@pytest.fixture
def story(make_article, make_photo):
    return make_article(headline="A story", lead_photo=make_photo(), tags=["news"])


def test_public_pages_allow_no_inline_script(client, story):
    for url in [*PUBLIC_PAGES, story.get_absolute_url(), story.section.get_absolute_url()]:
        response = client.get(url)
        policy = csp(response)
        assert policy["script-src"].split() == ["'self'"] or "'nonce-" in policy["script-src"]
        assert "unsafe-inline" not in policy["script-src"]
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        for script in re.findall(r"<script\b[^>]*>", response.content.decode()):
            # Either our own file, or data (JSON-LD) that the browser never runs.
            assert " src=" in script or 'type="application/ld+json"' in script, (url, script)


def test_the_admin_runs_under_the_policy_with_nonces(editor_client, story):
    response = editor_client.get(f"/admin/articles/article/{story.pk}/change/")
    nonce = re.search(r"'nonce-([^']+)'", csp(response)["script-src"]).group(1)
    html = response.content.decode()
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if " src=" not in tag]
    for tag in inline:
        assert f'nonce="{nonce}"' in tag or "application/json" in tag, tag


def test_security_headers_on_every_response(client, story):
    response = client.get(story.get_absolute_url())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_browser_finds_the_site_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    icon.close()
    assert icon.status_code == 200
