"""Reader search over headline, standfirst and body.

PostgreSQL ranks with full-text search over a stored, GIN-indexed vector that the database
itself keeps current (a generated column), so every way a story is written - the admin, the
wire import, a bulk load - is searchable at once. SQLite, the development database, has no
full-text types: there every word must appear in one of the three fields, and stories with
the words in the headline rank above those with them only in the body.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When

# The language stemmer of the stored vector. Changing it needs a migration, since the
# database computes the column with it.
CONFIG = "english"

RELEVANCE, NEWEST = "relevance", "newest"
ORDERS = {RELEVANCE: "Most relevant", NEWEST: "Newest"}
MAX_QUERY_LENGTH = 200


class SearchDocument(Func):
    """The weighted text of a story (headline A, standfirst B, body C) for the stored column.

    On SQLite the column is always NULL: it has no tsvector type, and the fallback below
    searches the fields themselves.
    """

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(
            SearchVector("headline", config=CONFIG, weight="A")
            + SearchVector("dek", config=CONFIG, weight="B")
            # Tags in the HTML body are tokens PostgreSQL's parser recognises and skips.
            + SearchVector("body", config=CONFIG, weight="C")
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def clean_query(text):
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search(queryset, text, *, order=RELEVANCE, limit=None):
    """Stories of `queryset` matching `text`, most relevant or newest first.

    With `limit`, only the newest `limit` matches are ranked and counted. A common word
    matches a good part of a large archive, and ranking all of it costs seconds; readers of
    news want recent stories, and the newest few hundred matches come from a short walk of the
    publication-time index.
    """
    text = clean_query(text)
    if not text:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        found = _newest(queryset, queryset.filter(search_vector=query), limit)
        if order == NEWEST:
            return found.order_by("-publish_at", "-pk")
        return found.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "-publish_at", "-pk"
        )
    return _search_fields(queryset, text, order=order, limit=limit)


def _newest(queryset, found, limit):
    """`found`, or only its newest `limit` stories: picked by a sliced subquery, so the outer
    query - ranking, counting, a page of cards - reads those few rows by primary key."""
    if limit is None:
        return found
    return queryset.filter(pk__in=found.order_by("-publish_at", "-pk").values("pk")[:limit])


def _search_fields(queryset, text, *, order, limit):
    base = queryset
    words = text.replace('"', " ").split()
    for word in words:
        queryset = queryset.filter(
            Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        )
    queryset = _newest(base, queryset, limit)
    if order == NEWEST:
        return queryset.order_by("-publish_at", "-pk")
    weights = {"headline": 4, "dek": 2, "body": 1}
    score = sum(
        (
            Case(
                When(**{f"{field}__icontains": word}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for word in words
            for field, weight in weights.items()
        ),
        start=Value(0),
    )
    return queryset.annotate(rank=score).order_by("-rank", "-publish_at", "-pk")
