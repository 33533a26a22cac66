"""Nothing typed is lost: the story form keeps a working copy, and offers it back."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Status, WorkingCopy

TYPED = "Harbour pilots call off the strike"


@pytest.fixture(autouse=True)
def _keep_every_second(monkeypatch):
    # The page keeps what changed every few seconds; a second is as real and quicker to wait for.
    monkeypatch.setattr("articles.admin.working_copies.KEEP_SECONDS", 1)


def wait_for(found, page):
    for _ in range(100):
        if found():
            return
        page.wait_for_timeout(100)
    raise AssertionError("not kept within ten seconds")


def test_typed_changes_come_back_after_leaving_without_saving(
    page, demo, editor, make_article, screenshot, settings, log_in
):
    settings.TIME_ZONE = "Europe/London"
    story = make_article(headline="Pilots vote to strike", status=Status.DRAFT, publish_at=None)
    log_in(page, editor)

    change = f"/admin/articles/article/{story.pk}/change/"
    page.goto(change)
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()
    page.get_by_label("Headline:").fill(TYPED)
    body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    # A click right of the last line's text puts the caret at its end. (Control+End straight
    # after a click can be undone: ProseMirror puts the caret back where the click landed.)
    last = body.locator("p").last
    box = last.bounding_box()
    last.click(position={"x": box["width"] - 2, "y": box["height"] / 2})
    page.keyboard.press("Enter")
    page.keyboard.type("Talks resume ")
    page.keyboard.press("Control+b")
    page.keyboard.type("on Monday")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    wait_for(
        lambda: any(
            "on Monday</strong>." in copy.values.get("body", "")
            for copy in WorkingCopy.objects.filter(user=editor, article=story)
        ),
        page,
    )

    # Away without saving: the story is as it was, the copy is on the server.
    page.goto("/admin/articles/article/")
    story.refresh_from_db()
    assert story.headline == "Pilots vote to strike"

    page.goto(change)
    offer = page.get_by_role("region", name="Unsaved changes")
    expect(offer).to_be_visible()
    when = r"\d\d:\d\d \(Europe/London\)"
    expect(offer).to_contain_text(re.compile(f"You have unsaved changes from {when}"))
    expect(page.get_by_label("Headline:")).to_have_value("Pilots vote to strike")
    screenshot(page, "offer")

    offer.get_by_role("button", name="Restore them").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_label("Headline:")).to_have_value(TYPED)
    # Shown in the editor itself, not only in its hidden textarea.
    expect(body.locator("strong")).to_have_text("on Monday")
    expect(body).to_contain_text("Talks resume on Monday.")
    screenshot(page, "restored")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/$"))
    story.refresh_from_db()
    assert story.headline == TYPED
    # What was typed, bold included, and what was there before: where the caret put the new
    # words is ProseMirror's business (a click's caret can land a moment late).
    assert "Talks resume <strong>on Monday</strong>." in story.body
    assert "Body of story" in story.body
    assert not WorkingCopy.objects.exists()

    page.goto(change)
    expect(page.get_by_label("Headline:")).to_have_value(TYPED)
    expect(page.get_by_role("region", name="Unsaved changes")).to_be_hidden()


def test_a_copy_kept_in_the_browser_before_the_rename_restores_its_standfirst(
    page, editor, make_article, log_in
):
    story = make_article(status=Status.DRAFT, publish_at=None, standfirst="As saved")
    log_in(page, editor)
    change = f"/admin/articles/article/{story.pk}/change/"
    page.goto(change)
    # What the page kept in localStorage while the standfirst's field was still "dek".
    page.evaluate(
        """(standfirst) => localStorage.setItem(
            document.getElementById("working-copy").dataset.storageKey,
            JSON.stringify({ values: { dek: standfirst }, taken_at: Date.now() }))""",
        "Typed while the server was away",
    )
    page.goto(change)
    offer = page.get_by_role("region", name="Unsaved changes")
    offer.get_by_role("button", name="Restore them").click()
    expect(page.get_by_label("Standfirst:")).to_have_value("Typed while the server was away")
