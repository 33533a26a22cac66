"""Renditions of a photo whose licence has expired: gone from storage and from every address."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import FileResponse, Http404
from django.urls import path
from django.utils import timezone

import newsroom.urls
from articles.models import Photo, Rendition
from articles.models.renditions import EXPIRING_MAX_AGE, cache_control
from tests.conftest import jpeg_bytes


def serve_media(request, name):
    # Media as any storage serves it (the project's urls serve media only with DEBUG on).
    if not default_storage.exists(name):
        raise Http404(name)
    return FileResponse(default_storage.open(name, "rb"))


urlpatterns = [path("media/<path:name>", serve_media), *newsroom.urls.urlpatterns]


def status(client, url):
    response = client.get(url)
    if response.streaming:
        # Read to its end, the test client closes the file as a server would. Closing it by
        # hand would fire request_finished, which closes the test's own database connection.
        b"".join(response.streaming_content)
    return response.status_code


def expire(**overrides):
    call_command("expire_licences", stdout=(out := io.StringIO()), **overrides)
    return out.getvalue()


@pytest.fixture
def licensed_until(make_photo):
    def make(when):
        photo = make_photo(with_image=False, rights_expire_at=when)
        photo.image.save("a.jpg", ContentFile(jpeg_bytes(size=(900, 600))))
        return photo

    return make


@pytest.mark.urls(__name__)
def test_after_expiry_the_command_makes_every_rendition_address_stop_answering(
    client, licensed_until, make_photo, django_capture_on_commit_callbacks
):
    photo = licensed_until(timezone.now() + timedelta(minutes=5))
    kept = make_photo()
    urls = [r.file.url for r in photo.renditions.all()]
    assert len(urls) == 20 and all(status(client, url) == 200 for url in urls)
    original = photo.image.name
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        with django_capture_on_commit_callbacks(execute=True):
            assert expire() == "1 expired photos: 20 renditions deleted.\n"
        assert all(status(client, url) == 404 for url in urls)
        assert not Rendition.objects.filter(photo=photo).exists()
        # The original stays for the archive; other photos keep theirs.
        assert default_storage.exists(original)
        assert all(default_storage.exists(r.file.name) for r in kept.renditions.all())
        # Idempotent: nothing more to do.
        assert expire() == "0 expired photos: 0 renditions deleted.\n"


def test_saving_an_expired_photo_deletes_its_renditions(
    licensed_until, django_capture_on_commit_callbacks
):
    photo = licensed_until(timezone.now() + timedelta(minutes=5))
    names = [r.file.name for r in photo.renditions.all()]
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        photo.caption = "Edited after the licence ran out"
        with django_capture_on_commit_callbacks(execute=True):
            photo.save()
        assert not photo.renditions.exists()
        assert not any(default_storage.exists(name) for name in names)
        assert photo.picture() is None and photo.syndication_rendition is None


def test_an_expired_photo_plans_no_address_even_when_its_picture_was_remembered(
    licensed_until,
):
    photo = licensed_until(timezone.now() + timedelta(minutes=5))
    assert photo.picture() is not None and photo.rendition(800) is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert photo.picture() is None
        assert photo.rendition(800) is None


def test_renditions_of_an_expiring_licence_are_cached_briefly_and_others_for_30_days(
    licensed_until, make_photo
):
    expiring = licensed_until(timezone.now() + timedelta(days=300))
    lasting = make_photo()
    for rendition in expiring.renditions.all():
        assert rendition.file.name.startswith("renditions/expiring/")
        assert cache_control(rendition.file.name) == f"public, max-age={EXPIRING_MAX_AGE}"
    for rendition in lasting.renditions.all():
        assert not rendition.file.name.startswith("renditions/expiring/")
        assert cache_control(rendition.file.name) == "public, max-age=2592000"
    assert EXPIRING_MAX_AGE <= 60


def test_giving_a_photo_an_expiry_moves_its_renditions_to_the_short_lived_folder(
    make_photo, django_capture_on_commit_callbacks
):
    photo = make_photo()
    before = [r.file.name for r in photo.renditions.all()]
    photo.rights_expire_at = timezone.now() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    after = [r.file.name for r in photo.renditions.all()]
    assert len(after) == len(before)
    assert all(name.startswith("renditions/expiring/") for name in after)
    assert not any(default_storage.exists(name) for name in before)
    assert Photo.objects.get(pk=photo.pk).picture().jpeg[0].file.name in after
