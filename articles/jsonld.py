"""schema.org structured data for search engines: plain dicts in, one safe <script> out.

The builders take the story and an `absolute` function (usually
`request.build_absolute_uri`) and touch no database beyond what the story has loaded.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.models.labels import Label

# In a <script> element, "</script>" or "<!--" in a headline would end or change the element:
# JSON lets us write those characters as escapes, which parsers read back unchanged.
_SCRIPT_ESCAPES = {"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"}
# schema.org's types for labelled stories: opinion and analysis are kinds of news article,
# sponsored content is not news at all. A story with live coverage is a LiveBlogPosting
# (live_blog_posting), whatever its label.
ARTICLE_TYPES = {
    Label.OPINION: "OpinionNewsArticle",
    Label.ANALYSIS: "AnalysisNewsArticle",
    Label.SPONSORED: "AdvertiserContentArticle",
}


def script(data):
    """A JSON-LD <script> element, safe to put in HTML whatever the data holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # One replace() a character: str.translate() would look every character of the text up
    # in its table, Python's slow path once the text is not all ASCII (a curly quote).
    for character, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def organization(*, absolute):
    """The site as the publisher of its stories: its name, home page and logo (settings)."""
    logo = absolute(static(settings.NEWSROOM_LOGO))
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute(reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": logo, "contentUrl": logo},
    }


def person(author, *, absolute):
    return {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}


def image_object(photo, *, absolute):
    """The photo's shared rendition as an ImageObject; None when it has none to show."""
    picture = photo.syndication_rendition
    if picture is None:
        return None
    url = absolute(picture.url)
    data = {"@type": "ImageObject", "contentUrl": url, "url": url}
    optional = {
        "width": picture.width,
        "height": picture.height,
        "caption": photo.caption,
        "creditText": photo.credit,
        "copyrightNotice": photo.copyright_notice,
        "license": photo.licence_url,
    }
    data |= {key: value for key, value in optional.items() if value}
    if photo.creator:
        data["creator"] = {"@type": "Person", "name": photo.creator}
    if photo.copyright_holder:
        data["copyrightHolder"] = {"@type": "Organization", "name": photo.copyright_holder}
    if photo.ai_label:
        # What readers read under the picture ("AI-generated image", "Illustration").
        data["genre"] = photo.get_ai_label_display()
    return data


def news_article(article, *, absolute):
    """The story as a schema.org NewsArticle, or the type its label says."""
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": ARTICLE_TYPES.get(article.label, "NewsArticle"),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "datePublished": article.first_publication,
        "dateModified": article.modified_at,
        "author": [person(author, absolute=absolute) for author in article.bylines],
        "publisher": organization(absolute=absolute),
        "copyrightNotice": article.copyright_line,
        "isAccessibleForFree": True,
    }
    if article.standfirst:
        data["description"] = article.standfirst
    if article.is_sponsored:
        data["sponsor"] = {"@type": "Organization", "name": article.sponsor}
    if article.dateline:
        data["dateline"] = article.dateline
    if article.section:
        data["articleSection"] = article.section.name
    keywords = sorted((tag.name for tag in article.tag_list), key=str.lower)
    if keywords:
        data["keywords"] = keywords
    # The lead photo first (the one search engines show), then each photo in the body.
    lead = article.public_lead_photo
    photos = [lead] if lead else []
    photos += [photo for photo in article.public_inline_photos() if photo != lead]
    images = [image for photo in photos if (image := image_object(photo, absolute=absolute))]
    if len(images) == 1:
        data["image"] = images[0]
    elif images:
        data["image"] = images
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": correction.created_at,
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data


def live_blog_posting(article, entries, *, absolute):
    """A live story as a schema.org LiveBlogPosting: the story, its coverage times, and the
    `entries` on the page as BlogPostings."""
    data = news_article(article, absolute=absolute) | {"@type": "LiveBlogPosting"}
    data["coverageStartTime"] = article.coverage_starts_at
    if article.coverage_ends_at:
        data["coverageEndTime"] = article.coverage_ends_at
    data["liveBlogUpdate"] = [blog_posting(entry, article, absolute=absolute) for entry in entries]
    return data


def blog_posting(entry, article, *, absolute):
    text = strip_tags(entry.text).strip()
    data = {
        "@type": "BlogPosting",
        "@id": absolute(f"{article.get_absolute_url()}#{entry.anchor}"),
        "url": absolute(f"{article.get_absolute_url()}#{entry.anchor}"),
        "headline": Truncator(text).chars(110),
        "articleBody": text,
        "datePublished": entry.posted_at,
        "dateModified": entry.corrected_at or entry.posted_at,
    }
    if entry.author:
        data["author"] = person(entry.author, absolute=absolute)
    photo = entry.public_photo
    if photo and (image := image_object(photo, absolute=absolute)):
        data["image"] = image
    return data
