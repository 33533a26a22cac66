"""The Content Security Policy, enforced by a real browser. (The other browser tests bypass it,
since axe-core is injected as a script; these open their own pages that keep it.)"""

import pytest
from playwright.sync_api import Error, expect

from tests.browser import test_editor_journey as editor_journey


def test_an_injected_inline_script_does_not_run(strict_page, demo):
    page = strict_page
    page.goto(demo.story.get_absolute_url())
    with pytest.raises(Error):
        page.add_script_tag(content="window.injected = true;")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.setAttribute("onerror", "window.injected = true");
            img.src = "data:,not-an-image";
            document.body.append(img);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected") is None
    assert page.violations  # the browser says why it refused


def test_reader_pages_run_nothing_the_policy_refuses(strict_page, demo):
    for url in ["/", demo.story.get_absolute_url(), "/search/?q=harbour"]:
        strict_page.goto(url)
        strict_page.wait_for_load_state("networkidle")
    assert strict_page.violations == []


def test_the_editor_journey_works_under_the_policy(strict_page, demo, editor, screenshot, log_in):
    editor_journey.test_editor_writes_a_story_in_the_admin(
        strict_page, demo, editor, screenshot, log_in
    )
    assert strict_page.violations == []


def test_the_story_screen_shows_its_preview_under_the_policy(strict_page, demo, editor, log_in):
    # The site allows frames from embeds' players only: the story screen frames its own preview.
    page = strict_page
    log_in(page, editor)
    page.goto(f"/admin/articles/article/{demo.story.pk}/change/")
    page.get_by_role("button", name="Preview", exact=True).click()
    frame = page.frame_locator("#story-preview-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text(demo.story.headline)
    assert page.violations == []
