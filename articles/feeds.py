"""RSS 2.0 and Atom feeds for the whole site, each section and each tag.

Both formats carry the lead photo as Media RSS (`media:content` with its credit and
copyright): RSS allows only one enclosure per item, and enclosures carry no credit at all.

Each story's item is written once and kept (articles.fragments), like its cards: a feed
request lists the stories, and builds through the syndication framework only the items not
kept yet.
"""

import copy
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator
from taggit.models import TaggedItem

from articles.fragments import kept_each
from articles.models import Article, Section
from articles.models.article import CARD_FIELDS, bylines_prefetch, last_change

MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
FEED_SIZE = 50


class MediaFeedMixin:
    """Writes an item's `photo` (passed by the Feed's item_extra_kwargs) as Media RSS."""

    # The element each item is written as.
    item_element = "item"
    # Every item's XML, in order, when they come kept: written as they are.
    kept_items = None
    # When the newest item last changed, when not every item is at hand.
    changed_at = None

    def write(self, outfile, encoding):
        # The syndication view writes straight into the response, one write per tag and text:
        # thousands of writes, each turned into bytes on its own. One write of the whole feed.
        feed = io.StringIO()
        super().write(feed, encoding)
        outfile.write(feed.getvalue())

    def write_items(self, handler):
        if self.kept_items is None:
            return super().write_items(handler)
        for xml in self.kept_items:
            handler.ignorableWhitespace(xml)  # the one SAX call that writes its text unescaped

    def items_xml(self):
        """Each item's XML, written alone, by its story's id."""
        written = {}
        for item in self.items:
            xml = io.StringIO()
            handler = SimplerXMLGenerator(xml, "utf-8", short_empty_elements=True)
            handler.startElement(self.item_element, self.item_attributes(item))
            self.add_item_elements(handler, item)
            handler.endElement(self.item_element)
            written[item["story_id"]] = xml.getvalue()
        return written

    def latest_post_date(self):
        return self.changed_at or super().latest_post_date()

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
    item_element = "entry"

    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}


LISTED = ("pk", "version", "first_published_at", "publish_at", "revised_at", "last_corrected_at")


@dataclass(frozen=True)
class Listed:
    """A story as a feed lists it before its item is written: enough to find the kept item
    and to know when it last changed."""

    pk: int
    version: int
    first_published_at: datetime | None
    publish_at: datetime | None
    revised_at: datetime | None
    last_corrected_at: datetime | None

    @property
    def modified_at(self):
        first_publication = self.first_published_at or self.publish_at
        return last_change(first_publication, self.revised_at, self.last_corrected_at)


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

    # The feed's addresses are absolute, from the host it was asked on, as pages' links are:
    # Django's feeds would otherwise take the domain of the sites framework (installed for
    # hand-made redirects). Set on the copy made for each request (build()).
    origin = ""
    path = ""

    def link(self, obj=None):
        return self.origin + self.page(obj)

    def page(self, obj=None):
        """The address of the page the feed follows."""
        return reverse("articles:home")

    def feed_url(self, obj=None):
        return self.origin + self.path

    def item_link(self, article):
        return self.origin + article.get_absolute_url()

    def feed_copyright(self, obj=None):
        return settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        )

    def get_feed(self, obj, request):
        """The feed, with each story's item kept between requests: only those missing are
        built, through the syndication framework, in one go."""
        listed = list(self.stories(obj).with_last_modified().values_list(*LISTED)[:FEED_SIZE])
        stories = [Listed(*row) for row in listed]
        built = {}

        def build(missing):
            built["feed"] = feed = self.build(obj, request, [story.pk for story in missing])
            written = feed.items_xml()
            return {story: written[story.pk] for story in missing if story.pk in written}

        kind = f"{type(self).__name__}:{request.scheme}://{request.get_host()}"
        xml = kept_each([(kind, story, story) for story in stories], build)
        feed = built.get("feed") or self.build(obj, request, [])
        feed.kept_items = xml
        feed.changed_at = max((story.modified_at for story in stories), default=None)
        return feed

    def build(self, obj, request, ids):
        """The feed as the syndication framework builds it, with the items of stories `ids`."""
        view = copy.copy(self)  # one instance serves every request: never change it
        view.building = ids
        view.origin, view.path = f"{request.scheme}://{request.get_host()}", request.path
        return super(LatestStoriesFeed, view).get_feed(obj, request)

    # The stories whose items are being built, on the copy of the feed made for a request.
    building = ()

    def items(self, obj=None):
        if not self.building:
            return []
        stories = self.stories(obj).filter(pk__in=self.building)
        stories = list(
            stories.cards()
            # Each item carries the story's copyright.
            .only(*CARD_FIELDS, "copyright_notice", "copyright_holder", "copyright_year")
            .with_last_modified()
            .prefetch_related(bylines_prefetch())[:FEED_SIZE]
        )
        # The tags' names, in one query: taggit's own prefetch builds a manager and a queryset
        # for every story, a quarter of the feed's time.
        names = defaultdict(list)
        for tagged in TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=[story.pk for story in stories],
        ).select_related("tag"):
            names[tagged.object_id].append(tagged.tag.name)
        for story in stories:
            story.tag_names = sorted(names[story.pk], key=str.lower)
        return stories

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # Feed readers take the summary as HTML: the standfirst is plain text.
        return escape(article.standfirst)

    def item_author_name(self, article):
        # Feeds have one author element per item: several bylines are joined, "A, B and C".
        return article.byline_text or None

    def item_pubdate(self, article):
        return article.first_publication

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        section = [article.section.name] if article.section else []
        return section + article.tag_names

    def item_copyright(self, article):
        return article.copyright_line

    def item_extra_kwargs(self, article):
        photo = article.public_lead_photo
        picture = photo.syndication_rendition if photo else None
        if picture is None:
            return {"story_id": article.pk}
        copyright = photo.copyright_notice or (
            f"© {photo.copyright_holder}" if photo.copyright_holder else ""
        )
        return {
            "story_id": article.pk,
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
            },
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

    def page(self, section):
        return section.get_absolute_url()


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published().tags(), slug=slug)

    def stories(self, tag):
        return Article.objects.published().filter(tags=tag)

    def title(self, tag):
        return f"“{tag.name}” · {settings.NEWSROOM_SITE_NAME}"

    def description(self, tag):
        return f"The latest stories tagged “{tag.name}”."

    def page(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class LatestStoriesAtomFeed(AtomMixin, LatestStoriesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass
