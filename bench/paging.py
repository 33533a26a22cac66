"""Offset against cursor: what a deep listing page costs the database, at this archive's size.

The reader's listings page by cursor (articles.paging). This measures why: the query a
numbered page would need (OFFSET, plus the COUNT that numbers the pages) against the query
the cursor needs, for the same page of the largest section, at growing depths.
"""

import statistics
import time

DEPTHS = (1, 50, 500, 5000)
REPEATS = 7


def _timed(run):
    """Median milliseconds of `run` over a few repeats, after one to warm the caches."""
    run()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(size=None):
    """Rows (page, offset ms, count ms, cursor ms) for the largest section; Django set up."""
    from django.conf import settings
    from django.db.models import Count

    from articles.models import Article, Section
    from articles.paging import Cursor

    size = size or settings.NEWSROOM_PAGE_SIZE
    published = Article.objects.published()
    section = Section.objects.annotate(stories=Count("articles")).order_by("-stories").first()
    listing = published.cards().filter(section=section)
    ordered = listing.order_by("-publish_at", "-pk")
    total = ordered.count()
    rows = []
    for page in DEPTHS:
        offset = (page - 1) * size
        if offset >= total:
            break
        if page == 1:
            cursor_query = ordered
        else:
            # The cursor a reader holds on page `page`: the last story of the page before.
            last = ordered.values_list("publish_at", "pk")[offset - 1]
            cursor_query = listing.older_than(Cursor(*last)).order_by("-publish_at", "-pk")
        offset_page, cursor_page = ordered[offset : offset + size], cursor_query[: size + 1]
        # .all(): a fresh query each time, not the rows the first run left in the queryset.
        rows.append(
            (
                page,
                _timed(lambda query=offset_page: list(query.all())),
                _timed(ordered.count),
                _timed(lambda query=cursor_page: list(query.all())),
            )
        )
    return section, total, size, rows


def table(section, total, size, rows):
    lines = [
        f"Section “{section.name}”: {total:,} published stories, pages of {size}.",
        "",
        "| page | OFFSET query (ms) | COUNT to number pages (ms) | cursor query (ms) |",
        "|---:|---:|---:|---:|",
    ]
    lines += [f"| {page:,} | {o:.1f} | {c:.1f} | {k:.1f} |" for page, o, c, k in rows]
    return "\n".join(lines)
