import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Area, Fill, Front, Layout, Slot, Status, Style


@pytest.fixture
def home(db):
    return Front.objects.get(section=None)


@pytest.fixture
def lay_out(home):
    """A layout of the home page, live now unless told: `lay_out(("Lead", [story]), ...)`,
    each area its title and chosen stories (with more fields in a third item)."""

    def make(*areas, live_from=None):
        layout = Layout.objects.create(
            front=home, live_from=live_from or timezone.now() - timedelta(seconds=1)
        )
        for position, (title, stories, *fields) in enumerate(areas):
            fields = {"places": 3, "fill": Fill.NONE} | (fields[0] if fields else {})
            area = Area.objects.create(layout=layout, position=position, title=title, **fields)
            for n, story in enumerate(stories):
                Slot.objects.create(area=area, story=story, position=n)
        return layout

    return make


def arrange_url(layout):
    return f"/admin/articles/layout/{layout.pk}/arrange/"


def post(client, layout, areas, *, version=None):
    """Save `areas` ([(area, [story, ...]), ...]) as the editor's page does."""
    arrangement = [
        {"area": area.pk, "stories": [story.pk for story in stories]} for area, stories in areas
    ]
    return client.post(
        arrange_url(layout),
        {
            "arrangement": json.dumps(arrangement),
            "version": version or layout.arrangement().version,
        },
    )


def saved(layout):
    return [
        (area.title, [slot.story.headline for slot in area.slots.order_by("position")])
        for area in layout.areas.order_by("position")
    ]


def shown(response):
    return [(item.title, [row.pk for row in item.stories]) for item in response.context["front"]]


def test_writers_may_not_arrange_a_front_and_editors_may(
    login, writer, editor, managing_editor, lay_out, make_article, client
):
    story = make_article()
    layout = lay_out(("Lead", [story]))
    lead = layout.areas.get()
    assert client.get(arrange_url(layout)).status_code == 302  # to the login page
    writer_client = login(writer)
    assert writer_client.get(arrange_url(layout)).status_code == 403
    assert post(writer_client, layout, [(lead, [])]).status_code == 403
    assert writer_client.get(arrange_url(layout) + "stories/?q=").status_code == 403
    assert saved(layout) == [("Lead", [story.headline])]
    for user in (editor, managing_editor):
        response = login(user).get(arrange_url(layout))
        assert response.status_code == 200
        assert story.headline in response.content.decode()


def test_an_editor_saves_an_arrangement_exactly_with_a_revision_and_a_log_entry(
    login, editor, lay_out, make_article
):
    harbour = make_article(headline="Harbour reopens")
    rates, storm, letters = (make_article(headline=h) for h in ("Rates", "Storm", "Letters"))
    layout = lay_out(("Lead", [rates]), ("Top stories", [storm, harbour]), ("Opinion", [letters]))
    lead, top, opinion = layout.areas.order_by("position")
    response = post(
        login(editor), layout, [(lead, [harbour]), (opinion, []), (top, [rates, storm])]
    )
    assert response.status_code == 302
    assert saved(layout) == [
        ("Lead", ["Harbour reopens"]),
        ("Opinion", []),
        ("Top stories", ["Rates", "Storm"]),
    ]
    comment = (
        "Moved the area Opinion to place 2; "
        "Moved ‘Harbour reopens’ from Top stories to place 1 of Lead; "
        "Moved ‘Rates’ from Lead to place 1 of Top stories; "
        "Removed ‘Letters’ from Opinion."
    )
    revision = Version.objects.get_for_object(layout).get().revision
    assert (revision.user, revision.comment) == (editor, comment)
    entry = LogEntry.objects.get(object_id=str(layout.pk))
    assert (entry.user, entry.change_message) == (editor, comment)
    page = login(editor).get(response["Location"]).content.decode()
    assert "Saved: Moved the area Opinion" in page
    assert '<a href="/">see it on the public page</a>' in page


