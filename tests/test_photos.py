import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Article, ArticlePhoto, ChecklistError, ImmutableError, Photo, Status
from articles.models.photos import photo_upload_to
from tests.conftest import jpeg_bytes, with_iptc

STORED_NAME = re.compile(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|gif)$")


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# Upload checks outside the admin


@pytest.mark.parametrize(
    "name", ["../../x.php.JPG", "a/b/c.webp", "..", "x.exe", "evil.png\x00.php", ".jpg"]
)
def test_storage_names_are_generated_not_taken_from_the_upload(name):
    assert STORED_NAME.match(photo_upload_to(None, name))


def test_saving_a_bad_file_outside_the_admin_is_refused_too(db, settings):
    photo = Photo(credit="Reuters", image=ContentFile(b"not a picture", name="x.jpg"))
    with pytest.raises(ValidationError) as refused:
        photo.save()
    assert "whatever its name says" in str(refused.value)
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_metadata_is_read_only_when_a_new_file_arrives(make_photo):
    photo = make_photo(credit="")
    photo.image.save("other.jpg", ContentFile(with_iptc(jpeg_bytes(), {(2, 110): "AFP"})))
    photo.refresh_from_db()
    assert photo.credit == "AFP"
    photo.credit = ""  # an editor clears it on purpose
    photo.save()
    photo.refresh_from_db()
    assert photo.credit == ""


def test_over_long_metadata_is_cut_to_the_field(db):
    content = with_iptc(jpeg_bytes(), {(2, 110): "R" * 300})
    photo = Photo(image=ContentFile(content, name="long.jpg"))
    photo.save()
    assert len(photo.credit) == 200


# Credit and rights


def test_credit_has_one_display_format_on_the_page(client, make_article, make_photo):
    lead = make_photo(credit="Reuters")
    story = make_article(lead_photo=lead)
    ArticlePhoto.objects.create(article=story, photo=make_photo(credit="Jane Doe/AP"))
    html = client.get(story.get_absolute_url()).content.decode()
    assert lead.credit_line == "Photo: Reuters"
    assert '<span class="credit">Photo: Reuters</span>' in html
    assert '<span class="credit">Photo: Jane Doe/AP</span>' in html


def test_a_creative_commons_photo_needs_its_licence_link(make_photo):
    photo = make_photo(licence=Photo.Licence.CREATIVE_COMMONS)
    with pytest.raises(ValidationError) as refused:
        photo.full_clean()
    assert "licence_url" in refused.value.message_dict
    photo.licence_url = "https://creativecommons.org/licenses/by/4.0/"
    photo.full_clean()


def test_publish_problems_name_what_is_missing(make_photo, settings):
    settings.TIME_ZONE = "UTC"
    assert make_photo().publish_problems() == []
    bare = make_photo(with_image=False, credit=" ", alt_text="")
    # Alt text describes a picture: asked for once there is one.
    assert bare.publish_problems() == [
        "no picture yet: add the file, or take the photo off the story",
        "no credit",
    ]
    assert make_photo(alt_text="").publish_problems() == ["no alt text"]
    lapsed = make_photo(rights_expire_at=timezone.now().replace(year=2026, month=5, day=3))
    now = timezone.now().replace(year=2026, month=6, day=1)
    assert lapsed.publish_problems(now=now) == ["licence expired on 3 May 2026"]
    before = timezone.now().replace(year=2026, month=5, day=1)
    assert lapsed.publish_problems(now=before) == []


def test_rights_status_and_querysets_agree(make_photo):
    now = timezone.now()
    fine = make_photo()
    later = make_photo(rights_expire_at=now + timedelta(days=30))
    soon = make_photo(rights_expire_at=now + timedelta(days=3))
    lapsed = make_photo(rights_expire_at=now - timedelta(minutes=1))
    assert [p.rights_status(now) for p in (fine, later, soon, lapsed)] == [
        "",
        "",
        "expiring",
        "expired",
    ]
    assert set(Photo.objects.expired(now)) == {lapsed}
    assert set(Photo.objects.expiring_soon(now)) == {soon}
    assert set(Photo.objects.usable(now)) == {fine, later, soon}
    assert lapsed.rights_note(now).startswith("Licence expired on")
    assert soon.rights_note(now).startswith("Licence expires")
    assert fine.rights_note(now) == ""


