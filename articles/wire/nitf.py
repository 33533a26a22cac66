"""IPTC NITF 3.x (News Industry Text Format, XML) in, WireStory out.

Pure, like `parser`: no Django, no database. Read with defusedxml, which refuses what could
make a parser fetch files or addresses or expand entities without end (a DTD, entities,
external references): such a file is refused with the reason, never half-read.

Where NITF keeps what we need: `doc-id` (its `id-string` is the agency's id, its `regsrc` the
agency), `doc.copyright` (year, holder), `doc.rights` (`limitations`: the usage terms),
`date.release` (the embargo), `tobject.subject` and `key-list` (subjects), and in the body
`hedline`, `byline`, `distributor` (the service), `dateline`, `abstract`, `body.content`
(its `media` elements carry photo credits in `media-producer`).
"""

from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from articles.wire.parser import Copyright, WireError, WireStory, names

MAX_BYTES = 10_000_000
# Kept as markup in the body; the importer's sanitiser keeps only what the editor allows.
NOT_BODY = {"media", "table", "fn", "note", "block"}
UNSAFE = {
    "EntitiesForbidden": "it declares entities, which could expand without end or read files",
    "ExternalReferenceForbidden": "it refers to an external file or address",
    "DTDForbidden": "it declares a DTD",
    "NotSupportedError": "it uses an XML feature we do not read",
}
DATE_FORMATS = ("%Y%m%dT%H%M%S%z", "%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d")


def parse(data: bytes | str) -> WireStory:
    root = _load(data)
    head_title = _text(root.find("head/title"))
    docdata = root.find("head/docdata")
    doc_id = _find(docdata, "doc-id")
    key = doc_id.get("id-string", "").strip() if doc_id is not None else ""
    if not key:
        raise WireError("no doc-id: an NITF file needs the agency's id for it")
    agency = doc_id.get("regsrc", "").strip()
    service = _text(root.find("body/body.head/distributor"))

    content = root.find("body/body.content")
    body = "" if content is None else _markup(content)
    if not body.strip():
        raise WireError("no body text")

    headline = _text(root.find("body/body.head/hedline/hl1")) or head_title
    if not headline:
        raise WireError("no headline (hedline/hl1 or title)")
    byline = root.find("body/body.head/byline")
    people = [] if byline is None else [_text(person) for person in byline.iter("person")]
    bylines = tuple(p for p in people if p) or names(_text(byline))
    if bylines == (agency or service,):
        bylines = ()  # the agency's own byline: the importer marks it as one

    copyright = _copyright(docdata, service)
    rights = _find(docdata, "doc.rights")
    return WireStory(
        headline=headline,
        headline_is_provisional=False,
        bylines=bylines,
        dateline=_dateline(root.find("body/body.head/dateline")),
        source=agency or service,
        paragraphs=(),
        photo_credits=tuple(dict.fromkeys(_credits(content))),
        copyright=copyright,
        agency=agency,
        service=service,
        body=body,
        standfirst=_text(root.find("body/body.head/abstract")),
        subjects=tuple(dict.fromkeys(_subjects(root))),
        embargo_until=_release(docdata),
        usage_terms=(rights.get("limitations", "") if rights is not None else "").strip(),
        key=key,
    )


def _load(data):
    if len(data) > MAX_BYTES:
        raise WireError(f"larger than {MAX_BYTES:,} bytes")
    try:
        # A DOCTYPE naming NITF's DTD is common and harmless (expat never fetches it); the
        # entities a DTD could declare, and external references, are what is refused.
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        reason = UNSAFE.get(type(error).__name__, "it is unsafe to read")
        raise WireError(f"unsafe XML refused: {reason}") from None
    except ParseError as error:
        raise WireError(f"not well-formed XML ({error})") from None
    for element in root.iter():
        # Any NITF namespace (they differ by version) is the same vocabulary here.
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rpartition("}")[2]
    if root.tag != "nitf":
        raise WireError(f"not NITF: the document is <{root.tag}>, not <nitf>")
    return root


def _find(parent, path):
    return None if parent is None else parent.find(path)


def _text(element):
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _markup(content):
    parts = []
    for child in content:
        if child.tag in NOT_BODY:
            continue
        child.tail = None
        parts.append(tostring(child, encoding="unicode"))
    return "".join(parts)


def _dateline(dateline):
    if dateline is None:
        return ""
    city = _text(dateline.find(".//city"))
    return city or _text(dateline.find("location")) or _text(dateline)


def _copyright(docdata, service):
    element = _find(docdata, "doc.copyright")
    if element is None:
        return None
    holder = element.get("holder", "").strip()
    year = element.get("year", "").strip()
    year = int(year) if year.isdigit() and len(year) == 4 else None
    notice = " ".join(filter(None, ["©", str(year or ""), holder])) if holder else ""
    return Copyright(notice=notice, year=year, holder=holder, provider=service)


def _credits(content):
    if content is None:
        return
    for media in content.iter("media"):
        credit = _text(media.find("media-producer"))
        if credit and media.get("media-type", "image") in {"image", "photo", "graphic"}:
            yield credit


def _subjects(root):
    for subject in root.iter("tobject.subject"):
        name = subject.get("tobject.subject.detail") or subject.get("tobject.subject.matter")
        if name := (name or subject.get("tobject.subject.type") or "").strip():
            yield name[:100]
    for keyword in root.iter("keyword"):
        if key := keyword.get("key", "").strip():
            yield key[:100]


def _release(docdata):
    element = _find(docdata, "date.release")
    norm = element.get("norm", "").strip() if element is not None else ""
    if not norm:
        return None
    for format in DATE_FORMATS:
        try:
            moment = datetime.strptime(norm, format)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise WireError(f"date.release is not an ISO 8601 date: {norm[:40]!r}")