def test_a_layout_can_be_put_back_as_it_was_from_its_history(login, editor, lay_out, make_article):
    first, second = make_article(headline="First"), make_article(headline="Second")
    layout = lay_out(("Top", [first, second]))
    top = layout.areas.get()
    client = login(editor)
    post(client, layout, [(top, [second, first])])
    post(client, layout, [(top, [second])])
    assert saved(layout) == [("Top", ["Second"])]
    older = Version.objects.get_for_object(layout).order_by("pk").first()
    assert older.revision.comment == "Moved ‘Second’ to place 1 of Top."
    older.revision.revert(delete=True)
    assert saved(layout) == [("Top", ["Second", "First"])]


def test_the_public_front_shows_the_new_order_at_once(
    client, login, editor, lay_out, make_article, warm_site, django_user_model
):
    warm_site()
    one, two = make_article(headline="One"), make_article(headline="Two")
    layout = lay_out(("Top", [one, two]))
    top = layout.areas.get()
    assert shown(client.get("/")) == [("Top", [one.pk, two.pk])]
    assert client.get("/").context is None  # the page is kept
    post(login(editor), layout, [(top, [two, one])])
    client.logout()
    assert shown(client.get("/")) == [("Top", [two.pk, one.pk])]


def test_a_save_without_the_csrf_token_is_refused(editor, lay_out, make_article):
    from django.test import Client

    story = make_article(headline="Kept")
    layout = lay_out(("Lead", [story]))
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post(client, layout, [(layout.areas.get(), [])]).status_code == 403
    assert saved(layout) == [("Lead", ["Kept"])]


@pytest.mark.parametrize(
    "spoil",
    ["unknown story", "another layout's area", "an area left out", "a story twice", "unreadable"],
)
def test_a_bad_arrangement_is_refused_with_nothing_written(
    login, editor, lay_out, make_article, spoil
):
    story, other = make_article(headline="Kept"), make_article(headline="Other")
    layout = lay_out(("Lead", [story]), ("Top", []))
    lead, top = layout.areas.order_by("position")
    elsewhere = lay_out(("Elsewhere", [])).areas.get()
    client = login(editor)
    version = layout.arrangement().version
    if spoil == "unreadable":
        data = {"arrangement": "[{", "version": version}
        response = client.post(arrange_url(layout), data)
    else:
        arrangement = {
            "unknown story": [(lead, [other]), (top, [story])],
            "another layout's area": [(lead, [other]), (top, []), (elsewhere, [story])],
            "an area left out": [(lead, [other, story])],
            "a story twice": [(lead, [story, story]), (top, [])],
        }[spoil]
        if spoil == "unknown story":
            other.delete()
        response = post(client, layout, arrangement, version=version)
    assert response.status_code == 400
    assert "Nothing was saved." in response.content.decode()
    assert saved(layout) == [("Lead", ["Kept"]), ("Top", [])]
    assert not Version.objects.exists() and not LogEntry.objects.exists()


def test_a_stale_arrangement_is_refused_and_the_editors_order_is_kept_on_the_page(
    login, editor, managing_editor, lay_out, make_article
):
    one, two, three = (make_article(headline=h) for h in ("One", "Two", "Three"))
    layout = lay_out(("Top", [one, two, three]))
    top = layout.areas.get()
    loaded = layout.arrangement().version
    post(login(managing_editor), layout, [(top, [three, one, two])])  # meanwhile
    response = post(login(editor), layout, [(top, [two, one, three])], version=loaded)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was saved: Mo Managing changed this layout at" in page
    assert "Moved ‘Three’ to place 1 of Top" in page
    assert saved(layout) == [("Top", ["Three", "One", "Two"])]
    assert Revision.objects.count() == 1 and LogEntry.objects.count() == 1
    # The editor's order, over the version saved now: saving again keeps theirs.
    cards = response.context["columns"][0].chosen
    assert [card["id"] for card in cards] == [two.pk, one.pk, three.pk]
    assert response.context["version"] == layout.arrangement().version


