"""Stories as cards (templates/articles/_card.html), each drawn once and kept until it changes.

A story's card is the same on the front page, its section, its tags and its authors' pages,
so pages built afresh draw only the cards of stories that changed since (articles.caching).
"""

from dataclasses import dataclass

from django.template import loader

from articles.caching import kept_pieces


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


def draw_cards(cards, *, load=None):
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

    return kept_pieces([(card.key, card.name) for card in cards], draw)
