"""IPTC ninjs (News in JSON) in, WireStory out: versions 3.x (camelCase) and 2.x (lowercase),
and the 1.x single fields (`headline`, `body_html`) where a feed still sends them.

Pure, like `parser`: no Django, no database. Any input either parses or raises WireError.

Provenance travels in `infoSources`: the role "originator" names the agency, "distributor"
the service the copy came through, and on a picture "credit" names its credit line. Our own
API writes them so (`articles.syndication.ninjs`), so our items come back whole.
"""

import json
import re
from datetime import UTC, datetime

from articles.wire.parser import (
    CONTROL,
    Copyright,
    WireError,
    WireStory,
    names,
    paragraphs_of,
    provisional_headline,
    year_in,
)

AGENCY, SERVICE, CREDIT = "originator", "distributor", "credit"
PICTURES = {"picture", "graphic"}
MAX_BYTES = 10_000_000
TAG = re.compile(r"<[^<>]*>")  # a story with its associations is a few hundred kilobytes at most
# JSON's \u escapes can spell what no database stores: NUL (PostgreSQL refuses it) and lone
# surrogates (not UTF-8 at all, refused by both when the story is saved).
NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def parse(data: bytes | str) -> WireStory:
    item = _load(data)
    uri = _text(item, "uri")
    if not uri:
        raise WireError("no uri: a ninjs item needs the agency's id for it")
    if (_text(item, "pubStatus") or "").lower() == "canceled":
        raise WireError("the agency has cancelled this story (pubStatus canceled)")

    body, paragraphs = _body(item)
    if not body and not paragraphs:
        raise WireError("no body text")
    headline = _first(item, "headlines", prefer="main") or _text(item, "headline")
    sources = _sources(item)
    agency, service = sources.get(AGENCY, ""), sources.get(SERVICE, "")
    bylines = names(_text(item, "by") or "")
    if bylines == (agency or service,):
        bylines = ()  # an agency byline: the importer gives it back, marked as an agency
    notice, holder = _text(item, "copyrightNotice"), _text(item, "copyrightHolder")
    copyright = (
        Copyright(notice=notice, year=year_in(notice), holder=holder, provider=service)
        if notice or holder
        else None
    )
    return WireStory(
        headline=headline or provisional_headline(paragraphs[0] if paragraphs else _text_of(body)),
        headline_is_provisional=not headline,
        bylines=bylines,
        dateline=_text(item, "located"),
        source=agency or service,
        paragraphs=paragraphs,
        photo_credits=tuple(dict.fromkeys(_credits(item))),
        copyright=copyright,
        agency=agency,
        service=service,
        body=body,
        standfirst=_first(item, "descriptions", prefer="summary")
        or _text(item, "description_text"),
        subjects=tuple(dict.fromkeys(_subjects(item))),
        embargo_until=_moment(item, "embargoedUntil", "embargoed"),
        usage_terms=_text(item, "usageTerms"),
        key=uri,
    )


def _text_of(html):
    # Only for a stand-in headline, which an editor rewrites: the body itself is sanitised.
    return " ".join(TAG.sub(" ", html).split())


def _load(data):
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > MAX_BYTES:
            raise WireError(f"larger than {MAX_BYTES:,} bytes")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise WireError(f"not UTF-8 text (invalid byte at position {error.start})") from None
    try:
        item = json.loads(data)
    except RecursionError:
        raise WireError("not ninjs: nested too deeply") from None
    except ValueError as error:
        raise WireError(f"not JSON ({error})") from None
    if not isinstance(item, dict):
        raise WireError("not a ninjs item: the JSON is not an object")
    _refuse_what_is_not_text(item)
    return item


def _refuse_what_is_not_text(item):
    """WireError naming a string (a value or a name) that holds NUL or a lone surrogate."""
    # A loop, not recursion: json.loads accepts nesting deeper than Python's recursion limit.
    pending = [(name, value) for name, value in item.items()]
    while pending:
        name, value = pending.pop()
        if isinstance(value, dict):
            pending += [(f"{name}.{key}", inner) for key, inner in value.items()]
        elif isinstance(value, list):
            pending += [(f"{name}[{index}]", inner) for index, inner in enumerate(value)]
        for text in (name, value):
            if isinstance(text, str) and (found := NOT_TEXT.search(text)):
                where = name.encode("ascii", "backslashreplace").decode()
                raise WireError(f"{where} holds U+{ord(found.group()):04X}, which is not text")


def _get(item, name):
    """A property by its 3.x name, else its 2.x (lowercase) one."""
    return item[name] if name in item else item.get(name.lower())


def _text(item, name):
    value = _get(item, name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WireError(f"{name} should be text, not {type(value).__name__}")
    # Other control characters are dropped, as the plain-text parser drops them.
    return CONTROL.sub("", value).strip()


def _list(item, name):
    value = _get(item, name) or []
    if isinstance(value, dict):  # ninjs 1.x: associations keyed by name
        value = list(value.values())
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise WireError(f"{name} should be a list of objects")
    return value


def _first(item, name, *, prefer):
    """The value of the entry with role `prefer`, else of the first entry."""
    entries = [entry for entry in _list(item, name) if _text(entry, "value")]
    chosen = next((e for e in entries if e.get("role") == prefer), entries[0] if entries else {})
    return _text(chosen, "value") if chosen else ""


def _body(item):
    """(HTML, ()) when the item has a marked-up body, else ("", paragraphs of its text)."""
    bodies = _list(item, "bodies")
    for entry in bodies:
        if "html" in (_text(entry, "contentType") or _text(entry, "role")).lower():
            return _text(entry, "value"), ()
    if html := _text(item, "body_html"):
        return html, ()
    text = next((_text(e, "value") for e in bodies if _text(e, "value")), "")
    return "", paragraphs_of(text or _text(item, "body_text"))


def _sources(item):
    return {
        _text(source, "role"): _text(source, "name")
        for source in reversed(_list(item, "infoSources"))
        if _text(source, "name")
    }


def _credits(item):
    for association in _list(item, "associations"):
        if _text(association, "type") in PICTURES:
            credit = _sources(association).get(CREDIT) or _text(association, "by")
            if credit := credit or _text(association, "copyrightHolder"):
                yield credit


def _subjects(item):
    for subject in _list(item, "subjects"):
        if name := _text(subject, "name") or _text(subject, "literal"):
            yield name[:100]  # the length of a tag's name


def _moment(item, name, older_name):
    text = _text(item, name) if _get(item, name) is not None else _text(item, older_name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WireError(f"{name} is not a date and time: {text[:40]!r}") from None
    # A time without a zone is taken as UTC, as ninjs dates are meant to be.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
