"""Reader search over headline, standfirst and body.

PostgreSQL ranks with full-text search over a stored, GIN-indexed vector that the database
itself keeps current (a generated column), so every way a story is written - the admin, the
wire import, a bulk load - is searchable at once. SQLite, the development database, has no
full-text types: there every word must appear, as a whole word of the text (not part of a
longer word, not inside a tag), in one of the three fields, and stories with the words in the
headline rank above those with them only in the body.
"""

import re

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

    # `standfirst` names its field: migrations before articles 0020 knew it as "dek".
    def __init__(self, *, standfirst="standfirst"):
        super().__init__(
            SearchVector("headline", config=CONFIG, weight="A")
            + SearchVector(standfirst, config=CONFIG, weight="B")
            # Tags in the HTML body are tokens PostgreSQL's parser recognises and skips.
            + SearchVector("body", config=CONFIG, weight="C")
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def clean_query(text):
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def matching(queryset, text):
    """Stories of `queryset` that match `text`, in no particular order."""
    text = clean_query(text)
    if not text:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(search_vector=_query(text))
    for word in _words(text):
        queryset = queryset.filter(
            _has_word("headline", word) | _has_word("standfirst", word) | _has_word("body", word)
        )
    return queryset


def _has_word(field, word):
    """`word` as a whole word of the field's text, or its plural, on SQLite.

    The cheap LIKE goes first and narrows the rows the regular expression reads. The pattern
    refuses a match inside a tag (`<strong>`, an address in `href`) or an entity (`&amp;`): a
    "<" must come before the next ">". A plural "s" or "es" stands in for PostgreSQL's stemming.
    """
    pattern = rf"(?<![\w&#]){re.escape(word)}(?:e?s)?(?!\w)(?![^<]*>)"
    return Q(**{f"{field}__icontains": word, f"{field}__iregex": pattern})


def search(queryset, text, *, order=RELEVANCE, limit=None, fields=()):
    """Stories of `queryset` matching `text`, most relevant or newest first, as a list: of
    rows of `fields` (and `rank`) when given, else of stories.

    With `limit`, only the newest `limit` matches are ranked and counted. A common word
    matches a good part of a large archive, and ranking all of it costs seconds; readers of
    news want recent stories, and the newest few hundred matches come from a short walk of the
    publication-time index. That walk reads each match's rank too, and the matches are put in
    order of rank here: the sort is stable, so equals stay newest first. (Ranking them in an
    outer query, joined back by id, made PostgreSQL read the whole archive.)
    """
    text = clean_query(text)
    found = matching(queryset, text).order_by("-publish_at", "-pk")
    if order == RELEVANCE:
        found = found.annotate(rank=_rank(text))
        fields = (*fields, "rank") if fields else ()
    if fields:
        found = found.values_list(*fields, named=True)
    found = list(found[:limit] if limit is not None else found)
    if order == RELEVANCE:
        found.sort(key=lambda story: story.rank, reverse=True)
    return found


def _query(text):
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def _words(text):
    return text.replace('"', " ").split()


def _rank(text):
    """How well a matching story matches.

    On SQLite each word counts by the most prominent place it is found: the headline 4, the
    standfirst 2, else the body (where it must be, for the story to match) 1. The body, much
    the longest, is never read again to rank.
    """
    if connection.vendor == "postgresql":
        return SearchRank(F("search_vector"), _query(text))
    return sum(
        (
            Case(
                When(_has_word("headline", word), then=Value(4)),
                When(_has_word("standfirst", word), then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
            for word in _words(text)
        ),
        start=Value(0),
    )
