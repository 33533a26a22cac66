"""Each story's own HTML, drawn once and kept: its cards, the story on its page, its feed items
(articles.feeds) and its news-sitemap entry (articles.sitemaps).

Most of what an uncached reader page cost was its template drawing cards, and a story's card
is the same on the front page, its section, its tags, its authors' pages and beside related
stories. So a card is drawn once and kept in the cache, filed under the story's own version
(every save of the story makes a new one) and the *shared* version (articles.caching: anything
several stories show - a section, an author, a photo, a tag - makes a new one). Publishing,
correcting or withdrawing one story leaves every other story's fragments as they were; a
page's choice and order of stories is still worked out on every request.
"""

import functools
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.caching import WorkerMemo, shared_version


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


def draw_cards(cards, *, load=None, token=None):
    """The cards' HTML, in order, drawing only those not kept yet.

    `load(ids)` returns the complete stories (a dict by id) for the cards to draw, when the
    stories at hand carry only their id and version: one query for every card missing,
    however many. Without `load` the stories at hand are complete. `token`: filed_under(),
    when the caller has it already.
    """

    def draw(missing):
        stories = load([card.story.pk for card in missing]) if load else None
        template = loader.get_template("articles/_card.html")
        drawn = {}
        for card in missing:
            story = stories.get(card.story.pk) if load else card.story
            if story is not None:  # else deleted since the stories were listed
                drawn[card] = template.render({"article": story, **card.options})
        return drawn

    return kept_each([(card.kind, card.story, card) for card in cards], draw, token=token)


def kept_each(pieces, draw, *, token=None):
    """Each piece's kept HTML (or XML), in order, drawing those not kept yet.

    `pieces` are (kind, story, piece) triples: the piece's kind and story name it in the
    cache. `draw(missing pieces)` returns a dict of the missing pieces' fragments; a piece it
    leaves out (its story deleted meanwhile) comes back empty.
    """
    token = token or filed_under()
    keys = [_key(kind, story, token) for kind, story, _ in pieces]
    kept = _kept(keys)
    missing = {
        piece: key for (_, _, piece), key in zip(pieces, keys, strict=True) if key not in kept
    }
    if missing:
        drawn = {missing[piece]: fragment for piece, fragment in draw(list(missing)).items()}
        _keep(drawn)
        kept |= drawn
    return [mark_safe(kept.get(key, "")) for key in keys]


@dataclass(frozen=True)
class StoryPage:
    """A story's whole page but for its related stories, which are chosen on every request:
    the HTML before and after them."""

    before: str
    after: str
    tag_ids: list = field(default_factory=list)

    def around(self, related):
        return self.before + related + self.after


def story_page(article, request, token, *, draw, keep=True):
    """The story's page around its related stories, kept unless `keep` is false; `draw()`
    makes it when needed. `token` is filed_under(), which its related cards share.

    Filed under the address the page was asked at as well: it carries absolute URLs.
    """
    key = _key(f"story:{request.scheme}://{request.get_host()}", article, token)
    page = _kept([key]).get(key) if keep else None
    if page is None:
        page = draw()
        if keep:
            _keep({key: page})
    return page


def filed_under():
    """The shared version, and what else a fragment may show that no story holds: the year
    (copyright lines), the site's name and copyright notice, and the stylesheet's address (in
    a story's page). A deployment that changes one of them files every fragment afresh."""
    edition = _edition(
        timezone.localdate().year,
        settings.NEWSROOM_SITE_NAME,
        settings.NEWSROOM_COPYRIGHT_NOTICE,
        settings.NEWSROOM_COPYRIGHT_HOLDER,
        settings.STATIC_URL,
    )
    return f"{shared_version()}:{edition}"


@functools.lru_cache(maxsize=16)
def _edition(*edition):
    # Worked out once: finding the stylesheet's hashed name took longer than reading the
    # shared version, twice on every story page.
    edition += (static("css/site.css"),)
    return hashlib.blake2b(repr(edition).encode(), digest_size=8).hexdigest()


def _key(kind, story, token):
    return f"newsroom:fragment:{kind}:{story.pk}:{story.version}:{token}"


# Fragments this worker has met. A key names one version of one story under one shared
# version, so what it holds never changes: the worker may answer from here without asking the
# shared cache again, and another server's change makes new keys, never a stale answer.
_seen = WorkerMemo(20_000)


def _kept(keys):
    if not settings.NEWSROOM_STORE_FRAGMENTS:
        return {}
    found = {key: seen for key in keys if (seen := _seen.get(key)) is not None}
    if len(found) < len(keys):
        found |= _met(cache.get_many([key for key in keys if key not in found]))
    return found


def _keep(fragments):
    if fragments and settings.NEWSROOM_STORE_FRAGMENTS:
        cache.set_many(fragments, timeout=settings.NEWSROOM_FRAGMENT_CACHE_SECONDS)
        _met(fragments)


def _met(fragments):
    for key, fragment in fragments.items():
        _seen.keep(key, fragment)
    return fragments
