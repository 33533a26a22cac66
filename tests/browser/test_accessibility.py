"""axe-core's WCAG 2.1 A and AA rules on the reader's pages, in a real browser.

Serious and critical violations fail; the message lists every violation with its nodes.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Label


def reader_pages(demo):
    return {
        "front": "/",
        "section": demo.section.get_absolute_url(),
        "article": demo.story.get_absolute_url(),
    }


@pytest.mark.parametrize("name", ["front", "section", "article"])
def test_reader_page_has_no_serious_accessibility_violations(
    page, demo, assert_accessible, screenshot, name
):
    response = page.goto(reader_pages(demo)[name])
    assert response.status == 200
    screenshot(page, name)
    assert_accessible(page)


def test_search_results_have_no_serious_accessibility_violations(
    page, demo, assert_accessible, screenshot
):
    # Depends on the reader's search, /search/?q= (issue 5): fails until that page exists.
    response = page.goto(f"/search/?q={demo.search_word}")
    assert response.status == 200, f"/search/ answered {response.status}: not built yet"
    screenshot(page, "search")
    assert_accessible(page)


def test_every_label_passes_on_the_front_and_a_sponsored_story(
    page, demo, assert_accessible, screenshot
):
    # The demo labels an opinion and an analysis; live and sponsored have colours of their own.
    demo.story.label, demo.story.sponsor = Label.SPONSORED, "Acme Shipping"
    demo.story.save()
    live = Article.objects.published().filter(label="").exclude(pk=demo.story.pk).first()
    live.label = Label.LIVE
    live.save()
    for name, url in [("front", "/"), ("sponsored", demo.story.get_absolute_url())]:
        assert page.goto(url).status == 200
        screenshot(page, name)
        assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Sponsored by Acme Shipping: {demo.story.headline}"
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_the_breaking_news_banner_has_no_serious_accessibility_violations(
    page, demo, make_alert, assert_accessible, screenshot, width
):
    make_alert(
        text="Storm closes every port on the east coast: ferries cancelled until Friday",
        link=demo.story.get_absolute_url(),
    )
    page.set_viewport_size({"width": width, "height": 800})
    assert page.goto("/").status == 200
    banner = page.get_by_role("region", name="Breaking news")
    link = banner.get_by_role("link", name="Storm closes every port on the east coast")
    assert link.get_attribute("href") == demo.story.get_absolute_url()
    # Compact, and never wider than a phone's screen.
    assert banner.bounding_box()["height"] < 100
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"banner-{width}")
    assert_accessible(page)
