"""Live coverage in a real browser, under the Content-Security-Policy: an editor posts an entry
on the live desk, and a reader whose page is open sees it offered and shown, with no reload;
the page stays valid HTML and accessible."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from articles.models import LiveEntry


def test_an_editors_entry_appears_on_an_open_readers_page(
    strict_page,
    page,
    make_article,
    editor,
    log_in,
    settings,
    screenshot,
    assert_accessible,
    assert_valid_html,
):
    settings.NEWSROOM_LIVE_POLL_SECONDS = 1
    story = make_article(
        headline="Election night", coverage_starts_at=timezone.now() - timedelta(minutes=5)
    )
    LiveEntry.post(story, by=editor, text="<p>Polls are open.</p>")

    reader = strict_page
    reader.goto(story.get_absolute_url())
    expect(reader.get_by_text("Polls are open.")).to_be_visible()
    marker = reader.evaluate("() => (window.notReloaded = true)")

    # The desk in a window of its own (the admin's editor brings an inline import map, which
    # the other admin browser tests also open without the policy).
    desk = page
    log_in(desk, editor)
    desk.goto(f"/admin/articles/liveentry/desk/{story.pk}/")
    text = desk.locator(".prose-editor .ProseMirror[contenteditable='true']")
    text.click()
    desk.keyboard.type("The first result is in.")
    desk.get_by_role("button", name="Post", exact=True).click()
    expect(desk.get_by_text("Entry posted")).to_be_visible()

    # The reader is offered the entry rather than having the page move under them.
    show = reader.get_by_role("button", name="1 new update — show")
    expect(show).to_be_visible(timeout=10_000)
    screenshot(reader, "new-update-offered")
    show.click()
    first = reader.locator(".live-entries .live-entry").first
    expect(first).to_contain_text("The first result is in.")
    expect(first).to_be_focused()
    assert reader.evaluate("() => window.notReloaded") is marker
    assert reader.violations == []

    # The page with its new entry stays valid and accessible (axe needs the policy bypassed).
    assert_valid_html({"live page": reader.content()})
    desk.goto(story.get_absolute_url())
    assert_accessible(desk)


def test_an_embed_in_a_new_entry_loads_on_an_open_readers_page(
    strict_page, make_article, editor, settings, oembed_provider
):
    settings.NEWSROOM_LIVE_POLL_SECONDS = 1
    settings.SECURE_CSP = settings.SECURE_CSP | {
        "frame-src": [*settings.SECURE_CSP["frame-src"], oembed_provider.base]
    }
    story = make_article(
        headline="Launch day", coverage_starts_at=timezone.now() - timedelta(minutes=5)
    )
    reader = strict_page
    reader.goto(story.get_absolute_url())
    video = "https://www.youtube.com/watch?v=harbour0001"
    LiveEntry.post(story, by=editor, text=f'<p>Lift-off.</p><figure data-embed="{video}"></figure>')

    reader.get_by_role("button", name="1 new update — show").click()
    figure = reader.locator(".live-entries figure.embed")
    load = figure.get_by_role("button", name="Load the YouTube video (sends you to youtube.com)")
    expect(load).to_be_visible()  # the new entry's placeholder works like the page's own
    load.click()
    expect(figure.locator("iframe")).to_have_attribute(
        "src", f"{oembed_provider.base}/player/harbour0001"
    )
    assert reader.violations == []


def test_the_live_desk_s_editor_runs_under_the_content_security_policy(
    strict_page, make_article, editor, log_in
):
    story = make_article(
        headline="Count night", coverage_starts_at=timezone.now() - timedelta(minutes=5)
    )
    log_in(strict_page, editor)
    strict_page.goto(f"/admin/articles/liveentry/desk/{story.pk}/")
    expect(
        strict_page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    ).to_be_visible()
    assert strict_page.violations == []
