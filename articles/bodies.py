"""A story body's blocks: the references it holds, and the body as readers get it. Pure.

Bodies are stored as sanitised HTML (articles.richtext), whose serialiser writes every
attribute in double quotes with its value escaped: the patterns below read that form and no
other. A reference is `<figure data-photo="42"></figure>` or `<aside data-story="7"></aside>`;
one whose value is not a plain id refers to nothing and is drawn as nothing. An embed is
`<figure data-embed="https://…"></figure>`: an address the sanitiser let through only when a
provider of articles.oembed takes it.
"""

import re
from html import escape, unescape

PHOTO = re.compile(r'<figure data-photo="([^"]*)"></figure>')
STORY = re.compile(r'<aside data-story="([^"]*)"></aside>')
EMBED = re.compile(r'<figure data-embed="([^"]*)"></figure>')
TABLE = re.compile(r'<table(?: data-caption="([^"]*)")?>|</table>')
# Larger ids than a database's integer key could not be saved as a use: they name nothing.
LARGEST_ID = 2**31 - 1


def reference(value):
    """The id a reference names, or None when it names nothing."""
    if not re.fullmatch(r"[0-9]{1,10}", value):
        return None
    pk = int(value)
    return pk if 0 < pk <= LARGEST_ID else None


def _ids(pattern, html):
    found = (reference(match[1]) for match in pattern.finditer(html or ""))
    return list(dict.fromkeys(pk for pk in found if pk is not None))


def photo_ids(html):
    """The library photos the body shows, in order of first appearance."""
    return _ids(PHOTO, html)


def story_ids(html):
    """The stories the body links to as cards, in order of first appearance."""
    return _ids(STORY, html)


def embed_urls(html):
    """The addresses the body embeds, in order of first appearance."""
    return list(dict.fromkeys(unescape(match[1]) for match in EMBED.finditer(html or "")))


def photo_marker(pk):
    """A reference to photo `pk` as a sanitised text holds it (to find texts that show it)."""
    return f'<figure data-photo="{pk}"></figure>'


def story_marker(pk):
    return f'<aside data-story="{pk}"></aside>'


def embed_marker(url):
    """An embed of `url` as a sanitised text holds it: the serialiser escapes `&` and `"`."""
    value = url.replace("&", "&amp;").replace('"', "&quot;")
    return f'<figure data-embed="{value}"></figure>'


def draw(html, *, photo, story, embed=lambda url: ""):
    """The body as readers read it: each reference replaced by `photo(id)`, `story(id)` or
    `embed(address)` (HTML, empty for what readers may not see), each table in a region that
    scrolls sideways on a narrow screen, with its caption."""
    html = PHOTO.sub(lambda match: _drawn(photo, match[1]), html or "")
    html = STORY.sub(lambda match: _drawn(story, match[1]), html)
    html = EMBED.sub(lambda match: embed(unescape(match[1])), html)
    tables = iter(range(1, 1_000_000))

    def table(match):
        if match[0] == "</table>":
            return "</table></div>"
        caption = escape(unescape(match[1] or "").strip())
        # A scrolling region must be reachable by keyboard and named (WCAG 2.1.1, 4.1.2).
        name = caption or f"Table {next(tables)}"
        opening = f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">'
        return f"{opening}<table>" + (f"<caption>{caption}</caption>" if caption else "")

    return TABLE.sub(table, html)


def _drawn(draw_one, value):
    pk = reference(value)
    return draw_one(pk) if pk is not None else ""
