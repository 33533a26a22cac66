import os
import time
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import backups


class Command(BaseCommand):
    help = (
        "Write all content (stories, people, photos, history) and media to one archive, from "
        "one consistent snapshot, and check that it restores before keeping it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", type=Path, help="Where to write (default: backups/<time>.tar.gz)"
        )

    def handle(self, *args, path=None, **options):
        path = path or Path("backups") / f"newsroom-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        # The archive holds password hashes, drafts and originals with their GPS positions:
        # readable by its owner only, from the moment it exists.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.partial")
        started = time.monotonic()
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as error:
            raise CommandError(f"{partial} exists: is another backup running?") from error
        try:
            with os.fdopen(fd, "wb") as out:
                manifest = backups.write(out, default_storage)
                out.flush()
                os.fsync(out.fileno())
        except backups.BackupError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Backup failed: {error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        written = time.monotonic()
        try:
            backups.verify(partial, manifest)
        except BaseException as error:
            # Kept for a look, under a name no one takes for a good backup.
            failed = path.with_name(f"{path.name}.failed")
            os.replace(partial, failed)
            if isinstance(error, backups.BackupError):
                raise CommandError(
                    f"Backup failed verification, kept as {failed}: {error}"
                ) from error
            raise
        os.replace(partial, path)
        rows = sum(manifest["rows"].values())
        files = sum(name.startswith(backups.MEDIA) for name in manifest["members"])
        verified = time.monotonic()
        self.stdout.write(
            f"Backed up {rows} rows and {files} media files to {path} (written in "
            f"{written - started:.1f} s, verified by a trial restore in {verified - written:.1f} s)"
        )
