"""Regenerate the README's screenshots from the demo content: `make screenshots`.

Serves the site from a throwaway SQLite database and media folder (never the development
database) with Django's development server on loopback, and photographs it with the system's
Chromium: the front page, a story page, the admin's story editor, and the desk as an editor
sees it: the story budget (the editors' home) and the story screen of the story in review,
with its side panel, then with the preview beside it.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STORY = "Port traffic rebounds as shipping costs fall"
EDITOR = ("editor", "newsroom-editor")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for(url, *, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def bottom_of(locator, margin=16):
    box = locator.bounding_box()
    return box["y"] + box["height"] + margin


def photograph(base, out):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-GB")

        page.goto(f"{base}/")
        page.screenshot(path=out / "front-page.png", full_page=True)

        page.goto(f"{base}/")
        page.get_by_role("link", name=STORY, exact=True).first.click()
        page.get_by_role("heading", name=STORY, level=1).wait_for()
        page.screenshot(path=out / "story.png", full_page=True)

        page.goto(f"{base}/admin/login/")
        page.get_by_label("Username:").fill(EDITOR[0])
        page.get_by_label("Password:").fill(EDITOR[1])
        page.get_by_role("button", name="Log in").click()
        # The editors' home: the budget, down to the end of its lanes.
        budget = page.locator("#content-main.budget")
        budget.wait_for()
        page.screenshot(
            path=out / "budget.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": bottom_of(budget)},
        )

        # The front editor, from the budget's shortcut: the live home page's areas whole.
        page.get_by_role("link", name="Arrange the home page").click()
        page.locator(".front-editor").first.wait_for()
        page.screenshot(path=out / "front-editor.png")  # its Save bar stays in view
        page.go_back()
        budget.wait_for()

        # The story waiting for review, as the editor opens it from its lane: the top of the
        # screen, the side panel beside it and the bar with its steps at the bottom.
        page.locator(".lane-in_review .budget-cards a").first.click()
        page.locator("#story-panel").wait_for()
        page.locator(".prose-editor .ProseMirror[contenteditable='true']").wait_for()
        page.screenshot(path=out / "story-screen.png")

        page.get_by_role("button", name="Preview", exact=True).click()
        page.frame_locator("#story-preview-frame").get_by_role("heading", level=1).wait_for()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=out / "story-preview.png")

        page.goto(f"{base}/admin/articles/article/")
        page.get_by_role("link", name=STORY, exact=True).click()
        body = page.locator(".prose-editor .ProseMirror[contenteditable='true']")
        body.wait_for()
        # The top of the form, down to the end of the rich-text body. A full-page picture
        # would draw the bar that stays in view over the body: it stays in its place here.
        page.add_style_tag(content=".story-bar { position: static; }")
        page.screenshot(
            path=out / "story-editor.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": bottom_of(body)},
        )
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        sys.exit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="newsroom-screenshots-") as tmp:
        env = os.environ | {
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "LOG_LEVEL": "WARNING",
        }
        manage("migrate", "--no-input", "--verbosity", "0", env=env)
        manage("load_demo", env=env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/")
            photograph(base, args.out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in sorted(args.out.glob("*.png")):
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
