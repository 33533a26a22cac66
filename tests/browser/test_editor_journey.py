"""An editor writes a story in the admin, in a real browser."""

import re

from playwright.sync_api import expect

from articles.models import Article, Status

HEADLINE = "Harbour pilots vote to strike over night shifts"
SLUG = "harbour-pilots-vote-to-strike-over-night-shifts"


def choose_autocomplete(page, select_id, typed, option):
    """Pick a value in one of the admin's autocomplete (select2) widgets, as a person does."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(typed)
    page.locator(".select2-results__option", has_text=option).click()
    expect(page.locator(f"#select2-{select_id}-container")).to_have_text(re.compile(option))


def test_editor_writes_a_story_in_the_admin(page, demo, editor, screenshot, log_in):
    log_in(page, editor)

    page.get_by_role("link", name="Articles", exact=True).first.click()
    page.get_by_role("link", name="Add article").click()
    expect(page.get_by_role("heading", name="Add article", level=1)).to_be_visible()

    # Typed key by key: the admin fills the slug in from the headline as the editor types.
    page.get_by_label("Headline:").press_sequentially(HEADLINE)
    expect(page.get_by_label("Slug:")).to_have_value(SLUG)
    page.get_by_label("Standfirst:").fill("Ferries and freighters face delays from Monday.")

    # The body is a ProseMirror editor (django-prose-editor): a contenteditable area that keeps
    # the hidden <textarea name="body"> in step. Typing into it is what an editor does.
    body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    body.click()
    page.keyboard.type("Pilots at the harbour voted to strike ")
    page.keyboard.press("Control+b")
    page.keyboard.type("from Monday")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.keyboard.type("The port authority said talks would continue.")
    expect(body.locator("strong")).to_have_text("from Monday")

    choose_autocomplete(page, "id_section", "Busi", "Business")
    page.get_by_label("Tags:").fill("shipping, strikes")
    choose_autocomplete(page, "id_byline_set-0-author", "Amira", "Amira Haddad")
    screenshot(page, "story-editor")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/$"))
    expect(page.locator(".messagelist")).to_contain_text(HEADLINE)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=HEADLINE))
    expect(row).to_contain_text("Draft")
    expect(row).to_contain_text("Business")
    expect(row).to_contain_text("Amira Haddad")
    screenshot(page, "story-list")

    story = Article.objects.get(slug=SLUG)
    assert story.status == Status.DRAFT
    assert story.created_by == editor
    assert story.body == (
        "<p>Pilots at the harbour voted to strike <strong>from Monday</strong>.</p>"
        "<p>The port authority said talks would continue.</p>"
    )
    assert story.section == demo.section
    assert [author.name for author in story.bylines] == ["Amira Haddad"]
    assert sorted(story.tags.names()) == ["shipping", "strikes"]


def test_leaving_a_story_without_saving_ends_the_edit(page, demo, editor, make_article, log_in):
    story = make_article(headline="Lock me", status=Status.DRAFT, publish_at=None)
    log_in(page, editor)

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    expect(page.get_by_label("Headline:")).to_have_value("Lock me")
    story.refresh_from_db()
    assert story.lock_holder() == editor

    # Away to the story list, without saving: the page gives its lock up on the way out.
    page.goto("/admin/articles/article/")
    expect(page.get_by_role("link", name="Lock me")).to_be_visible()
    # The beacon is sent as the old page goes: give a busy machine a few seconds for it.
    for _ in range(100):
        story.refresh_from_db()
        if story.lock_holder() is None:
            break
        page.wait_for_timeout(100)
    assert story.lock_holder() is None
