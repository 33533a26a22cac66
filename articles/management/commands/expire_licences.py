"""Delete the renditions of photos whose licence has expired, so their addresses (shared in
og:image, feeds and social posts) stop answering. Run it every minute (deploy/ has a systemd
timer); saving an expired photo does the same for that photo. The original stays, for the
archive: no public page links it."""

from django.core.management.base import BaseCommand

from articles.models import Photo, Rendition
from articles.models.renditions import make_renditions


class Command(BaseCommand):
    help = "Delete the rendition files and rows of photos whose licence has expired."

    def handle(self, **options):
        expired = Photo.objects.expired().filter(renditions__isnull=False).distinct()
        photos = removed = 0
        for photo in expired.order_by("pk").iterator(chunk_size=200):
            count = Rendition.objects.filter(photo=photo).count()
            # Plans nothing for an expired photo: every row goes, and its file after commit.
            make_renditions(photo)
            photos += 1
            removed += count
        self.stdout.write(f"{photos} expired photos: {removed} renditions deleted.")