def test_used_in_finds_lead_and_gallery_uses_once(make_article, make_photo):
    photo = make_photo()
    as_lead = make_article(lead_photo=photo)
    in_gallery = make_article()
    ArticlePhoto.objects.create(article=in_gallery, photo=photo)
    both = make_article(lead_photo=photo)
    ArticlePhoto.objects.create(article=both, photo=photo)
    make_article(lead_photo=make_photo())
    assert set(photo.stories()) == {as_lead, in_gallery, both}
    assert photo.stories().count() == 3
    assert list(Photo.objects.used_in(both)) == [photo]


# The public page


def test_an_expired_photo_vanishes_from_the_page_at_its_time(client, make_article, make_photo):
    expires = timezone.now() + timedelta(hours=1)
    lead = make_photo(caption="Lead picture", rights_expire_at=expires)
    story = make_article(lead_photo=lead)
    extra = make_photo(caption="Gallery picture", rights_expire_at=expires)
    ArticlePhoto.objects.create(article=story, photo=extra)
    with time_machine.travel(expires - timedelta(seconds=1)):
        html = client.get(story.get_absolute_url()).content.decode()
    assert "Lead picture" in html and "Gallery picture" in html
    with time_machine.travel(expires):
        response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lead picture" not in html and "Gallery picture" not in html
    assert "<picture>" not in html and "renditions/" not in html
    assert story.headline in html and "Body of story" in html
    assert client.get("/").status_code == 200


def test_the_gallery_shows_usable_photos_in_order_with_their_own_captions(
    client, make_article, make_photo
):
    lead = make_photo(caption="The lead")
    story = make_article(lead_photo=lead)
    second = make_photo(caption="Library caption two", credit="AFP")
    first = make_photo(caption="Library caption one", credit="AP")
    lapsed = make_photo(caption="Lapsed", rights_expire_at=timezone.now() - timedelta(days=1))
    waiting = make_photo(with_image=False, credit="EPA")
    ArticlePhoto.objects.create(article=story, photo=second, position=2)
    ArticlePhoto.objects.create(article=story, photo=first, position=1, caption="Per-use caption")
    ArticlePhoto.objects.create(article=story, photo=lapsed, position=3)
    ArticlePhoto.objects.create(article=story, photo=waiting, position=4)
    ArticlePhoto.objects.create(article=story, photo=lead, position=5)
    html = client.get(story.get_absolute_url()).content.decode()
    gallery = html[html.index('<section class="gallery"') :]
    assert gallery.index("Per-use caption") < gallery.index("Library caption two")
    assert "Library caption one" not in html
    assert "Lapsed" not in html
    assert "Photo: AP" in gallery and "Photo: AFP" in gallery and "Photo: EPA" in gallery
    assert "The lead" not in gallery  # shown once, above


def test_a_story_without_a_gallery_has_no_gallery_section(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert 'class="gallery"' not in html


def test_a_credit_waiting_for_its_picture_stops_publication(make_article, make_photo, editor):
    # "(Photo: Reuters)" in wire copy makes a credited photo with no file yet.
    waiting = make_photo(with_image=False, credit="Reuters")
    story = make_article(status=Status.APPROVED, publish_at=None, lead_photo=waiting)
    with pytest.raises(ChecklistError, match="no picture yet"):
        story.publish(by=editor)
    assert not Article.objects.get(pk=story.pk).is_published


# Who may change a photo


def test_a_photo_is_locked_for_writers_once_a_story_using_it_leaves_draft(
    make_photo, make_article, writer, editor
):
    photo = make_photo()
    assert not photo.is_locked_for_writers()
    story = make_article(status=Status.DRAFT, publish_at=None)
    ArticlePhoto.objects.create(article=story, photo=photo)
    assert photo.can_edit(writer) and photo.can_edit(editor)
    story.submit(by=editor)
    assert photo.is_locked_for_writers()
    assert not photo.can_edit(writer) and photo.can_edit(editor)

    photo.credit = "Someone else"
    with pytest.raises(PermissionDenied):
        photo.edit(by=writer)
    assert Photo.objects.get(pk=photo.pk).credit == "Reuters"
    assert not photo.changes.exists()


def test_every_change_to_a_photo_is_recorded_and_kept(make_photo, editor):
    photo = make_photo(credit="Reuters")
    photo.credit, photo.alt_text = "AP", "New alt"
    photo.edit(by=editor)
    photo.edit(by=editor)  # nothing changed: nothing recorded
    change = photo.changes.get()
    assert (change.fields, change.by) == (["alt_text", "credit"], editor)
    with pytest.raises(ImmutableError):
        change.delete()
