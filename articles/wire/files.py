"""Wire files into stories: read one file (and a picture beside it) and save what it holds.

Shared by `import_wire` (files and folders named on the command line) and `ingest` (feed
folders watched all day).
"""

import errno
import hashlib
import os

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError

from articles.imaging import ImageRejected, inspect_image
from articles.wire.formats import parse_file
from articles.wire.importer import WireRefused, plan, save_wire_story
from articles.wire.parser import WireError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# A link in a wire folder could point anywhere the importer may read (a secrets file, say).
LINKED_FILE = "a symbolic link; give --follow-links to import what links point to"
LINKED_FOLDER = "a symbolic link to a folder, not walked; give --follow-links to walk it"


def import_file(path, *, identity, dry_run=False, follow_links=False):
    """Import one wire file; (what happened, its headline). Raises WireError, WireRefused,
    OSError or DatabaseError, having written nothing, for a file that cannot be imported."""
    with open_file(path, follow_links=follow_links) as handle:
        data = handle.read()
    story = parse_file(path.name, data)
    identity = identity.of_story(story)
    digest = hashlib.sha256(data)
    image_path = beside(path, follow_links=follow_links)
    if image_path is None:
        if dry_run:
            return plan(story, identity=identity, digest=digest.hexdigest()), story.headline
        outcome = save_wire_story(story, identity=identity, digest=digest.hexdigest())
        return outcome, story.headline
    # Opened once, so the picture checked is the picture stored.
    with open_file(image_path, follow_links=follow_links) as handle:
        check_image(handle, image_path)
        handle.seek(0)
        digest.update(handle.read())
        handle.seek(0)
        if dry_run:
            return plan(story, identity=identity, digest=digest.hexdigest()), story.headline
        image = File(handle, name=image_path.name)
        outcome = save_wire_story(story, identity=identity, digest=digest.hexdigest(), image=image)
    return outcome, story.headline


def open_file(path, *, follow_links):
    """Open for reading; without follow_links, refuse a link even if one appeared just now."""
    flags = os.O_RDONLY | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        return open(os.open(path, flags), "rb")
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise WireRefused(LINKED_FILE) from error
        raise


def beside(path, *, follow_links):
    """The image with the story's name stem beside it, if there is one."""
    for suffix in IMAGE_SUFFIXES:
        image = path.with_suffix(suffix)
        if image.is_symlink() and not follow_links:
            raise WireRefused(f"{image.name} beside it is {LINKED_FILE}")
        if image.is_file():
            return image
    return None


def check_image(handle, path):
    # The same checks as an upload in the admin, so a dry run finds what a real run would refuse.
    try:
        inspect_image(
            handle,
            max_bytes=settings.NEWSROOM_MAX_UPLOAD_BYTES,
            max_pixels=settings.NEWSROOM_MAX_IMAGE_PIXELS,
        )
    except ImageRejected as error:
        raise WireError(f"{path.name} beside it is not a readable image ({error})") from error


def reason(error):
    if isinstance(error, DatabaseError):
        # The first line names the problem; PostgreSQL's detail lines can quote the whole row.
        return f"the database refused it ({str(error).strip().splitlines()[0]})"
    if isinstance(error, OSError):
        return f"could not be read ({error.strerror or error})"
    return str(error)
