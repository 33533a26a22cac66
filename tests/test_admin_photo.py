import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles import imaging
from articles.models import ArticlePhoto, Photo, Status
from tests.conftest import (
    image_bytes,
    jpeg_bytes,
    noisy_jpeg,
    png_claiming,
    with_exif,
    with_iptc,
    xmp_packet,
)

STORED_NAME = re.compile(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|gif)$")
EMPTY_FORM = {
    "caption": "",
    "alt_text": "",
    "credit": "",
    "creator": "",
    "source": "",
    "copyright_notice": "",
    "copyright_holder": "",
    "licence": "",
    "licence_url": "",
    "usage_terms": "",
    "rights_expire_at_0": "",
    "rights_expire_at_1": "",
    "focal_x": "0.5",
    "focal_y": "0.5",
}


def upload(client, content, name="photo.jpg", **fields):
    data = EMPTY_FORM | fields
    if content is not None:
        data["image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post("/admin/articles/photo/add/", data, follow=True)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def read(photo):
    with photo.image.open("rb") as file:
        return file.read()


def form_errors(response):
    return " ".join(response.context["adminform"].form.errors.get("image", []))


# Upload and validation


def test_an_upload_is_stored_with_its_size_fingerprint_and_a_safe_name(editor_client, settings):
    content = jpeg_bytes(size=(120, 80))
    response = upload(editor_client, content, alt_text="A red square", credit="Staff")
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert STORED_NAME.match(photo.image.name)
    assert (photo.width, photo.height) == (120, 80)
    assert photo.content_hash == hashlib.sha256(content).hexdigest()
    assert read(photo) == content  # the original is kept as it came


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.jpg",
        "..\\..\\windows\\evil.jpg",
        "/absolute/path.jpg",
        "photo.php.jpg",
        "no-extension",
        "very-" + "long-" * 80 + "name.JPG",
        "rapport d'été.jpeg",
    ],
)
def test_uploaded_names_never_choose_where_the_file_goes(editor_client, settings, name):
    upload(editor_client, jpeg_bytes(), name=name)
    photo = Photo.objects.get()
    assert STORED_NAME.match(photo.image.name), photo.image.name
    media = Path(settings.MEDIA_ROOT).resolve()
    assert Path(photo.image.path).resolve().is_relative_to(media)


def test_the_stored_suffix_follows_what_the_file_is(editor_client):
    upload(editor_client, image_bytes("PNG"), name="looks-like.jpg")
    assert Photo.objects.get().image.name.endswith(".png")


def test_two_uploads_of_different_files_never_overwrite_each_other(editor_client):
    upload(editor_client, jpeg_bytes(colour=(1, 2, 3)), name="same.jpg")
    upload(editor_client, jpeg_bytes(colour=(200, 2, 3)), name="same.jpg")
    first, second = Photo.objects.order_by("pk")
    assert first.image.name != second.image.name
    assert read(first) != read(second)


