"""A writer drops a picture onto a new story and confirms its credit, in a real browser that
keeps the Content Security Policy (the photo desk, issue 17)."""

import re

from playwright.sync_api import expect

from articles.models import Article, Photo
from tests.conftest import jpeg_bytes, with_iptc

HEADLINE = "Leaders meet in Vladivostok"
CAPTION = "Kim Jong Un and Vladimir Putin shake hands in Vladivostok"


def reuters_picture():
    """An agency picture as it arrives: photographer, credit, copyright and caption in IPTC."""
    return with_iptc(
        jpeg_bytes(size=(640, 427), colour=(40, 90, 160)),
        {
            (2, 80): "Kim Hong-ji",
            (2, 110): "Reuters",
            (2, 116): "© 2023 Reuters",
            (2, 120): CAPTION,
        },
    )


ALT_TEXT = "Two men in dark suits shake hands in front of flags"
DROP = """([bytes, name]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "image/jpeg"}));
    return transfer;
}"""


def drop(page, content, name):
    transfer = page.evaluate_handle(DROP, [list(content), name])
    page.locator("[data-drop-zone]").dispatch_event("drop", {"dataTransfer": transfer})


def test_a_writer_drops_a_picture_onto_a_new_story_and_confirms_its_credit(
    strict_page, writer, screenshot, log_in
):
    page = strict_page
    log_in(page, writer)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline:").press_sequentially(HEADLINE)
    expect(page.get_by_label("Slug:")).to_have_value("leaders-meet-in-vladivostok")
    dialog = page.get_by_role("dialog", name="Check the photo’s credit")

    # Not a picture, whatever its name says: refused in plain words, nothing kept.
    drop(page, b"%PDF-1.7 a press release", "handout.jpg")
    expect(dialog.get_by_role("alert")).to_contain_text("This file is not a JPEG, PNG, WebP")
    expect(dialog.get_by_role("button", name="Add to story")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    picture = reuters_picture()
    drop(page, picture, "KHJ_0412.jpg")
    expect(dialog).to_be_visible()
    credit = dialog.get_by_label("Credit", exact=True)
    expect(credit).to_have_value("Kim Hong-ji/Reuters")
    expect(credit).to_be_focused()
    expect(dialog.get_by_label("Photographer")).to_have_value("Kim Hong-ji")
    expect(dialog.get_by_label("Copyright notice")).to_have_value("© 2023 Reuters")
    expect(dialog.get_by_label("Copyright holder")).to_have_value("Reuters")
    expect(dialog.get_by_label("Caption")).to_have_value(CAPTION)
    expect(dialog.get_by_label("Alt text")).to_have_value("")
    preview = dialog.get_by_role("img", name="Preview")
    expect(preview).to_have_attribute("src", re.compile(r"^data:image/jpeg;base64,"))
    expect(dialog).to_contain_text("640 × 427 pixels")
    # Read, not kept: nothing is in the library until the writer confirms.
    assert not Photo.objects.exists()
    screenshot(page, "photo-desk-dialog")

    # Alt text is the writer's to write.
    dialog.get_by_role("button", name="Add to story").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Alt text: Describe the picture")
    expect(dialog.get_by_label("Alt text")).to_be_focused()
    assert not Photo.objects.exists()
    dialog.get_by_label("Alt text").fill(ALT_TEXT)
    dialog.get_by_role("button", name="Add to story").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#select2-id_lead_photo-container")).to_have_text(
        re.compile(r"\(Kim Hong-ji/Reuters\)")
    )
    expect(page.get_by_role("status").filter(has_text="is now the lead photo")).to_be_visible()
    photo = Photo.objects.get()
    expect(page.locator("#id_lead_photo")).to_have_value(str(photo.pk))
    screenshot(page, "lead-photo-set")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/$"))
    story = Article.objects.get(headline=HEADLINE)
    assert story.lead_photo == photo
    assert story.lead_photo.credit == "Kim Hong-ji/Reuters"
    assert story.lead_photo.credit_line == "Photo: Kim Hong-ji/Reuters"
    assert story.lead_photo.alt_text == ALT_TEXT
    assert story.lead_photo.caption == CAPTION
    assert page.violations == []
