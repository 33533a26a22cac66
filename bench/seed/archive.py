"""A made-up news archive as plain rows for the bench's seeding: pure, no database.

Stories come as dictionaries keyed by column (attname), with their bylines, tags and gallery
photos, ready for bulk insertion with primary keys chosen here. Deterministic for a seed: the
stories of a batch depend only on the seed and the batch's first story, so batches can be made
in any order, or at once.
"""

import random
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


def words(text):
    return text.split()


WORDS = words(
    """government minister council report figures week month year people city country region
    officials said would could market prices growth talks agreement plan budget workers union
    strike harbour port ships cargo energy power grid storm flood rain drought farmers crops
    scientists study research data hospital patients doctors school teachers pupils court
    judge ruling police station railway trains bridge river coast island village border
    election voters party leader campaign debate vote parliament law bill reform tax bank
    rates inflation shares investors company profits jobs factory exports imports trade deal
    summit leaders visit crisis support aid water food fuel gas oil wind solar satellite
    launch rocket museum theatre festival film music season team match final coach players
    record result league crowd stadium morning evening night early late new old first
    last major small local national international public private senior former rising falling"""
)
# Words common in every batch of stories, for the benchmark's search requests.
SEARCH_WORDS = ["harbour", "election", "drought", "satellite", "festival", "inflation"]
DATELINES = words(
    """LONDON PARIS NAIROBI LAGOS TOKYO SEOUL MUMBAI LIMA BOGOTA WARSAW OSLO CAIRO ATHENS
    JAKARTA MANILA ACCRA LISBON MADRID HELSINKI DUBLIN SYDNEY MONTREAL CHICAGO"""
)
PARAGRAPHS = 2_000
SUBHEADINGS = 200

# Minutes between two stories, on average, by hour of the day (UTC): a busy day, a quiet night.
# About 150 stories a day, so the archive reaches back about 18 years at a million stories.
DAY_GAP, NIGHT_GAP = 6.5, 20.5
# Shares of stories with a lead photo, a gallery, a dateline, a later revision, and of those an
# editor made the front page's lead (a couple a day).
LEAD_PHOTO, GALLERY, DATELINE, REVISED, TOP_STORY = 0.85, 0.1, 0.5, 0.05, 0.015


@dataclass(frozen=True)
class Cast:
    """The few rows that every story draws on, by primary key."""

    sections: list[int]
    section_shares: list[int]
    authors: list[int]
    tags: list[int]
    photos: list[int]
    article_type: int  # the content type of Article, for taggit's generic relation


@dataclass
class Batch:
    articles: list[dict] = field(default_factory=list)
    bylines: list[dict] = field(default_factory=list)
    tagged: list[dict] = field(default_factory=list)
    gallery: list[dict] = field(default_factory=list)


class Archive:
    """`stories` stories, oldest first, with primary keys from `first_pk` on."""

    def __init__(self, *, stories, seed, now, cast, first_pk=1):
        self.stories, self.seed, self.cast, self.first_pk = stories, seed, cast, first_pk
        self.now = now
        rng = random.Random(seed)
        self.paragraphs = [paragraph(rng) for _ in range(PARAGRAPHS)]
        self.subheadings = [
            f"<h2>{sentence(rng, rng.randint(3, 6))}</h2>" for _ in range(SUBHEADINGS)
        ]
        self.times = timeline(stories, now=now, rng=rng)
        # Cumulative weights once, rather than at every choice.
        self.section_weights = []
        total = 0
        for share in cast.section_shares:
            total += share
            self.section_weights.append(total)

    def batch(self, start, stop):
        """Stories number `start` to `stop` (exclusive, oldest first) and their links."""
        rng = random.Random(self.seed * 1_000_003 + start)
        cast, batch = self.cast, Batch()
        for number in range(start, stop):
            pk = self.first_pk + number
            published = datetime.fromtimestamp(self.times[number], tz=UTC)
            batch.articles.append(self.story(rng, pk, published))
            count = rng.choices((1, 2, 3), cum_weights=(70, 95, 100))[0]
            for position, author in enumerate(rng.sample(cast.authors, count)):
                batch.bylines.append({"article_id": pk, "author_id": author, "position": position})
            for tag in rng.sample(cast.tags, rng.randint(2, 4)):
                batch.tagged.append(
                    {"content_type_id": cast.article_type, "object_id": pk, "tag_id": tag}
                )
            lead = batch.articles[-1]["lead_photo_id"]
            if rng.random() < GALLERY:
                others = [photo for photo in cast.photos if photo != lead]
                for position, photo in enumerate(rng.sample(others, rng.randint(1, 3))):
                    caption = f"{sentence(rng, rng.randint(6, 12))}." if rng.random() < 0.3 else ""
                    batch.gallery.append(
                        {
                            "article_id": pk,
                            "photo_id": photo,
                            "position": position,
                            "caption": caption,
                        }
                    )
        return batch

    def story(self, rng, pk, published):
        headline = rng.choices(WORDS, k=rng.randint(6, 11))
        # The same as slugify() of the headline, for these lower-case ASCII words; the primary
        # key keeps slugs unique, as the model requires.
        slug = "-".join(headline)[:80].rstrip("-")
        paragraphs = rng.sample(self.paragraphs, rng.randint(5, 9))
        if rng.random() < 0.3:
            paragraphs.insert(3, rng.choice(self.subheadings))
        revised = None
        if rng.random() < REVISED:
            revised = min(published + timedelta(minutes=rng.randint(10, 360)), self.now)
        return {
            "id": pk,
            "headline": capitalised(" ".join(headline)),
            "slug": f"{slug}-{pk}",
            "standfirst": f"{sentence(rng, rng.randint(12, 24))}.",
            "body": "".join(paragraphs),
            "dateline": rng.choice(DATELINES) if rng.random() < DATELINE else "",
            "section_id": rng.choices(self.cast.sections, cum_weights=self.section_weights)[0],
            "lead_photo_id": rng.choice(self.cast.photos) if rng.random() < LEAD_PHOTO else None,
            "is_top_story": rng.random() < TOP_STORY,
            "status": "published",
            "publish_at": published,
            "first_published_at": published,
            "revised_at": revised,
            "created_at": published - timedelta(minutes=rng.randint(5, 240)),
            "updated_at": revised or published,
        }


def capitalised(text):
    return text[0].upper() + text[1:]


def sentence(rng, count):
    return capitalised(" ".join(rng.choices(WORDS, k=count)))


def paragraph(rng):
    """A paragraph of three sentences as the body's sanitiser leaves it; some with markup."""
    sentences = [f"{sentence(rng, rng.randint(9, 22))}." for _ in range(3)]
    roll = rng.random()
    if roll < 0.1:
        sentences[1] = f"<strong>{sentences[1]}</strong>"
    elif roll < 0.2:
        target = rng.choice(WORDS)
        sentences[2] = f'See <a href="https://example.org/{target}">the {target} report</a>.'
    return f"<p>{' '.join(sentences)}</p>"


def timeline(stories, *, now, rng):
    """Publication times as Unix timestamps, oldest first, all distinct, the newest minutes
    before `now`: the news sitemap always has the last two days to list."""
    times = array("d", bytes(8 * stories))
    moment = now.timestamp() - rng.uniform(60, 600)
    for number in range(stories - 1, -1, -1):
        times[number] = moment
        gap = DAY_GAP if 6 <= moment // 3600 % 24 < 20 else NIGHT_GAP
        moment -= 1 + rng.expovariate(1 / (gap * 60 - 1))
    return times
