from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.admin.thumbnails import rights_badge
from articles.models import Photo


class StoryPhotoRights:
    """For the story admin: a read-only `photo_rights` field naming every photo of the story
    (lead or gallery) whose licence has lapsed or lapses within 7 days."""

    @admin.display(description="Photo licences")
    def photo_rights(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        now = timezone.now()
        flagged = [photo for photo in Photo.objects.used_in(obj) if photo.rights_status(now)]
        if not flagged:
            return "No photo in this story has a licence that has expired or expires within 7 days."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{} <a href="{}">{}</a></li>',
                (
                    (
                        rights_badge(photo, now),
                        reverse("admin:articles_photo_change", args=[photo.pk]),
                        photo,
                    )
                    for photo in flagged
                ),
            ),
        )
