import hashlib
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from articles.imaging import ImageRejected, inspect_image
from articles.models.wire_copy import plan, save_wire_story
from articles.wire import WireError, parse

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Above this many files a line per file floods the terminal; show progress instead.
PROGRESS_THRESHOLD = 100


class Command(BaseCommand):
    help = "Import plain-text wire stories (files, or folders of .txt files) as drafts."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; write nothing."
        )

    def handle(self, *paths, dry_run=False, **options):
        files = self.collect(options["paths"])
        quiet = len(files) > PROGRESS_THRESHOLD and options["verbosity"] < 2
        outcomes = Counter()
        started = time.monotonic()
        step = max(1, len(files) // 20)
        for done, path in enumerate(files, start=1):
            try:
                outcome, headline = self.import_file(path, dry_run=dry_run)
            except WireError as error:
                outcomes["failed"] += 1
                self.stderr.write(f"failed     {path}: {error}")
            else:
                outcomes[outcome] += 1
                if not quiet:
                    self.stdout.write(f"{outcome:<10} {path}: {headline}")
            if quiet and (done % step == 0 or done == len(files)):
                self.stdout.write(progress(done, len(files), time.monotonic() - started))

        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        note = " (dry run: nothing was written)" if dry_run else ""
        self.stdout.write(f"{len(files)} files: {summary or 'nothing to do'}{note}")
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} of {len(files)} files failed to import.")

    def collect(self, paths):
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        return files

    def import_file(self, path, *, dry_run):
        data = path.read_bytes()
        story = parse(data)
        image_path = next((p for s in IMAGE_SUFFIXES if (p := path.with_suffix(s)).is_file()), None)
        digest = hashlib.sha256(data)
        if image_path:
            image_bytes = image_path.read_bytes()
            check_image(image_path)
            digest.update(image_bytes)
        key = path.name
        if dry_run:
            return plan(key=key, digest=digest.hexdigest()), story.headline
        if image_path:
            with image_path.open("rb") as handle:
                image = File(handle, name=image_path.name)
                outcome = save_wire_story(story, key=key, digest=digest.hexdigest(), image=image)
        else:
            outcome = save_wire_story(story, key=key, digest=digest.hexdigest())
        return outcome, story.headline


def check_image(path):
    # The same checks as an upload in the admin, so a dry run finds what a real run would refuse.
    try:
        with path.open("rb") as handle:
            inspect_image(
                handle,
                max_bytes=settings.NEWSROOM_MAX_UPLOAD_BYTES,
                max_pixels=settings.NEWSROOM_MAX_IMAGE_PIXELS,
            )
    except ImageRejected as error:
        raise WireError(f"{path.name} beside it is not a readable image ({error})") from error


def progress(done, total, elapsed):
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    return f"{done:,}/{total:,} files · {rate:,.0f} files/s · about {left:,.0f} s left"