def test_saving_an_unchanged_arrangement_writes_nothing(login, editor, lay_out, make_article):
    story = make_article()
    layout = lay_out(("Lead", [story]))
    response = post(login(editor), layout, [(layout.areas.get(), [story])])
    assert response.status_code == 302
    assert not Version.objects.exists() and not LogEntry.objects.exists()


# In the morning: two hours on, the scheduled story is still due today (shown by its time alone).
@time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False)
def test_the_page_greys_what_readers_will_not_see_and_what_the_fill_adds(
    login, editor, lay_out, make_article, make_photo
):
    six = timezone.localtime() + timedelta(hours=2)
    scheduled = make_article(headline="Not yet", publish_at=six)
    withdrawn = make_article(headline="Pulled", status=Status.WITHDRAWN)
    pictured = make_article(headline="Pictured", lead_photo=make_photo())
    filler = make_article(headline="Newest filler", publish_at=timezone.now())
    layout = lay_out(
        ("Top", [scheduled, withdrawn, pictured], {"places": 4, "fill": Fill.NEWEST}),
    )
    page = login(editor).get(arrange_url(layout)).content.decode()
    assert f"Readers won’t see it: scheduled for {six:%H:%M}" in page
    assert "Readers won’t see it: withdrawn" in page
    assert "Filled automatically" in page and filler.headline in page
    assert "A row of cards · 4 places · filled with the newest stories" in page
    assert page.count('class="front-story is-unseen"') == 2
    assert '<img src="/media/' in page  # the pictured story's thumbnail


def test_a_scheduled_layout_is_shown_as_it_will_be_and_links_to_its_preview(
    login, editor, lay_out, make_article, home
):
    later = timezone.now() + timedelta(hours=3)
    story = make_article(headline="Out by then", publish_at=later - timedelta(hours=1))
    layout = lay_out(("Morning", [story]), live_from=later)
    client = login(editor)
    page = client.get(arrange_url(layout)).content.decode()
    assert "Readers won’t see it" not in page  # public by the time the layout is
    at = timezone.localtime(later).strftime("%Y-%m-%dT%H:%M:%S")
    preview = f"/admin/articles/front/{home.pk}/preview/?at={at}"
    assert preview in page
    other = make_article(headline="Other")
    response = post(client, layout, [(layout.areas.get(), [other, story])])
    page = client.get(response["Location"]).content.decode()
    assert f'<a href="{preview.replace("&", "&amp;")}">preview it at' in page
    assert "Out by then" in client.get(preview).content.decode()


def test_the_page_costs_the_same_queries_however_many_stories(
    login, editor, lay_out, make_article, make_photo, django_assert_num_queries
):
    client = login(editor)
    client.get("/admin/")  # what any admin page looks up once per process
    for count in (1, 12):
        stories = [make_article(lead_photo=make_photo()) for _ in range(count)]
        layout = lay_out(
            ("Lead", stories[:1], {"fill": Fill.NEWEST, "photos_only": True}),
            ("Top", stories[1:], {"places": 20, "fill": Fill.TOP}),
            ("Rows", [], {"fill": Fill.SECTIONS, "style": Style.ROW}),
        )
        # The session and user, the layout, the user's permissions (2), the arrangement (2),
        # the areas, the sections (for the row of each), the front's two, the stories, and
        # which layout is live.
        with django_assert_num_queries(13):
            assert client.get(arrange_url(layout)).status_code == 200


