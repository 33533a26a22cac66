"""Demo content for a newcomer: sections, people, generated photos, stories and the seed wire story.

Idempotent: everything is looked up by its natural key first, so running it twice creates
nothing twice.
"""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, Author, Byline, Front, Label, Photo, Section, Status
from articles.models.fronts import lay_out_as_default
from articles.wire.importer import WireIdentity

WIRE_DIR = Path(__file__).resolve().parents[2] / "demo" / "wire"
SEED_FILE = "000_5ada4b7a9c93438c.txt"
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

ACCOUNTS = [
    # username, password, full name, role (a group made by the roles migration)
    ("writer", "newsroom-writer", "Will Writer", "Writer"),
    ("editor", "newsroom-editor", "Erin Editor", "Editor"),
    ("managing", "newsroom-managing", "Max Managing", "Managing editor"),
]

SECTIONS = [
    ("World", "world", "News from every continent."),
    ("Politics", "politics", "Power, policy and the people who make it."),
    ("Business", "business", "Markets, companies and the economy."),
    ("Science", "science", "Research, space and the natural world."),
    ("Culture", "culture", "Books, film, music and ideas."),
]

AUTHORS = [
    ("Will Writer", "will-writer", "Covers science and the environment.", "writer"),
    ("Erin Editor", "erin-editor", "Foreign editor.", "editor"),
    ("Amira Haddad", "amira-haddad", "Business correspondent.", None),
]

PHOTOS = [
    ("demo-harbour", (14, 84, 126), (240, 171, 61), "Container cranes over a harbour at dusk"),
    ("demo-lab", (27, 94, 32), (200, 230, 201), "Rows of test tubes in a laboratory rack"),
    ("demo-stage", (74, 20, 140), (255, 205, 210), "An empty theatre stage under spotlights"),
]

STORIES = [
    {
        "slug": "port-traffic-rebounds",
        "headline": "Port traffic rebounds as shipping costs fall",
        "standfirst": "Container volumes rose for a third month running, "
        "easing pressure on prices.",
        "section": "business",
        "authors": ["amira-haddad"],
        "tags": ["shipping", "trade", "economy"],
        "photo": "demo-harbour",
        "days_ago": 1,
        "body": "<p>Container volumes through the country's main ports rose for a third month in "
        "a row, according to figures published on Monday.</p><p>Freight rates have fallen by "
        "nearly a third since the spring, and importers say the savings are starting to reach "
        "shop shelves.</p><h2>Pressure eases</h2><p>“We are seeing the first real relief since "
        "the pandemic,” said one logistics manager.</p>",
    },
    {
        "slug": "new-antibiotic-candidate",
        "headline": "Researchers report a promising new antibiotic candidate",
        "standfirst": "The compound cleared resistant infections in early laboratory tests.",
        "section": "science",
        "authors": ["will-writer"],
        "tags": ["health", "research"],
        "photo": "demo-lab",
        "days_ago": 2,
        "body": "<p>A team of university researchers says a compound found in soil bacteria "
        "cleared drug-resistant infections in laboratory tests.</p><p>Human trials are still "
        "years away, the authors caution.</p><ul><li>Tested against five resistant strains"
        "</li><li>No toxicity seen in early studies</li></ul>",
    },
    {
        "slug": "theatres-report-record-season",
        "headline": "Theatres had a record season. Now they must keep their seats affordable",
        "standfirst": "Audiences came back in numbers not seen for a decade; rising ticket "
        "prices could drive them away again.",
        "label": Label.OPINION,
        "section": "culture",
        "authors": ["erin-editor", "will-writer"],
        "tags": ["theatre", "arts"],
        "photo": "demo-stage",
        "days_ago": 3,
        "body": "<p>Regional theatres sold more tickets this season than in any year of the "
        "past decade.</p><blockquote><p>People want to be in a room together again.</p>"
        "</blockquote><p>Ticket prices, however, continue to climb, and a full house of "
        "those who can pay is not the audience a public stage is for.</p>",
    },
    {
        "slug": "budget-talks-resume",
        "headline": "Budget talks resume after a week of deadlock",
        "standfirst": "Negotiators return to the table with a deadline days away: what each "
        "side needs from a deal.",
        "label": Label.ANALYSIS,
        "section": "politics",
        "authors": ["erin-editor"],
        "tags": ["economy", "parliament"],
        "photo": None,
        "days_ago": 4,
        "body": "<p>Negotiators resumed budget talks on Tuesday after a week in which neither "
        "side would meet.</p><p>The deadline for an agreement falls at the end of the month."
        "</p>",
    },
]

