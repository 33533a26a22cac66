"""Plain-text wire story in, WireStory out.

Pure on purpose: no Django, no database, no files, so it can be tested and fuzzed on its own.
articles.wire.importer saves what it makes into the models.

Any input either parses or raises WireError. The regexes avoid nested unbounded quantifiers
and the dateline is only looked for in a short prefix, so huge or hostile input stays linear.
"""

import codecs
import re
from dataclasses import dataclass
from datetime import datetime


class WireError(ValueError):
    """The bytes cannot be read as a wire story; the message says why, for an editor."""


@dataclass(frozen=True)
class Copyright:
    notice: str  # as printed, without a trailing "Powered by ..."
    year: int | None
    holder: str
    provider: str  # the syndication service from "Powered by X"


@dataclass(frozen=True)
class WireStory:
    headline: str
    headline_is_provisional: bool  # derived from the first sentence: an editor should rewrite it
    bylines: tuple[str, ...]
    dateline: str  # the city only, e.g. "SEOUL"
    source: str  # the dateline's agency, else the copyright's provider
    paragraphs: tuple[str, ...]
    photo_credits: tuple[str, ...]
    copyright: Copyright | None
    agency: str = ""  # named in the dateline: "(Reuters)"
    service: str = ""  # the syndication service the copy came through: "Powered by Vygr Media"
    # What richer formats (ninjs, NITF) carry besides; plain text has none of it.
    body: str = ""  # HTML, not yet sanitised; when empty, the paragraphs are the body
    standfirst: str = ""
    subjects: tuple[str, ...] = ()
    embargo_until: datetime | None = None
    usage_terms: str = ""
    key: str = ""  # the agency's own id for the story (ninjs uri, NITF doc-id)

    @property
    def credited_to(self):
        """Who the story is bylined to when it names no writer: the agency, else the service."""
        return self.agency or self.service


HEADLINE_MAX_CHARS = 150
HEADLINE_MAX_WORDS = 20
BYLINE_MAX_WORDS = 12
PROVISIONAL_MAX_CHARS = 110
CREDIT_MAX_CHARS = 100

# C0/C1 control characters other than tab, newlines, vertical tab and form feed.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
SPACES = re.compile(r"\s+")

CREDIT_LABEL = re.compile(r"(?:photo|picture)s?(?: credits?)? ?:", re.IGNORECASE)
# Applied with fullmatch to the text from the last "(" of a line, so it cannot scan far.
TRAILING_CREDIT = re.compile(
    r"\( ?(?:photo|picture)s?(?: credits?)? ?: ?(?P<credit>[^()]+)\)\.? ?", re.IGNORECASE
)

COPYRIGHT_MARK = re.compile(r"(?:©|\(c\)|copyright\b)(?: ?(?:©|\(c\)|copyright\b))? ?", re.I)
YEAR = re.compile(r"\b((?:19|20)\d\d)(?: ?[-–] ?((?:19|20)\d\d))?\b")
POWERED_BY = re.compile(r" ?\bpowered by\b ?", re.IGNORECASE)
ALL_RIGHTS_RESERVED = re.compile(r"all rights reserved", re.IGNORECASE)

BYLINE_SEPARATOR = re.compile(r", ?(?:and )?| and | ?& ?", re.IGNORECASE)

MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.? \d{1,2}(?:, \d{4})?"
# "SEOUL, Sept 13 (Reuters) -", "WASHINGTON (AP) —". Either the agency or a date is required,
# so "US - China talks" stays a sentence. The city must also be in capitals (checked in code,
# because re has no Unicode uppercase class).
DATELINE = re.compile(
    r"(?P<city>[^\W\d_][\w.'-]*(?: [^\W\d_][\w.'-]*){0,5})"
    r"(?:(?:, [^()\-–—]{1,60})? \((?P<agency>[^()]{1,40})\)|, " + MONTH_DAY + r")"
    r" ?[-–—]{1,2}(?: |$)"
)
DATELINE_WINDOW = 200

# A first sentence longer than this is cut to PROVISIONAL_MAX_CHARS anyway, so there is no need to
# look further for its end (which keeps a megabyte-long paragraph cheap).
SENTENCE_WINDOW = 1000
SENTENCE_END = re.compile(r"[.!?][\"”’]? ")
QUOTES = re.compile(r"[\"“”„«»]")
# Words whose full stop does not end a sentence: "Mr. Putin", "U.S. officials", "John F. Kennedy".
ABBREVIATION = re.compile(
    r"\w|mrs?|ms|dr|prof|st|gen|gov|sen|rep|lt|col|sgt|capt|jr|sr|no|vs|u\.[skn]", re.I
)


