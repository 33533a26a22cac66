"""Addresses: the slug a new story or author is given, and the slugs a story had before."""

from django.db import models
from django.utils.text import slugify


def unique_slug(model, text, *, max_length=200, exclude_pk=None):
    """A slug made from `text` that no other row of `model` has: "storm", or "storm-2" if taken."""
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


class FormerSlug(models.Model):
    """A slug a story had while readers could see it, so that links to it keep working.

    Only slugs are kept: the slug alone finds a story, and any other date in the address
    is sent to the current one (ArticleDetailView), so a new publication date needs no record.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="former_slugs"
    )
    slug = models.SlugField(max_length=255)  # not unique: another story may have left it too
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return self.slug
