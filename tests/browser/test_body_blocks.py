"""An editor inserts a library photo into a story's body; readers see it with its credit."""

import re

from playwright.sync_api import expect

from articles.models import Article, Status


def test_editor_inserts_an_inline_photo_and_readers_see_its_credit(
    page, strict_page, editor, make_article, make_photo, log_in, assert_accessible, screenshot
):
    photo = make_photo(
        caption="Cranes idle at the container terminal",
        alt_text="Cranes over empty quays",
        credit="Harbour Agency/Kim Lee",
        copyright_notice="© 2026 Harbour Agency",
    )
    make_photo(caption="Another photo", credit="Someone Else")
    story = make_article(
        headline="Port goes quiet",
        status=Status.IN_REVIEW,
        publish_at=None,
        body="<p>The terminal stood still on Monday.</p>",
    )
    log_in(page, editor)
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    body.click()
    page.keyboard.press("Control+End")
    page.get_by_title("Insert a photo from the library").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("searchbox", name="Search photos").fill("harbour agency")
    insert = chooser.get_by_role("button", name=re.compile("Insert: Cranes idle"))
    insert.click()
    expect(chooser).to_be_hidden()
    # The editor shows the photo and its credit, not a bare reference.
    block = body.locator("[data-body-block='photo']")
    expect(block).to_contain_text("Photo: Harbour Agency/Kim Lee")
    screenshot(page, "inline-photo-in-editor")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Port goes quiet")
    story = Article.objects.get(pk=story.pk)
    assert f'<figure data-photo="{photo.pk}"></figure>' in story.body
    assert list(story.body_photos.values_list("photo", flat=True)) == [photo.pk]

    story.approve_and_publish(by=editor)
    strict_page.goto(story.get_absolute_url())
    figure = strict_page.locator(".story-body figure.body-photo")
    expect(figure.locator("img")).to_have_attribute("alt", "Cranes over empty quays")
    expect(figure.locator("figcaption")).to_contain_text("Photo: Harbour Agency/Kim Lee")
    expect(figure.locator("figcaption")).to_contain_text("© 2026 Harbour Agency")
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert strict_page.violations == []
    screenshot(strict_page, "inline-photo-on-the-page")


def test_a_body_with_every_block_is_accessible_and_valid(
    page, client, make_article, make_photo, assert_accessible, assert_valid_html
):
    linked = make_article(headline="Earlier: the port's busiest year")
    story = make_article(
        headline="Port goes quiet",
        body=(
            "<p>Intro.</p>"
            '<blockquote class="pull-quote"><p>“We have never seen it this empty.”</p></blockquote>'
            '<table data-caption="Ships in port"><tbody><tr><th><p>Day</p></th><th><p>Ships</p>'
            "</th></tr><tr><td><p>Monday</p></td><td><p>3</p></td></tr></tbody></table>"
            "<table><tbody><tr><td><p>No caption</p></td></tr></tbody></table>"
            f'<figure data-photo="{make_photo().pk}"></figure>'
            f'<aside data-story="{linked.pk}"></aside>'
            '<figure data-photo="999999"></figure>'
        ),
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(story.get_absolute_url())
    # On a phone the table scrolls inside its region; the page itself does not widen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    assert_valid_html({"story with every block": client.get(story.get_absolute_url()).text})
