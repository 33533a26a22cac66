from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles import imaging
from articles.admin.credentials import credentials_note
from articles.admin.thumbnails import rights_badge, thumbnail
from articles.models import Article, LiveEntry, Photo
from articles.models.photos import LOCKED_FOR_WRITERS


class PictureUploadField(forms.ImageField):
    """Django's ImageField, with our own checks and a message for each way a file can fail."""

    # No extension check: to_python looks at what the file is, whatever its name says.
    default_validators = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The uploaded name is never stored (photo_upload_to makes one), so its length is
        # no reason to refuse a picture.
        self.max_length = None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(imaging.MIME_TYPES.values())
        return attrs

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        try:
            facts = imaging.inspect_image(
                upload,
                max_bytes=settings.NEWSROOM_MAX_UPLOAD_BYTES,
                max_pixels=settings.NEWSROOM_MAX_IMAGE_PIXELS,
            )
        except imaging.ImageRejected as error:
            raise ValidationError(error.message, code=error.code) from error
        # Photo.save() reads these instead of checking the file a second time.
        upload.image_facts = facts
        upload.content_type = imaging.MIME_TYPES[facts.format]
        upload.seek(0)
        return upload


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = [
            "image",
            "caption",
            "alt_text",
            "credit",
            "creator",
            "source",
            "copyright_notice",
            "copyright_holder",
            "ai_label",
            "licence",
            "licence_url",
            "usage_terms",
            "rights_expire_at",
            "focal_x",
            "focal_y",
        ]
        field_classes = {"image": PictureUploadField}
        help_texts = {
            "image": Photo._meta.get_field("image").help_text
            + f" At most {filesizeformat(settings.NEWSROOM_MAX_UPLOAD_BYTES)} and "
            f"{settings.NEWSROOM_MAX_IMAGE_PIXELS / 1_000_000:,.0f} megapixels.",
        }

    def clean_image(self):
        image = self.cleaned_data.get("image")
        facts = getattr(image, "image_facts", None)
        if facts is not None:
            existing = (
                Photo.objects.same_file_as(facts.content_hash).exclude(pk=self.instance.pk).first()
            )
            if existing:
                url = reverse("admin:articles_photo_change", args=[existing.pk])
                raise ValidationError(
                    format_html(
                        'This exact file is already in the library: <a href="{}">{}</a>. '
                        "Use that photo rather than a second copy.",
                        url,
                        existing,
                    ),
                    code="duplicate",
                )
        return image


class RightsFilter(admin.SimpleListFilter):
    title = "licence expiry"
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            ("expiring", "Expires within 7 days"),
            ("usable", "Usable now"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "expired":
                return queryset.expired(now)
            case "expiring":
                return queryset.expiring_soon(now)
            case "usable":
                return queryset.usable(now)
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm

    def get_deleted_objects(self, objs, request):
        # Live entries show library photos by a reference in their text, not a row the
        # database could protect: a photo one shows is refused here like any other in use.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = [photo.pk for photo in objs]
        entries = LiveEntry.objects.showing_photos(ids).select_related("article")
        protected = [*protected, *(f"Live entry: {entry}" for entry in entries)]
        return deleted, counts, perms_needed, protected

    list_display = [
        "list_thumbnail",
        "__str__",
        "credit",
        "copyright_notice",
        "rights",
        "created_at",
    ]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = [RightsFilter, "licence", "source"]
    search_fields = ["caption", "alt_text", "credit", "creator", "source"]
    readonly_fields = [
        "preview",
        "width",
        "height",
        "credentials",
        "rights",
        "used_in",
        "change_history",
    ]
    fieldsets = [
        (None, {"fields": ["image", "preview", ("width", "height"), "caption", "alt_text"]}),
        (
            "Credit and rights",
            {
                "fields": [
                    "credit",
                    "credentials",
                    "ai_label",
                    "creator",
                    "source",
                    "copyright_notice",
                    "copyright_holder",
                    ("licence", "licence_url"),
                    "usage_terms",
                    ("rights_expire_at", "rights"),
                ]
            },
        ),
        ("Cropping", {"fields": [("focal_x", "focal_y")]}),
        ("Used in", {"fields": ["used_in"]}),
    ]

    class Media:
        js = ["articles/admin/focal-point.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.has_perm("articles.edit_any_article"):
            fieldsets = [*fieldsets, ("Changes", {"fields": ["change_history"]})]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_edit(request.user))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.can_edit(request.user) and obj.is_locked_for_writers():
            context["locked_note"] = LOCKED_FOR_WRITERS
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Photo")
    def list_thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview(self, obj):
        # The focal-point script turns this into a picker for the two fields below.
        return thumbnail(obj, size=400, focal_point=True)

    @admin.display(description="Content Credentials")
    def credentials(self, obj):
        return credentials_note(obj)

    @admin.display(description="Licence expiry")
    def rights(self, obj):
        return rights_badge(obj)

    @admin.display(description="Stories using this photo")
    def used_in(self, obj):
        if obj.pk is None:
            return "—"
        stories = obj.stories().only("pk", "headline", "status", "lead_photo", "created_by")
        if not stories:
            return "No story uses this photo yet."
        # Writers see the headlines of the stories they may open; the rest only as a number.
        viewer = getattr(obj, "viewer", None)
        if viewer is not None and not viewer.has_perm("articles.edit_any_article"):
            mine = set(Article.objects.written_by(viewer).values_list("pk", flat=True))
            hidden = sum(1 for story in stories if story.pk not in mine)
            stories = [story for story in stories if story.pk in mine]
        else:
            hidden = 0
        others = f"<p>…and {hidden} other {'story' if hidden == 1 else 'stories'}.</p>"
        return format_html(
            "<ul>{}</ul>" + (others if hidden else ""),
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[story.pk]),
                        story.headline,
                        "lead photo" if story.lead_photo_id == obj.pk else "gallery",
                        story.get_status_display().lower(),
                    )
                    for story in stories
                ),
            ),
        )

    @admin.display(description="Changes made")
    def change_history(self, obj):
        changes = obj.changes.select_related("by")[:50] if obj.pk else []
        if not changes:
            return "No changes since the photo was added."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><time datetime="{}">{}</time>: {} ({})</li>',
                (
                    (
                        change.at.isoformat(),
                        date_format(timezone.localtime(change.at), "DATETIME_FORMAT"),
                        change.fields_display,
                        (change.by.get_full_name() or change.by) if change.by else "—",
                    )
                    for change in changes
                ),
            ),
        )

    def get_object(self, request, object_id, from_field=None):
        photo = super().get_object(request, object_id, from_field)
        if photo is not None:
            photo.viewer = request.user  # for the "used in" list, which depends on who looks
        return photo

    def save_model(self, request, obj, form, change):
        obj.edit(by=request.user)
        if obj.filled_from_file:
            labels = [
                str(Photo._meta.get_field(name).verbose_name) for name in obj.filled_from_file
            ]
            self.message_user(
                request,
                f"Filled from the file's own metadata: {', '.join(labels)}. Check them.",
                messages.INFO,
            )
