"""Measurements in, a markdown table out: pure, no server, no database."""

import statistics
from dataclasses import dataclass, replace

FLOOR = "floor (constant 30 KB page)"
# Every request builds its page: the page store is off (NEWSROOM_STORE_PAGES=false), while each
# story's pieces (its cards, its part of its page) and the masthead stay in the cache, as on
# any running site.
UNCACHED = "uncached"
# Nothing kept: every card and story drawn afresh
# (NEWSROOM_STORE_PIECES=false as well), as just after a change to a section or author.
FROM_SCRATCH = "from scratch"


@dataclass(frozen=True)
class Measurement:
    """One page under one cache set-up: a single run, or the median of several rounds."""

    page: str
    cache: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    # Kilobytes a response took on the wire, headers included: past a point a page's size,
    # not its making, sets its rate (the news sitemap is four times the floor's page).
    kb: float | None = None
    requests: int = 0
    errors: int = 0
    note: str = ""
    # Requests per second as a percentage of the floor's, measured right after it on the same
    # server: a ratio of neighbours stays meaningful on a machine whose load changes.
    share: float | None = None
    # Seconds one request took with the server to itself: what is left to say of a page too
    # slow for any request to finish under load.
    alone_s: float | None = None

    @property
    def failed(self):
        return self.rps is None


def with_share(measurement, floor):
    """The measurement with its share of the floor measured beside it."""
    if measurement.failed or floor.failed or not floor.rps:
        return measurement
    return replace(measurement, share=100 * measurement.rps / floor.rps)


def median_of(rounds):
    """The median of each figure over several rounds of the same page and cache set-up."""
    first = rounds[0]
    measured = [m for m in rounds if not m.failed]
    alone = [m.alone_s for m in rounds if m.alone_s is not None]
    if not measured:
        return replace(first, alone_s=statistics.median(alone) if alone else None)
    shares = [m.share for m in measured if m.share is not None]
    return Measurement(
        page=first.page,
        cache=first.cache,
        rps=statistics.median(m.rps for m in measured),
        p50_ms=statistics.median(m.p50_ms for m in measured),
        p99_ms=statistics.median(m.p99_ms for m in measured),
        kb=statistics.median(m.kb for m in measured) if all(m.kb for m in measured) else None,
        requests=sum(m.requests for m in measured),
        errors=sum(m.errors for m in rounds),
        note="; ".join(dict.fromkeys(m.note for m in rounds if m.note)),
        share=statistics.median(shares) if shares else None,
        alone_s=statistics.median(alone) if alone else None,
    )


def format_table(measurements):
    """A markdown table, columns padded so that it reads as well in a terminal."""
    header = ["page", "cache", "req/s", "p50 ms", "p99 ms", "KB", "% of floor", "note"]
    rows = []
    for m in measurements:
        share = 100 if m.page == FLOOR and not m.failed else m.share
        note = m.note
        if m.errors and not m.failed:
            note = "; ".join(filter(None, [f"{m.errors:,} failed responses", note]))
        if m.failed and m.alone_s is not None:
            note = f"{note} (one request alone: {m.alone_s:.1f} s)"
        rows.append(
            [
                m.page,
                m.cache,
                "—" if m.failed else f"{m.rps:,.0f}",
                "—" if m.failed else f"{m.p50_ms:.1f}",
                "—" if m.failed else f"{m.p99_ms:.1f}",
                "—" if m.kb is None else f"{m.kb:.0f}",
                "—" if share is None else f"{share:.1f} %" if share < 10 else f"{share:.0f} %",
                note,
            ]
        )
    numeric = {2, 3, 4, 5, 6}
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        padded = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (width + 1) + ":" if i in numeric else "-" * (width + 2)
            for i, width in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"
