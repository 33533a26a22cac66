import os
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.wire.files import LINKED_FILE, LINKED_FOLDER, import_file, reason
from articles.wire.formats import SUFFIXES
from articles.wire.importer import WireIdentity, WireRefused
from articles.wire.parser import WireError

# Above this many files a line per file floods the terminal; show progress instead.
PROGRESS_THRESHOLD = 100


class Command(BaseCommand):
    help = (
        "Import wire stories as drafts: plain text (.txt), IPTC ninjs (.json) or NITF "
        "(.xml, .nitf); files, or folders of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--feed",
            default="",
            help="The feed the files came from (e.g. reuters); by default the name of the "
            "folder each file is in. A story is known by its feed and its file name.",
        )
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="Import files and walk folders that are symbolic links (refused by default).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; write nothing."
        )

    def handle(self, *paths, feed="", follow_links=False, dry_run=False, **options):
        if feed and not feed.strip():
            raise CommandError("--feed needs a name.")
        feed = feed.strip()
        entries = collect(options["paths"], follow_links=follow_links)
        quiet = len(entries) > PROGRESS_THRESHOLD and options["verbosity"] < 2
        outcomes = Counter()
        started = time.monotonic()
        step = max(1, len(entries) // 20)
        seen = {}  # identity -> the first file with it in this run
        for done, (path, refusal) in enumerate(entries, start=1):
            try:
                if refusal:
                    raise WireRefused(refusal)
                identity = WireIdentity.of_file(path, feed=feed)
                if seen.setdefault(identity, path) != path:
                    raise WireRefused(
                        f"the same feed and name as {seen[identity]} ({identity}); "
                        "import them in separate runs with --feed to tell them apart"
                    )
                outcome, headline = import_file(
                    path, identity=identity, dry_run=dry_run, follow_links=follow_links
                )
            except WireRefused as error:
                outcomes["refused"] += 1
                self.stderr.write(f"refused    {path}: {error}")
            except (WireError, OSError, DatabaseError) as error:
                # Each file is its own transaction: a failure rolls back that file alone.
                outcomes["failed"] += 1
                self.stderr.write(f"failed     {path}: {reason(error)}")
            else:
                outcomes[outcome] += 1
                if not quiet:
                    self.stdout.write(f"{outcome:<10} {path}: {headline}")
            if quiet and (done % step == 0 or done == len(entries)):
                self.stdout.write(progress(done, len(entries), time.monotonic() - started))

        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        note = " (dry run: nothing was written)" if dry_run else ""
        self.stdout.write(f"{len(entries)} files: {summary or 'nothing to do'}{note}")
        if not_imported := outcomes["failed"] + outcomes["refused"]:
            raise CommandError(f"{not_imported} of {len(entries)} files failed to import.")


def collect(paths, *, follow_links):
    """(path, reason for refusing it or "") for every file to import, each file once."""
    entries = {}
    for path in paths:
        if path.is_symlink() and not follow_links:
            found = [(path, LINKED_FOLDER if path.is_dir() else LINKED_FILE)]
        elif path.is_dir():
            found = walk(path, follow_links=follow_links)
        elif path.is_file():
            found = [(path, "")]
        else:
            raise CommandError(f"{path}: no such file or folder")
        for file, refusal in found:
            entries.setdefault(os.path.abspath(file), (file, refusal))
    return list(entries.values())


def walk(folder, *, follow_links):
    found, walked = [], set()
    for top, folders, names in os.walk(folder, followlinks=follow_links):
        top = Path(top)
        real = os.path.realpath(top)
        if real in walked:  # a link back up the tree
            folders.clear()
            continue
        walked.add(real)
        if not follow_links:
            found += [(top / name, LINKED_FOLDER) for name in folders if (top / name).is_symlink()]
        for name in names:
            file = top / name
            if file.suffix.lower() not in SUFFIXES:
                continue
            if file.is_symlink() and not follow_links:
                found.append((file, LINKED_FILE))
            elif file.is_file():
                found.append((file, ""))
    return sorted(found)


def progress(done, total, elapsed):
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    return f"{done:,}/{total:,} files · {rate:,.0f} files/s · about {left:,.0f} s left"
