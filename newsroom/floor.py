"""The benchmark's floor: the cheapest page this server can answer.

`make bench` reports every page as a share of this one, measured by the same gunicorn workers
through the same middleware in the same run, so a noisy, shared machine still gives comparable
figures. Served only when NEWSROOM_BENCH_FLOOR is on.
"""

from django.http import HttpResponse

SIZE = 30 * 1024


def _page(size):
    """A valid HTML page of exactly `size` bytes."""
    head = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Floor</title>'
    head += "</head><body>\n"
    tail = "</body></html>\n"
    line = "<p>A constant page, as large as a typical story page, with no database work.</p>\n"
    body = line * ((size - len(head) - len(tail)) // len(line))
    return (head + body).ljust(size - len(tail)) + tail


PAGE = _page(SIZE).encode()


def floor(request):
    return HttpResponse(PAGE)
