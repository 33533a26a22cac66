"""An image in, its credit and rights metadata out (IPTC IIM, XMP, EXIF); and back into a file.

Pure: no database. Agencies carry the same facts in up to three places; where they disagree we
trust XMP first (Unicode, the current standard), then IPTC IIM (what wire desks still write),
then EXIF (what cameras write, often with placeholders).
"""

import contextlib
import re
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, IptcImagePlugin

_DC = "{http://purl.org/dc/elements/1.1/}"
_PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
_RIGHTS = "{http://ns.adobe.com/xap/1.0/rights/}"
_IPTC_CORE = "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IPTC IIM datasets (record 2) and EXIF tags, as named in the standards.
_IIM = {
    "creator": (2, 80),  # By-line
    "headline": (2, 105),
    "credit": (2, 110),
    "source": (2, 115),
    "copyright_notice": (2, 116),
    "caption": (2, 120),  # Caption/Abstract
}
_IIM_CHARSET = (1, 90)
_IIM_UTF8 = b"\x1b%G"
_XMP = {
    "creator": _DC + "creator",
    "credit": _PHOTOSHOP + "Credit",
    "copyright_notice": _DC + "rights",
    "source": _PHOTOSHOP + "Source",
    "caption": _DC + "description",
    "headline": _PHOTOSHOP + "Headline",
    "usage_terms": _RIGHTS + "UsageTerms",
    "alt_text": _IPTC_CORE + "AltTextAccessibility",
    "licence_url": _RIGHTS + "WebStatement",
}
EXIF_ARTIST, EXIF_COPYRIGHT, EXIF_DESCRIPTION = 0x013B, 0x8298, 0x010E
_EXIF = {"creator": EXIF_ARTIST, "copyright_notice": EXIF_COPYRIGHT, "caption": EXIF_DESCRIPTION}
# What cameras write into ImageDescription when nobody typed anything.
_CAMERA_PLACEHOLDERS = {
    "",
    "default",
    "digital camera",
    "olympus digital camera",
    "samsung camera pictures",
    "sony dsc",
}


@dataclass(frozen=True)
class PhotoMetadata:
    """Credit and rights as a file carries them; field names match the Photo model's."""

    caption: str = ""
    alt_text: str = ""
    credit: str = ""
    creator: str = ""
    copyright_notice: str = ""
    source: str = ""
    usage_terms: str = ""
    licence_url: str = ""

    def filled(self):
        """The fields the file actually has, by name."""
        return {name: value for name, value in asdict(self).items() if value}


def read_metadata(image: Image.Image) -> PhotoMetadata:
    """What an opened image says about itself; empty strings where it says nothing."""
    found = {}
    for reader in (_read_xmp, _read_iptc, _read_exif):
        # Metadata is a convenience: a malformed block must never refuse a good picture, and
        # Pillow raises many different errors for the many ways these blocks go wrong.
        try:
            values = reader(image)
        except Exception:
            continue
        for name, value in values.items():
            value = _tidy(value)
            if value and not found.get(name):
                found[name] = value
    headline = found.pop("headline", "")
    found.setdefault("caption", headline)
    url = found.get("licence_url", "")
    if not url.startswith(("https://", "http://")) or " " in url:
        # WebStatement should be a link to the licence; anything else is not one.
        found.pop("licence_url", None)
    if not found.get("credit"):
        # Agencies print "Jane Doe/AP" when no credit line was written: the same facts.
        found["credit"] = newsroom_credit(
            creator=found.get("creator", ""), source=found.get("source", "")
        )
    return PhotoMetadata(**found)


# "Photo: ", "Photo by ", "By ", "©": words around a name, not part of it.
_CREDIT_PREFIX = re.compile(
    r"^(?:(?:photo(?:graph)?s?|pictures?|images?)\s*(?:by\b|:)|by\b|©|\(c\)|copyright\b)\s*",
    re.IGNORECASE,
)
_NOTICE_WORDS = re.compile(
    r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\b",
    re.IGNORECASE,
)


def newsroom_credit(*, credit="", creator="", source=""):
    """The credit line as a newsroom writes it, from what a file says: photographer and
    agency as "Kim Hong-ji/Reuters", or whichever of the two is known.

    A credit that already names the photographer ("REUTERS/Kim Hong-ji", "AP Photo/Jane Doe")
    is the agency's own wording and stays as written; names keep the file's spelling and case.
    """
    credit, source = _bare(credit), _bare(source)
    parts = [part for part in map(_bare, creator.split("/")) if part]
    if credit and [credit.casefold()] == [part.casefold() for part in parts]:
        # The credit is the by-line again: a freelance's own file, or an agency's ("REUTERS").
        supplier = source if source and not _overlap(source, credit) else ""
        return f"{credit}/{supplier}" if supplier else credit
    agency = credit or source
    # A by-line may carry the agency too: "Jane Doe / AFP".
    parts = [part for part in parts if not _same(part, credit) and not _same(part, source)]
    if not agency and len(parts) > 1:
        agency = parts.pop()
    person = "/".join(parts)
    if not person:
        return agency
    names = [name.strip().casefold() for name in person.split(",")]
    if credit and any(name and name in credit.casefold() for name in names):
        return credit
    return f"{person}/{agency}" if agency else person