STORIES += [
    {
        "slug": "cycle-lanes-plan",
        "headline": "Council weighs a plan for new cycle lanes",
        "standfirst": "Residents are split over a network of protected lanes "
        "across the city centre.",
        "section": "politics",
        "authors": ["will-writer"],
        "tags": ["transport", "city"],
        "photo": None,
        "state": "in_review",
        "body": "<p>The city council will vote next week on a plan for twelve kilometres of "
        "protected cycle lanes.</p>",
    },
    {
        "slug": "comet-visible-this-weekend",
        "headline": "A comet will be visible to the naked eye this weekend",
        "standfirst": "Astronomers say the best views come just after dusk, looking west.",
        "section": "science",
        "authors": ["will-writer"],
        "tags": ["space", "astronomy"],
        "photo": None,
        "state": "draft",
        "body": "<p>A comet discovered in the spring is now bright enough to see without a "
        "telescope.</p>",
    },
    {
        "slug": "markets-open-higher",
        "headline": "Markets expected to open higher",
        "standfirst": "Futures point to gains after a strong week for technology shares.",
        "section": "business",
        "authors": ["amira-haddad"],
        "tags": ["markets", "economy"],
        "photo": "demo-harbour",
        "state": "scheduled",
        "hours_ahead": 12,
        "body": "<p>Stock futures rose in overnight trading, pointing to a higher open.</p>",
    },
]

SEED = {
    "headline": "Kim pledges “full and unconditional support” for Russia at rare summit with Putin",
    "slug": "kim-putin-summit",
    "standfirst": "The leaders discussed military matters, the war in Ukraine and satellites at "
    "Russia's Vostochny Cosmodrome.",
    "section": "world",
    # No authors: the wire names no writer, so the import bylines the service it came through.
    "tags": ["North Korea", "Russia", "Ukraine war"],
    "publish_at": datetime(2023, 9, 13, 12, 0, tzinfo=UTC),
    # The wire sends the credit line; the desk adds the picture it goes with. The demo has no
    # agency pictures, so a generated one stands in, saying so.
    "picture": {
        "alt_text": "Illustration: a launch pad under an evening sky",
        "caption": "Vostochny Cosmodrome, where the leaders met. A generated illustration "
        "standing in for the agency's picture in this demo.",
    },
}


