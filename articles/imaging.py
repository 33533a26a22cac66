"""Pillow work on photo files: checking an upload, and drawing renditions. Pure: no database."""

import contextlib
import hashlib
import math
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO

from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps, features

from articles.photometa import PhotoMetadata, read_metadata, to_exif, to_xmp

# What we accept, whatever the file's name says, and the suffix each is stored under.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
ACCEPTED = "JPEG, PNG, WebP or GIF"
EXIF_ORIENTATION = 0x0112
_TURNED = {5, 6, 7, 8}  # orientations that swap width and height
_CHUNK = 1024 * 1024
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}
# The longest side each rendition format can hold: renditions of long pictures are drawn
# narrower than usual to fit (a 1000×20000 infographic's own shape is 819 wide in WebP).
MAX_SIDE = {"webp": 16_383, "jpeg": 65_535}


class ImageRejected(ValueError):
    """An upload we refuse; the message is written for the editor who sent it."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ImageFacts:
    """What a checked upload is: its real format, its size as displayed, its fingerprint."""

    format: str
    width: int
    height: int
    content_hash: str
    metadata: PhotoMetadata

    @property
    def suffix(self):
        return FORMATS[self.format]


def inspect_image(file, *, max_bytes, max_pixels) -> ImageFacts:
    """Check a binary file-like object is a whole, reasonably sized picture; raise ImageRejected.

    The full decode is deliberate: only decoding finds a truncated file, and the pixel limit,
    checked first from the header alone, bounds the memory it takes.
    """
    size = file.seek(0, 2)
    if size == 0:
        raise ImageRejected("The file is empty.", code="empty")
    if size > max_bytes:
        raise ImageRejected(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(max_bytes)}. "
            "Export a smaller version and upload that.",
            code="too_large",
        )
    content_hash = _sha256(file)
    file.seek(0)
    with warnings.catch_warnings():
        # Our own pixel limit applies below, with a message an editor can act on.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=list(FORMATS))
        except Image.DecompressionBombError as error:
            raise _too_many_pixels(None, max_pixels) from error
        except Exception as error:
            raise ImageRejected(
                f"This file is not a {ACCEPTED} picture, whatever its name says. Open it in an "
                "image editor, export it as JPEG and upload that.",
                code="not_an_image",
            ) from error
        with image:
            if image.width * image.height > max_pixels:
                raise _too_many_pixels(image.size, max_pixels)
            metadata = read_metadata(image)
            turned = _orientation(image) in _TURNED
            try:
                image.load()
            # Pillow reports damage as OSError, SyntaxError, ValueError, EOFError and more.
            except Exception as error:
                raise ImageRejected(
                    "This picture is damaged or incomplete: it could not be read to the end "
                    "(perhaps the upload or the download before it was cut short).",
                    code="damaged",
                ) from error
            width, height = image.size
    if turned:
        width, height = height, width
    if height > width * MAX_SIDE["webp"]:
        raise ImageRejected(
            f"This picture is {width:,} × {height:,} pixels: more than "
            f"{MAX_SIDE['webp']:,} times as tall as it is wide, too narrow for any web "
            "format to show. Crop it, or split it into parts and upload those.",
            code="too_narrow",
        )
    return ImageFacts(
        format=image.format,
        width=width,
        height=height,
        content_hash=content_hash,
        metadata=metadata,
    )


def _sha256(file):
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _too_many_pixels(size, max_pixels):
    limit = f"the limit is {max_pixels / 1_000_000:,.0f} megapixels"
    if size is None:
        described = "This picture has far too many pixels to process safely"
    else:
        width, height = size
        described = f"This picture is {width:,} × {height:,} pixels"
    return ImageRejected(
        f"{described}; {limit}. Export a smaller version and upload that.", code="too_many_pixels"
    )


def _orientation(image):
    try:
        return image.getexif().get(EXIF_ORIENTATION, 1)
    except Exception:
        # A broken EXIF block: show the picture as stored rather than refuse it.
        return 1


def crop_box(width, height, ratio, focal):
    """The largest box of the given ratio inside the picture, centred on the focal point.

    `ratio` is (w, h) or None for the picture's own shape; `focal` is (x, y), each 0..1.
    """
    if ratio is None:
        return (0, 0, width, height)
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:  # wider than wanted: trim the sides
        crop_w, crop_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        crop_w, crop_h = width, max(1, round(width * ratio_h / ratio_w))
    left = _clamp(round(focal[0] * width - crop_w / 2), 0, width - crop_w)
    top = _clamp(round(focal[1] * height - crop_h / 2), 0, height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def widths_within(box_width, box_height, wanted, max_side):
    """The wanted widths that fit the box without enlarging it, narrowed so that no height
    passes `max_side`: the widest is the box's own width, or the widest that fits."""
    widest = min(box_width, max(wanted), box_width * max_side // box_height)
    if widest < 1:
        return []
    return sorted({*(w for w in wanted if w < widest), widest})


def _clamp(value, lowest, highest):
    return max(lowest, min(value, highest))


@dataclass(frozen=True)
class Drawing:
    """One rendition to draw: a box of the displayed original, the output size and format."""

    box: tuple[int, int, int, int]
    size: tuple[int, int]
    format: str  # "jpeg" or "webp"


def draw(file, drawings: Iterable[Drawing], metadata: PhotoMetadata) -> Iterator[tuple]:
    """Yield (drawing, encoded bytes) for each drawing, decoding the original only once.

    Drawings of the same box and size come out together, whatever order they went in.
    """
    drawings = list(drawings)
    if not drawings:
        return
    with warnings.catch_warnings():
        # The file passed the pixel limit when it was uploaded.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(file, formats=list(FORMATS)) as original:
            turned = _orientation(original) in _TURNED
            full_width = original.height if turned else original.width
            scale = max(d.size[0] / (d.box[2] - d.box[0]) for d in drawings)
            if original.format == "JPEG" and scale < 1:
                # Decode at a fraction of full size when even the largest rendition allows:
                # faster, and a quarter of the memory or less.
                original.draft(
                    None, (math.ceil(original.width * scale), math.ceil(original.height * scale))
                )
            icc_profile = original.info.get("icc_profile")
            picture = _display_ready(ImageOps.exif_transpose(original), icc_profile)
    factor = picture.width / full_width
    # Resize once for both formats of a size, and hold one resized picture at a time.
    by_size = {}
    for drawing in drawings:
        by_size.setdefault((drawing.box, drawing.size), []).append(drawing)
    for (box, size), same_size in by_size.items():
        resized = picture.resize(
            size,
            Image.Resampling.LANCZOS,
            box=tuple(edge * factor for edge in box),
            reducing_gap=3.0,
        )
        for drawing in same_size:
            yield drawing, encode(resized, drawing.format, metadata)


def _display_ready(image, icc_profile):
    """RGB in sRGB (or RGBA where the picture has transparency), as browsers expect."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale: scale down to 8 bits rather than clip to white.
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    if icc_profile and features.check("littlecms2"):
        # A broken profile: the plain conversion below is still a fair picture.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(BytesIO(icc_profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
    return image.convert("RGB")


def encode(image, format, metadata: PhotoMetadata) -> bytes:
    """One rendition file, carrying the credit and copyright in EXIF and XMP."""
    buffer = BytesIO()
    options = {"exif": to_exif(metadata), "xmp": to_xmp(metadata)}
    if format == "jpeg":
        if image.mode == "RGBA":
            # JPEG has no transparency: put the picture on white, as the page shows it.
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image.save(buffer, "JPEG", **JPEG_OPTIONS, **options)
    elif format == "webp":
        image.save(buffer, "WEBP", **WEBP_OPTIONS, **options)
    else:
        raise ValueError(f"Unknown rendition format: {format!r}")
    return buffer.getvalue()
