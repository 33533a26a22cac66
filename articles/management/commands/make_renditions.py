"""Draw the renditions photos lack: for photos saved before renditions existed, or after a
change to the widths or the drawing recipe. Saving a photo does this for that photo already."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import caching
from articles.models import Photo
from articles.models.renditions import make_renditions


class Command(BaseCommand):
    help = "Draw missing renditions (and record missing sizes and hashes) for every photo."

    def handle(self, **options):
        drawn = failed = 0
        photos = Photo.objects.exclude(image="").order_by("pk")
        for photo in photos.iterator(chunk_size=200):
            try:
                if not photo.content_hash:
                    # Editors may have left fields empty on purpose: don't fill them now.
                    photo.take_file_facts(fill_empty_fields=False)
                    Photo.objects.filter(pk=photo.pk).update(
                        width=photo.width,
                        height=photo.height,
                        content_hash=photo.content_hash,
                        content_credentials=photo.content_credentials,
                    )
                drawn += make_renditions(photo)
            except ValidationError as error:
                failed += 1
                self.stderr.write(
                    f"photo {photo.pk} ({photo.image.name}): {' '.join(error.messages)}"
                )
            except OSError as error:  # missing or unreadable on storage
                failed += 1
                self.stderr.write(f"photo {photo.pk} ({photo.image.name}): {error}")
        self.stdout.write(f"{photos.count()} photos: {drawn} renditions drawn, {failed} failed.")
        if drawn:
            # Written behind the models' back: pages and story pieces showing these photos
            # are drawn again with the new renditions.
            caching.changed(caching.SITE)
        if failed:
            raise CommandError(f"{failed} photos could not be rendered.")
