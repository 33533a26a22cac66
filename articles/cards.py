"""Stories as cards (templates/articles/_card.html), each drawn once and kept until it changes.

A story's card is the same on the front page, its section, its tags and its authors' pages,
so pages built afresh draw only the cards of stories that changed since (articles.caching).
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.template import loader

from articles.caching import kept_pieces, kept_value, shows
from articles.context_processors import nav_sections
from articles.models import Article, Style, front_areas
from articles.models.fronts import front_name


class Story(NamedTuple):
    """A story as a card needs it before it is drawn: its id (see `draw_cards`' `load`)."""

    pk: int


@dataclass(frozen=True)
class Card:
    """A story as a card: `level` is the headline's heading level, `featured` the front
    page's lead, `brief` a card without standfirst and byline (beside related stories)."""

    story: object
    level: int = 2
    featured: bool = False
    brief: bool = False

    @property
    def key(self):
        return f"card-{self.level}-{self.featured:d}{self.brief:d}:{self.story.pk}"

    @property
    def name(self):
        """What the card shows, as articles.caching names it."""
        return f"{'brief' if self.brief else 'card'}:{self.story.pk}"


@dataclass(frozen=True)
class AreaCards:
    """An area of a front as drawn: its heading, the link on it, its style, its cards."""

    title: str
    link: str | None
    style: str
    cards: list


@dataclass(frozen=True)
class Placed:
    """A front's area as readers see it, by the ids of its stories: what is kept of
    `front_areas()` between requests."""

    title: str
    link: str | None
    style: str
    stories: tuple  # of Story

    @classmethod
    def of(cls, shown):
        stories = tuple(Story(row.pk) for row in shown.stories)
        return cls(shown.title, shown.link, shown.style, stories)


def kept_front(request, section=None):
    """The areas of the home page's front (or `section`'s) as `Placed`, worked out again
    only when the desk changes the front or a story is published, withdrawn or moved: any of
    them may change what the fills find."""
    names = ["stories", front_name(section.pk if section else None)]
    shows(request, *names)

    def build():
        areas = front_areas(section, sections=nav_sections())
        return [Placed.of(item) for item in areas], names

    return kept_value(f"front:{section.pk if section else 'home'}", build)


def area_cards(areas, *, keep=True):
    """The cards of a front's areas (articles.models.fronts.Shown or Placed), all drawn at
    once: the first story of a lead large, headlines only in a list."""

    def card(area, n, story):
        if area.style == Style.LEAD and n == 0:
            return Card(story, featured=True)
        return Card(story, level=3, brief=area.style == Style.LIST)

    planned = [[card(item, n, story) for n, story in enumerate(item.stories)] for item in areas]
    drawn = iter(
        draw_cards(
            [card for cards in planned for card in cards],
            load=Article.objects.cards_by_id,
            keep=keep,
        )
    )
    return [
        AreaCards(item.title, item.link, item.style, [next(drawn) for _ in cards])
        for item, cards in zip(areas, planned, strict=True)
    ]


def draw_cards(cards, *, load=None, keep=True):
    """The cards' HTML, in order, drawing only those not kept.

    `load(ids)` returns the complete stories (a dict by id) when the stories at hand carry only
    their id (Article.objects.listed()): one query for all the cards to draw, however many.
    """
    by_key = {card.key: card for card in cards}

    def draw(keys):
        missing = [by_key[key] for key in keys]
        stories = load([card.story.pk for card in missing]) if load else None
        template = loader.get_template("articles/_card.html")
        drawn = {}
        for card in missing:
            story = stories.get(card.story.pk) if load else card.story
            if story is not None:  # else deleted since the stories were listed
                options = {"level": card.level, "featured": card.featured, "brief": card.brief}
                drawn[card.key] = template.render({"article": story, **options})
        return drawn

    return kept_pieces([(card.key, card.name) for card in cards], draw, keep=keep)
