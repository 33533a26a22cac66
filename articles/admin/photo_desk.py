"""The photo desk on the story form: a picture dropped onto the story is checked and its credit
and rights are read from the file, saving nothing; only once the writer has confirmed them is the
photo added to the library. And the library itself, searched from the story.

Endpoints of the story admin, answering the story form's script (static/articles/admin/
photo-desk.js) in JSON, with the photo admin's permissions. They connect what exists: the
upload checks of PictureUploadField and PhotoForm, photometa's credit as a newsroom writes it,
Photo.edit(), the photo list's own search.
"""

import base64

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from articles import imaging
from articles.admin.photo import PhotoForm, PictureUploadField
from articles.admin.thumbnails import thumbnail_url
from articles.models import Photo
from articles.photometa import PhotoMetadata, copyright_holder, newsroom_credit

# The preview drawn in memory for the dialog, and the library's thumbnails (CSS pixels).
PREVIEW_SIDE = 320
THUMBNAIL_SIZE = 120
LIBRARY_PAGE_SIZE = 24
# What the dialog shows for the writer to confirm, in its order.
CONFIRMED_FIELDS = [
    "credit",
    "creator",
    "source",
    "copyright_notice",
    "copyright_holder",
    "caption",
    "alt_text",
    "usage_terms",
    "licence_url",
]


class DeskPhotoForm(PhotoForm):
    """A new library photo as the writer confirmed it: the file, its credit, and alt text."""

    class Meta(PhotoForm.Meta):
        fields = ["image", *CONFIRMED_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = True
        # A picture added from the story is about to be seen by readers: it is described now.
        self.fields["alt_text"].required = True
        self.fields["alt_text"].error_messages["required"] = (
            "Describe the picture for people who cannot see it."
        )


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    added_from = forms.DateField(required=False)
    added_until = forms.DateField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


class PhotoDeskAdminMixin:
    """For the story admin: the endpoints behind its form's photo desk. Who may add or see
    library photos is the photo admin's to say."""

    def get_urls(self):
        def view(function, name):
            return path(
                f"photo-desk/{name}/",
                self.admin_site.admin_view(function),
                name=f"articles_article_photo_desk_{name}",
            )

        return [
            view(self.photo_desk_inspect_view, "inspect"),
            view(self.photo_desk_add_view, "add"),
            view(self.photo_desk_library_view, "library"),
            # Before the model admin's own: "<object_id>/" would claim these addresses.
            *super().get_urls(),
        ]

    def _photo_admin(self):
        return self.admin_site.get_model_admin(Photo)

    @method_decorator(require_POST)
    def photo_desk_inspect_view(self, request):
        """Check a dropped file and say what it is and what it says; store nothing."""
        if not self._photo_admin().has_add_permission(request):
            raise PermissionDenied
        try:
            upload = PictureUploadField().clean(request.FILES.get("image"))
        except ValidationError as error:
            return JsonResponse({"errors": {"image": error.messages}}, status=400)
        facts = upload.image_facts
        existing = Photo.objects.same_file_as(facts.content_hash).first()
        if existing is not None:
            return JsonResponse({"duplicate": library_entry(existing)})
        return JsonResponse(
            {
                "fields": suggested_fields(facts.metadata),
                "from_file": sorted(facts.metadata.filled()),
                "width": facts.width,
                "height": facts.height,
                "preview": preview_data_url(upload, facts),
            }
        )

    @method_decorator(require_POST)
    def photo_desk_add_view(self, request):
        """Add the photo the writer confirmed to the library, in one transaction."""
        if not self._photo_admin().has_add_permission(request):
            raise PermissionDenied
        form = DeskPhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            if form.has_error("image", "duplicate"):
                # Sent twice, or someone else added the same file since it was dropped.
                facts = request.FILES["image"].image_facts
                existing = Photo.objects.same_file_as(facts.content_hash).first()
                return JsonResponse({"duplicate": library_entry(existing)}, status=409)
            errors = {
                name: [error["message"] for error in field_errors]
                for name, field_errors in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=400)
        photo = form.save(commit=False)
        # The writer saw every field the file filled and confirmed or changed it.
        photo.fills_from_file = False
        with transaction.atomic():
            photo.edit(by=request.user)
            self._photo_admin().log_addition(request, photo, [{"added": {}}])
        return JsonResponse({"photo": library_entry(photo)}, status=201)

    @method_decorator(require_GET)
    def photo_desk_library_view(self, request):
        """A page of library photos, newest first, searched by caption, credit, creator, date."""
        if not self._photo_admin().has_view_permission(request):
            raise PermissionDenied
        search = LibrarySearchForm(request.GET)
        if not search.is_valid():
            errors = {name: list(messages) for name, messages in search.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        wanted = search.cleaned_data
        photos = Photo.objects.order_by("-created_at", "-pk")
        if wanted["q"].strip():
            # The photo list's own search: every word in caption, alt text, credit, creator
            # or source.
            photos, _ = self._photo_admin().get_search_results(request, photos, wanted["q"])
        if wanted["added_from"]:
            photos = photos.filter(created_at__date__gte=wanted["added_from"])
        if wanted["added_until"]:
            photos = photos.filter(created_at__date__lte=wanted["added_until"])
        page = Paginator(photos, LIBRARY_PAGE_SIZE).get_page(wanted["page"])
        now = timezone.now()
        return JsonResponse(
            {
                "results": [library_entry(photo, now) for photo in page],
                "page": page.number,
                "pages": page.paginator.num_pages,
                "count": page.paginator.count,
            }
        )


def suggested_fields(metadata: PhotoMetadata):
    """The dialog's fields as the file fills them, the credit as a newsroom writes it."""
    values = metadata.filled() | {
        "credit": newsroom_credit(
            credit=metadata.credit, creator=metadata.creator, source=metadata.source
        ),
        "copyright_holder": copyright_holder(metadata.copyright_notice),
    }
    suggested = {}
    for name in CONFIRMED_FIELDS:
        value = values.get(name, "")
        max_length = Photo._meta.get_field(name).max_length
        suggested[name] = value[:max_length] if max_length else value
    return suggested


def preview_data_url(upload, facts):
    """A small JPEG of the picture, drawn in memory, as a data: address (the policy allows
    images from data: but not from blob:, so the browser's own object URL would not show)."""
    scale = min(1, PREVIEW_SIDE / facts.width, PREVIEW_SIDE / facts.height)
    size = (max(1, round(facts.width * scale)), max(1, round(facts.height * scale)))
    drawing = imaging.Drawing(box=(0, 0, facts.width, facts.height), size=size, format="jpeg")
    upload.seek(0)
    [(_, data)] = imaging.draw(upload, [drawing], PhotoMetadata())
    upload.seek(0)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def library_entry(photo, now=None):
    """A photo as the desk's dialogs show and choose it."""
    now = now or timezone.now()
    usable = photo.is_usable(now)
    return {
        "id": photo.pk,
        "label": str(photo),
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit,
        "credit_line": photo.credit_line,
        "creator": photo.creator,
        "added": date_format(timezone.localtime(photo.created_at), "j M Y"),
        "added_at": photo.created_at.isoformat(),
        "width": photo.width,
        "height": photo.height,
        # Not the original of an expired photo: its renditions are gone, and it may weigh 25 MB.
        "thumbnail": thumbnail_url(photo, THUMBNAIL_SIZE) if usable else "",
        "usable": usable,
        "rights_note": photo.rights_note(now),
    }
