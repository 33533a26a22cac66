"""A parsed wire story into the models: one story, its bylines and its credited photos."""

import os
from dataclasses import dataclass, replace
from pathlib import Path

import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.html import escape
from taggit.models import Tag

from articles.models.addresses import unique_slug
from articles.models.article import Article, Byline, Status
from articles.models.people import Author
from articles.models.photos import ArticlePhoto, Photo
from articles.richtext import sanitize_body
from articles.wire.parser import WireStory

CREATED, UPDATED, UNCHANGED, PUBLISHED_ALREADY = "created", "updated", "unchanged", "published"


class WireRefused(Exception):
    """The story cannot be stored as it came; the message says why (a field and its limit)."""


@dataclass(frozen=True)
class WireIdentity:
    """Which agency file a story came from: the feed it arrived on and its name there.

    A name alone is not enough: two agencies may both send "story.txt". A format that carries
    the agency's own id can use that id as the key instead of the file name.
    """

    feed: str
    key: str

    @classmethod
    def of_file(cls, path, *, feed=""):
        """The given feed, else the name of the folder the file is in, and the file's name.

        The folder is the one the file is in, not one given on the command line, so a file has
        the same identity whether its folder or the file itself is imported.
        """
        path = Path(os.path.abspath(path))
        identity = cls(feed=feed or path.parent.name, key=path.name)
        if not identity.feed:
            raise WireRefused("no folder name to use as its feed; give --feed")
        for name in (identity.feed, identity.key):
            if not name.isprintable() or _undecodable(name):
                raise WireRefused(f"{name!r} is not a printable UTF-8 name")
        return identity

    def of_story(self, story):
        """Known by the agency's own id when the story carries one (ninjs uri, NITF doc-id):
        a new version under another file name is the same story."""
        return replace(self, key=story.key) if story.key else self

    def __str__(self):
        return f"{self.feed}/{self.key}"


def _undecodable(name):
    # A name that was not UTF-8 on disk holds surrogates no database will store.
    try:
        name.encode()
    except UnicodeEncodeError:
        return True
    return False


def body_html(paragraphs):
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def plan(story: WireStory, *, identity, digest):
    """What importing would do, without writing anything; refuses what the import would."""
    article = _previous(identity, digest)
    outcome = _outcome(article, digest)
    if outcome in (CREATED, UPDATED):
        _check(story, _filled(article, story, identity=identity, digest=digest))
    return outcome


def save_wire_story(story: WireStory, *, identity, digest, image=None):
    """Create or refresh the draft for one wire file; returns what happened.

    A story that has left draft is never overwritten by the wire: an editor owns it now.
    Raises WireRefused, having written nothing, for a story the models cannot hold.
    """
    with transaction.atomic(), reversion.create_revision():
        article = _previous(identity, digest)
        outcome = _outcome(article, digest)
        if article is not None and article.wire_feed != identity.feed:
            # Imported before feeds were recorded: it is this file's story from now on.
            Article.objects.filter(pk=article.pk).update(wire_feed=identity.feed)
            article.wire_feed = identity.feed
        if outcome in (UNCHANGED, PUBLISHED_ALREADY):
            return outcome
        article = _filled(article, story, identity=identity, digest=digest)
        _check(story, article)
        reversion.set_comment(f"Imported from the wire file {identity}.")
        _save(article, story, image=image)
    return outcome


def _previous(identity, digest):
    """The story an earlier import of this file made, if any."""
    # Said in the words of the unique constraint's condition, so that SQLite walks its partial
    # index: without them it read the whole table for every file (PostgreSQL proves it alone).
    imported = Article.objects.exclude(wire_key="")
    found = imported.filter(wire_feed=identity.feed, wire_key=identity.key).first()
    if found is None:
        # Stories imported before feeds were recorded have none. The same name with other
        # content may be another agency's story, so only identical content is taken as this
        # file's.
        found = imported.filter(wire_feed="", wire_key=identity.key, wire_hash=digest).first()
    return found


def _outcome(article, digest):
    if article is None:
        return CREATED
    if article.wire_hash == digest:
        return UNCHANGED
    if article.status != Status.DRAFT:
        return PUBLISHED_ALREADY
    return UPDATED


