"""An editor pastes an embed's address (the local oEmbed provider, never the internet); readers
get a placeholder that asks nothing of the provider until they press its button."""

import re

from playwright.sync_api import expect

from articles.models import Article, Status

VIDEO = "https://www.youtube.com/watch?v=harbour0001"


def test_editor_embeds_a_video_and_readers_load_it_with_a_click(
    page,
    strict_page,
    editor,
    make_article,
    log_in,
    oembed_provider,
    settings,
    assert_accessible,
    screenshot,
):
    # The policy of production, with the local provider's player allowed in frames.
    settings.SECURE_CSP = settings.SECURE_CSP | {
        "frame-src": [*settings.SECURE_CSP["frame-src"], oembed_provider.base]
    }
    story = make_article(
        headline="Harbour reopens",
        status=Status.IN_REVIEW,
        publish_at=None,
        body="<p>The first ship came in at dawn.</p>",
    )
    log_in(page, editor)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    body.click()
    page.keyboard.press("Control+End")
    page.get_by_title("Embed a post, video or map").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Address").fill(VIDEO)
    dialog.get_by_role("button", name="Embed").click()
    expect(dialog).to_be_hidden()
    # The preview: what the provider answered, with our copy of its thumbnail.
    block = body.locator("[data-body-block='embed']")
    expect(block).to_contain_text("Video harbour0001")
    expect(block).to_contain_text("YouTube · Harbour Channel")
    expect(block.locator("img")).to_have_attribute("src", re.compile("^/media/"))
    screenshot(page, "embed-in-editor")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Harbour reopens")
    story = Article.objects.get(pk=story.pk)
    assert f'<figure data-embed="{VIDEO}"></figure>' in story.body
    assert list(story.body_embeds.values_list("embed__url", flat=True)) == [VIDEO]

    story.approve_and_publish(by=editor)
    asked = len(oembed_provider.requests)
    strict_page.goto(story.get_absolute_url())
    strict_page.wait_for_load_state("networkidle")
    figure = strict_page.locator(".story-body figure.embed")
    expect(figure.locator(".embed-link")).to_have_attribute("href", VIDEO)
    expect(figure.locator("img")).to_be_visible()
    load = figure.get_by_role("button", name="Load the YouTube video (sends you to youtube.com)")
    expect(load).to_be_visible()
    assert figure.locator("iframe").count() == 0
    assert len(oembed_provider.requests) == asked  # nothing asked of the provider yet
    screenshot(strict_page, "embed-placeholder")

    load.click()
    player = figure.locator("iframe")
    expect(player).to_have_attribute("src", f"{oembed_provider.base}/player/harbour0001")
    expect(player).to_have_attribute("title", "Video harbour0001")
    expect(player.content_frame.get_by_text("Playing harbour0001")).to_be_visible()
    assert oembed_provider.requests[asked:] == ["/player/harbour0001"]
    assert strict_page.violations == []

    page.goto(story.get_absolute_url())
    assert_accessible(page)
