"""Validators the models' fields share."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# Every character str.splitlines() breaks a line at.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def no_line_breaks(value):
    """A headline, credit or name is one line wherever it goes: a mail subject (a header, which
    refuses line breaks), a feed title, a search result, a photo's metadata."""
    if not LINE_BREAKS.isdisjoint(value):
        raise ValidationError("Keep this to one line: remove the line break.", code="line_break")


LINK_MESSAGE = (
    "Give an address on this site starting with /, or a full address starting with https://."
)
_HTTPS_ONLY = URLValidator(schemes=["https"])


def site_or_https_address(value):
    """A link readers follow from every page: a path on this site, or a secure address
    elsewhere. Never `javascript:`, plain http, or `//host` (another site dressed as ours)."""
    # Browsers read a backslash as a slash: "/\host" is "//host".
    if "\\" in value or (value.startswith("/") and value[1:2] == "/"):
        raise ValidationError(LINK_MESSAGE, code="link")
    try:
        _HTTPS_ONLY(f"https://site.invalid{value}" if value.startswith("/") else value)
    except ValidationError:
        raise ValidationError(LINK_MESSAGE, code="link") from None
