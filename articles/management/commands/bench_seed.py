"""Fill an empty, throwaway database with N published stories, fast, for `make bench`.

Bulk insertion, batch by batch: stories with sections, bylines, tags, lead photos and galleries,
shaped like a real archive (a few big sections, one to three authors, several tags, most stories
with a credited photo). A hundred photos at most, sharing a handful of generated image files.
Deterministic for a given --seed. Refuses a database that already holds stories: it is never
meant for real data.
"""

import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.management.commands.load_demo import PHOTOS as DEMO_PALETTES
from articles.management.commands.load_demo import demo_image
from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section, Status


def words(text):
    return text.split()


# name, slug, share of the stories: a big World section gives `make bench` its deep pages.
SECTIONS = [
    ("World", "world", 25),
    ("Politics", "politics", 15),
    ("Business", "business", 15),
    ("Science", "science", 10),
    ("Culture", "culture", 10),
    ("Sport", "sport", 10),
    ("Technology", "technology", 10),
    ("Opinion", "opinion", 5),
]
FIRST_NAMES = words(
    """Amira Ben Chloe Daniel Elena Farid Grace Hiro Ines Jonas Kwame Lena Mateo Nadia Oscar Priya
    Quentin Rosa Samir Tara Ugo Vera Wei Yusuf Zoe"""
)
LAST_NAMES = words(
    """Haddad Okafor Lindqvist Moreau Tanaka Kowalski Ferreira Singh Novak Walsh Rossi Mensah
    Ivanova Keller Park Dubois Alvarez Nakamura Petrov Brennan"""
)
TOPICS = words(
    """energy climate elections trade health education housing transport football tennis space
    banking inflation film music books migration defence diplomacy agriculture oceans courts
    cycling cricket startups oil shipping theatre railways wildlife"""
)
REGIONS = words("Europe Asia Africa Americas Pacific Arctic Balkans Caribbean")
AGENCIES = [
    ("Reuters", "© Reuters. All rights reserved."),
    ("AP Photo/Jane Doe", "© Associated Press. All rights reserved."),
    ("AFP", "© AFP. All rights reserved."),
    ("Staff photo/Tom Reed", "© The Newsroom Ltd. All rights reserved."),
    ("EPA", "© EPA. All rights reserved."),
]
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

IMAGE_SIZE = (1200, 675)
IMAGE_FILES = 5
PARAGRAPHS = 2_000


class Command(BaseCommand):
    help = "Fill an empty, throwaway database with N published stories, fast, for `make bench`."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=5, help="Same seed, same stories.")
        parser.add_argument("--batch-size", type=int, default=2_000)

    def handle(self, *, stories, seed, batch_size, **options):
        if Article.objects.exists():
            raise CommandError(
                "bench_seed fills an empty, throwaway database; this one already has stories."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.paragraphs = [self.paragraph() for _ in range(PARAGRAPHS)]
        with transaction.atomic():
            sections = self.sections()
            authors = self.authors(count=max(10, min(500, stories // 50)))
            tags = self.tags()
            photos = self.photos(count=max(10, min(100, stories // 100)))
        self.article_type = ContentType.objects.get_for_model(Article)
        now = timezone.now()
        for start in range(0, stories, batch_size):
            with transaction.atomic():
                self.batch(
                    range(start, min(start + batch_size, stories)),
                    now=now,
                    sections=sections,
                    authors=authors,
                    tags=tags,
                    photos=photos,
                )
            if options["verbosity"] > 1:
                self.stdout.write(f"  {min(start + batch_size, stories):,} stories")
        self.stdout.write(
            f"Seeded {stories:,} published stories ({len(sections)} sections, {len(authors)} "
            f"authors, {len(tags)} tags, {len(photos)} photos) in "
            f"{time.monotonic() - started:.1f} s."
        )

    def sentence(self, words):
        text = " ".join(self.rng.choices(WORDS, k=words))
        return text[0].upper() + text[1:]

    def paragraph(self):
        return " ".join(f"{self.sentence(self.rng.randint(9, 22))}." for _ in range(3))

    def sections(self):
        Section.objects.bulk_create(
            Section(name=name, slug=slug, position=position, description=f"{name} news.")
            for position, (name, slug, _share) in enumerate(SECTIONS)
        )
        by_slug = {section.slug: section for section in Section.objects.all()}
        return [(by_slug[slug], share) for _name, slug, share in SECTIONS]

    def authors(self, *, count):
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(names)
        return Author.objects.bulk_create(
            Author(name=name, slug=slugify(name), bio=f"{name} reports for The Newsroom.")
            for name in names[:count]
        )

    def tags(self):
        names = TOPICS + [f"{region} {topic}" for region in REGIONS for topic in TOPICS]
        return Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in names)

    def photos(self, *, count):
        # One by one through save(), unlike the stories: whatever a photo needs beyond its row
        # is made there. They are few and shared by many stories, as agency pictures are.
        files = []
        for number in range(IMAGE_FILES):
            _name, colour, accent, _alt = DEMO_PALETTES[number % len(DEMO_PALETTES)]
            shift = 40 * (number // len(DEMO_PALETTES))
            colour = tuple((c + shift) % 256 for c in colour)
            image = demo_image(colour, accent, size=IMAGE_SIZE)
            files.append(default_storage.save(f"bench/photo-{number}.jpg", ContentFile(image)))
        photos = []
        for number in range(count):
            credit, notice = AGENCIES[number % len(AGENCIES)]
            topic = TOPICS[number % len(TOPICS)]
            photo = Photo(
                image=files[number % len(files)],
                caption=f"{self.sentence(10)}.",
                alt_text=f"A photograph illustrating a story about {topic}",
                credit=credit,
                copyright_notice=notice,
                source=credit.split("/")[0],
                licence=Photo.Licence.AGENCY,
            )
            photo.save()
            photos.append(photo)
        return photos

    def batch(self, numbers, *, now, sections, authors, tags, photos):
        rng = self.rng
        section_list = [section for section, _share in sections]
        shares = [share for _section, share in sections]
        articles = []
        for number in numbers:
            headline = self.sentence(rng.randint(6, 11))
            # About 150 stories a day, newest first: the archive reaches back in time with N.
            published = now - timedelta(minutes=10 * number + rng.randint(0, 9))
            articles.append(
                Article(
                    headline=headline,
                    slug=f"{slugify(headline)[:80].strip('-')}-{number}",
                    dek=f"{self.sentence(rng.randint(12, 24))}.",
                    body="".join(
                        f"<p>{text}</p>" for text in rng.sample(self.paragraphs, rng.randint(5, 9))
                    ),
                    section=rng.choices(section_list, weights=shares)[0],
                    lead_photo=rng.choice(photos) if rng.random() < 0.85 else None,
                    status=Status.PUBLISHED,
                    publish_at=published,
                    first_published_at=published,
                )
            )
        articles = Article.objects.bulk_create(articles)

        bylines, tagged, gallery = [], [], []
        for article in articles:
            count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
            for position, author in enumerate(rng.sample(authors, count)):
                bylines.append(Byline(article=article, author=author, position=position))
            for tag in rng.sample(tags, rng.randint(2, 5)):
                tagged.append(
                    TaggedItem(tag=tag, content_type=self.article_type, object_id=article.pk)
                )
            if rng.random() < 0.1:
                for position, photo in enumerate(rng.sample(photos, rng.randint(1, 3))):
                    gallery.append(ArticlePhoto(article=article, photo=photo, position=position))
        Byline.objects.bulk_create(bylines)
        TaggedItem.objects.bulk_create(tagged)
        ArticlePhoto.objects.bulk_create(gallery)
