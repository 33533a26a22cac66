from django.contrib import admin

from articles.admin.photo_rights import StoryPhotoRights
from articles.admin.thumbnails import thumbnail
from articles.models import Article, ArticlePhoto, Byline


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in the order readers see them)"


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ["photo"]
    verbose_name_plural = "more photos (gallery order)"


@admin.register(Article)
class ArticleAdmin(StoryPhotoRights, admin.ModelAdmin):
    list_display = [
        "headline",
        "status",
        "section",
        "byline_text",
        "publish_at",
        "lead_thumbnail",
    ]
    list_filter = ["status", "section", "authors", "publish_at"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    inlines = [BylineInline, ArticlePhotoInline]
    readonly_fields = [
        "status",
        "first_published_at",
        "revised_at",
        "source",
        "created_at",
        "photo_rights",
    ]
    fieldsets = [
        ("Story", {"fields": ["headline", "slug", "dek", "dateline", "body"]}),
        (
            "Photo and rights",
            {
                "fields": [
                    "lead_photo",
                    "photo_rights",
                    "copyright_notice",
                    "copyright_holder",
                    "copyright_year",
                ]
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "embargo_until",
                    "is_top_story",
                    "first_published_at",
                    "revised_at",
                ]
            },
        ),
        ("Metadata", {"fields": ["section", "tags", "source", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_card_data()

    @admin.display(description="Bylines")
    def byline_text(self, obj):
        return obj.byline_text

    @admin.display(description="Photo")
    def lead_thumbnail(self, obj):
        return thumbnail(obj.lead_photo, size=60)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