@pytest.mark.parametrize(
    ("content", "limits", "message"),
    [
        (b"<!DOCTYPE html><title>Error 404</title>\n" * 10, {}, "whatever its name says"),
        (b"Dear desk, photo to follow.\n" * 10, {}, "not a JPEG, PNG, WebP or GIF picture"),
        ("truncated", {}, "damaged or incomplete"),
        (png_claiming(100_000, 100_000), {}, "too many pixels"),
        (jpeg_bytes(size=(64, 48)), {"NEWSROOM_MAX_IMAGE_PIXELS": 1000}, "64 × 48 pixels"),
        ("noisy", {"NEWSROOM_MAX_UPLOAD_BYTES": 1000}, "the limit is 1000"),
        (b"", {}, "empty"),
    ],
    ids=[
        "fake-gif",
        "text-named-jpg",
        "truncated",
        "pixel-bomb",
        "pixel-limit",
        "oversize",
        "empty",
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(
    editor_client, settings, content, limits, message
):
    for setting, value in limits.items():
        setattr(settings, setting, value)
    if content == "truncated":
        data = noisy_jpeg()
        content = data[: len(data) // 2]
    elif content == "noisy":
        content = noisy_jpeg()
    response = upload(editor_client, content, alt_text="x", credit="Reuters")
    errors = form_errors(response)
    if content == b"":
        # Django itself refuses an empty upload before our checks.
        assert "empty" in errors
    else:
        assert message in errors.replace("\xa0", " ")
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_long_infographic_is_accepted_with_its_renditions(editor_client, settings):
    content = image_bytes("PNG", size=(200, 17_000), mode="L", colour=128)
    response = upload(editor_client, content, "infographic.png", alt_text="x", credit="Staff")
    assert response.redirect_chain[-1][0] == "/admin/articles/photo/"
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (200, 17_000)
    own = photo.picture()
    assert [(r.width, r.height) for r in own.webp] == [(192, 16_320)]
    assert [(r.width, r.height) for r in own.jpeg] == [(200, 17_000)]
    assert all(photo.image.storage.exists(r.file.name) for r in photo.renditions.all())


def test_a_picture_too_narrow_to_draw_is_refused_naming_the_limit(editor_client, settings):
    content = image_bytes("PNG", size=(1, 20_000), mode="L", colour=128)
    response = upload(editor_client, content, "strip.png", alt_text="x", credit="Staff")
    assert "more than 16,383 times as tall as it is wide" in form_errors(response)
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_failure_while_drawing_leaves_no_file_and_no_row(editor_client, settings, monkeypatch):
    def failing(image, format, metadata):
        raise OSError("simulated encoder failure")

    monkeypatch.setattr(imaging, "encode", failing)
    editor_client.raise_request_exception = False
    response = upload(editor_client, jpeg_bytes(size=(900, 600)), alt_text="x", credit="Staff")
    assert response.status_code == 500
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_the_same_file_twice_offers_the_existing_photo(editor_client, settings, make_photo):
    content = jpeg_bytes(colour=(9, 9, 9))
    upload(editor_client, content, credit="Reuters", caption="First upload")
    existing = Photo.objects.get()
    files_before = stored_files(settings)
    response = upload(editor_client, content, name="renamed.jpg", credit="Reuters")
    errors = form_errors(response)
    assert "This exact file is already in the library" in errors
    assert f'href="/admin/articles/photo/{existing.pk}/change/"' in errors
    assert Photo.objects.count() == 1
    assert stored_files(settings) == files_before


def test_replacing_a_photo_file_with_itself_is_not_a_duplicate(editor_client):
    content = jpeg_bytes(colour=(9, 9, 9))
    upload(editor_client, content, credit="Reuters")
    photo = Photo.objects.get()
    data = EMPTY_FORM | {"credit": "Reuters", "image": SimpleUploadedFile("again.jpg", content)}
    response = editor_client.post(f"/admin/articles/photo/{photo.pk}/change/", data)
    assert response.status_code == 302


def test_exif_orientation_gives_the_displayed_size(editor_client):
    upload(editor_client, with_exif(tags={0x0112: 8}, size=(90, 30)))
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (30, 90)
    assert photo.rendition(400).width == 30 and photo.rendition(400).height == 90


# Metadata from the file


def test_empty_fields_are_filled_from_the_files_metadata(editor_client):
    content = with_iptc(
        image_bytes(
            "JPEG",
            xmp=xmp_packet(
                alt={
                    "Iptc4xmpCore:AltTextAccessibility": {"x-default": "Two leaders shake hands"},
                    "xmpRights:UsageTerms": {"x-default": "Editorial use only"},
                },
            ),
        ),
        {
            (2, 80): "Kim Hong-Ji",
            (2, 110): "Reuters",
            (2, 115): "Reuters Pictures",
            (2, 116): "© 2023 Reuters",
            (2, 120): "Kim Jong Un meets Vladimir Putin",
        },
    )
    response = upload(editor_client, content)
    photo = Photo.objects.get()
    assert photo.credit == "Reuters"
    assert photo.creator == "Kim Hong-Ji"
    assert photo.source == "Reuters Pictures"
    assert photo.copyright_notice == "© 2023 Reuters"
    assert photo.caption == "Kim Jong Un meets Vladimir Putin"
    assert photo.alt_text == "Two leaders shake hands"
    assert photo.usage_terms == "Editorial use only"
    assert "Filled from the file&#x27;s own metadata: caption, alt text, credit" in (
        response.content.decode()
    )


def test_what_the_editor_typed_wins_over_the_file(editor_client):
    content = with_exif(
        tags={0x013B: "Camera Owner", 0x8298: "© Someone Else".encode(), 0x010E: "From the file"}
    )
    upload(editor_client, content, creator="Jane Doe", caption="Typed caption", credit="Staff")
    photo = Photo.objects.get()
    assert (photo.creator, photo.caption, photo.credit) == ("Jane Doe", "Typed caption", "Staff")
    assert photo.copyright_notice == "© Someone Else"  # left empty, so taken from the file


# The admin


def test_photo_page_lists_every_story_that_uses_it(editor_client, make_article, make_photo):
    photo = make_photo()
    lead_story = make_article(headline="Lead use", lead_photo=photo)
    gallery_story = make_article(headline="Gallery use", status=Status.DRAFT, publish_at=None)
    ArticlePhoto.objects.create(article=gallery_story, photo=photo)
    make_article(headline="Unrelated story")
    html = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert f'<a href="/admin/articles/article/{lead_story.pk}/change/">Lead use</a>' in html
    assert "(lead photo, published)" in html
    assert f'<a href="/admin/articles/article/{gallery_story.pk}/change/">Gallery use</a>' in html
    assert "(gallery, draft)" in html
    assert "Unrelated story" not in html


def test_an_unused_photo_says_so(editor_client, make_photo):
    photo = make_photo()
    html = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert "No story uses this photo yet." in html


def test_photo_list_flags_expired_and_soon_expiring_licences(editor_client, make_photo):
    now = timezone.now()
    make_photo(caption="Fine photo")
    make_photo(caption="Soon photo", rights_expire_at=now + timedelta(days=2))
    make_photo(caption="Lapsed photo", rights_expire_at=now - timedelta(days=2))
    html = editor_client.get("/admin/articles/photo/").content.decode()
    assert html.count("Licence expired on") == 1
    assert html.count("Licence expires") == 1

    def listed(rights):
        response = editor_client.get(f"/admin/articles/photo/?rights={rights}")
        return sorted(p.caption for p in response.context["cl"].result_list)

    assert listed("expired") == ["Lapsed photo"]
    assert listed("expiring") == ["Soon photo"]
    assert listed("usable") == ["Fine photo", "Soon photo"]


def test_story_page_in_the_admin_flags_its_photos_licences(editor_client, make_article, make_photo):
    now = timezone.now()
    lead = make_photo(caption="Lapsed lead", rights_expire_at=now - timedelta(hours=1))
    story = make_article(lead_photo=lead)
    soon = make_photo(caption="Soon gallery", rights_expire_at=now + timedelta(days=6))
    ArticlePhoto.objects.create(article=story, photo=soon)
    ArticlePhoto.objects.create(article=story, photo=make_photo(caption="Fine gallery"))
    html = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "Licence expired on" in html and "Lapsed lead" in html
    assert "Licence expires" in html
    section = html[html.index("Photo licences") :]
    assert f'href="/admin/articles/photo/{lead.pk}/change/"' in section
    assert f'href="/admin/articles/photo/{soon.pk}/change/"' in section
    assert "Fine gallery" not in section.split("</ul>")[0]


def test_story_page_in_the_admin_says_when_every_licence_is_fine(
    editor_client, make_article, make_photo
):
    story = make_article(lead_photo=make_photo())
    html = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "No photo in this story has a licence that has expired" in html


def test_photo_admin_offers_a_focal_point_picker(editor_client, make_photo):
    photo = make_photo()
    html = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert "data-focal-point" in html and "articles/admin/focal-point.js" in html
    assert 'name="focal_x"' in html and 'name="focal_y"' in html
    # The preview is a rendition, not the upload, which may weigh 25 MB.
    assert f'<img src="{photo.rendition(800).url}"' in html


def test_focal_point_must_lie_inside_the_picture(editor_client, make_photo):
    photo = make_photo()
    data = EMPTY_FORM | {"credit": "Reuters", "focal_x": "1.5"}
    response = editor_client.post(f"/admin/articles/photo/{photo.pk}/change/", data)
    assert response.status_code == 200
    photo.refresh_from_db()
    assert photo.focal_x == 0.5


# Photos on stories that have left draft are the desk's


def change_photo(client, photo, *, popup=False, **fields):
    """The photo form as the admin would post it, with `fields` changed."""
    data = EMPTY_FORM | {
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit,
    }
    url = f"/admin/articles/photo/{photo.pk}/change/" + ("?_popup=1" if popup else "")
    return client.post(url, data | fields)


@pytest.mark.parametrize("use", ["lead", "gallery", "body"])
@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED])
def test_a_writer_cannot_change_a_photo_on_a_story_that_has_left_draft(
    client, make_article, make_photo, writer, use, status
):
    photo = make_photo(credit="Reuters")
    before = read(photo)
    story = make_article(status=status, created_by=writer)
    if use == "lead":
        story.lead_photo = photo
        story.save()
    elif use == "body":
        # Inline in the text, as the body editor's photo button places it.
        story.body += f'<figure data-photo="{photo.pk}"></figure>'
        story.save()
    else:
        ArticlePhoto.objects.create(article=story, photo=photo)
    client.force_login(writer)

    page = client.get(f"/admin/articles/photo/{photo.pk}/change/")
    assert page.status_code == 200
    assert 'name="credit"' not in page.content.decode()  # read-only
    assert "only editors may change it" in page.content.decode()

    response = change_photo(
        client,
        photo,
        credit="Someone else",
        rights_expire_at_0="2000-01-01",
        rights_expire_at_1="00:00",
        image=SimpleUploadedFile("new.jpg", jpeg_bytes(colour=(1, 200, 1))),
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.credit == "Reuters" and photo.rights_expire_at is None
    assert read(photo) == before


def test_a_writer_still_edits_a_photo_that_only_drafts_use(
    client, make_article, make_photo, writer
):
    photo = make_photo(credit="Reuters")
    make_article(status=Status.DRAFT, publish_at=None, created_by=writer, lead_photo=photo)
    client.force_login(writer)
    assert change_photo(client, photo, credit="Staff").status_code == 302
    assert Photo.objects.get(pk=photo.pk).credit == "Staff"


def test_a_writer_cannot_change_a_live_photo_from_their_own_draft(
    client, make_article, make_photo, writer
):
    # The pencil beside the draft's photo opens the photo in a popup: the same rule applies.
    photo = make_photo(credit="Reuters")
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    ArticlePhoto.objects.create(article=draft, photo=photo)
    make_article(lead_photo=photo)  # someone else's published story
    client.force_login(writer)
    response = change_photo(client, photo, popup=True, credit="Someone else")
    assert response.status_code == 403
    assert Photo.objects.get(pk=photo.pk).credit == "Reuters"


def test_changes_to_a_photo_are_recorded_for_editors(
    editor_client, editor, make_article, make_photo
):
    photo = make_photo(credit="Reuters", caption="Old caption")
    make_article(lead_photo=photo)
    response = change_photo(
        editor_client,
        photo,
        credit="AP Photo/Jane Doe",
        caption="New caption",
        image=SimpleUploadedFile("new.jpg", jpeg_bytes(colour=(1, 200, 1))),
    )
    assert response.status_code == 302
    change = photo.changes.get()
    assert change.by == editor
    assert set(change.fields) == {"image", "credit", "caption"}
    html = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert "Erin Editor" in html and "Image, caption, credit" in html
