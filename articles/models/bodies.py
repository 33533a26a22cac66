"""What a story's body shows besides text, kept as data: each inline photo, each story it
links to as a card and each embed (articles.bodies reads them out of the body). The rows follow
the body, written in the same transaction as the story (Article.save): they answer "which
stories show this photo" (pages to draw again, rights), "which stories link to this one" and
"which stories show this embed"."""

from django.db import models

from articles import bodies


class BodyPhoto(models.Model):
    """A library photo shown inside a story's body."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="body_photos"
    )
    # Like a gallery photo: a photo in use is not deleted from the library.
    photo = models.ForeignKey("articles.Photo", on_delete=models.PROTECT, related_name="body_uses")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name = "photo in body"
        verbose_name_plural = "photos in body"
        constraints = [
            models.UniqueConstraint(fields=["article", "photo"], name="body_photo_once"),
        ]

    def __str__(self):
        return str(self.photo)


class BodyLink(models.Model):
    """One of our stories, linked as a card inside another story's body."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="body_links"
    )
    story = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="linked_from"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "story"], name="body_link_once"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.story_id}"


def keep_body_uses(article):
    """Write the story's body photos and links as its body now has them; only references to
    rows that exist are kept (the body still names the others, which readers never see)."""
    from articles.models.article import Article
    from articles.models.embeds import BodyEmbed, Embed
    from articles.models.photos import Photo

    for model, ids, target in [
        (BodyPhoto, bodies.photo_ids(article.body), Photo),
        (BodyLink, [pk for pk in bodies.story_ids(article.body) if pk != article.pk], Article),
    ]:
        field = "photo_id" if model is BodyPhoto else "story_id"
        model.objects.filter(article=article).delete()
        existing = set(target.objects.filter(pk__in=ids).values_list("pk", flat=True))
        model.objects.bulk_create(
            model(article=article, position=position, **{field: pk})
            for position, pk in enumerate(pk for pk in ids if pk in existing)
        )
    BodyEmbed.objects.filter(article=article).delete()
    urls = bodies.embed_urls(article.body)
    embeds = Embed.objects.in_bulk(urls, field_name="url")
    BodyEmbed.objects.bulk_create(
        BodyEmbed(article=article, embed=embeds[url], position=position)
        for position, url in enumerate(url for url in urls if url in embeds)
    )
