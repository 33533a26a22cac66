from django.contrib import admin

from articles.admin.thumbnails import thumbnail
from articles.models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["list_thumbnail", "__str__", "credit", "copyright_notice", "created_at"]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = ["licence", "source"]
    search_fields = ["caption", "alt_text", "credit", "creator", "source"]
    readonly_fields = ["preview", "width", "height"]
    fieldsets = [
        (None, {"fields": ["image", "preview", ("width", "height"), "caption", "alt_text"]}),
        (
            "Credit and rights",
            {
                "fields": [
                    "credit",
                    "creator",
                    "source",
                    "copyright_notice",
                    "copyright_holder",
                    ("licence", "licence_url"),
                    "usage_terms",
                    "rights_expire_at",
                ]
            },
        ),
        ("Cropping", {"fields": [("focal_x", "focal_y")]}),
    ]

    @admin.display(description="Photo")
    def list_thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview(self, obj):
        return thumbnail(obj, size=400)
