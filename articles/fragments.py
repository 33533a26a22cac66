"""Each story's own HTML, drawn once and kept: its cards, and the story on its page.

Most of what an uncached reader page cost was its template drawing cards, and a story's card
is the same on the front page, its section, its tags, its authors' pages and beside related
stories. So a card is drawn once and kept in the cache, filed under the story's own version
(every save of the story makes a new one) and the *shared* version (articles.caching: anything
several stories show - a section, an author, a photo, a tag - makes a new one). Publishing,
correcting or withdrawing one story leaves every other story's fragments as they were; a
page's choice and order of stories is still worked out on every request.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.template import loader
from django.utils.safestring import mark_safe

from articles.caching import shared_version


@dataclass(frozen=True)
class Card:
    """A story as a card (templates/articles/_card.html) and how it is drawn.

    `story` needs only its id and version when the card is kept already; `level` is the
    headline's heading level, `featured` the front page's lead, `brief` a card without
    standfirst and byline.
    """

    story: object
    level: int = 2
    featured: bool = False
    brief: bool = False

    @property
    def kind(self):
        return f"card-{self.level}-{self.featured:d}{self.brief:d}"

    @property
    def options(self):
        return {
            "level": self.level,
            "featured": self.featured,
            "brief": self.brief,
        }


def draw_cards(cards, *, load=None):
    """The cards' HTML, in order, drawing only those not kept yet.

    `load(ids)` returns the complete stories (a dict by id) for the cards to draw, when the
    stories at hand carry only their id and version: one query for every card missing,
    however many. Without `load` the stories at hand are complete.
    """
    token = shared_version()
    keys = [_key(card.kind, card.story, token) for card in cards]
    kept = _kept(keys)
    missing = [card for card, key in zip(cards, keys, strict=True) if key not in kept]
    if missing:
        stories = load([card.story.pk for card in missing]) if load else None
        template = loader.get_template("articles/_card.html")
        drawn = {}
        for card, key in zip(cards, keys, strict=True):
            if key in kept or key in drawn:
                continue
            story = stories.get(card.story.pk) if load else card.story
            if story is None:  # deleted since the stories were listed
                continue
            drawn[key] = template.render({"article": story, **card.options})
        _keep(drawn)
        kept |= drawn
    # A story deleted since it was listed has no card: an empty one keeps the places.
    return [mark_safe(kept.get(key, "")) for key in keys]


@dataclass(frozen=True)
class Story:
    """A story as its page shows it: the head's metadata and the <article> element."""

    meta: str
    html: str
    tag_ids: list = field(default_factory=list)


def story_fragment(article, request, *, draw, keep=True):
    """The story's page fragment, kept unless `keep` is false; `draw()` makes it when needed.

    Filed under the address the page was asked at: the metadata carries absolute URLs.
    """
    key = _key(f"story:{request.scheme}://{request.get_host()}", article, shared_version())
    story = _kept([key]).get(key) if keep else None
    if story is None:
        story = draw()
        if keep:
            _keep({key: story})
    return story


def _key(kind, story, token):
    return f"newsroom:fragment:{kind}:{story.pk}:{story.version}:{token}"


def _kept(keys):
    return cache.get_many(keys) if settings.NEWSROOM_STORE_FRAGMENTS else {}


def _keep(fragments):
    if fragments and settings.NEWSROOM_STORE_FRAGMENTS:
        cache.set_many(fragments, timeout=settings.NEWSROOM_FRAGMENT_CACHE_SECONDS)