def parse(data: bytes) -> WireStory:
    """Parse one wire story. Already-decoded text (a str) is accepted as well."""
    lines = _lines(_text(data))
    removed = []  # what was taken out, to explain an empty body

    body, credits, copyright = [], [], None
    for line in lines:
        if (notice := _copyright(line)) is not None:
            # Keep the first notice; repeats are boilerplate and go with it.
            copyright = copyright or notice
            removed.append("copyright")
            continue
        rest, found = _take_credits(line)
        if found:
            credits += found
            removed.append("credit")
            if not rest:
                continue  # the line vanishes instead of becoming a paragraph break
        body.append(rest)

    headline, bylines, body = _take_header(body)
    if headline:
        removed.append("headline")
    if bylines:
        removed.append("byline")

    paragraphs = _paragraphs(body)
    dateline = agency = ""
    if paragraphs and (match := _dateline(paragraphs[0])):
        dateline, agency = match["city"], (match["agency"] or "").strip()
        removed.append("dateline")
        first = paragraphs[0][match.end() :].strip()
        paragraphs = [first, *paragraphs[1:]] if first else paragraphs[1:]

    if not paragraphs:
        kinds = list(dict.fromkeys(removed))
        reason = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
        raise WireError(
            f"no body text left after removing {reason} lines" if kinds else "no body text"
        )

    return WireStory(
        headline=headline or provisional_headline(paragraphs[0]),
        headline_is_provisional=not headline,
        bylines=bylines,
        dateline=dateline,
        source=agency or (copyright.provider if copyright else ""),
        paragraphs=tuple(paragraphs),
        photo_credits=tuple(dict.fromkeys(credits)),
        copyright=copyright,
        agency=agency,
        service=copyright.provider if copyright else "",
    )


def _text(data: bytes | str) -> str:
    # memoryview() refuses non-bytes (bytes(5) would quietly be five NUL bytes).
    text = data if isinstance(data, str) else _decode(bytes(memoryview(data)))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise WireError("file is empty" if not text else "file contains only whitespace")
    if "\0" in text or len(CONTROL.findall(text)) * 10 > len(text):
        raise WireError("binary data, not text")
    return text


def _decode(data: bytes) -> str:
    if not data:
        raise WireError("file is empty")
    # Checked before decoding: the reason is more useful than "invalid byte 0xff".
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise WireError("UTF-16 text, not UTF-8")
    if b"\0" in data:
        raise WireError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start]
        raise WireError(
            f"not UTF-8 text (invalid byte 0x{bad:02x} at position {error.start})"
        ) from None


def _lines(text: str) -> list[str]:
    """Split into stripped lines; blank lines are kept as "" because they separate paragraphs."""
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Not splitlines(): it also breaks on \x1c, \u2028 and friends, which are spaces here.
    return [SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _copyright(line: str) -> Copyright | None:
    mark = COPYRIGHT_MARK.match(line)
    if not mark:
        return None
    # "(c)" also numbers list items and "Copyright" can open a sentence, so a bare mark is not
    # enough: the line also needs a ©, a year, or "All rights reserved".
    if not ("©" in mark[0] or YEAR.search(line, mark.end()) or ALL_RIGHTS_RESERVED.search(line)):
        return None

    notice, provider = line, ""
    if powered := POWERED_BY.search(line):
        notice, provider = line[: powered.start()].strip(), line[powered.end() :].strip(" .")

    rest = notice[mark.end() :]
    year = YEAR.search(rest)
    if year:
        rest = f"{rest[: year.start()]} {rest[year.end() :]}"
    if reserved := ALL_RIGHTS_RESERVED.search(rest):
        rest = rest[: reserved.start()]
    holder = SPACES.sub(" ", rest).strip(" .,;:-–—")

    return Copyright(
        notice=notice,
        # A range such as "2019-2024" is in force as of its last year.
        year=int(year[2] or year[1]) if year else None,
        holder=holder,
        provider=provider,
    )


def _take_credits(line: str) -> tuple[str, list[str]]:
    """Return the line without its photo credits, and the credits in reading order."""
    label = CREDIT_LABEL.match(line)
    if label:
        credit = line[label.end() :].strip().rstrip(".").strip()
        if credit and len(credit) <= CREDIT_MAX_CHARS:
            return "", [credit]
        return line, []  # a long text after "Photo:" is a caption, not a credit

    # Parenthesised credits at the end of the line, possibly several: "... said. (Photo: Reuters)"
    found, end = [], len(line)
    while (start := line.rfind("(", 0, end)) >= 0:
        match = TRAILING_CREDIT.fullmatch(line, start, end)
        credit = match["credit"].strip().rstrip(".").strip() if match else ""
        if not credit or len(credit) > CREDIT_MAX_CHARS:
            break
        found.append(credit)
        end = start
    return line[:end].strip(), found[::-1]


def _take_header(lines: list[str]) -> tuple[str, tuple[str, ...], list[str]]:
    """Take an optional headline and byline off the top; return them and the remaining lines."""
    i = _skip_blank(lines, 0)
    headline = ""
    followed = i + 1 < len(lines) and (lines[i + 1] == "" or _bylines(lines[i + 1]))
    if followed and _looks_like_headline(lines[i]):
        headline = lines[i]
        i = _skip_blank(lines, i + 1)
    bylines = _bylines(lines[i]) if i < len(lines) else ()
    if bylines:
        i += 1
    return headline, bylines, lines[i:]


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i]:
        i += 1
    return i


