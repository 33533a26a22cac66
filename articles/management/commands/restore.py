import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.management.commands.backup import FIXTURES
from articles.models import Article


class Command(BaseCommand):
    help = "Restore an archive written by `backup`: all content, then the media files."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the current content first. Without it, only an empty site is restored.",
        )

    def handle(self, *args, path, replace=False, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such backup")
        if Article.objects.exists() and not replace:
            raise CommandError(
                "This site already has stories. Restore into an empty database, or pass "
                "--replace to delete the current content first."
            )
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            try:
                with tarfile.open(path) as archive:
                    # The "data" filter refuses absolute paths, links and "..": no traversal.
                    archive.extractall(folder, filter="data")
            except (tarfile.TarError, OSError) as error:
                raise CommandError(f"{path} is not a readable backup: {error}") from error
            fixtures = [folder / name for name in FIXTURES]
            if not all(fixture.is_file() for fixture in fixtures):
                raise CommandError(f"{path} is not a Newsroom backup.")
            with transaction.atomic():
                if replace:
                    call_command("flush", interactive=False, verbosity=0)
                for fixture in fixtures:
                    call_command("loaddata", str(fixture), verbosity=0)
            media = folder / "media"
            if media.is_dir():
                shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        self.stdout.write(f"Restored {path}")
