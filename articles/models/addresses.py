from django.db import models


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
