"""The front editor in a real browser, under the Content-Security-Policy: an editor drags a
story into the lead, moves another with the keyboard, adds one by searching, saves, and sees
the public home page in that order."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Area, Article, Fill, Front, Layout, Slot


def lay_out_home(stories_by_area):
    # The browser's live server flushes the database: the home front comes back here.
    home, _ = Front.objects.get_or_create(section=None)
    # The latest to go live, after the demo's own first layout.
    layout = Layout.objects.create(front=home, live_from=timezone.now())
    for position, (title, places, stories) in enumerate(stories_by_area):
        area = Area.objects.create(
            layout=layout, position=position, title=title, places=places, fill=Fill.NONE
        )
        for n, story in enumerate(stories):
            Slot.objects.create(area=area, story=story, position=n)
    return layout


def card(page, headline):
    return page.locator(".front-stories > .front-story").filter(has_text=headline)


def headlines_in(page, area):
    area = page.locator(".front-area").filter(has=page.get_by_role("heading", name=area))
    return area.locator(".front-stories .front-story-headline").all_inner_texts()


def area_titles(page):
    return [title.strip("⠿ ") for title in page.locator(".front-area h2").all_inner_texts()]


def in_order_on(text, headlines):
    places = [text.find(headline) for headline in headlines]
    return all(place >= 0 for place in places) and places == sorted(places)


def test_an_editor_drags_a_story_into_the_lead_and_readers_see_it(
    strict_page, demo, editor, log_in, screenshot
):
    page = strict_page
    lead, one, two, three, extra = Article.objects.published()[:5]
    lay_out_home([("Lead", 1, [lead]), ("Top stories", 3, [one, two, three])])
    log_in(page, editor)

    # Where an editor lands (the story budget), one click from the live home page's editor.
    page.goto("/admin/articles/article/budget/")
    page.get_by_role("link", name="Arrange the home page").click()
    expect(page.get_by_role("heading", name="Lead")).to_be_visible()
    screenshot(page, "front-editor")

    # Dragged onto the lead's first card: it goes above it, and the old lead is greyed.
    card(page, three.headline).drag_to(card(page, lead.headline), target_position={"x": 60, "y": 4})
    assert headlines_in(page, "Lead") == [three.headline, lead.headline]
    expect(card(page, lead.headline)).to_contain_text("Not shown: Lead shows 1.")
    expect(page.locator(".front-editor-unsaved")).to_be_visible()

    # From the keyboard: "Move up" on the second story of Top stories.
    page.get_by_role("button", name=f"Move up: {two.headline}").focus()
    page.keyboard.press("Enter")
    assert headlines_in(page, "Top stories") == [two.headline, one.headline]
    expect(page.get_by_role("status")).to_have_text(
        f"‘{two.headline}’ is now at place 1 of Top stories."
    )
    # Searched for and added: it goes first in its area.
    page.get_by_label("Add a story to Top stories").fill(extra.headline)
    page.get_by_role("button", name=re.compile(re.escape(extra.headline))).click()
    assert headlines_in(page, "Top stories") == [extra.headline, two.headline, one.headline]
    page.get_by_role("button", name=f"Remove: {one.headline}").click()
    screenshot(page, "front-editor-moved")

    page.get_by_role("button", name="Save the arrangement").click()
    expect(page.locator(".messagelist")).to_contain_text("Saved: ")
    expect(page.locator(".messagelist")).to_contain_text(
        f"Moved ‘{three.headline}’ from Top stories to place 1 of Lead"
    )
    assert headlines_in(page, "Lead") == [three.headline, lead.headline]
    page.get_by_role("link", name="see it on the public page").click()
    expect(page).to_have_url(re.compile(r"/$"))
    text = page.locator("main").inner_text()
    assert in_order_on(text, [three.headline, extra.headline, two.headline]), text
    assert lead.headline not in text and one.headline not in text
    screenshot(page, "home")
    assert page.violations == []


def test_the_front_editor_is_accessible(page, demo, editor, log_in, assert_accessible):
    stories = list(Article.objects.published()[:3])
    layout = lay_out_home([("Lead", 1, stories[:1]), ("Top stories", 3, stories[1:])])
    log_in(page, editor)
    page.goto(f"/admin/articles/layout/{layout.pk}/arrange/")
    page.get_by_role("button", name="Move the area Top stories up").click()
    expect(page.get_by_role("status")).to_have_text("The area Top stories is now area 1.")
    assert area_titles(page) == ["Top stories", "Lead"]
    # Dragged by its heading onto the other: side by side on a wide screen.
    head = page.locator(".front-area-head").filter(has_text="Top stories")
    head.drag_to(page.locator(".front-area").filter(has_text="Lead"))
    assert area_titles(page) == ["Lead", "Top stories"]
    page.get_by_label("Add a story to Lead").focus()
    expect(page.locator(".front-found li").first).to_be_visible()
    assert_accessible(page)


def test_the_front_editor_is_valid_html(client, demo, editor, assert_valid_html):
    stories = list(Article.objects.published()[:3])
    layout = lay_out_home([("Lead", 1, stories[:1]), ("Top stories", 3, stories[1:])])
    Area.objects.create(layout=layout, position=2, title="Latest", fill=Fill.NEWEST)
    client.force_login(editor)
    response = client.get(f"/admin/articles/layout/{layout.pk}/arrange/")
    assert_valid_html({"the front editor": response.content.decode()})


def test_the_save_bar_hides_the_areas_scrolling_under_it(page, demo, editor, log_in):
    stories = list(Article.objects.published()[:4])
    layout = lay_out_home([(f"Area {n}", 1, [story]) for n, story in enumerate(stories)])
    page.set_viewport_size({"width": 1280, "height": 500})
    log_in(page, editor)
    page.goto(f"/admin/articles/layout/{layout.pk}/arrange/")
    bar = page.locator(".front-editor-save")
    expect(bar.get_by_role("button", name="Save the arrangement")).to_be_in_viewport()
    # Areas go on below the fold, under the bar: it must paint over them, not let them show
    # through its button and message.
    below = page.locator(".front-area").last.bounding_box()
    assert below["y"] + below["height"] > bar.bounding_box()["y"] + bar.bounding_box()["height"]
    background = bar.evaluate("bar => getComputedStyle(bar).backgroundColor")
    assert background not in ("transparent", "rgba(0, 0, 0, 0)")
