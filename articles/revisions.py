"""A story's saved revisions (kept by django-reversion): what each held, how two differ, and
putting an earlier one back without touching the workflow state."""

import difflib
import re
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from articles.models import Article, Author, Byline, Photo, Section

# Content an editor restores; the workflow fields (status, times, stamps) never travel back.
TEXT_FIELDS = [
    ("headline", "Headline"),
    ("slug", "Address (slug)"),
    ("standfirst", "Standfirst"),
    ("dateline", "Dateline"),
    ("body", "Body"),
    ("copyright_notice", "Copyright notice"),
    ("copyright_holder", "Copyright holder"),
    ("copyright_year", "Copyright year"),
    ("is_top_story", "Top story"),
]
RELATED_FIELDS = [("section_id", "Section", Section), ("lead_photo_id", "Lead photo", Photo)]


@dataclass(frozen=True)
class Change:
    label: str
    html: str


def versions_of(story):
    return Version.objects.get_for_object(story).select_related("revision__user")


def snapshot(version):
    """What a revision held, as plain values an editor can read."""
    fields = version.field_dict
    data = {name: fields.get(name) for name, _label in TEXT_FIELDS}
    for name, _label, _model in RELATED_FIELDS:
        data[name] = fields.get(name)
    data["bylines"] = _bylines(version)
    return data


def current(story):
    data = {name: getattr(story, name) for name, _label in TEXT_FIELDS}
    for name, _label, _model in RELATED_FIELDS:
        data[name] = getattr(story, name)
    data["bylines"] = [
        (byline.author_id, byline.position) for byline in story.byline_set.order_by("position")
    ]
    return data


def diff(old, new):
    """The fields that differ between two snapshots, each as a word-level HTML diff."""
    changes = []
    for name, label in TEXT_FIELDS:
        if old[name] != new[name]:
            changes.append(Change(label, word_diff(_text(old[name]), _text(new[name]))))
    for name, label, model in RELATED_FIELDS:
        if old[name] != new[name]:
            changes.append(
                Change(label, word_diff(_name(model, old[name]), _name(model, new[name])))
            )
    if old["bylines"] != new["bylines"]:
        changes.append(Change("Bylines", word_diff(_authors(old), _authors(new))))
    return changes


def word_diff(old, new):
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # every word was escaped above


def restore(story, version, *, by):
    """Put an earlier revision's content back as a new revision; nothing is overwritten."""
    data = snapshot(version)
    with transaction.atomic(), reversion.create_revision():
        story = Article.objects.select_for_update().get(pk=story.pk)
        for name, _label in TEXT_FIELDS:
            setattr(story, name, data[name])
        for name, _label, _model in RELATED_FIELDS:
            setattr(story, name, data[name])
        story.updated_by = by
        story.record_edit()
        story.save()
        authors = Author.objects.in_bulk([author_id for author_id, _ in data["bylines"]])
        story.byline_set.all().delete()
        # One by one, so that each tells the cache (articles.invalidation): a few rows at most.
        for author_id, position in data["bylines"]:
            if author_id in authors:
                Byline.objects.create(article=story, author=authors[author_id], position=position)
        reversion.set_user(by)
        reversion.set_comment(
            f"Restored the version of {version.revision.date_created:%d %b %Y %H:%M}."
        )
    return story


def _bylines(version):
    bylines = version.revision.version_set.filter(content_type__model="byline")
    rows = [(b.field_dict["author_id"], b.field_dict["position"]) for b in bylines]
    return sorted(rows, key=lambda row: row[1])


def _authors(data):
    names = Author.objects.in_bulk([author_id for author_id, _ in data["bylines"]])
    return ", ".join(names[a].name if a in names else "(deleted)" for a, _ in data["bylines"])


def _name(model, pk):
    if pk is None:
        return "—"
    obj = model.objects.filter(pk=pk).first()
    return str(obj) if obj else "(deleted)"


# Where one block of the body ends and the next begins: words either side are two words.
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>", re.IGNORECASE)


def _text(value):
    text = BLOCK_END.sub(" ", str(value if value is not None else ""))
    return strip_tags(text).strip() or "—"
