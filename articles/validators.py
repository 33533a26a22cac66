"""Validators the models' fields share."""

from django.core.exceptions import ValidationError

# Every character str.splitlines() breaks a line at.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def no_line_breaks(value):
    """A headline, credit or name is one line wherever it goes: a mail subject (a header, which
    refuses line breaks), a feed title, a search result, a photo's metadata."""
    if not LINE_BREAKS.isdisjoint(value):
        raise ValidationError("Keep this to one line: remove the line break.", code="line_break")
