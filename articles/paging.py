"""Paging through the archive by position: "older than this story", not "page 500".

A numbered page costs an OFFSET - the database reads and discards every story before it, so
page 5,000 of a million-story archive reads 100,000 rows - and a COUNT of the whole listing
to number the pages. It also slips: a story published between two page loads pushes one
story from page 1 onto page 2, where the reader sees it twice. A cursor - the publication
time and id of the last story shown - asks the index for the next stories after it instead:
the same few rows at any depth, and never a story skipped or repeated.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

CURSOR_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Cursor:
    """A position in a newest-first listing: just after (or before) one story."""

    publish_at: datetime
    pk: int

    @classmethod
    def of(cls, story):
        return cls(story.publish_at, story.pk)

    @classmethod
    def parse(cls, text):
        """The cursor a link carries; ValueError for anything else."""
        moment, _, pk = (text or "").partition("_")
        if not pk.isdigit() or len(pk) > 18:
            raise ValueError(f"Not a position in a listing: {text!r}")
        return cls(datetime.strptime(moment, CURSOR_FORMAT).replace(tzinfo=UTC), int(pk))

    def __str__(self):
        # Readable, and nothing in it needs escaping in a query string.
        return f"{self.publish_at.astimezone(UTC).strftime(CURSOR_FORMAT)}_{self.pk}"


@dataclass(frozen=True)
class Page:
    stories: list
    # Where the links to the neighbouring pages start; None where there is nothing more.
    newer: Cursor | None
    older: Cursor | None
    # The cursor this page was asked for with ("before" or "after"), if any.
    position: Cursor | None = None

    @property
    def is_first(self):
        return self.newer is None and self.position is None


def page_of(stories, *, before=None, after=None, size):
    """One page of a newest-first queryset: the newest, or those just before or after a cursor.

    One query, of at most `size + 1` rows: the extra row tells whether there is more.
    """
    if after is not None:
        rows = list(stories.newer_than(after).order_by("publish_at", "pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows,
            newer=Cursor.of(rows[0]) if more_newer else None,
            # The story the cursor names (and all before it) lies below this page.
            older=Cursor.of(rows[-1]) if rows else after,
            position=after,
        )
    if before is not None:
        stories = stories.older_than(before)
    rows = list(stories.order_by("-publish_at", "-pk")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return Page(
        rows,
        newer=Cursor.of(rows[0]) if before is not None and rows else None,
        older=Cursor.of(rows[-1]) if more_older else None,
        position=before,
    )
