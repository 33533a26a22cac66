"""RSS 2.0 and Atom feeds for the whole site, each section and each tag.

Both formats carry the lead photo, then the photos in the body, as Media RSS (`media:content`
with its credit and copyright): RSS allows only one enclosure per item, and enclosures carry no
credit at all. An item's description ends with a link to each embed in the body (the
provider's page, by its title): feed readers load nothing from the providers.
Feeds are kept whole by the page cache (`public_page` in articles/urls.py), like pages.
"""

import copy
import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.text import Truncator

from articles import bodies
from articles.caching import shows
from articles.models import Article, BodyEmbed, BodyPhoto, LiveEntry, Section
from articles.models.article import bylines_prefetch

MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
FEED_SIZE = 50


class MediaFeedMixin:
    """Writes an item's `photos` (from the Feed's item_extra_kwargs) as Media RSS."""

    def write(self, outfile, encoding):
        # Written into the response directly, the XML writer makes one write per tag and text,
        # each encoded and sent on its own: built in memory, the feed is one write.
        feed = io.StringIO()
        super().write(feed, encoding)
        outfile.write(feed.getvalue())

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for photo in item.get("photos", ()):
            self.add_photo_element(handler, photo)

    def add_photo_element(self, handler, photo):
        attributes = {
            "url": photo["url"],
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
    """The whole site's newest stories. SectionFeed and TagFeed narrow `stories()`."""

    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: like a class-based view's as_view(), each request
        # gets a copy of its own, which knows the host it was asked on. Django's feeds would
        # take the sites framework's domain (installed here for hand-made redirects only).
        feed = copy.copy(self)
        feed.request = request
        return super(LatestStoriesFeed, feed).__call__(request, *args, **kwargs)

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return (
            self.stories(obj)
            .select_related("section", "lead_photo")
            .defer("body")
            .with_last_modified()
            # Into lists (`to_attr`), as bylines_prefetch() explains.
            .prefetch_related(
                bylines_prefetch(),
                Prefetch("tags", to_attr="tag_list"),
                # The body stays in the database: its photos are read from their uses.
                Prefetch(
                    "body_photos", BodyPhoto.objects.select_related("photo"), to_attr="photo_uses"
                ),
                Prefetch(
                    "body_embeds", BodyEmbed.objects.select_related("embed"), to_attr="embed_uses"
                ),
            )[:FEED_SIZE]
        )

    def title(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def description(self, obj):
        return f"The latest stories from {settings.NEWSROOM_SITE_NAME}."

    def link(self, obj):
        return self.request.build_absolute_uri(reverse("articles:home"))

    def feed_url(self, obj):
        return self.request.build_absolute_uri(self.request.path)

    def feed_copyright(self, obj):
        return settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        )

    def item_title(self, article):
        # Many feed readers show no categories: the title alone must say it is paid for.
        if article.is_sponsored:
            return f"{article.label_text}: {article.headline}"
        return article.headline

    def item_description(self, article):
        # Feed readers take the summary as HTML: the standfirst is plain text.
        links = (
            format_html('<p><a href="{}">{}</a></p>', use.embed.url, use.embed.display_title)
            for use in article.embed_uses
        )
        return escape(article.standfirst) + "".join(links)

    def item_link(self, article):
        return self.request.build_absolute_uri(article.get_absolute_url())

    def item_author_name(self, article):
        # Feeds have one author element per item: several bylines are joined, "A, B and C".
        return article.byline_text or None

    def item_pubdate(self, article):
        return article.first_publication

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        label = [article.get_label_display()] if article.label else []
        section = [article.section.name] if article.section else []
        return label + section + sorted((tag.name for tag in article.tag_list), key=str.lower)

    def item_copyright(self, article):
        return article.copyright_line

    def item_extra_kwargs(self, article):
        now = timezone.now()
        lead = article.public_lead_photo
        inline = [use.photo for use in article.photo_uses]
        shown = [lead] if lead else []
        shown += [p for p in inline if p.pk != getattr(lead, "pk", None) and p.is_usable(now)]
        photos = [media for photo in shown if (media := self.media_of(photo))]
        return {"photos": photos} if photos else {}

    def media_of(self, photo):
        """A photo's shared rendition, credit and rights for Media RSS; None without one."""
        picture = photo.syndication_rendition
        if picture is None:
            return None
        copyright = photo.copyright_notice or (
            f"© {photo.copyright_holder}" if photo.copyright_holder else ""
        )
        return {
            # Relative to the site unless media live elsewhere (a CDN).
            "url": self.request.build_absolute_uri(picture.url),
            "type": picture.mime_type,
            "width": picture.width,
            "height": picture.height,
            "credit": photo.credit,
            "creator": photo.creator,
            "copyright": copyright,
            "licence": photo.get_licence_display(),
            "licence_url": photo.licence_url,
        }


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
        return self.request.build_absolute_uri(section.get_absolute_url())


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published().tags(), slug=slug)

    def stories(self, tag):
        return Article.objects.published().filter(tags=tag)

    def title(self, tag):
        return f"“{tag.name}” · {settings.NEWSROOM_SITE_NAME}"

    def description(self, tag):
        return f"The latest stories tagged “{tag.name}”."

    def link(self, tag):
        return self.request.build_absolute_uri(reverse("articles:tag", args=[tag.slug]))


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = MediaAtomFeed
    subtitle = LatestStoriesFeed.description


