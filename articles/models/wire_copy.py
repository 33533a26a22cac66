"""A parsed wire story into the models: one story, its bylines and its credited photos."""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from articles.models.article import Article, Byline, Status
from articles.models.people import Author
from articles.models.photos import ArticlePhoto, Photo
from articles.wire import WireError, WireStory

CREATED, UPDATED, UNCHANGED, PUBLISHED_ALREADY = "created", "updated", "unchanged", "published"


def unique_slug(model, text, *, max_length=200, exclude_pk=None):
    base = slugify(text)[:max_length].strip("-") or "story"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def body_html(paragraphs):
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def plan(*, key, digest):
    """What importing would do, without writing anything."""
    article = Article.objects.filter(wire_key=key).first()
    if article is None:
        return CREATED
    if article.wire_hash == digest:
        return UNCHANGED
    if article.status != Status.DRAFT:
        return PUBLISHED_ALREADY
    return UPDATED


def save_wire_story(story: WireStory, *, key, digest, image=None):
    """Create or refresh the draft for one wire file; returns what happened.

    A story that has left draft is never overwritten by the wire: an editor owns it now.
    """
    with transaction.atomic(), reversion.create_revision():
        outcome = plan(key=key, digest=digest)
        if outcome in (UNCHANGED, PUBLISHED_ALREADY):
            return outcome
        reversion.set_comment(f"Imported from the wire file {key}.")
        _save(story, key=key, digest=digest, image=image)
    return outcome


def _save(story, *, key, digest, image):
    article = Article.objects.filter(wire_key=key).first() or Article(wire_key=key)
    copyright = story.copyright
    article.headline = story.headline[:255]
    article.slug = article.slug or unique_slug(Article, story.headline)
    article.body = body_html(story.paragraphs)
    article.dateline = story.dateline
    article.source = story.source
    article.copyright_notice = copyright.notice if copyright else ""
    article.copyright_holder = copyright.holder if copyright else ""
    article.copyright_year = copyright.year if copyright else None
    article.wire_hash = digest
    # The parser gives one-line headlines and datelines; the fields' own validators make sure.
    # Uniqueness is the importer's (unique_slug, the wire key): no need to ask again.
    try:
        article.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise WireError(
            "; ".join(
                f"{field}: {' '.join(problems)}" for field, problems in error.message_dict.items()
            )
        ) from None
    article.save()

    article.byline_set.all().delete()
    for position, name in enumerate(story.bylines):
        author = Author.objects.filter(name__iexact=name).first() or Author.objects.create(
            name=name, slug=unique_slug(Author, name, max_length=140)
        )
        Byline.objects.get_or_create(
            article=article, author=author, defaults={"position": position}
        )

    _attach_photos(article, story, image=image)


def _attach_photos(article, story, *, image):
    current = [article.lead_photo, *(use.photo for use in article.photos.select_related("photo"))]
    current = [photo for photo in current if photo]
    if image is None and [photo.credit for photo in current] == list(story.photo_credits):
        return
    credits = list(story.photo_credits) or ([""] if image else [])
    copyright = story.copyright
    photos = [
        Photo.objects.create(
            credit=credit,
            source=story.source,
            copyright_notice=copyright.notice if copyright else "",
            copyright_holder=copyright.holder if copyright else "",
            **({"image": image} if image is not None and position == 0 else {}),
        )
        for position, credit in enumerate(credits)
    ]
    # Earlier photos are detached, never deleted: an editor may have worked on them, and the
    # library keeps them.
    article.photos.all().delete()
    article.lead_photo = photos[0] if photos else None
    article.save(update_fields=["lead_photo"])
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(article=article, photo=photo, position=position)
        for position, photo in enumerate(photos[1:])
    )