def test_the_search_offers_published_and_scheduled_stories_as_cards(
    login, editor, lay_out, make_article
):
    layout = lay_out(("Lead", []))
    make_article(headline="Harbour reopens")
    make_article(headline="Harbour plans", publish_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Harbour draft", status=Status.DRAFT)
    response = login(editor).get(arrange_url(layout) + "stories/?q=harbour")
    found = {story["headline"]: story for story in response.json()["stories"]}
    assert set(found) == {"Harbour reopens", "Harbour plans"}
    assert found["Harbour plans"]["unseen"].startswith("scheduled for ")
    assert found["Harbour reopens"]["unseen"] == ""


def test_every_layout_ahead_links_to_its_editor(login, editor, lay_out, home):
    old = lay_out(("Old", []), live_from=timezone.now() - timedelta(days=1))
    live = lay_out(("Live", []))
    later = lay_out(("Later", []), live_from=timezone.now() + timedelta(hours=5))
    client = login(editor)
    listing = client.get("/admin/articles/front/").content.decode()
    assert arrange_url(live) in listing and arrange_url(later) in listing
    assert arrange_url(old) not in listing
    assert (
        arrange_url(later)
        in client.get(f"/admin/articles/front/{home.pk}/change/").content.decode()
    )
    change = client.get(f"/admin/articles/layout/{live.pk}/change/").content.decode()
    assert arrange_url(live) in change


def test_the_story_budget_leads_to_the_live_home_page_in_one_click(login, editor, lay_out, home):
    client = login(editor)
    budget = client.get("/admin/articles/article/budget/").content.decode()
    assert 'href="/admin/articles/front/home/arrange/">Arrange the home page' in budget
    response = client.get("/admin/articles/front/home/arrange/")
    assert response.status_code == 302 and "/admin/articles/layout/add/" in response["Location"]
    lay_out(("Old", []), live_from=timezone.now() - timedelta(days=1))
    live = lay_out(("Live", []))
    lay_out(("Later", []), live_from=timezone.now() + timedelta(hours=1))
    assert client.get("/admin/articles/front/home/arrange/")["Location"] == arrange_url(live)


def test_every_time_the_front_editor_shows_or_takes_carries_its_zone(
    login, editor, managing_editor, lay_out, make_article, home, settings
):
    settings.TIME_ZONE = "Europe/London"
    seven_december = datetime(2026, 12, 7, 15, 50, tzinfo=UTC)
    with time_machine.travel(seven_december, tick=False):
        story = make_article(headline="Not yet", publish_at=seven_december + timedelta(days=2))
        other = make_article(headline="Other")
        layout = lay_out(("Top", [story]), live_from=seven_december + timedelta(days=1))
        top = layout.areas.get()
        loaded = layout.arrangement().version
        client = login(editor)
        page = client.get(arrange_url(layout)).content.decode()
        assert "Preview at 8 Dec 15:50 GMT" in page
        assert "readers see this layout from 8 Dec 2026, 15:50 GMT" in page
        assert "Readers won’t see it: scheduled for 9 Dec 15:50 GMT" in page
        assert not UNZONED_TIME.findall(page)
        post(login(managing_editor), layout, [(top, [])])
        stale = post(login(editor), layout, [(top, [story, other])], version=loaded)
        assert "changed this layout at 15:50 GMT" in stale.content.decode()
        saved_page = client.get(post(client, layout, [(top, [other])])["Location"])
        assert "preview it at 8 Dec 15:50 GMT" in saved_page.content.decode()
        listing = client.get("/admin/articles/front/").content.decode()
        assert "from 8 Dec 15:50 GMT" in listing
        front = client.get(f"/admin/articles/front/{home.pk}/change/").content.decode()
        assert 'aria-label="Time to preview, in Europe/London"' in front
        change = client.get(f"/admin/articles/layout/{layout.pk}/change/").content.decode()
        assert "until a later one goes live. In Europe/London." in change


# A clock time not followed by its zone, as "15:50 GMT" or "15:50 (Europe/London)" are.
UNZONED_TIME = re.compile(r">[^<]*\b\d{1,2}:\d\d\b(?! ?(GMT|BST|UTC|\())[^<]*<")
