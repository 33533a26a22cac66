from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

BADGE_COLOURS = {"expired": "#ba2121", "expiring": "#b36b00"}


def thumbnail(photo, size=80, *, focal_point=False):
    """A small preview for the admin; empty when there is no picture yet.

    A rendition twice the box (sharp on dense screens) rather than the upload, which may weigh
    25 MB; the upload only for a photo saved before renditions existed.
    """
    if not photo or not photo.image:
        return "—"
    url = thumbnail_url(photo, size)
    if focal_point:
        # static/articles/admin/focal-point.js reads these to draw and move the marker.
        return format_html(
            '<span class="focal-point-picker" style="position:relative;display:inline-block">'
            '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;display:block;'
            'cursor:crosshair" data-focal-point title="Click the subject to keep it in '
            'cropped versions"></span>',
            url,
            size,
            size,
        )
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;object-fit:cover">',
        url,
        size,
        size,
    )


def thumbnail_url(photo, size=80):
    """The address of the picture to show in a box `size` pixels wide; empty without a file."""
    if not photo or not photo.image:
        return ""
    small = photo.rendition(size * 2)
    return small.url if small else photo.image.url


def rights_badge(photo, now=None):
    """The licence's state at a glance: red when expired, amber within the warning period."""
    if photo is None or photo.rights_expire_at is None:
        return "—"
    status = photo.rights_status(now)
    if not status:
        when = date_format(timezone.localtime(photo.rights_expire_at), "j M Y")
        return f"Until {when}"
    return format_html(
        '<strong style="color:#fff;background:{};padding:1px 6px;border-radius:3px;'
        'white-space:nowrap">{}</strong>',
        BADGE_COLOURS[status],
        photo.rights_note(now),
    )
