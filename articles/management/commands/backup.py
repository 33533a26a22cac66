import io
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

# What a restore rebuilds by itself (migrations and post-migrate) or never needs.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
# taggit's tagged items give a natural key of their object id alone, which would merge all of a
# story's tags into one: they keep their own ids in a second file.
TAGGED = "taggit.taggeditem"
# Loaded in this order by `restore`. XML keeps timestamps to the microsecond (Django's JSON
# rounds them to milliseconds).
FIXTURES = {
    "content.xml": {"exclude": [*EXCLUDED, TAGGED], "natural_primary": True},
    "tags.xml": {"args": [TAGGED]},
}


class Command(BaseCommand):
    help = "Write all content (stories, people, photos, history) and media to one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", type=Path, help="Where to write (default: backups/<time>.tar.gz)"
        )

    def handle(self, *args, path=None, **options):
        path = path or Path("backups") / f"newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(path, "w:gz") as archive:
            for name, options in FIXTURES.items():
                add_bytes(archive, name, dump(**options))
            if media.is_dir():
                for file in sorted(p for p in media.rglob("*") if p.is_file()):
                    if file.name != ".gitkeep":
                        archive.add(file, arcname=f"media/{file.relative_to(media)}")
        self.stdout.write(f"Backed up to {path}")


def dump(args=(), exclude=(), natural_primary=False):
    out = io.StringIO()
    call_command(
        "dumpdata",
        *args,
        exclude=list(exclude),
        natural_foreign=True,
        natural_primary=natural_primary,
        format="xml",
        stdout=out,
    )
    return out.getvalue().encode()


def add_bytes(archive, name, payload):
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    archive.addfile(info, io.BytesIO(payload))
