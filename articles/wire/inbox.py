"""A feed folder partners drop wire files into: which files are ready to read, and where each
goes once decided (`done/`, or `refused/` with the reason beside it).

A file is ready once it has not changed for `settle` seconds, so one still being copied in
is left for a later look. Hidden and partial names (".story.txt", "story.txt.part",
"story.txt.tmp") are never taken: a partner that writes under such a name and renames the
file into place is picked up at once, whatever the settle time.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

from articles.wire.files import IMAGE_SUFFIXES
from articles.wire.formats import SUFFIXES

DONE, REFUSED = "done", "refused"
PARTIAL = (".part", ".partial", ".tmp", ".filepart", ".crdownload")
REASON_SUFFIX = ".reason.txt"


@dataclass(frozen=True)
class Inbox:
    folder: Path
    settle: float = 2.0

    def ready(self, now=None):
        """The files to decide now, oldest first: wire files, and any other non-picture file
        (to be refused); pictures wait for the story beside them."""
        now = time.time() if now is None else now
        found = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name.lower().endswith(PARTIAL):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    continue
                if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                    continue
                modified = entry.stat(follow_symlinks=False).st_mtime
                if now - modified < self.settle or not self._pictures_settled(name, now):
                    continue
                found.append((modified, name))
        return [self.folder / name for _, name in sorted(found)]

    def _pictures_settled(self, name, now):
        stem = self.folder / Path(name).stem
        for suffix in IMAGE_SUFFIXES:
            try:
                modified = stem.with_suffix(suffix).lstat().st_mtime
            except FileNotFoundError:
                continue
            if now - modified < self.settle:
                return False
        return True

    def done(self, path):
        """Set a decided file (and the picture beside it) aside as done."""
        return self._set_aside(path, DONE)

    def refuse(self, path, reason):
        """Set a refused file (and the picture beside it) aside, with the reason beside it."""
        moved = self._set_aside(path, REFUSED)
        moved.with_name(moved.name + REASON_SUFFIX).write_text(reason + "\n")
        return moved

    def _set_aside(self, path, where):
        folder = self.folder / where
        folder.mkdir(exist_ok=True)
        target = _free_name(folder / path.name)
        for suffix in IMAGE_SUFFIXES:
            picture = path.with_suffix(suffix)
            if picture.is_file() or picture.is_symlink():
                os.replace(picture, target.with_suffix(suffix))
        os.replace(path, target)
        return target

    def is_wire_file(self, path):
        return path.suffix.lower() in SUFFIXES


def _free_name(target):
    """`target`, or "story.2.txt" and so on when a file of that name was set aside before."""
    candidate, number = target, 1
    while candidate.exists() or candidate.with_name(candidate.name + REASON_SUFFIX).exists():
        number += 1
        candidate = target.with_name(f"{target.stem}.{number}{target.suffix}")
    return candidate
