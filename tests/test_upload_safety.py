"""Uploads can never be served back as HTML or script."""

import io
import mimetypes

import pytest
from PIL import Image

from articles.models import Photo
from tests.test_admin_photo import form_errors, stored_files, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("content", "name"),
    [(SVG, "logo.svg"), (SVG, "photo.jpg"), (HTML, "photo.jpg"), (HTML, "page.html")],
)
def test_svg_and_html_are_refused_whatever_their_name(editor_client, settings, content, name):
    response = upload(editor_client, content, name=name, alt_text="x", credit="Reuters")
    assert form_errors(response)
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def polyglot():
    """A real GIF with a page of HTML hidden after its end: browsers that sniff could run it."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(buffer, "GIF")
    return buffer.getvalue() + HTML


def test_a_picture_carrying_html_is_stored_and_served_only_as_a_picture(editor_client, settings):
    upload(editor_client, polyglot(), name="innocent.html", alt_text="A square", credit="Staff")
    photo = Photo.objects.get()
    # Whatever serves media (the development server, deploy/nginx.conf) types it by suffix.
    assert photo.image.name.endswith(".gif")
    assert mimetypes.guess_type(photo.image.name)[0] == "image/gif"
    # Readers are given renditions, re-encoded by Pillow: nothing after the picture survives.
    name = photo.rendition(800).url.removeprefix(settings.MEDIA_URL)
    with photo.image.storage.open(name, "rb") as file:
        assert b"<script" not in file.read()


def test_no_response_lets_the_browser_guess_its_type(client, db):
    assert client.get("/")["X-Content-Type-Options"] == "nosniff"
