"""Resized copies of photos: what readers are served, since the original upload never is.

A rendition's storage name is a pure function of what decides its bytes: the photo's file (its
content hash), the crop box (from the ratio and the focal point), the output width and format,
and the credit embedded in it. So a page computes every URL from the photo row it already has,
with no query, however many photos it shows. Files are drawn when the photo is saved, once;
`Rendition` rows are the ledger of what exists, used when saving and never when reading.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import imaging
from articles.credentials import signing
from articles.models.files import written_in_transaction
from articles.photometa import PhotoMetadata

WIDTHS = (400, 800, 1200, 1600)
# Cards and structured data use these shapes; None is the photo's own.
RATIOS = {"16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1)}
FORMATS = ("webp", "jpeg")
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
SUFFIXES = {"webp": ".webp", "jpeg": ".jpg"}
# Bump when the drawing recipe changes (quality, resampling): every name changes with it.
RECIPE = "1"
# How long browsers and proxies may keep a rendition. Files of a photo whose licence expires
# live under their own folder, kept only briefly: `expire_licences` deletes them once the
# licence has passed (deploy/nginx.conf serves the same lifetimes).
EXPIRING_FOLDER = "renditions/expiring"
MAX_AGE = 30 * 24 * 60 * 60
EXPIRING_MAX_AGE = 60


class Rendition(models.Model):
    """One resized file of a photo, in one shape, width and format."""

    photo = models.ForeignKey("articles.Photo", on_delete=models.CASCADE, related_name="renditions")
    file = models.FileField(max_length=255)
    format = models.CharField(max_length=4, choices=[(f, f.upper()) for f in FORMATS])
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "file"], name="rendition_unique_file"),
        ]

    def __str__(self):
        return f"{self.width}×{self.height} {self.format.upper()} of {self.photo}"

    @property
    def url(self):
        return self.file.url

    @property
    def mime_type(self):
        return MIME_TYPES[self.format]

    @cached_property
    def file_size(self):
        """Bytes on storage (for feed enclosures): asks the storage, not the database."""
        return self.file.storage.size(self.file.name)


@dataclass(frozen=True)
class Picture:
    """Everything a <picture> element needs, computed without a query."""

    webp: tuple[Rendition, ...]
    jpeg: tuple[Rendition, ...]
    sizes: str = "100vw"

    @cached_property
    def webp_srcset(self):
        return _srcset(self.webp)

    @cached_property
    def jpeg_srcset(self):
        return _srcset(self.jpeg)

    @property
    def fallback(self):
        """The <img src>, for the rare browser without srcset: a middling width."""
        return _widest_within(self.jpeg, 800)

    @property
    def width(self):
        # The widest rendition gives the intrinsic size; CSS scales it down (no layout shift).
        return self.jpeg[-1].width

    @property
    def height(self):
        return self.jpeg[-1].height

    def element(self, *, alt, lazy=False):
        """The <picture> element: WebP where the browser takes it, else JPEG. `lazy` below the
        fold; else the browser fetches it first.

        Written in Python, as Wagtail writes its image tags: every page draws several, and in
        a template the lookups and localised numbers cost more than the element itself.
        """
        loading = mark_safe('loading="lazy"' if lazy else 'fetchpriority="high"')
        return format_html(
            '<picture><source type="image/webp" srcset="{}" sizes="{}">'
            '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}" {}'
            ' decoding="async"></picture>',
            self.webp_srcset,
            self.sizes,
            self.fallback.url,
            self.jpeg_srcset,
            self.sizes,
            alt,
            self.width,
            self.height,
            loading,
        )


def _srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def _widest_within(renditions, width):
    fitting = [r for r in renditions if r.width <= width]
    return fitting[-1] if fitting else renditions[0]


def check_ratio(ratio):
    if ratio is not None and ratio not in RATIOS:
        raise ValueError(f"Unknown ratio {ratio!r}: use one of {', '.join(RATIOS)} or None.")


def embedded_metadata(photo) -> PhotoMetadata:
    """The credit and rights written into every rendition, so they survive a download."""
    holder = photo.copyright_holder.strip()
    return PhotoMetadata(
        creator=photo.creator.strip(),
        credit=photo.credit.strip(),
        copyright_notice=photo.copyright_notice.strip() or (f"© {holder}" if holder else ""),
        source=photo.source.strip(),
        licence_url=photo.licence_url.strip(),
    )


def cache_control(name):
    """The Cache-Control a rendition file is served with (for storage that keeps it per file,
    such as S3 object metadata)."""
    expiring = name.startswith(f"{EXPIRING_FOLDER}/")
    return f"public, max-age={EXPIRING_MAX_AGE if expiring else MAX_AGE}"


def planned(photo, *, ratio=None, format=None):
    """The renditions a photo has (or will have once saved), narrowest first; unsaved rows.

    None once its licence has expired: their files are deleted, and no address is given out.
    """
    check_ratio(ratio)
    if not (photo.image and photo.content_hash and photo.width and photo.height):
        return []
    if not photo.is_usable():
        return []
    box = imaging.crop_box(
        photo.width, photo.height, RATIOS.get(ratio), (photo.focal_x, photo.focal_y)
    )
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    signature = repr((RECIPE, box, embedded_metadata(photo)))
    if key := signing_key():
        # Signed files differ from unsigned ones, and from those of another certificate.
        signature += f"|signed:{key.fingerprint}"
    key = hashlib.sha256(signature.encode()).hexdigest()[:12]
    # 128 bits of the file's hash name its folder: unique enough, and shorter URLs.
    parent = EXPIRING_FOLDER if photo.rights_expire_at else "renditions"
    folder = f"{parent}/{photo.content_hash[:2]}/{photo.content_hash[2:32]}"
    renditions = []
    for fmt in [format] if format else FORMATS:
        # Never enlarge (a small picture gets one rendition at its own width), and never
        # past what the format can hold (a long infographic's own shape is drawn narrower).
        for width in imaging.widths_within(box_width, box_height, WIDTHS, imaging.MAX_SIDE[fmt]):
            height = max(1, round(width * box_height / box_width))
            rendition = Rendition(
                photo=photo,
                file=f"{folder}/{width}x{height}-{key}{SUFFIXES[fmt]}",
                format=fmt,
                width=width,
                height=height,
            )
            rendition.box = box  # what to draw, in displayed pixels of the original
            renditions.append(rendition)
    return renditions


def every_planned(photo):
    """Each distinct rendition across all shapes (a 4:3 photo's own shape is its 4:3 crop)."""
    by_name = {}
    for ratio in (None, *RATIOS):
        for rendition in planned(photo, ratio=ratio):
            by_name.setdefault(rendition.file.name, rendition)
    return list(by_name.values())


def make_renditions(photo):
    """Draw the renditions the photo lacks and forget stale ones; returns how many were drawn.

    Cheap when nothing changed (one query), so saving a photo can always call it. Once the
    licence has expired every rendition is stale: rows and files are deleted.
    """
    with transaction.atomic():
        return _make_renditions(photo)


def _make_renditions(photo):
    wanted = {r.file.name: r for r in every_planned(photo)}
    have = set(photo.renditions.values_list("file", flat=True))
    missing = [r for name, r in wanted.items() if name not in have]
    storage = photo.image.storage
    drawn = 0
    if missing:
        # Drawn files are deleted again if the rows below do not commit.
        written = written_in_transaction(storage)
        # A file may exist without its row (a save rolled back, or the same file in another
        # photo): the name fixes the bytes, so it is reused as it is.
        to_draw = {
            imaging.Drawing(r.box, (r.width, r.height), r.format): r
            for r in missing
            if not storage.exists(r.file.name)
        }
        if to_draw:
            with storage.open(photo.image.name, "rb") as original:
                # Read once: drawn from, and named in each signed rendition's manifest.
                content = original.read()
            metadata = embedded_metadata(photo)
            sign = _signer(photo, content, metadata)
            for drawing, drawn_content in imaging.draw(BytesIO(content), to_draw, metadata):
                name = to_draw[drawing].file.name
                if _store(storage, name, sign(drawing, drawn_content)):
                    written.append(name)
                drawn += 1
        Rendition.objects.bulk_create(missing, ignore_conflicts=True)
    stale = have - wanted.keys()
    if stale:
        photo.renditions.filter(file__in=stale).delete()
        transaction.on_commit(lambda: _delete_unused(storage, stale))
    return drawn


def signing_key():
    """The newsroom's key for Content Credentials from settings; None when none is set."""
    return _load_key(settings.NEWSROOM_C2PA_KEY, settings.NEWSROOM_C2PA_CERT)


def trust_anchors():
    """PEM text of the certificate authorities whose signers we trust, from settings."""
    path = settings.NEWSROOM_C2PA_TRUST_ANCHORS
    if not path:
        return ""
    with open(path, encoding="ascii") as anchors:
        return anchors.read()


@lru_cache(maxsize=4)
def _load_key(key_path, certificate_path):
    if not (key_path and certificate_path):
        return None
    with open(key_path, "rb") as key, open(certificate_path, "rb") as certificate:
        return signing.SigningKey(key_pem=key.read(), certificate_pem=certificate.read())


# An original's MIME type by the suffix it is stored under (photo_upload_to).
_ORIGINAL_TYPES = {suffix: imaging.MIME_TYPES[format] for format, suffix in imaging.FORMATS.items()}


def _signer(photo, original, metadata):
    """A function from a drawing and its bytes to the bytes to store: signed when a key is
    configured (docs/content-credentials.md), as drawn otherwise."""
    key = signing_key()
    if key is None:
        return lambda drawing, content: content
    name = PurePath(photo.image.name)
    source = signing.Original(
        content=original, mime_type=_ORIGINAL_TYPES.get(name.suffix, "image/jpeg"), title=name.name
    )
    full = (0, 0, photo.width, photo.height)
    anchors = trust_anchors()

    def sign(drawing, content):
        return signing.sign(
            content,
            MIME_TYPES[drawing.format],
            key=key,
            original=source,
            metadata=metadata,
            cropped=drawing.box != full,
            trust_anchors=anchors,
        )

    return sign


def _store(storage, name, content):
    """Write one rendition; False when another process wrote the same name meanwhile."""
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # Same bytes: keep theirs.
        storage.delete(saved)
        return False
    return True


def _delete_unused(storage, names):
    # After commit, and only files no photo's ledger still lists (a duplicate upload shares).
    still_used = set(Rendition.objects.filter(file__in=names).values_list("file", flat=True))
    for name in set(names) - still_used:
        storage.delete(name)
