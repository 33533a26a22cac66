import hashlib
import io
import os

import pytest
from PIL import Image

from articles import imaging
from articles.imaging import Drawing, ImageRejected, crop_box, draw, inspect_image
from articles.photometa import PhotoMetadata, read_metadata
from tests.conftest import (
    image_bytes,
    image_bytes_of,
    jpeg_bytes,
    noisy_jpeg,
    png_claiming,
    with_exif,
    with_iptc,
)

LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_pixels": 100_000_000}
ORIENTATION = 0x0112


def inspect(data, **limits):
    return inspect_image(io.BytesIO(data), **(LIMITS | limits))


@pytest.mark.parametrize(
    ("format", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif")]
)
def test_the_four_formats_are_accepted(format, suffix):
    data = image_bytes(format, size=(30, 20))
    facts = inspect(data)
    assert (facts.format, facts.suffix) == (format, suffix)
    assert (facts.width, facts.height) == (30, 20)
    assert facts.content_hash == hashlib.sha256(data).hexdigest()


def test_a_text_file_is_not_an_image():
    with pytest.raises(ImageRejected) as refused:
        inspect(b"Dear editor, please find the photo attached.\n" * 20)
    assert refused.value.code == "not_an_image"
    assert "not a JPEG, PNG, WebP or GIF picture, whatever its name says" in refused.value.message


@pytest.mark.parametrize("format", ["BMP", "TIFF"])
def test_other_image_formats_are_refused(format):
    with pytest.raises(ImageRejected) as refused:
        inspect(image_bytes(format))
    assert refused.value.code == "not_an_image"


def test_a_truncated_jpeg_is_refused():
    data = noisy_jpeg()
    with pytest.raises(ImageRejected) as refused:
        inspect(data[: len(data) // 2])
    assert refused.value.code == "damaged"
    assert "damaged or incomplete" in refused.value.message


def test_a_truncated_png_is_refused():
    data = image_bytes_of(Image.frombytes("RGB", (128, 128), os.urandom(128 * 128 * 3)), "PNG")
    with pytest.raises(ImageRejected) as refused:
        inspect(data[: len(data) // 2])
    assert refused.value.code == "damaged"


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ImageRejected) as refused:
        inspect(png_claiming(100_000, 100_000))
    assert refused.value.code == "too_many_pixels"
    assert "too many pixels" in refused.value.message
    assert "the limit is 100 megapixels" in refused.value.message


def test_pictures_over_the_configured_pixel_limit_are_refused():
    with pytest.raises(ImageRejected) as refused:
        inspect(png_claiming(12_000, 10_000))
    assert "12,000 × 10,000 pixels; the limit is 100 megapixels" in refused.value.message
    with pytest.raises(ImageRejected):
        inspect(jpeg_bytes(size=(64, 48)), max_pixels=3000)
    assert inspect(jpeg_bytes(size=(64, 48)), max_pixels=3072).width == 64


def test_a_picture_too_narrow_for_any_rendition_is_refused_naming_the_limit():
    # One pixel wide and 16,384 tall: even a 1-pixel-wide WebP could not be that tall.
    with pytest.raises(ImageRejected) as refused:
        inspect(image_bytes("PNG", size=(1, 16_384), mode="L", colour=0))
    assert refused.value.code == "too_narrow"
    assert "1 × 16,384 pixels" in refused.value.message
    assert "16,383 times as tall as it is wide" in refused.value.message
    # Turned upright by its EXIF orientation, a long strip is just as narrow.
    turned = with_exif("JPEG", {ORIENTATION: 6}, size=(16_384, 1))
    with pytest.raises(ImageRejected):
        inspect(turned)


def test_long_pictures_that_can_be_drawn_are_accepted():
    for size in [(1, 16_383), (16_384, 1), (200, 17_000), (20_000, 300)]:
        facts = inspect(image_bytes("PNG", size=size, mode="L", colour=0))
        assert (facts.width, facts.height) == size


def test_an_oversize_file_is_refused_before_it_is_read():
    data = noisy_jpeg()
    with pytest.raises(ImageRejected) as refused:
        inspect(data, max_bytes=len(data) - 1)
    assert refused.value.code == "too_large"
    assert "the limit is" in refused.value.message


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRejected) as refused:
        inspect(b"")
    assert refused.value.code == "empty"


def test_size_is_as_displayed_after_exif_orientation():
    facts = inspect(with_exif(tags={ORIENTATION: 6}, size=(60, 40)))
    assert (facts.width, facts.height) == (40, 60)


def test_the_file_metadata_comes_with_the_facts():
    facts = inspect(with_iptc(jpeg_bytes(), {(2, 110): "Reuters"}))
    assert facts.metadata.credit == "Reuters"


@pytest.mark.parametrize(
    ("ratio", "focal", "box"),
    [
        (None, (0.5, 0.5), (0, 0, 4000, 3000)),
        ((16, 9), (0.5, 0.5), (0, 375, 4000, 2625)),
        ((16, 9), (0.5, 0.0), (0, 0, 4000, 2250)),
        ((16, 9), (0.5, 1.0), (0, 750, 4000, 3000)),
        ((1, 1), (0.5, 0.5), (500, 0, 3500, 3000)),
        ((1, 1), (0.0, 0.5), (0, 0, 3000, 3000)),
        ((1, 1), (0.9, 0.5), (1000, 0, 4000, 3000)),  # kept inside the picture
        ((1, 1), (0.6, 0.5), (900, 0, 3900, 3000)),
        ((4, 3), (0.2, 0.8), (0, 0, 4000, 3000)),
    ],
)
def test_crop_box_keeps_the_focal_point_in_frame(ratio, focal, box):
    assert crop_box(4000, 3000, ratio, focal) == box


def test_crop_box_on_a_portrait_picture():
    assert crop_box(1000, 2000, (16, 9), (0.5, 0.25)) == (0, 219, 1000, 781)


def test_drawing_applies_orientation_and_crops_by_the_box():
    # Stored sideways: left half red, right half blue; orientation 6 turns it clockwise, so
    # as displayed the red half is on top.
    stored = Image.new("RGB", (60, 40), (255, 0, 0))
    stored.paste((0, 0, 255), (30, 0, 60, 40))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    data = image_bytes_of(stored, "JPEG", exif=exif, quality=95)
    top_half = Drawing(box=(0, 0, 40, 30), size=(20, 15), format="jpeg")
    [(_, content)] = list(draw(io.BytesIO(data), [top_half], PhotoMetadata()))
    with Image.open(io.BytesIO(content)) as rendition:
        assert rendition.size == (20, 15)
        red, _green, blue = rendition.convert("RGB").getpixel((10, 7))
    assert red > 200 and blue < 60


def test_drawing_resizes_once_per_size_and_encodes_each_rendition(monkeypatch):
    encodes, resizes = [], []
    real_encode, real_resize = imaging.encode, Image.Image.resize
    monkeypatch.setattr(imaging, "encode", lambda *a: encodes.append(a[1]) or real_encode(*a))
    monkeypatch.setattr(
        Image.Image,
        "resize",
        lambda self, size, *a, **k: resizes.append(size) or real_resize(self, size, *a, **k),
    )
    small_jpeg = Drawing((0, 0, 64, 48), (32, 24), "jpeg")
    square = Drawing((8, 0, 56, 48), (48, 48), "jpeg")
    small_webp = Drawing((0, 0, 64, 48), (32, 24), "webp")
    results = list(
        draw(io.BytesIO(jpeg_bytes()), [small_jpeg, square, small_webp], PhotoMetadata())
    )
    assert [d for d, _ in results] == [small_jpeg, small_webp, square]
    assert resizes == [(32, 24), (48, 48)]
    assert encodes == ["jpeg", "webp", "jpeg"]
    with Image.open(io.BytesIO(results[1][1])) as webp:
        assert (webp.format, webp.size) == ("WEBP", (32, 24))


def test_transparent_pictures_go_on_white_in_jpeg_and_stay_transparent_in_webp():
    data = image_bytes("PNG", mode="RGBA", colour=(0, 0, 0, 0), size=(20, 20))
    drawings = [
        Drawing((0, 0, 20, 20), (10, 10), "jpeg"),
        Drawing((0, 0, 20, 20), (10, 10), "webp"),
    ]
    (_, jpeg), (_, webp) = draw(io.BytesIO(data), drawings, PhotoMetadata())
    with Image.open(io.BytesIO(jpeg)) as flat:
        assert flat.getpixel((5, 5)) == (255, 255, 255)
    with Image.open(io.BytesIO(webp)) as clear:
        assert clear.mode == "RGBA" and clear.getpixel((5, 5))[3] == 0


@pytest.mark.parametrize(
    ("mode", "colour"), [("CMYK", (0, 255, 255, 0)), ("L", 128), ("P", 5), ("I;16", 40000)]
)
def test_every_kind_of_picture_comes_out_as_rgb(mode, colour):
    format = "JPEG" if mode == "CMYK" else "PNG"
    data = image_bytes(format, mode=mode, colour=colour, size=(16, 16))
    [(_, content)] = draw(
        io.BytesIO(data), [Drawing((0, 0, 16, 16), (8, 8), "jpeg")], PhotoMetadata()
    )
    with Image.open(io.BytesIO(content)) as rendition:
        assert rendition.mode == "RGB"
        pixel = rendition.getpixel((4, 4))
    if mode == "I;16":
        assert 140 < pixel[0] < 175  # 40000/65535 of white, not clipped to white
    if mode == "CMYK":
        assert pixel[0] > 200 and pixel[1] < 80  # cyan-free, magenta and yellow: red


def test_renditions_carry_the_credit_in_exif_and_xmp():
    credit = PhotoMetadata(creator="Jane Doe", credit="AP Photo/Jane Doe", copyright_notice="© AP")
    drawings = [Drawing((0, 0, 64, 48), (32, 24), fmt) for fmt in ("jpeg", "webp")]
    for _, content in draw(io.BytesIO(jpeg_bytes()), drawings, credit):
        with Image.open(io.BytesIO(content)) as rendition:
            assert read_metadata(rendition) == credit
            assert rendition.getexif()[0x013B] == "Jane Doe"


def test_renditions_drop_the_original_exif_such_as_gps():
    data = with_exif(tags={0x8825: {2: (51.0, 30.0, 0.0)}, 0x010F: "Camera maker"})
    [(_, content)] = draw(
        io.BytesIO(data), [Drawing((0, 0, 64, 48), (32, 24), "jpeg")], PhotoMetadata()
    )
    with Image.open(io.BytesIO(content)) as rendition:
        exif = rendition.getexif()
    assert 0x8825 not in exif and 0x010F not in exif
