from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Area, Fill, Front, Layout, Slot, Status, Style
from articles.models.fronts import front_areas
from articles.paging import Cursor


def shown(response):
    """The front as readers see it: each area's title and its stories' headlines."""
    return [(item.title, [row.pk for row in item.stories]) for item in response.context["front"]]


def headlines(stories):
    return [story.pk for story in stories]


@pytest.fixture
def home(db):
    return Front.objects.get(section=None)


@pytest.fixture
def lay_out(home):
    """A new layout of the home page, live now unless told: `lay_out(areas..., live_from=...)`,
    each area a dict of its fields with `stories` for the chosen ones."""

    def make(*areas, live_from=None, front=home):
        layout = Layout.objects.create(
            front=front, live_from=live_from or timezone.now() - timedelta(seconds=1)
        )
        for position, fields in enumerate(areas):
            fields = dict(fields)
            stories = fields.pop("stories", [])
            area = Area.objects.create(layout=layout, position=position, **fields)
            for n, story in enumerate(stories):
                Slot.objects.create(area=area, story=story, position=n)
        return layout

    return make


def test_a_front_not_laid_out_leads_with_a_photo_then_the_latest_then_each_section(
    client, make_article, make_photo, make_section
):
    world, science = make_section(name="World"), make_section(name="Science")
    pictured = make_article(section=science, lead_photo=make_photo(), headline="Pictured")
    newest = make_article(section=world, publish_at=timezone.now())
    latest = [make_article(section=world) for _ in range(10)]
    older = make_article(section=science, publish_at=timezone.now() - timedelta(days=2))
    make_article(section=science, status=Status.DRAFT, headline="Draft science")
    response = client.get("/")
    assert shown(response) == [
        ("", [pictured.pk]),
        ("Latest", headlines([newest, *latest[:9]])),
        ("Science", [older.pk]),  # the sections in menu order
        ("World", [latest[9].pk]),
    ]
    html = response.content.decode()
    assert f'<a href="{science.get_absolute_url()}">Science</a></h2>' in html
    assert "Draft science" not in html


def test_chosen_stories_keep_their_order_and_the_fill_takes_the_places_left(
    client, lay_out, make_article
):
    old, older = (make_article(publish_at=timezone.now() - timedelta(days=d)) for d in (1, 2))
    newest = make_article(publish_at=timezone.now())
    lay_out({"title": "Top stories", "places": 3, "fill": Fill.NEWEST, "stories": [older, old]})
    assert shown(client.get("/")) == [("Top stories", [older.pk, old.pk, newest.pk])]


def test_a_story_shows_once_in_the_first_area_that_has_it(client, lay_out, make_article):
    story, other = make_article(), make_article()
    lay_out(
        {"title": "Top", "places": 1, "fill": Fill.NEWEST, "stories": [story]},
        {"title": "More", "places": 5, "fill": Fill.NEWEST, "stories": [story]},
    )
    assert shown(client.get("/")) == [("Top", [story.pk]), ("More", [other.pk])]


@pytest.mark.parametrize(
    "unpublish",
    [
        {"status": Status.WITHDRAWN},
        {"embargo_until": timezone.now() + timedelta(hours=1)},
        {"publish_at": timezone.now() + timedelta(hours=1)},
    ],
    ids=["withdrawn", "embargoed again", "rescheduled"],
)
def test_a_story_no_longer_public_leaves_the_front_at_once_and_the_fill_takes_its_place(
    client, lay_out, make_article, unpublish, warm_site
):
    warm_site()
    chosen = make_article(headline="Chosen story", publish_at=timezone.now() - timedelta(days=1))
    filler = make_article(headline="Filler")
    lay_out({"title": "Top", "places": 1, "fill": Fill.NEWEST, "stories": [chosen]})
    assert shown(client.get("/")) == [("Top", [chosen.pk])]
    assert client.get("/").context is None  # the page is kept
    for field, value in unpublish.items():
        setattr(chosen, field, value)
    chosen.save()
    response = client.get("/")
    assert shown(response) == [("Top", [filler.pk])]
    assert "Chosen story" not in response.content.decode()


def test_fills_by_section_tag_top_story_and_photo(
    client, lay_out, make_article, make_section, make_photo
):
    from taggit.models import Tag

    world, sport = make_section(name="World"), make_section(name="Sport")
    election = Tag.objects.create(name="Election", slug="election")
    top = make_article(is_top_story=True, publish_at=timezone.now() - timedelta(days=3))
    pictured = make_article(lead_photo=make_photo(), publish_at=timezone.now() - timedelta(days=2))
    in_sport = make_article(section=sport, publish_at=timezone.now() - timedelta(days=1))
    tagged = make_article(section=world, tags=[election])
    make_article(section=world)  # newest of all: no fill below takes it
    lay_out(
        {"title": "Top", "places": 1, "fill": Fill.TOP},
        {"title": "Pictures", "places": 1, "fill": Fill.NEWEST, "photos_only": True},
        {"title": "Sport", "places": 2, "fill": Fill.SECTION, "fill_section": sport},
        {"title": "Election", "places": 2, "fill": Fill.TAG, "fill_tag": election},
    )
    assert shown(client.get("/")) == [
        ("Top", [top.pk]),
        ("Pictures", [pictured.pk]),
        ("Sport", [in_sport.pk]),
        ("Election", [tagged.pk]),
    ]


