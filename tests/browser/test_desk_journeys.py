"""The desk's two journeys, measured: what a writer does from the login page to a submitted
story with a credited photo, and what an editor does from the login page to that story
published (issue 17: at most 12 and at most 4 actions).

An action, as the issue counts them: a click (focusing a field by clicking it too), a key
press that submits (Enter in a form, Ctrl+S), a picture dropped or chosen, and a page load.
The page the person loads themselves (the login page's address) is one; the page a click
leads to is that click's result, not a second action. A page load that no counted action
caused counts as one of its own, so a missing `navigates=True` can only make a count larger.
Typing text is not an action; neither is Tab from the username to the password field, which
is listed beside the count as a move.

The page also reports every trusted click, submitting key press and drop it receives, and
each journey checks those against what the test counted: nothing is done behind the count.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, AuditEntry, Status
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_photo_desk import DROP, reuters_picture

WRITER = ("writer", "newsroom-writer")
EDITOR = ("editor", "newsroom-editor")
WRITER_TARGET = 12
EDITOR_TARGET = 4
COUNTS_FILE = ARTIFACTS / "journey-counts.txt"

HEADLINE = "Leaders meet in Vladivostok for talks on arms"
STANDFIRST = "The two leaders spent four hours together at a cosmodrome in the far east."
BODY = "The meeting was the first between them in four years."
ALT_TEXT = "Two men in dark suits shake hands in front of flags"
CREDIT = "Kim Hong-ji/Reuters"


# What the page itself saw a person do, reported to the test as it happens.
INPUT_REPORTER = """() => {
  const report = (kind, what) => window.__journeyInput(kind, what);
  const name = (element) => {
    const text = (element.innerText || element.value || element.getAttribute("aria-label")
      || element.id || element.tagName).trim();
    return text.slice(0, 40);
  };
  // A press of the pointer: select2 picks an option on mouseup, and no click event follows.
  addEventListener("pointerdown", (event) => {
    if (event.isTrusted) report("click", name(event.target));
  }, true);
  addEventListener("keydown", (event) => {
    if (!event.isTrusted) return;
    const target = event.target;
    const save = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s";
    const submit = event.key === "Enter" && target.tagName === "INPUT" && target.form;
    if (save || submit) report("key", event.key);
  }, true);
  addEventListener("drop", () => report("drop", "picture"), true);
}"""


class Journey:
    """A page that counts what a person does on it (see the module's docstring)."""

    def __init__(self, page):
        self.page = page
        self.actions = []
        self.moves = []
        self.seen = []
        self.navigations = 0
        self._expected_navigation = False
        self._counting = True
        page.on("framenavigated", self._navigated)
        page.expose_binding("__journeyInput", lambda source, kind, what: self._saw(kind, what))
        page.add_init_script(f"({INPUT_REPORTER})()")

    def _navigated(self, frame):
        if frame != self.page.main_frame or not self._counting:
            return
        self.navigations += 1
        if not self._expected_navigation:
            self.actions.append(("page load", frame.url))

    def _saw(self, kind, what):
        if self._counting:
            self.seen.append((kind, what))

    def _act(self, kind, what, do, navigates):
        self.actions.append((kind, what))
        if not navigates:
            do()
            return
        self._expected_navigation = True
        try:
            with self.page.expect_navigation():
                do()
        finally:
            self._expected_navigation = False

    def goto(self, url):
        """The person types an address: one page load."""
        self._act("page load", url, lambda: self.page.goto(url), navigates=True)

    def click(self, locator, what, *, navigates=False):
        self._act("click", what, locator.click, navigates)

    def drop(self, target, content, name):
        transfer = self.page.evaluate_handle(DROP, [list(content), name])
        self._act(
            "drop",
            name,
            lambda: target.dispatch_event("drop", {"dataTransfer": transfer}),
            navigates=False,
        )

    def tab(self, what):
        """Tab to the next field: a key press that does not submit, listed but not counted."""
        self.moves.append(f"Tab ({what})")
        self.page.keyboard.press("Tab")

    def type(self, locator, text):
        """Typing into the field that has the focus: not an action."""
        expect(locator).to_be_focused()
        self.page.keyboard.type(text)

    def stop(self):
        """The journey is over: what follows (checks, other pages) is not counted."""
        # The page's reports of the last actions arrive with the next exchange with it.
        self.page.evaluate("() => null")
        self._counting = False

    @property
    def count(self):
        return len(self.actions)

    def check_counted_everything(self):
        """Every click, submitting key press and drop the page saw is one the test counted."""
        counted = [kind for kind, _ in self.actions if kind != "page load"]
        assert sorted(counted) == sorted(kind for kind, _ in self.seen), (
            f"counted {self.actions}, the page saw {self.seen}"
        )

    def describe(self):
        lines = [f"  {n}. {kind}: {what}" for n, (kind, what) in enumerate(self.actions, 1)]
        lines.append(f"  pages loaded on the way: {self.navigations}")
        if self.moves:
            lines.append(f"  not counted: {', '.join(self.moves)}")
        return "\n".join(lines)


def record(line, details):
    print(f"\n{line}\n{details}")
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with COUNTS_FILE.open("a", encoding="utf-8") as out:
        out.write(f"{line}\n{details}\n")


@pytest.fixture
def editor_page(browser, browser_context_args, base_url):
    context = browser.new_context(**browser_context_args | {"base_url": base_url})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(journey, account):
    page = journey.page
    journey.goto("/admin/login/")
    username = page.get_by_label("Username:")
    journey.type(username, account[0])
    journey.tab("to the password")
    journey.type(page.get_by_label("Password:"), account[1])
    journey.click(page.get_by_role("button", name="Log in"), "Log in", navigates=True)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def choose_autocomplete(journey, select_id, typed, option):
    page = journey.page
    box = page.locator(f"#{select_id} + .select2 .select2-selection")
    journey.click(box, f"the {select_id.removeprefix('id_')} box")
    journey.type(page.locator(".select2-container--open .select2-search__field"), typed)
    journey.click(page.locator(".select2-results__option", has_text=option), option)
    expect(page.locator(f"#select2-{select_id}-container")).to_have_text(re.compile(option))


def test_a_writer_files_a_story_with_a_credited_photo_and_an_editor_publishes_it(
    page, editor_page, demo, assert_accessible, screenshot
):
    COUNTS_FILE.unlink(missing_ok=True)

    # Journey A: the writer.
    writer = Journey(page)
    log_in(writer, WRITER)
    add = page.get_by_role("link", name="Add", exact=True).first
    writer.click(add, "Add article", navigates=True)
    expect(page.get_by_role("heading", name="Add article", level=1)).to_be_visible()
    headline = page.get_by_label("Headline:")
    writer.type(headline, HEADLINE)
    standfirst = page.get_by_label("Standfirst:")
    writer.click(standfirst, "the standfirst field")
    writer.type(standfirst, STANDFIRST)
    body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
    writer.click(body, "the body")
    writer.type(body, BODY)
    choose_autocomplete(writer, "id_section", "Pol", "Politics")

    picture = reuters_picture()
    writer.drop(page.locator("[data-drop-zone]"), picture, "KHJ_0412.jpg")
    dialog = page.get_by_role("dialog", name="Check the photo’s credit")
    expect(dialog.get_by_label("Credit", exact=True)).to_have_value(CREDIT)
    assert_accessible(page)
    screenshot(page, "photo-credit")
    alt_text = dialog.get_by_label("Alt text")
    writer.click(alt_text, "the alt text field")
    writer.type(alt_text, ALT_TEXT)
    writer.click(dialog.get_by_role("button", name="Add to story"), "Add to story")
    expect(dialog).to_be_hidden()
    expect(page.locator("#select2-id_lead_photo-container")).to_contain_text(CREDIT)
    assert_accessible(page)
    screenshot(page, "story-typed")

    # Saves what was typed, then submits it.
    writer.click(
        page.get_by_role("button", name="Submit for review"), "Submit for review", navigates=True
    )
    expect(page.locator(".messagelist")).to_contain_text("was saved and submitted for review")
    writer.stop()
    writer.check_counted_everything()

    story = Article.objects.get(headline=HEADLINE)
    assert story.status == Status.IN_REVIEW
    assert story.lead_photo.credit == CREDIT
    assert story.lead_photo.alt_text == ALT_TEXT
    assert story.section.name == "Politics"
    assert [author.name for author in story.bylines] == ["Will Writer"]
    record(f"writer: {writer.count} actions", writer.describe())
    assert_accessible(page)
    screenshot(page, "submitted")
    assert writer.count <= WRITER_TARGET, writer.describe()

    # Journey B: the editor, in a browser of their own.
    page = editor_page
    editor = Journey(page)
    log_in(editor, EDITOR)
    expect(page.get_by_role("heading", name="Story budget")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "budget")
    lane = page.get_by_role("region", name=re.compile("^In review"))
    card = lane.get_by_role("link", name=HEADLINE)
    editor.click(card, "the story in “In review”", navigates=True)
    expect(page.get_by_label("Headline:")).to_have_value(HEADLINE)
    assert_accessible(page)
    screenshot(page, "story-screen")
    editor.click(
        page.get_by_role("button", name="Approve and publish"),
        "Approve and publish",
        navigates=True,
    )
    expect(page.locator(".messagelist")).to_contain_text("was approved and published")
    editor.stop()
    editor.check_counted_everything()

    story.refresh_from_db()
    assert story.is_published
    trail = list(AuditEntry.objects.filter(article=story).order_by("at", "pk"))
    assert [(entry.action, entry.by.username) for entry in trail] == [
        ("submit", "writer"),
        ("approve", "editor"),
        ("publish", "editor"),
    ]
    record(f"editor: {editor.count} actions", editor.describe())
    screenshot(page, "published")

    # The story's history, where every saved version is kept, and one version beside the
    # story as it is now.
    page.get_by_role("link", name="Every saved version").click()
    versions = page.locator("#change-history")
    expect(versions).to_be_visible()
    assert_accessible(page)
    screenshot(page, "history")
    versions.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "version")
    assert editor.count <= EDITOR_TARGET, editor.describe()