class SectionAtomFeed(SectionFeed):
    feed_type = MediaAtomFeed
    subtitle = SectionFeed.description


class TagAtomFeed(TagFeed):
    feed_type = MediaAtomFeed
    subtitle = TagFeed.description


class LiveFeed(LatestStoriesFeed):
    """A live story's newest entries, in Atom: each links to its place on the story's page."""

    feed_type = MediaAtomFeed

    def get_object(self, request, slug):
        story = Article.objects.public_story(slug)
        if story is None or not story.has_live_entries:
            raise Http404("No live story here.")
        shows(request, f"story:{story.pk}", f"live:{story.pk}")
        return story

    def items(self, story):
        return LiveEntry.read_blocks(story.live_entries.shown().for_page()[:FEED_SIZE])

    def title(self, story):
        return f"{story.headline}: live · {settings.NEWSROOM_SITE_NAME}"

    def subtitle(self, story):
        return story.standfirst

    def link(self, story):
        return self.request.build_absolute_uri(story.get_absolute_url())

    def item_title(self, entry):
        return Truncator(strip_tags(entry.text).strip()).chars(110)

    def item_description(self, entry):
        """The text (sanitised when saved), its blocks drawn for feed readers: photos go as
        Media RSS, linked stories and embeds as links; nothing loads from a provider."""
        blocks, absolute = entry.blocks, self.request.build_absolute_uri

        def story(pk):
            found = blocks.stories.get(pk)
            if found is None:
                return ""
            return format_html(
                '<p><a href="{}">{}</a></p>', absolute(found.get_absolute_url()), found.headline
            )

        def embed(url):
            if (found := blocks.embeds.get(url)) is None:
                return ""
            return format_html('<p><a href="{}">{}</a></p>', url, found.display_title)

        return bodies.draw(entry.text, photo=lambda pk: "", story=story, embed=embed)

    def item_link(self, entry):
        return self.request.build_absolute_uri(f"{entry.article.get_absolute_url()}#{entry.anchor}")

    def item_guid(self, entry):
        return self.item_link(entry)

    def item_author_name(self, entry):
        return entry.author.name if entry.author else None

    def item_pubdate(self, entry):
        return entry.posted_at

    def item_updateddate(self, entry):
        return entry.corrected_at or entry.posted_at

    def item_categories(self, entry):
        return []

    def item_copyright(self, entry):
        return entry.article.copyright_line

    def item_extra_kwargs(self, entry):
        now, photos = timezone.now(), entry.blocks.photos
        shown = [entry.public_photo] if entry.public_photo else []
        inline = (photos.get(pk) for pk in bodies.photo_ids(entry.text))
        shown += [p for p in inline if p and p not in shown and p.image and p.is_usable(now)]
        media = [found for photo in shown if (found := self.media_of(photo))]
        return {"photos": media} if media else {}
