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
    photos, stories, embeds = article.inline_photos, article.linked_stories, article.embeds

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

    # The body was sanitised when it was saved (articles.richtext); what is drawn into it is
    # escaped by the templates.
    return mark_safe(bodies.draw(article.body, photo=photo, story=story, embed=embed))