def test_an_area_with_nothing_chosen_and_no_fill_is_left_out(client, lay_out, make_article):
    make_article()
    lay_out({"title": "Opinion", "fill": Fill.NONE}, {"title": "Latest", "fill": Fill.NEWEST})
    assert [title for title, _ in shown(client.get("/"))] == ["Latest"]


def test_a_scheduled_layout_goes_live_at_its_minute_with_nothing_saved(
    client, lay_out, make_article, warm_site
):
    warm_site()
    morning, evening = make_article(headline="Morning lead"), make_article(headline="Evening")
    lay_out({"title": "Now", "places": 1, "fill": Fill.NONE, "stories": [evening]})
    six = timezone.now() + timedelta(hours=2)
    lay_out(
        {"title": "Morning", "places": 1, "fill": Fill.NONE, "stories": [morning]}, live_from=six
    )
    assert shown(client.get("/")) == [("Now", [evening.pk])]
    assert client.get("/").context is None  # kept
    with time_machine.travel(six + timedelta(seconds=1)):
        assert shown(client.get("/")) == [("Morning", [morning.pk])]


def test_a_front_change_rebuilds_the_front_and_nothing_else(
    client, lay_out, make_article, warm_site
):
    story = make_article()
    warm_site()
    layout = lay_out({"title": "Top", "places": 2, "fill": Fill.NONE})
    client.get("/"), client.get("/"), client.get(story.get_absolute_url())
    assert client.get("/").context is None and client.get(story.get_absolute_url()).context is None
    Slot.objects.create(area=layout.areas.get(), story=story)
    assert shown(client.get("/")) == [("Top", [story.pk])]
    assert client.get(story.get_absolute_url()).context is None  # still kept


def test_the_front_costs_the_same_queries_whatever_its_areas_and_slots(
    lay_out, make_article, make_section, django_assert_max_num_queries, settings
):
    from articles.context_processors import nav_sections

    sections = [make_section() for _ in range(3)]
    stories = [make_article(section=sections[n % 3]) for n in range(12)]
    for size in (1, 8):
        lay_out(
            *(
                {
                    "title": f"Area {n}",
                    "places": 3,
                    "fill": Fill.NEWEST,
                    "stories": stories[n : n + 2],
                }
                for n in range(size)
            ),
            {"fill": Fill.SECTIONS, "places": 2},
        )
        menu = nav_sections()
        with django_assert_max_num_queries(2):
            areas = front_areas(sections=menu)
        assert [item.title for item in areas][:size] == [f"Area {n}" for n in range(size)]


def test_a_section_front_tops_its_first_page_and_its_stories_are_not_listed_again(
    client, lay_out, make_article, make_section, warm_site, settings
):
    settings.NEWSROOM_PAGE_SIZE = 2
    world = make_section(name="World", slug="world")
    older, newer, newest = (
        make_article(
            section=world, headline=f"Story {n}", publish_at=timezone.now() - timedelta(hours=n)
        )
        for n in (3, 2, 1)
    )
    front = Front.objects.create(section=world)
    warm_site()
    assert [card for card in client.get("/section/world/").context["areas"]] == []
    layout = lay_out({"title": "World picks", "fill": Fill.NONE, "stories": [older]}, front=front)
    response = client.get("/section/world/")
    assert [area.title for area in response.context["areas"]] == ["World picks"]
    assert [story.pk for story in response.context["article_list"]] == [newest.pk, newer.pk]
    html = response.content.decode()
    assert html.index("World picks") < html.index("Story 1") and html.count("Story 3") == 1
    # A change to the section's front shows at once; the next page has no front.
    Slot.objects.filter(area__layout=layout).update(story=newest)
    Slot.objects.get(area__layout=layout).save()
    response = client.get("/section/world/")
    assert [story.pk for story in response.context["article_list"]] == [newer.pk, older.pk]
    older_page = client.get("/section/world/", {"before": str(Cursor.of(newer))})
    assert "World picks" not in older_page.content.decode()
    assert [story.pk for story in older_page.context["article_list"]] == [older.pk]


def test_a_section_front_gives_an_area_of_sections_a_row_for_each_as_the_home_page_does(
    client, lay_out, make_article, make_section
):
    world, science = make_section(name="World", slug="world"), make_section(name="Science")
    in_world, in_science = make_article(section=world), make_article(section=science)
    lay_out({"fill": Fill.SECTIONS, "places": 1}, front=Front.objects.create(section=world))
    areas = client.get("/section/world/").context["areas"]
    assert [(area.title, len(area.cards)) for area in areas] == [("Science", 1), ("World", 1)]
    assert in_science.headline in areas[0].cards[0] and in_world.headline in areas[1].cards[0]