def _looks_like_headline(line: str) -> bool:
    return (
        len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and not line.endswith(".")
        and not _bylines(line)
        and not _dateline(line)
    )


def _bylines(line: str) -> tuple[str, ...]:
    """Names from "By Jane Doe, John Roe and Ann Poe", or () if the line is not a byline."""
    if line[:3].lower() != "by " or len(line) > HEADLINE_MAX_CHARS:
        return ()
    if len(line.split()) > BYLINE_MAX_WORDS:
        return ()
    names = [name.strip() for name in BYLINE_SEPARATOR.split(line[3:])]
    # Names are capitalised, which keeps "By then, officials said ..." in the body.
    if not all(name and name[0].isupper() for name in names):
        return ()
    return tuple(names)


def names(text: str) -> tuple[str, ...]:
    """The names in a byline written out ("By Jane Doe and John Roe"), in order."""
    text = SPACES.sub(" ", text).strip()
    text = text[3:] if text[:3].lower() == "by " else text
    return tuple(name for name in (n.strip() for n in BYLINE_SEPARATOR.split(text)) if name)


def year_in(notice: str) -> int | None:
    """The year a copyright notice is in force as of ("2019-2024" is 2024), if it says."""
    year = YEAR.search(notice)
    return int(year[2] or year[1]) if year else None


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Plain text as paragraphs, the way wire copy is split."""
    return tuple(_paragraphs(_lines(text)))


def _dateline(paragraph: str) -> re.Match | None:
    match = DATELINE.match(paragraph[:DATELINE_WINDOW])
    return match if match and match["city"].isupper() else None


def _paragraphs(lines: list[str]) -> list[str]:
    # Any blank line means blank-line separated paragraphs that may be wrapped over several
    # lines; otherwise every line is a paragraph. Simple and predictable beats guessing.
    text = "\n".join(lines).strip("\n")
    if "\n\n" in text:
        blocks = re.split(r"\n\n+", text)
        return [block.replace("\n", " ") for block in blocks]
    return [line for line in text.split("\n") if line]


def provisional_headline(paragraph: str) -> str:
    """A stand-in headline from the first sentence, for an editor to replace."""
    paragraph = paragraph[:SENTENCE_WINDOW]
    sentence = paragraph
    for end in SENTENCE_END.finditer(paragraph):
        after = paragraph[end.end() : end.end() + 2].lstrip("\"“‘'")
        word = paragraph[paragraph.rfind(" ", 0, end.start()) + 1 : end.start()]
        if after[:1].isupper() and not (end[0][0] == "." and ABBREVIATION.fullmatch(word)):
            sentence = paragraph[: end.start() + 1]
            break

    headline = SPACES.sub(" ", QUOTES.sub("", sentence)).strip().removesuffix(".") or paragraph
    if len(headline) <= PROVISIONAL_MAX_CHARS:
        return headline
    cut = headline[: PROVISIONAL_MAX_CHARS + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else headline[:PROVISIONAL_MAX_CHARS]
    return cut.rstrip(" ,;:-–—") + "…"
