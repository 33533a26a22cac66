"""RSS 2.0 and Atom feeds for the whole site, each section and each tag.

Both formats carry the lead photo as Media RSS (`media:content` with its credit and
copyright): RSS allows only one enclosure per item, and enclosures carry no credit at all.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Section
from articles.models.article import CARD_FIELDS, bylines_prefetch

MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
FEED_SIZE = 50


class MediaFeedMixin:
    """Writes an item's `photo` (passed by the Feed's item_extra_kwargs) as Media RSS."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        photo = item.get("photo")
        if not photo:
            return
        # Photo addresses are relative to the site unless media live elsewhere (a CDN).
        attributes = {
            "url": urljoin(self.feed["link"], photo["url"]),
            "medium": "image",
            **{key: str(photo[key]) for key in ("type", "width", "height") if photo[key]},
        }
        handler.startElement("media:content", attributes)
        # No caption (media:description): common readers take it for the story's own text.
        if photo["credit"]:
            handler.addQuickElement("media:credit", photo["credit"])
        if photo["creator"]:
            handler.addQuickElement(
                "media:credit", photo["creator"], {"role": "photographer", "scheme": "urn:ebu"}
            )
        if photo["copyright"]:
            handler.addQuickElement("media:copyright", photo["copyright"])
        if photo["licence_url"]:
            handler.addQuickElement(
                "media:license",
                photo["licence"],
                {"type": "text/html", "href": photo["licence_url"]},
            )
        handler.endElement("media:content")


class MediaRssFeed(MediaFeedMixin, feedgenerator.Rss201rev2Feed):
    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:media": MEDIA_NS, "xmlns:dcterms": DCTERMS_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # RSS 2.0 has no element for the time a story was updated; Dublin Core does.
        if item["updateddate"] is not None:
            handler.addQuickElement(
                "dcterms:modified", feedgenerator.rfc3339_date(item["updateddate"])
            )


class MediaAtomFeed(MediaFeedMixin, feedgenerator.Atom1Feed):
    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}


class LatestStoriesFeed(Feed):
    """The whole site. Subclasses narrow `stories()` to the feed's object (section, tag)."""

    feed_type = MediaRssFeed

    # Every method takes the feed's object, None here: one instance serves every request,
    # so nothing about a request may be kept on it.
    def stories(self, obj=None):
        return Article.objects.published()

    def title(self, obj=None):
        return settings.NEWSROOM_SITE_NAME

    def description(self, obj=None):
        return f"The latest stories from {settings.NEWSROOM_SITE_NAME}."

    def link(self, obj=None):
        return reverse("articles:home")

    def feed_copyright(self, obj=None):
        return settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        )

    def items(self, obj=None):
        return (
            self.stories(obj)
            .cards()
            # Each item carries the story's copyright.
            .only(*CARD_FIELDS, "copyright_notice", "copyright_holder", "copyright_year")
            .with_last_modified()
            .prefetch_related(bylines_prefetch(), "tags")[:FEED_SIZE]
        )

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # Feed readers take the summary as HTML: the standfirst is plain text.
        return escape(article.dek)

    def item_author_name(self, article):
        # Feeds have one author element per item: several bylines are joined, "A, B and C".
        return article.byline_text or None

    def item_pubdate(self, article):
        return article.first_publication

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        section = [article.section.name] if article.section else []
        return section + sorted((tag.name for tag in article.tags.all()), key=str.lower)

    def item_copyright(self, article):
        return article.copyright_line

    def item_extra_kwargs(self, article):
        photo = article.public_lead_photo
        picture = photo.syndication_rendition if photo else None
        if picture is None:
            return {}
        copyright = photo.copyright_notice or (
            f"© {photo.copyright_holder}" if photo.copyright_holder else ""
        )
        return {
            "photo": {
                "url": picture.url,
                "type": picture.mime_type,
                "width": picture.width,
                "height": picture.height,
                "credit": photo.credit,
                "creator": photo.creator,
                "copyright": copyright,
                "licence": photo.get_licence_display(),
                "licence_url": photo.licence_url,
            }
        }


class AtomMixin:
    feed_type = MediaAtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


class SectionFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def stories(self, section):
        return Article.objects.published().filter(section=section)

    def title(self, section):
        return f"{section.name} · {settings.NEWSROOM_SITE_NAME}"

    def description(self, section):
        return section.description or f"The latest {section.name} stories."

    def link(self, section):
        return section.get_absolute_url()


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def stories(self, tag):
        return Article.objects.published().filter(tags=tag)

    def title(self, tag):
        return f"“{tag.name}” · {settings.NEWSROOM_SITE_NAME}"

    def description(self, tag):
        return f"The latest stories tagged “{tag.name}”."

    def link(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class LatestStoriesAtomFeed(AtomMixin, LatestStoriesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass
