"""The backup archive: what it holds, the one snapshot it is taken from, and its verification.

An archive is a gzipped tar: `sites.xml`, `content.xml` and `tags.xml` (fixtures, loaded in
that order), `media/<name>` for every file on the media storage, and `manifest.json` with the
SHA-256 of each member and the rows per model in the snapshot. The `backup` and `restore`
commands only connect these pieces to files and storage.

Every model's rows are archived except what `migrate` rebuilds (EXCLUDED). Secrets that are
configuration stay with the server's configuration, never in an archive: SECRET_KEY and the
Content Credentials signing key and certificates (files settings name); partners' API keys
are stored, and so archived, only as hashes.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import ConnectionHandler, load_backend

from articles.models import Front
from articles.roles import ROLES

# What a restore rebuilds by itself (migrations and post-migrate) or never needs.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
# taggit's tagged items give a natural key of their object id alone, which would merge all of a
# story's tags into one: they keep their own ids in a second file.
TAGGED = "taggit.taggeditem"
# Loaded in this order by `restore`. XML keeps timestamps to the microsecond (Django's JSON
# rounds them to milliseconds). The base manager: a default manager that hides rows must not
# hide them from the backup.
# The site keeps its id: a site found by its natural key (the domain) would be added beside the
# one SITE_ID names whenever the domains differ (`flush` leaves Django's "example.com"), and
# the hand-made redirects would follow it away from this site. Loaded first, before what
# refers to it; an archive from before it had none (format 2).
SITES = "sites.xml"
FIXTURES = {
    SITES: {"args": ["sites.site"]},
    "content.xml": {"exclude": [*EXCLUDED, TAGGED, "sites.site"], "natural_primary": True},
    "tags.xml": {"args": [TAGGED]},
}
MANIFEST = "manifest.json"
MEDIA = "media/"
FORMAT = 3


class BackupError(Exception):
    """The archive is unusable; the message says why."""


def archived_models():
    """The models whose rows an archive holds, by label."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
    }


def migration_rows(model):
    """Rows `migrate` makes by itself in an empty database: they do not make a site "used"."""
    if model is Group:
        return model._base_manager.filter(name__in=ROLES, user__isnull=True)
    if model is Site:
        # Named from NEWSROOM_SITE_URL by the migrations (articles 0017).
        return model._base_manager.filter(pk=settings.SITE_ID)
    if model is Front:
        return model._base_manager.filter(section__isnull=True)  # the home page's (0023)
    return model._base_manager.none()


def rows_beyond_migrations(model):
    return model._base_manager.exclude(pk__in=migration_rows(model).values("pk"))


@contextmanager
def snapshot():
    """A database alias whose every read sees the database as it was at one instant.

    PostgreSQL: one repeatable-read, read-only transaction. SQLite: the online backup API copies
    the whole database in one step (a single read transaction) into a temporary file, and the
    dump reads that copy, so writers are never held up while it is serialised.
    """
    if connection.in_atomic_block:
        # PostgreSQL could not make it one instant; SQLite's backup API would wait forever on
        # the write lock its own connection holds.
        raise BackupError("A backup takes its own snapshot: run it outside any transaction.")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS
    elif connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="newsroom-snapshot-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            with sqlite_alias("backup_snapshot", copy) as alias:
                yield alias
    else:
        raise BackupError(f"No consistent snapshot for {connection.vendor} databases.")


@contextmanager
def sqlite_alias(alias, path):
    """A database alias for a SQLite file, for the length of the block."""
    # A handler fills in every setting Django expects; the wrapper is filed under our alias.
    database = ConnectionHandler(
        {DEFAULT_DB_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": path}}
    ).settings[DEFAULT_DB_ALIAS]
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def dump(using, args=(), exclude=(), natural_primary=False):
    out = io.StringIO()
    call_command(
        "dumpdata",
        *args,
        exclude=list(exclude),
        natural_foreign=True,
        natural_primary=natural_primary,
        use_base_manager=True,
        database=using,
        format="xml",
        stdout=out,
    )
    return out.getvalue().encode()


def count_rows(using):
    return {
        label: model._base_manager.using(using).count()
        for label, model in sorted(archived_models().items())
    }


def walk(storage, folder=""):
    """Every file name on a storage, through its public listdir (local disk or a bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from walk(storage, prefix + name)


def write(out, storage):
    """Write an archive to the binary file `out`; return its manifest."""
    manifest = {"format": FORMAT, "members": {}, "rows": {}}
    with tarfile.open(fileobj=out, mode="w:gz") as archive:

        def add(name, payload):
            manifest["members"][name] = hashlib.sha256(payload).hexdigest()
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(payload))

        with snapshot() as using:
            for name, options in FIXTURES.items():
                add(name, dump(using, **options))
            manifest["rows"] = count_rows(using)
        # Files are not in the database's snapshot: one uploaded since is kept needlessly, and
        # a rendition deleted since is missing (`make_renditions` draws it again).
        for name in walk(storage):
            if Path(name).name != ".gitkeep":
                with storage.open(name, "rb") as file:
                    add(MEDIA + name, file.read())
        add(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


def read_manifest(archive):
    """The manifest of an open archive, or None for an archive from before manifests."""
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        return None
    try:
        return json.loads(archive.extractfile(member).read())
    except ValueError as error:
        raise BackupError(f"its manifest is unreadable: {error}") from error


def check_member(manifest, name, payload):
    if manifest is None:
        return
    expected = manifest["members"].get(name)
    if expected is None:
        raise BackupError(f"{name} is not in its manifest")
    if hashlib.sha256(payload).hexdigest() != expected:
        raise BackupError(f"{name} does not match its checksum")


def verify(path, manifest):
    """Check an archive as written to disk: every member's checksum, then its content restored
    by `restore` into a fresh database in a separate process, row for row. Raises BackupError."""
    seen = set()
    with tarfile.open(path) as archive:
        for member in archive:
            if member.name != MANIFEST:
                check_member(manifest, member.name, archive.extractfile(member).read())
            seen.add(member.name)
    if missing := set(manifest["members"]) - seen:
        raise BackupError(f"missing from the archive: {', '.join(sorted(missing))}")

    with tempfile.TemporaryDirectory(prefix="newsroom-verify-") as folder:
        database = Path(folder) / "db.sqlite3"
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{database}",
            # Nothing of the scratch restore reaches the live site's cache or media.
            "CACHE_URL": "locmemcache://verify",
            "MEDIA_STORAGE": "local",
            "MEDIA_ROOT": str(Path(folder) / "media"),
        }
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        run([*manage, "migrate", "--no-input", "--verbosity", "0"], env)
        seeded = count_tables(database)
        run([*manage, "restore", str(path), "--no-media", "--verbosity", "0"], env)
        restored = count_tables(database)
    wrong = [
        f"{label}: {restored.get(label)} restored, {dumped} backed up"
        for label, dumped in manifest["rows"].items()
        # Rows migrations make (the role groups) may be matched by the archive's or stay extra.
        if not dumped <= restored.get(label, -1) <= dumped + seeded.get(label, 0)
    ]
    if wrong:
        raise BackupError("a trial restore does not match the snapshot: " + "; ".join(wrong))


def run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        output = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"a trial restore failed: {' / '.join(output[-3:])}")


def count_tables(database):
    models = archived_models()
    with closing(sqlite3.connect(database)) as db:
        return {
            label: db.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]
            for label, model in models.items()
        }