def test_an_area_checks_what_its_fill_needs(home):
    layout = Layout.objects.create(front=home)
    from django.core.exceptions import ValidationError

    for fields, error in [
        ({"fill": Fill.SECTION}, "fill_section"),
        ({"fill": Fill.TAG}, "fill_tag"),
        ({"places": 0}, "places"),
    ]:
        with pytest.raises(ValidationError) as raised:
            Area(layout=layout, style=Style.ROW, **fields).full_clean()
        assert error in raised.value.message_dict


# In the admin


def test_editors_lay_out_fronts_and_writers_cannot(login, editor, writer, home):
    assert login(writer).get("/admin/articles/layout/add/").status_code == 403
    client = login(editor)
    response = client.post(
        "/admin/articles/layout/add/",
        {
            "front": home.pk,
            "live_from_0": "2030-01-01",
            "live_from_1": "06:00:00",
            "note": "Morning",
            "areas-TOTAL_FORMS": "1",
            "areas-INITIAL_FORMS": "0",
            "areas-0-position": "0",
            "areas-0-title": "Top stories",
            "areas-0-style": Style.TOP,
            "areas-0-places": "4",
            "areas-0-fill": Fill.NEWEST,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    layout = Layout.objects.get(note="Morning")
    assert layout.created_by == editor
    assert [area.title for area in layout.areas.all()] == ["Top stories"]
    # Kept as a revision, with who made it.
    from reversion.models import Version

    assert Version.objects.get_for_object(layout).get().revision.user == editor


def test_an_area_refuses_a_fill_without_what_it_needs(login, editor, home):
    layout = Layout.objects.create(front=home)
    response = login(editor).post(
        f"/admin/articles/layout/{layout.pk}/change/",
        {
            "front": home.pk,
            "live_from_0": "2030-01-01",
            "live_from_1": "06:00:00",
            "areas-TOTAL_FORMS": "1",
            "areas-INITIAL_FORMS": "0",
            "areas-0-position": "0",
            "areas-0-style": Style.ROW,
            "areas-0-places": "4",
            "areas-0-fill": Fill.SECTION,
        },
    )
    assert response.status_code == 200
    assert "Choose the section whose stories fill it." in response.content.decode()
    assert not layout.areas.exists()


def test_a_copy_of_a_layout_goes_live_tomorrow_morning_with_its_stories(
    login, editor, lay_out, make_article
):
    story = make_article()
    layout = lay_out({"title": "Top", "places": 2, "stories": [story]})
    response = login(editor).post(
        "/admin/articles/layout/",
        {"action": "copy_for_tomorrow_morning", "_selected_action": [layout.pk]},
    )
    copy = Layout.objects.exclude(pk=layout.pk).get(front=layout.front, note="")
    assert response.status_code == 302
    assert timezone.localtime(copy.live_from).hour == 6
    assert copy.live_from > timezone.now()
    assert [slot.story for slot in Slot.objects.filter(area__layout=copy)] == [story]


def test_the_preview_shows_the_front_at_a_future_time_and_is_never_kept(
    login, editor, client, lay_out, make_article, home
):
    soon = timezone.now() + timedelta(hours=3)
    make_article(headline="Scheduled story", publish_at=soon)
    lay_out({"title": "Top", "places": 1, "fill": Fill.NEWEST})
    editor_client = login(editor)
    at = timezone.localtime(soon + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    response = editor_client.get(f"/admin/articles/front/{home.pk}/preview/?at={at}")
    assert response.status_code == 200
    assert "Scheduled story" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    editor_client.logout()
    assert "Scheduled story" not in client.get("/").content.decode()
    assert client.get(f"/admin/articles/front/{home.pk}/preview/?at={at}").status_code == 302


def test_sponsored_stories_go_on_a_front_only_where_an_editor_puts_them(
    client, lay_out, make_article
):
    paid = make_article(label="sponsored", sponsor="Acme", publish_at=timezone.now())
    news = make_article()
    lay_out(
        {"title": "Latest", "places": 5, "fill": Fill.NEWEST},
        {"title": "Partners", "places": 1, "fill": Fill.NONE, "stories": [paid]},
    )
    response = client.get("/")
    assert shown(response) == [("Latest", [news.pk]), ("Partners", [paid.pk])]
    assert "Sponsored by Acme" in response.content.decode()


def test_an_area_its_fill_finds_nothing_for_among_the_newest_walks_for_its_own(
    lay_out, make_article, make_section, monkeypatch, django_assert_max_num_queries
):
    from articles.models import fronts

    monkeypatch.setattr(fronts, "WINDOW", 3)
    busy, quiet = make_section(name="Busy"), make_section(name="Quiet")
    newest = [make_article(section=busy) for _ in range(5)]
    old = make_article(section=quiet, publish_at=timezone.now() - timedelta(days=30))
    lay_out(
        {"title": "Top", "places": 2, "fill": Fill.NEWEST}, {"fill": Fill.SECTIONS, "places": 1}
    )
    with django_assert_max_num_queries(3):  # the areas, the newest three, the quiet row's walk
        areas = front_areas(sections=[busy, quiet])
    assert [(item.title, [row.pk for row in item.stories]) for item in areas] == [
        ("Top", [newest[0].pk, newest[1].pk]),
        ("Busy", [newest[2].pk]),
        ("Quiet", [old.pk]),
    ]
