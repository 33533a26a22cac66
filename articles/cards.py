"""Stories as cards (templates/articles/_card.html), each drawn once and kept until it changes.

A story's card is the same on the front page, its section, its tags and its authors' pages,
so pages built afresh draw only the cards of stories that changed since (articles.caching).
"""

from dataclasses import dataclass

from django.template import loader

from articles.caching import kept_pieces
from articles.models import Article, Style


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
