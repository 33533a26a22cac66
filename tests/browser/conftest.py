"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Tools come from the machine, never downloaded by the tests: Chromium (`apt-get install chromium`),
Java for the Nu HTML Checker, and the npm packages in package.json, which `make test` installs
into node_modules/. A missing tool fails the tests with what to install; it is never a skip.
"""

import io
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from articles.models import Article

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No sandbox: CI runs as root in a container. The rest keeps Chromium from phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def missing(what, how):
    pytest.fail(f"{what} is missing: {how}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in the main thread from its start to the
    # end of the session, and Django refuses ORM calls from a thread with a running loop. The
    # tests' own queries and the live server's database setup and flushes are all synchronous.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def playwright(playwright, django_db_blocker):
    # While Playwright's loop runs, Django keeps this thread's database connections in another,
    # context-local store (asgiref's Local): the connections opened from then on are not the
    # ones pytest-django closes before it drops the test database, and PostgreSQL refuses to
    # drop a database still in use. Close them while the loop still runs.
    yield playwright
    with django_db_blocker.unblock():
        connections.close_all()


# Typed into the login form by the tests that sign in as a person does.
PASSWORD = "typed-into-the-login-form"


@pytest.fixture
def log_in():
    """Sign in on the admin's login page, as a person does: `log_in(page, editor)`."""

    def sign_in(page, user):
        user.set_password(PASSWORD)
        user.save()
        page.goto("/admin/login/")
        page.get_by_label("Username:").fill(user.username)
        page.get_by_label("Password:").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    return sign_in


@pytest.fixture
def strict_page(browser, base_url):
    """A page that keeps the Content-Security-Policy (the others bypass it for axe-core), and
    notes every violation the browser reports."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.violations.append(message.text)
        ),
    )
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    # live_server serves static files under their plain names, not the hashed production ones.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    # Logins are part of the journeys; a deliberately slow hash only slows the tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing(
            f"Chromium ({CHROMIUM})",
            "install Debian's package (apt-get install -y chromium) or set CHROMIUM to its path. "
            "Never `playwright install`: the tests use the system browser.",
        )
    return browser_type_launch_args | {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server):
    # page.goto("/") reaches the live server. Defined here rather than by pytest-playwright's
    # fallback fixture, which pytest 9 deprecates (a session fixture on an instance method).
    # The test database comes first: the live server shares an in-memory SQLite connection
    # only if it already points at the test database when the server starts.
    one_request_at_a_time(live_server.thread.httpd)
    return live_server.url


def one_request_at_a_time(server):
    """The live server answers in threads, all on the one shared SQLite connection: the story
    screen's background requests (autosave, the checklist, the lock) meeting a Save made it
    fail with "bad parameter or other API misuse". Production has a connection per thread."""
    app, lock = server.get_app(), threading.Lock()

    def serial(environ, start_response):
        with lock:
            return app(environ, start_response)

    server.set_app(serial)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # bypass_csp: axe-core is injected as a script, which a Content-Security-Policy would block.
    return browser_context_args | {
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "bypass_csp": True,
    }


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def demo(db):
    """The demo content a newcomer sees: five sections, four authors, photos with credits."""
    call_command("load_demo", stdout=io.StringIO())
    story = Article.objects.get(slug="port-traffic-rebounds")
    return SimpleNamespace(
        story=story,
        photo=story.lead_photo,
        section=story.section,
        # Appears only in this story's body: what a reader who remembers it would search for.
        search_word="freight",
    )


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot into test-artifacts/browser/<test>/, numbered in order."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    numbers = itertools.count(1)

    def take(page, name):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{next(numbers):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """Run axe-core's WCAG 2.1 A/AA rules on a page and return every violation."""
    if not AXE_JS.is_file():
        missing(f"axe-core ({AXE_JS})", "run `make test`, which installs node_modules/ (npm ci).")

    def run(page):
        page.add_script_tag(path=str(AXE_JS))
        return page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(result => result.violations)",
            AXE_TAGS,
        )

    return run


@pytest.fixture
def assert_accessible(axe):
    """Fail on serious or critical violations; the message lists all of them, minor ones too."""

    def check(page):
        violations = axe(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, (
            f"axe-core found {len(blocking)} serious or critical violation(s) on {page.url}:\n"
            + describe_violations(violations)
        )

    return check


@pytest.fixture
def assert_valid_html(tmp_path):
    """Validate several HTML documents in one run of the Nu HTML Checker (Java starts once).

    Takes {name: html}; fails listing every error of every document.
    """
    java = shutil.which("java")
    if java is None:
        missing("Java", "the Nu HTML Checker needs it (apt-get install -y default-jre-headless).")
    if not VNU_JAR.is_file():
        missing(f"vnu-jar ({VNU_JAR})", "run `make test`, which installs node_modules/ (npm ci).")

    def check(documents):
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            path = tmp_path / f"page-{number:02d}.html"
            path.write_text(html, encoding="utf-8")
            names[str(path)] = name
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *names],
            capture_output=True,
            text=True,
            timeout=120,
        )
        try:
            messages = json.loads(result.stdout)["messages"]
        except ValueError:
            pytest.fail(f"The Nu HTML Checker did not answer in JSON:\n{result.stderr}")
        errors = [
            f"- {names.get(message.get('url', '').removeprefix('file:'), 'the checker')}, "
            f"line {message.get('lastLine', '?')}: {message['message']}\n"
            f"    …{message.get('extract', '').strip()}…"
            for message in messages
        ]
        assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)

    return check
