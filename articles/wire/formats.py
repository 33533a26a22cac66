"""Which parser reads a wire file, by its name's suffix: every format gives a WireStory."""

from articles.wire import ninjs, nitf, parser

PARSERS = {".txt": parser.parse, ".json": ninjs.parse, ".xml": nitf.parse, ".nitf": nitf.parse}
SUFFIXES = tuple(PARSERS)


def parse_file(name, data):
    """The story in a file's bytes, read as its suffix says; WireError if it cannot be."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in PARSERS:
        raise parser.WireError(f"not a wire format we read ({', '.join(SUFFIXES)})")
    return PARSERS[suffix](data)
