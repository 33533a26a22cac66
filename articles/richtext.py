"""The rich-text allow-list: what the editor may produce is exactly what readers may receive."""

from django_prose_editor.fields import create_sanitizer

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
}

sanitize_body = create_sanitizer(BODY_EXTENSIONS)
