"""The editors' story list at this archive's size: first page, filters and search, timed.

Through Django's test client in the bench's own process, signed in as an editor with every
permission: the whole admin view, template included, without the network.
"""

import statistics
import time

REPEATS = 5


def addresses():
    """(what, address) for the story list as editors use it; Django set up."""
    from datetime import timedelta
    from urllib.parse import urlencode

    from django.utils import timezone

    from articles.models import Author, Section

    section = Section.objects.order_by("pk").first()
    author = Author.objects.order_by("pk").first()
    week_ago = str(timezone.now() - timedelta(days=7))
    stories = "/admin/articles/article/?"
    return [
        ("first page", stories),
        ("state: in review", stories + "state=in_review"),
        ("state: published", stories + "state=published"),
        (f"section: {section.name}", stories + f"section__id__exact={section.pk}"),
        (f"author: {author.name}", stories + f"authors__id__exact={author.pk}"),
        ("published in the past 7 days", stories + urlencode({"publish_at__gte": week_ago})),
        ("year filter", stories + f"year={timezone.now().year - 1}"),
        ("my stories", stories + "mine=1"),
        ("search: election", stories + "q=election"),
        ("search in a section", stories + f"q=budget&section__id__exact={section.pk}"),
        ("page 50", stories + "p=49"),
    ]


def measure():
    """Rows (what, address, status, median ms, queries)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    editor, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    rows = []
    for what, address in addresses():
        response = client.get(address)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            client.get(address)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        rows.append(
            (what, address, response.status_code, statistics.median(times) * 1000, len(queries))
        )
    return rows


def table(rows):
    lines = ["| story list | status | ms (median) | queries |", "|---|---:|---:|---:|"]
    lines += [
        f"| {what} | {status} | {ms:,.0f} | {queries} |" for what, _, status, ms, queries in rows
    ]
    return "\n".join(lines)
