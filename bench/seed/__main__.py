"""`python -m bench.seed --stories N`: seed the empty database the settings name (DATABASE_URL,
migrated already) as `make bench` does, for a look at the archive it measures.

    DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python -m bench.seed
"""

import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5, help="Same seed, same stories.")
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument(
        "--jobs",
        type=int,
        help="PostgreSQL: streams written at once (default: one per CPU, two at most)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from bench.seed.fill import SeedRefused, fill

    try:
        fill(
            stories=args.stories,
            seed=args.seed,
            batch_size=args.batch_size,
            jobs=args.jobs,
            out=sys.stdout,
        )
    except SeedRefused as error:
        parser.exit(1, f"{error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
