"""Media on S3-compatible object storage, against a real S3 server on loopback (moto's)."""

import json
import os
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile

from articles.models.renditions import every_planned
from tests.conftest import jpeg_bytes, s3_storage


def photo_files(photo):
    return {photo.image.name, *(r.file.name for r in every_planned(photo))}


def test_an_upload_is_stored_drawn_and_served_from_the_bucket(
    s3_media, make_photo, make_article, client
):
    photo = make_photo()
    story = make_article(lead_photo=photo)

    stored = s3_media.bucket.files()
    assert photo.image.name.startswith("photos/")
    assert set(stored) == photo_files(photo)
    assert stored[photo.image.name] == jpeg_bytes()
    assert photo.image.url == f"https://media.example.test/{photo.image.name}"
    rendition = photo.rendition(800)
    assert rendition.url == f"https://media.example.test/{rendition.file.name}"
    assert rendition.file_size == len(stored[rendition.file.name])

    page = client.get(story.get_absolute_url()).content.decode()
    assert f"https://media.example.test/{rendition.file.name}" in page


def test_stale_renditions_are_deleted_from_the_bucket(
    s3_media, make_photo, django_capture_on_commit_callbacks
):
    photo = make_photo(credit="Reuters")
    before = photo_files(photo)

    with django_capture_on_commit_callbacks(execute=True):
        photo.credit = "AP Photo/Jane Doe"  # written into every rendition: new files
        photo.save()

    after = photo_files(photo)
    assert after != before
    assert set(s3_media.bucket.files()) == after


def test_a_new_file_for_a_photo_keeps_its_original_in_the_bucket(s3_media, make_photo):
    photo = make_photo()
    old_original = photo.image.name
    photo.image.save("new.jpg", ContentFile(jpeg_bytes(colour=(0, 0, 200))))
    stored = s3_media.bucket.files()
    assert old_original in stored and photo.image.name in stored


@pytest.mark.parametrize(
    "environment, expected",
    [
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
                "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000/",
                "AWS_S3_CUSTOM_DOMAIN": "media.example.test",
            },
            {
                "media_url": "https://media.example.test/",
                "img_src": ["'self'", "data:", "https://media.example.test"],
            },
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
                "AWS_S3_ENDPOINT_URL": "https://s3.example.test",
                "AWS_LOCATION": "site",
            },
            {
                "media_url": "https://s3.example.test/newsroom-media/site/",
                "img_src": ["'self'", "data:", "https://s3.example.test"],
            },
        ),
        (
            {"MEDIA_STORAGE": "local"},
            {"media_url": "/media/", "img_src": ["'self'", "data:"]},
        ),
    ],
)
def test_settings_read_media_storage_from_the_environment(s3_server, environment, expected):
    shown = settings_under(environment)
    assert {key: shown[key] for key in expected} == expected
    if environment["MEDIA_STORAGE"] == "s3":
        assert shown["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = shown["storage"]["OPTIONS"]
        assert options["bucket_name"] == "newsroom-media"
        assert not options["querystring_auth"] and not options["file_overwrite"]
    else:
        assert shown["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_settings_refuse_object_storage_without_an_address_for_readers():
    with pytest.raises(subprocess.CalledProcessError) as error:
        settings_under({"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "newsroom-media"})
    assert "AWS_S3_CUSTOM_DOMAIN" in error.value.stderr


def test_the_storage_settings_in_tests_are_what_settings_build(s3_server):
    """The `s3_media` fixture stands in for settings.py: keep the two alike."""
    shown = settings_under(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
            "AWS_S3_ENDPOINT_URL": s3_server,
            "AWS_S3_CUSTOM_DOMAIN": "media.example.test",
        }
    )
    fixture = s3_storage("newsroom-media", s3_server)
    del fixture["OPTIONS"]["access_key"], fixture["OPTIONS"]["secret_key"]
    assert shown["storage"] == fixture


def settings_under(environment):
    """Settings as a fresh process reads them from these variables."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'media_url': settings.MEDIA_URL, "
        "'storage': settings.STORAGES['default'], "
        "'img_src': [str(s) for s in settings.SECURE_CSP['img-src']]}))"
    )
    env = (
        {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MEDIA_"))}
        | {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}
        | environment
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)
