"""A reader's way through the public site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect


def test_reader_goes_from_the_front_page_to_a_story_and_its_photo_credit(page, demo, screenshot):
    story, photo = demo.story, demo.photo

    page.goto("/")
    expect(page.get_by_role("link", name=story.headline, exact=True).first).to_be_visible()
    screenshot(page, "front-page")
    # A card's credit starts at the picture's edge, and its byline sits as far from the "·"
    # as the time does.
    card = page.locator("article.card", has=page.get_by_role("link", name=story.headline)).first
    image = card.locator("img").bounding_box()
    credit = card.locator(".credit").bounding_box()
    assert abs(credit["x"] - image["x"]) < 1
    gaps = card.locator(".meta").evaluate(
        """meta => {
            const byline = meta.querySelector(".byline").getBoundingClientRect();
            const time = meta.querySelector("time").getBoundingClientRect();
            const dot = [...meta.childNodes].find(n => n.nodeType === 3 && n.data.includes("·"));
            const range = document.createRange();
            range.setStart(dot, dot.data.indexOf("·"));
            range.setEnd(dot, dot.data.indexOf("·") + 1);
            const mark = range.getBoundingClientRect();
            return [mark.left - byline.right, time.left - mark.right];
        }"""
    )
    assert abs(gaps[0] - gaps[1]) < 2, gaps

    sections = page.get_by_role("navigation", name="Sections")
    sections.get_by_role("link", name=story.section.name, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(story.section.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(story.section.name)
    screenshot(page, "section")

    page.get_by_role("link", name=story.headline, exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(story.headline)

    picture = page.get_by_role("img", name=photo.alt_text, exact=True)
    expect(picture).to_be_visible()
    # Visible is not enough: a broken image is visible too. The file must really load: decode()
    # waits for it, and fails for a file that is missing or not a picture.
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    figure = page.locator("figure", has=picture)
    expect(figure).to_contain_text(f"Photo: {photo.credit}")
    expect(figure).to_contain_text(photo.copyright_notice)
    expect(page.get_by_role("main")).to_contain_text(story.copyright_line)
    screenshot(page, "story")


def test_reader_searches_a_word_from_the_story_and_finds_it(page, demo, screenshot):
    # Depends on the reader's search, /search/?q= (issue 5): fails until that page exists.
    story = demo.story
    page.goto(story.get_absolute_url())
    assert demo.search_word in page.get_by_role("main").inner_text().lower()

    response = page.goto("/search/")
    assert response.ok, f"/search/ answered {response.status}: the search page is not built yet"
    search_box = page.locator("input[name='q']").first
    search_box.fill(demo.search_word)
    search_box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search/\?(.+&)?q={demo.search_word}(&|$)"))
    result = page.get_by_role("link", name=story.headline, exact=True).first
    expect(result).to_be_visible()
    screenshot(page, "search-results")

    result.click()
    expect(page).to_have_url(re.compile(re.escape(story.get_absolute_url()) + "$"))


@pytest.mark.parametrize("width, height", [(360, 640), (1280, 900)])
def test_the_front_fits_the_screen_and_its_lead_photo_is_in_the_first_screen(
    page, demo, assert_accessible, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    lead = page.locator(".card-lead img")
    expect(lead).to_be_visible()
    assert lead.bounding_box()["y"] < height * 0.4
    for url in [demo.story.get_absolute_url(), demo.section.get_absolute_url()]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    page.goto("/")
    screenshot(page, f"front-{width}")
    assert_accessible(page)
    if width < 768:  # and with the menu open
        page.get_by_text("Menu", exact=True).click()
        expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
        assert_accessible(page)


def test_on_a_phone_the_sections_and_search_are_behind_a_menu_that_needs_no_script(
    browser, base_url, demo, screenshot
):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 360, "height": 640}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")
    header = page.get_by_role("banner")
    # One line: the nameplate and the menu button.
    assert header.bounding_box()["height"] < 64
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    menu = page.get_by_role("group").filter(has_text="Menu").get_by_text("Menu", exact=True)
    menu.click()
    expect(sections).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search stories")).to_be_visible()
    screenshot(page, "menu-open")
    sections.get_by_role("link", name=demo.section.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.section.name)
    context.close()


def test_on_a_wide_screen_the_sections_are_in_the_open(page, demo):
    page.goto("/")
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
