from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles import bodies

register = template.Library()


@register.simple_tag
def story_body(article):
    """The story's body as readers read it: its photos drawn from the library as they are now
    (renditions, caption, credit and copyright), its linked stories as cards, its embeds as
    placeholders that load nothing from the provider until the reader asks; a photo or story
    readers may not see, or that does not exist, is drawn as nothing."""
    return drawn(
        article.body,
        photos=article.inline_photos,
        stories=article.linked_stories,
        embeds=article.embeds,
    )


@register.simple_tag
def entry_text(entry):
    """A live entry's text drawn like a story's body, from the blocks read for its page
    (LiveEntry.read_blocks)."""
    blocks = entry.blocks
    return drawn(
        entry.text,
        photos=blocks.photos,
        stories=blocks.stories,
        embeds=blocks.embeds,
    )


def drawn(html, *, photos, stories, embeds):
    def photo(pk):
        if pk not in photos:
            return ""
        context = {"photo": photos[pk], "class": "photo body-photo", "lazy": True}
        return render_to_string("articles/_figure.html", context)

    def story(pk):
        if pk not in stories:
            return ""
        return render_to_string("articles/_body_story.html", {"article": stories[pk]})

    def embed(url):
        if url not in embeds:
            return ""
        return render_to_string("articles/_embed.html", {"embed": embeds[url]})

    # The text was sanitised when it was saved (articles.richtext); what is drawn into it is
    # escaped by the templates.
    return mark_safe(bodies.draw(html, photo=photo, story=story, embed=embed))