class Command(BaseCommand):
    help = "Load demo sections, people, photos and stories (safe to run again)."

    def handle(self, *args, **options):
        # The demo's stories go through the real workflow; its emails would only be noise.
        with override_settings(MAILERS=QUIET_MAIL):
            self.load()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Admin: {settings.NEWSROOM_SITE_URL}/admin/")
        for username, password, _name, role in ACCOUNTS:
            self.stdout.write(f"  {role:<16} username: {username}  password: {password}")

    def load(self):
        with transaction.atomic():
            users = {account[0]: self.account(*account) for account in ACCOUNTS}
            sections = {
                slug: self.section(name, slug, text, i)
                for i, (name, slug, text) in enumerate(SECTIONS)
            }
            authors = {
                slug: Author.objects.get_or_create(
                    slug=slug, defaults={"name": name, "bio": bio, "user": users.get(role)}
                )[0]
                for name, slug, bio, role in AUTHORS
            }
            photos = {name: self.photo(name, *rest) for name, *rest in PHOTOS}
            for story in STORIES:
                self.story(story, sections, authors, photos, users)
            home = Front.objects.get(section=None)
            if not home.layouts.exists():  # for the desk to arrange from the start
                lay_out_as_default(home, by=users["managing"])
        self.seed(sections, users["editor"])

    def account(self, username, password, full_name, role):
        first, last = full_name.split(" ", 1)
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": True,
                "email": f"{username}@newsroom.invalid",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        # The role printed is the role held, even in a database made by an older demo.
        user.groups.set([Group.objects.get(name=role)])
        return user

    def section(self, name, slug, description, position):
        return Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )[0]

    def photo(self, name, colour, accent, alt_text):
        # Stored files get new names, so the demo knows its pictures by their alt text.
        existing = Photo.objects.filter(alt_text=alt_text).first()
        if existing:
            return existing
        photo = Photo(
            caption=alt_text + ". A generated illustration for the demo site.",
            alt_text=alt_text,
            credit="Newsroom demo graphic",
            creator="Newsroom demo generator",
            copyright_notice="© The Newsroom Ltd. All rights reserved.",
            copyright_holder="The Newsroom Ltd",
            source="The Newsroom",
            licence=Photo.Licence.STAFF,
            # Written by the save, which deletes it again should the save fail.
            image=ContentFile(demo_image(colour, accent), name=f"{name}.jpg"),
        )
        photo.save()
        return photo

    def story(self, data, sections, authors, photos, users):
        """A story taken through the real workflow as far as its demo state says."""
        if Article.objects.filter(slug=data["slug"]).exists():
            return
        writer, editor = users["writer"], users["editor"]
        article = Article.objects.create(
            slug=data["slug"],
            headline=data["headline"],
            standfirst=data["standfirst"],
            body=data["body"],
            section=sections[data["section"]],
            lead_photo=photos.get(data["photo"]),
            label=data.get("label", ""),
            created_by=writer if "will-writer" in data["authors"] else editor,
        )
        for position, slug in enumerate(data["authors"]):
            Byline.objects.create(article=article, author=authors[slug], position=position)
        article.tags.add(*data["tags"])
        state = data.get("state", "published")
        if state == "draft":
            return
        article.submit(by=article.created_by)
        if state == "in_review":
            return
        article.approve(by=editor)
        now = timezone.now()
        when = now + timedelta(hours=data["hours_ahead"]) if state == "scheduled" else None
        article.publish(by=editor, at=when or now - timedelta(days=data["days_ago"], hours=2))

    def seed(self, sections, editor):
        """The real wire story, through the real importer, then edited and published."""
        path = WIRE_DIR / SEED_FILE
        call_command("import_wire", str(path), stdout=io.StringIO())
        identity = WireIdentity.of_file(path)
        article = Article.objects.get(wire_feed=identity.feed, wire_key=identity.key)
        if article.status != Status.DRAFT:
            return
        with transaction.atomic():
            article.headline = SEED["headline"]
            article.slug = SEED["slug"]
            article.standfirst = SEED["standfirst"]
            article.section = sections[SEED["section"]]
            article.created_by = editor
            article.save()
            article.tags.add(*SEED["tags"])
            photo = article.lead_photo
            if photo is not None and not photo.image:
                photo.alt_text = SEED["picture"]["alt_text"]
                photo.caption = SEED["picture"]["caption"]
                picture = demo_image((40, 52, 84), (236, 170, 92))
                photo.image.save("seed.jpg", ContentFile(picture), save=False)
                photo.save()
            article.submit(by=editor)
            article.approve(by=editor)
            article.publish(by=editor, at=SEED["publish_at"])


def demo_image(colour, accent, size=(1600, 900)):
    """A simple generated picture, so the demo needs no downloaded or borrowed photos."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    for i in range(0, height, 6):
        shade = tuple(int(c + (a - c) * i / height) for c, a in zip(colour, accent, strict=True))
        draw.rectangle([0, i, width, i + 6], fill=shade)
    draw.ellipse([width * 0.6, height * 0.15, width * 0.85, height * 0.6], fill=accent)
    draw.rectangle([0, height * 0.75, width, height], fill=tuple(c // 2 for c in colour))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
