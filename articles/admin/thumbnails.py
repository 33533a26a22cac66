from django.utils.html import format_html


def thumbnail(photo, size=80):
    """A small preview for admin lists; empty when there is no picture yet."""
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;object-fit:cover">',
        photo.image.url,
        size,
        size,
    )