def _filled(article, story, *, identity, digest):
    """The article with the story's fields set, not saved."""
    article = article or Article(wire_feed=identity.feed, wire_key=identity.key)
    copyright = story.copyright
    # Never cut to fit: _check refuses what is too long.
    article.headline = story.headline
    article.slug = article.slug or unique_slug(Article, story.headline)
    article.body = sanitize_body(story.body) if story.body else body_html(story.paragraphs)
    article.standfirst = story.standfirst or article.standfirst
    article.dateline = story.dateline
    article.source = story.source
    article.agency = story.agency
    article.syndication_service = story.service
    article.usage_terms = story.usage_terms
    article.embargo_until = story.embargo_until
    article.copyright_notice = copyright.notice if copyright else ""
    article.copyright_holder = copyright.holder if copyright else ""
    article.copyright_year = copyright.year if copyright else None
    article.wire_hash = digest
    return article


def _check(story, article):
    """Refuse, with every reason, a story whose values the models would not accept.

    The models' own validation, so that SQLite (which stores anything) refuses what PostgreSQL
    would, and a dry run refuses what a real run would.
    """
    candidates = [(article, (), True)]
    if not article.body.strip():
        raise WireRefused("no body text left once its markup was made safe")
    candidates += [
        (Author(name=name), ["slug"], True)  # the slug is made to fit when the author is saved
        for name, _is_agency in bylines(story)
        if not Author.objects.filter(name__iexact=name).exists()
    ]
    # The picture has passed the upload checks already; its stored name is made on saving.
    candidates += [(photo, ["image"], True) for photo in _photos(story)]
    # A new tag's slug is made from its name and can be longer than it (NFKC): "ﷺ" makes 18
    # characters. A taken slug is not a reason to refuse: taggit numbers it.
    existing = set(Tag.objects.filter(name__in=story.subjects).values_list("name", flat=True))
    candidates += [
        (Tag(name=name, slug=Tag().slugify(name)), (), False)
        for name in story.subjects
        if name not in existing
    ]
    reasons = []
    for instance, exclude, validate_unique in candidates:
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            reasons += _reasons(instance, error)
    if reasons:
        raise WireRefused("; ".join(dict.fromkeys(reasons)))


def _reasons(instance, error):
    meta = instance._meta
    for name, errors in error.error_dict.items():
        label = meta.verbose_name
        if name != NON_FIELD_ERRORS:
            label = f"{label} {meta.get_field(name).verbose_name}"
        for problem in errors:
            if problem.code == "max_length":
                params = problem.params
                yield (
                    f"the {label} is {params['show_value']} characters long; "
                    f"the limit is {params['limit_value']}"
                )
            else:
                yield f"the {label}: {' '.join(problem.messages)}"


def _save(article, story, *, image):
    article.save()

    article.byline_set.all().delete()
    for position, (name, is_agency) in enumerate(bylines(story)):
        author = Author.objects.filter(name__iexact=name).first() or Author.objects.create(
            name=name, slug=unique_slug(Author, name, max_length=140), is_agency=is_agency
        )
        Byline.objects.get_or_create(
            article=article, author=author, defaults={"position": position}
        )
    if story.subjects:  # plain text has none: the tags an editor gave the draft stay
        article.tags.set(list(story.subjects))

    _attach_photos(article, story, image=image)


def bylines(story):
    """(name, is it an agency) for each byline: the writers, else the agency or service, so
    that copy naming no writer still reaches the desk with a byline nobody had to invent."""
    if story.bylines:
        return [(name, False) for name in story.bylines]
    return [(story.credited_to, True)] if story.credited_to else []


def _photos_change(article, story):
    current = [article.lead_photo, *(use.photo for use in article.photos.select_related("photo"))]
    return [photo.credit for photo in current if photo] != list(story.photo_credits)


def _photos(story, *, image=None):
    """Unsaved photos for the story's credits; the image, if any, goes to the first."""
    credits = list(story.photo_credits) or ([""] if image else [])
    copyright = story.copyright
    return [
        Photo(
            credit=credit,
            source=story.source,
            # From the wire: whether it may be passed on is the agency's licence to decide.
            licence=Photo.Licence.AGENCY,
            copyright_notice=copyright.notice if copyright else "",
            copyright_holder=copyright.holder if copyright else "",
            **({"image": image} if image is not None and position == 0 else {}),
        )
        for position, credit in enumerate(credits)
    ]


def _attach_photos(article, story, *, image):
    if image is None and not _photos_change(article, story):
        return
    photos = _photos(story, image=image)
    for photo in photos:
        try:
            photo.save()
        except ValidationError as error:  # a picture refused on saving
            raise WireRefused("; ".join(_reasons(photo, error))) from error
    # Earlier photos are detached, never deleted: an editor may have worked on them, and the
    # library keeps them.
    article.photos.all().delete()
    article.lead_photo = photos[0] if photos else None
    article.save(update_fields=["lead_photo"])
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(article=article, photo=photo, position=position)
        for position, photo in enumerate(photos[1:])
    )
