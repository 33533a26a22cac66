import logging
import signal
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, DataError, close_old_connections

from articles.wire.files import import_file, reason
from articles.wire.formats import SUFFIXES
from articles.wire.importer import WireIdentity, WireRefused
from articles.wire.inbox import Inbox
from articles.wire.parser import WireError

logger = logging.getLogger("articles.ingest")


class Command(BaseCommand):
    help = (
        "Watch feed folders and import each wire file partners drop there (plain text, IPTC "
        "ninjs, NITF) once, moving it to done/ or refused/ (with <name>.reason.txt) after."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--watch",
            nargs="+",
            type=Path,
            required=True,
            metavar="DIR",
            help="Feed folders; each folder's name is its feed.",
        )
        parser.add_argument(
            "--once", action="store_true", help="Decide what is there now, then stop."
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between looks (default 2)."
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=2.0,
            help="Seconds a file must stay unchanged before it is read (default 2): a file "
            "still being copied in is left for later. Renamed-into-place files need none.",
        )

    def handle(self, *args, watch, once, interval, settle, **options):
        for folder in watch:
            if not folder.is_dir():
                raise CommandError(f"{folder}: not a folder")
        inboxes = [Inbox(folder.resolve(), settle=settle) for folder in watch]
        self.stopping = False
        if not once:
            # systemd stops the service with SIGTERM: finish the file in hand, then stop.
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        outcomes = Counter()
        logger.info("watching %s", ", ".join(str(inbox.folder) for inbox in inboxes))
        while not self.stopping:
            for inbox in inboxes:
                for path in inbox.ready():
                    if self.stopping:
                        break
                    outcomes[decide(inbox, path)] += 1
            if once:
                break
            time.sleep(interval)
            # Between passes, as Django does between requests: a connection the database
            # dropped meanwhile (overnight, a restart) is opened afresh.
            close_old_connections()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(f"{sum(outcomes.values())} files: {summary or 'nothing to do'}")

    def stop(self, signum, frame):
        logger.info("stopping after the file in hand")
        self.stopping = True


def decide(inbox, path):
    """Import one file and set it aside; what happened. Never raises for a bad file."""
    try:
        if not inbox.is_wire_file(path):
            raise WireRefused(f"not a wire format we read ({', '.join(SUFFIXES)})")
        identity = WireIdentity.of_file(path)
        outcome, headline = import_file(path, identity=identity)
    except (WireRefused, WireError) as error:
        return _refuse(inbox, path, str(error))
    except DataError as error:
        # A value the database cannot hold is the file's, not the database's: tried again, it
        # would fail again on every look, for ever.
        return _refuse(inbox, path, reason(error))
    except DatabaseError as error:
        # Most likely the database is away: left in place to be tried again.
        logger.error("retrying later %s: %s", path, reason(error))
        return "retrying"
    except FileNotFoundError:
        logger.warning("gone %s: taken away before it was read", path)
        return "gone"
    except OSError as error:
        return _refuse(inbox, path, reason(error))
    except Exception as error:
        # A fault of ours, not the partner's; one file must not stop the feed.
        logger.exception("refused %s: unexpected error", path)
        return _refuse(inbox, path, f"could not be imported ({type(error).__name__}: {error})")
    moved = _set_aside(inbox.done, path)
    logger.info("%s %s → %s: %s", outcome, path, moved, headline)
    return outcome


def _refuse(inbox, path, why):
    moved = _set_aside(inbox.refuse, path, why)
    logger.warning("refused %s → %s: %s", path, moved, why)
    return "refused"


def _set_aside(move, path, *args):
    try:
        return move(path, *args)
    except OSError as error:
        # Decided all the same: the next look finds it again, and the import is unchanged.
        logger.error("could not move %s aside: %s", path, error.strerror or error)
        return path
