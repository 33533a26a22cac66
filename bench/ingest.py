"""Ingest throughput: 10,000 mixed wire files (text, ninjs, NITF, some broken) into a
throwaway SQLite database with `manage.py ingest --watch --once`, then a restart mid-run.

    .venv/bin/python -m bench.ingest [--files 10000]

Prints files per second and, after killing an ingest mid-run and starting it again, how many
stories each identity has (always one) and where every file ended up.
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Story {n} headline\n\nBy Jane Doe\n\nSEOUL (Reuters) - Paragraph of story {n}.\n\nMore.\n"
NITF = (
    '<nitf><head><docdata><doc-id regsrc="Reuters" id-string="nitf-{n}"/>'
    '<doc.copyright year="2025" holder="Reuters"/></docdata></head><body><body.head>'
    "<hedline><hl1>NITF story {n}</hl1></hedline></body.head><body.content><p>Text {n}.</p>"
    "</body.content></body></nitf>"
)


def ninjs(n):
    return json.dumps(
        {
            "uri": f"urn:bench:{n}",
            "headlines": [{"role": "main", "value": f"ninjs story {n}"}],
            "bodies": [{"contentType": "text/html", "value": f"<p>Text {n}.</p>"}],
            "by": "Ann Poe",
            "subjects": [{"name": "Bench"}],
        }
    )


def write_files(folder, count):
    """Four in ten plain text, three ninjs, two NITF, one broken (each kind in turn)."""
    broken = 0
    for n in range(count):
        kind = n % 10
        if kind < 4:
            (folder / f"{n:05}.txt").write_text(TEXT.format(n=n))
        elif kind < 7:
            (folder / f"{n:05}.json").write_text(ninjs(n))
        elif kind < 9:
            (folder / f"{n:05}.xml").write_text(NITF.format(n=n))
        else:
            (folder / f"{n:05}.json").write_text("{broken")
            broken += 1
    return count - broken, broken


def run(env, feed, *, kill_after=None):
    command = [sys.executable, "manage.py", "ingest", "--watch", str(feed), "--once"]
    command += ["--settle", "0"]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    if kill_after is not None:
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)  # no warning: a crash, a power cut
    out, _ = process.communicate()
    return time.monotonic() - started, out.decode().strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        database = tmp / "db.sqlite3"
        env = os.environ | {
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{database}",
            "MEDIA_ROOT": str(tmp / "media"),
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        feed = tmp / "feed"
        feed.mkdir()
        good, broken = write_files(feed, options.files)
        seconds, out = run(env, feed)
        print(f"{options.files:,} files in {seconds:.1f} s: {options.files / seconds:,.0f} files/s")
        print(f"  {out}")

        # Again into a fresh feed, killed a few seconds in, then started again.
        restart = tmp / "restart"
        restart.mkdir()
        write_files(restart, options.files // 10)
        killed, _ = run(env, restart, kill_after=max(2.0, seconds / 40))
        left = len([p for p in restart.iterdir() if p.is_file()])
        print(f"killed after {killed:.1f} s with {left:,} files still to decide")
        _, out = run(env, restart)
        print(f"  restarted: {out}")
        rows = sqlite3.connect(database).execute(
            "SELECT wire_feed, COUNT(*), COUNT(DISTINCT wire_key) FROM articles_article "
            "GROUP BY wire_feed"
        )
        for feed_name, stories, keys in rows:
            print(f"  feed {feed_name}: {stories:,} stories, {keys:,} identities")
        done = len(list((restart / "done").iterdir()))
        refused = len([p for p in (restart / "refused").iterdir() if p.suffix != ".txt"])
        print(f"  restart feed: {done:,} done, {refused:,} refused")
        print(f"first run: {good:,} good and {broken:,} broken files")


if __name__ == "__main__":
    main()
