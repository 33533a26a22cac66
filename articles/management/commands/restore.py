import tarfile
import tempfile
import warnings
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import backups, caching


class Command(BaseCommand):
    help = "Restore an archive written by `backup`: all content, then the media files."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the current content first. Without it, only an empty site is restored.",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Restore the database only (how `backup` tries each archive it writes).",
        )

    def handle(self, *args, path, replace=False, no_media=False, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such backup")
        if not replace and (used := site_content()):
            raise CommandError(
                f"This site already has content ({', '.join(used)}). Restore into an empty "
                "database (after `migrate`, before creating any user), or pass --replace to "
                "delete the current content first."
            )
        try:
            with tarfile.open(path) as archive, tempfile.TemporaryDirectory() as folder:
                members = {member.name: member for member in archive.getmembers()}
                for member in members.values():
                    # The "data" filter refuses absolute paths, links and "..": no traversal.
                    tarfile.data_filter(member, folder)
                required = [name for name in backups.FIXTURES if name != backups.SITES]
                if not all(name in members for name in required):
                    raise CommandError(f"{path} is not a Newsroom backup.")
                manifest = backups.read_manifest(archive)
                fixtures = []
                for name in [name for name in backups.FIXTURES if name in members]:
                    payload = archive.extractfile(members[name]).read()
                    backups.check_member(manifest, name, payload)
                    fixtures.append(Path(folder) / name)
                    fixtures[-1].write_bytes(payload)
                with transaction.atomic(), warnings.catch_warnings():
                    # A site without tags (or stories) has an empty fixture: nothing is wrong.
                    warnings.filterwarnings("ignore", "No fixture data found", RuntimeWarning)
                    if replace:
                        call_command("flush", interactive=False, verbosity=0)
                    for fixture in fixtures:
                        call_command("loaddata", str(fixture), verbosity=0)
                if not no_media:
                    for name, member in members.items():
                        if member.isfile() and name.startswith(backups.MEDIA):
                            payload = archive.extractfile(member).read()
                            backups.check_member(manifest, name, payload)
                            put(default_storage, name.removeprefix(backups.MEDIA), payload)
        except (tarfile.TarError, OSError) as error:
            raise CommandError(f"{path} is not a readable backup: {error}") from error
        except backups.BackupError as error:
            raise CommandError(f"{path} is damaged: {error}") from error
        # Loaded behind the models' back: no cached page may outlive it.
        caching.changed(caching.SITE)
        self.stdout.write(f"Restored {path}")


def site_content():
    """What the site holds beyond what `migrate` made: the models that would be overwritten.

    After `migrate` a database has content types, permissions (never archived) and the role
    groups (articles.roles) with no members: that is an empty site. Any other row - a section,
    an author, a user, a further group - is content a restore would mix into or overwrite.
    """
    return [
        label
        for label, model in backups.archived_models().items()
        if backups.rows_beyond_migrations(model).exists()
    ]


def put(storage, name, payload):
    if ".." in PurePosixPath(name).parts:
        raise backups.BackupError(f"{name} points outside the media folder")
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(payload))
    if saved != name:
        raise backups.BackupError(f"{name} was stored as {saved}")
