"""The rich-text allow-list: what the editor may produce is exactly what readers may receive.

Beyond text, a body holds blocks (docs/architecture.md, "Story bodies"): tables, pull quotes
(a blockquote of class "pull-quote"), and references drawn at read time by articles.bodies:
`<figure data-photo="42">` (a library photo), `<aside data-story="7">` (one of our stories) and
`<figure data-embed="https://…">` (an address from a provider of articles.oembed; any other
address, or a javascript: or data: one, is dropped here).
Their editor side is static/articles/admin/body-blocks.js, registered with the allow-list of
each in settings (DJANGO_PROSE_EDITOR_EXTENSIONS, django-prose-editor's extension mechanism).
References carry an id and nothing else: no file address, no headline, nothing that could go
stale or be forged.
"""

import nh3
from django.urls import reverse_lazy
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from articles import oembed

PULL_QUOTE = "pull-quote"

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "NodeClass": {"cssClasses": {"blockquote": [{"className": PULL_QUOTE, "title": "Pull quote"}]}},
    "TableCaption": True,
    # Where each block's chooser asks (articles.admin.body_blocks).
    "BodyPhoto": {"url": reverse_lazy("admin:articles_article_choose_photos")},
    "StoryLink": {"url": reverse_lazy("admin:articles_article_choose_stories")},
    "Embed": {"url": reverse_lazy("admin:articles_article_choose_embeds")},
}


def body_allowlist():
    """nh3's arguments for bodies: the extensions' allow-list, with blockquotes allowed the
    pull-quote class only (NodeClass would allow a blockquote any class at all)."""
    allowed = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))
    allowed["attributes"]["blockquote"].discard("class")
    allowed.setdefault("allowed_classes", {})["blockquote"] = {PULL_QUOTE}
    allowed["attribute_filter"] = _embed_address
    return allowed


def _embed_address(tag, attribute, value):
    """Only an address a provider takes stays an embed (articles.oembed)."""
    if attribute == "data-embed":
        return value if oembed.provider_for(value) else None
    return value


_cleaner = None


def sanitize_body(html):
    """The body as readers may receive it; an editor's empty paragraph is empty."""
    global _cleaner
    if _cleaner is None:  # settings (the extension mechanism) must be ready first
        _cleaner = nh3.Cleaner(**body_allowlist())
    cleaned = _cleaner.clean(html or "")
    return "" if cleaned in {"<p></p>", ""} else cleaned