def copyright_holder(notice):
    """Who a copyright notice names: "© 2023 Reuters. All rights reserved." -> "Reuters"."""
    return " ".join(_NOTICE_WORDS.sub(" ", notice).split()).strip(" .,;:-–")


def _bare(text):
    return _CREDIT_PREFIX.sub("", _tidy(text)).strip()


def _same(one, other):
    return bool(one) and one.casefold() == other.casefold()


def _overlap(one, other):
    return one.casefold() in other.casefold() or other.casefold() in one.casefold()


def _tidy(value):
    return " ".join(value.replace("\x00", " ").split()) if isinstance(value, str) else ""


def _read_xmp(image):
    tree = image.getxmp(strip_namespaces=False)
    meta = tree.get("{adobe:ns:meta/}xmpmeta", tree)
    rdf = meta.get(_RDF + "RDF", {}) if isinstance(meta, dict) else {}
    descriptions = rdf.get(_RDF + "Description", []) if isinstance(rdf, dict) else []
    merged = {}
    for description in descriptions if isinstance(descriptions, list) else [descriptions]:
        if isinstance(description, dict):
            merged.update(description)
    return {name: _xmp_text(merged.get(key)) for name, key in _XMP.items()}


def _xmp_text(value):
    """The text of an XMP property: a plain value, a language alternative, or a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(filter(None, (_xmp_text(item) for item in value)))
    if not isinstance(value, dict):
        return ""
    if _RDF + "Alt" in value:
        items = _as_list((value[_RDF + "Alt"] or {}).get(_RDF + "li"))
        chosen = next(
            (i for i in items if isinstance(i, dict) and i.get(_XML_LANG) == "x-default"), None
        )
        return _xmp_text(chosen if chosen is not None else (items[0] if items else ""))
    for container in (_RDF + "Seq", _RDF + "Bag"):
        if container in value:
            return _xmp_text(_as_list((value[container] or {}).get(_RDF + "li")))
    return value.get("text", "") or value.get(_RDF + "resource", "")


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _read_iptc(image):
    info = IptcImagePlugin.getiptcinfo(image) or {}
    utf8 = info.get(_IIM_CHARSET) == _IIM_UTF8
    return {name: _iim_text(info.get(key), utf8=utf8) for name, key in _IIM.items()}


def _iim_text(value, *, utf8):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(filter(None, (_iim_text(item, utf8=utf8) for item in value)))
    # Without the charset marker most files are still UTF-8; older Windows tools wrote cp1252.
    for encoding in ("utf-8",) if utf8 else ("utf-8", "cp1252", "latin-1"):
        try:
            return value.decode(encoding)
        except UnicodeDecodeError:
            continue
    return value.decode("utf-8", "replace")


def _read_exif(image):
    exif = image.getexif()
    values = {name: _exif_text(exif.get(tag)) for name, tag in _EXIF.items()}
    if values["caption"].strip().lower() in _CAMERA_PLACEHOLDERS:
        values["caption"] = ""
    return values


def _exif_text(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    # EXIF says ASCII, Pillow reads Latin-1, and the world writes UTF-8: undo the mix-up.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    # Copyright may hold "photographer\0editor": keep both.
    return "; ".join(part.strip() for part in value.split("\x00") if part.strip())


def to_exif(metadata: PhotoMetadata) -> Image.Exif:
    """EXIF Artist and Copyright for a file we write; Artist falls back to the credit."""
    exif = Image.Exif()
    for tag, value in (
        (EXIF_ARTIST, metadata.creator or metadata.credit),
        (EXIF_COPYRIGHT, metadata.copyright_notice),
    ):
        if value:
            # Pillow would turn non-ASCII into "?"; UTF-8 bytes keep "©" and names intact.
            exif[tag] = value if value.isascii() else value.encode("utf-8")
    return exif


def to_xmp(metadata: PhotoMetadata) -> bytes:
    """An XMP packet with the credit and rights, for a file we write."""
    properties = []
    if metadata.creator:
        properties.append(f"<dc:creator><rdf:Seq>{_li(metadata.creator)}</rdf:Seq></dc:creator>")
    if metadata.copyright_notice:
        alt = _li(metadata.copyright_notice, lang="x-default")
        properties.append(f"<dc:rights><rdf:Alt>{alt}</rdf:Alt></dc:rights>")
        properties.append("<xmpRights:Marked>True</xmpRights:Marked>")
    if metadata.credit:
        properties.append(f"<photoshop:Credit>{escape(metadata.credit)}</photoshop:Credit>")
    if metadata.source:
        properties.append(f"<photoshop:Source>{escape(metadata.source)}</photoshop:Source>")
    if metadata.usage_terms:
        alt = _li(metadata.usage_terms, lang="x-default")
        properties.append(f"<xmpRights:UsageTerms><rdf:Alt>{alt}</rdf:Alt></xmpRights:UsageTerms>")
    if metadata.licence_url:
        url = escape(metadata.licence_url)
        properties.append(f"<xmpRights:WebStatement>{url}</xmpRights:WebStatement>")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">'
        + "".join(properties)
        + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
    ).encode()


def _li(text, *, lang=None):
    attribute = f" xml:lang={quoteattr(lang)}" if lang else ""
    return f"<rdf:li{attribute}>{escape(text)}</rdf:li>"
