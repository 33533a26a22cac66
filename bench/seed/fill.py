"""Fill an empty, throwaway database with N published stories, fast, for `make bench`.

Stories with sections, bylines, tags, lead photos and galleries, shaped like a real archive (a
few big sections, one to three authors, two to four tags, most stories with a credited photo,
years of publication times), made by `bench.seed.archive` and written by bulk insertion
(`bench.seed.bulk`): COPY on PostgreSQL, two streams at once when the machine has the cores;
long executemany batches in one transaction elsewhere. A hundred photos at most, saved one by
one, sharing a handful of generated image files. Deterministic for a given seed. Refuses a
database that already holds stories: it is never meant for real data.
"""

import contextlib
import functools
import os
import random
import threading
import time

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.management.commands.load_demo import PHOTOS as DEMO_PALETTES
from articles.management.commands.load_demo import demo_image
from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section
from bench.seed import bulk
from bench.seed.archive import Archive, Cast, sentence, words

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
IMAGE_SIZE = (1200, 675)
IMAGE_FILES = 5
# The tables the stories fill, in an order that satisfies their foreign keys.
STORY_MODELS = [Article, Byline, TaggedItem, ArticlePhoto]


class SeedRefused(Exception):
    """The database is not an empty, throwaway one."""


def fill(*, stories, seed=5, batch_size=5_000, jobs=None, out=None):
    """Seed `stories` published stories (the same for the same `seed`); returns a summary of
    what was made and how fast. Progress and the summary go to `out`, a text stream, if given.

    `jobs`: PostgreSQL's streams written at once (default: one per CPU, two at most).
    """
    if Article.objects.exists():
        raise SeedRefused(
            "The bench's seeding fills an empty, throwaway database; this one has stories."
        )
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        cast = make_cast(rng, stories=stories)
    times = {"photos and other shared rows": time.monotonic() - started}
    archive = Archive(stories=stories, seed=seed, now=timezone.now(), cast=cast)
    batches = [(start, min(start + batch_size, stories)) for start in range(0, stories, batch_size)]
    jobs = streams(jobs)
    progress = Progress(out, total=stories)
    tables = [model._meta.db_table for model in STORY_MODELS]
    with bulk.indexes_set_aside(tables, jobs=jobs) as set_aside:
        bulk.share_out(
            batches, functools.partial(write, archive=archive, progress=progress), jobs=jobs
        )
        times[f"stories ({jobs} stream{'s' if jobs > 1 else ''})"] = progress.elapsed()
        if set_aside and out:
            out.write(f"  Building {len(set_aside)} indexes again...\n")
        lap = time.monotonic()
    bulk.reset_sequences(STORY_MODELS)
    if set_aside:
        times["indexes"] = time.monotonic() - lap
    # VACUUM cannot run in a transaction: a test's seeding goes without.
    if not connection.in_atomic_block:
        lap = time.monotonic()
        bulk.analyze()
        times["statistics"] = time.monotonic() - lap
    elapsed = time.monotonic() - started
    summary = (
        f"Seeded {stories:,} published stories ({len(cast.sections)} sections, "
        f"{len(cast.authors)} authors, {len(cast.tags)} tags, {len(cast.photos)} photos) "
        f"in {elapsed:.1f} s, {stories / elapsed:,.0f} stories/s: "
        + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in times.items())
        + "."
    )
    if out:
        out.write(summary + "\n")
    return summary


def streams(requested):
    """How many connections write at once: PostgreSQL takes several COPY streams, each
    computing its own search vectors; a test's transaction must see every row, so one."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return requested or min(2, os.cpu_count() or 1)


def make_cast(rng, *, stories):
    """Sections, authors, tags and photos: the few rows that all the stories share."""
    sections = make_sections()
    return Cast(
        sections=[section.pk for section in sections],
        section_shares=[share for _name, _slug, share in SECTIONS],
        authors=[a.pk for a in make_authors(rng, count=max(10, min(500, stories // 50)))],
        tags=[tag.pk for tag in make_tags()],
        photos=[p.pk for p in make_photos(rng, count=max(10, min(100, stories // 100)))],
        article_type=ContentType.objects.get_for_model(Article).pk,
    )


def make_sections():
    Section.objects.bulk_create(
        Section(name=name, slug=slug, position=position, description=f"{name} news.")
        for position, (name, slug, _share) in enumerate(SECTIONS)
    )
    by_slug = Section.objects.in_bulk(field_name="slug")
    return [by_slug[slug] for _name, slug, _share in SECTIONS]


def make_authors(rng, *, count):
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    return Author.objects.bulk_create(
        Author(name=name, slug=slugify(name), bio=f"{name} reports for The Newsroom.")
        for name in names[:count]
    )


def make_tags():
    names = TOPICS + [f"{region} {topic}" for region in REGIONS for topic in TOPICS]
    return Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in names)


def make_photos(rng, *, count):
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
            caption=f"{sentence(rng, 10)}.",
            alt_text=f"A photograph illustrating a story about {topic}",
            credit=credit,
            copyright_notice=notice,
            source=credit.split("/")[0],
            licence=Photo.Licence.AGENCY,
        )
        photo.save()
        photos.append(photo)
    return photos


class Progress:
    """Stories written so far, told every tenth of the way, from any thread."""

    def __init__(self, out, *, total):
        self.out, self.total, self.started = out, total, time.monotonic()
        self.done = 0
        self.lock = threading.Lock()

    def elapsed(self):
        return time.monotonic() - self.started

    def add(self, count):
        with self.lock:
            tenths = self.done * 10 // self.total
            self.done += count
            if self.out and self.done * 10 // self.total > tenths:
                self.out.write(
                    f"  {self.done:,} of {self.total:,} stories, {self.elapsed():.0f} s, "
                    f"{self.done / self.elapsed():,.0f} stories/s\n"
                )


def write(batches, *, archive, progress):
    # Stories come with their primary keys, for their links to point at.
    tables = [bulk.Table(model, with_pk=model is Article) for model in STORY_MODELS]
    with skipped_foreign_key_checks():
        for start, stop in batches:
            batch = archive.batch(start, stop)
            rows = [batch.articles, batch.bylines, batch.tagged, batch.gallery]
            for table, table_rows in zip(tables, rows, strict=True):
                bulk.insert(table, table_rows)
            progress.add(stop - start)


@contextlib.contextmanager
def skipped_foreign_key_checks():
    """PostgreSQL checks each new row's foreign keys, millions of look-ups at commit; the rows
    made here point only at rows made just before them. Only a superuser may skip the checks,
    and only this transaction's writes skip them."""
    if connection.vendor != "postgresql" or not is_superuser():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    # Not on an error: the transaction is rolled back then, and the setting with it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")


def is_superuser():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]
