"""Rows into tables fast, for the bench's seeding: COPY on PostgreSQL, long executemany batches
on other databases. Rows are dictionaries keyed by attname; every column the model declares is
written, with the model's default where a row says nothing, so a field added later needs
nothing here.

Everything goes through `django.db.connection`, which is the calling thread's own connection.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, transaction


class Table:
    """A model's table as bulk insertion sees it: its columns, and each row's values in order.

    The primary key is the database's to choose unless `with_pk`.
    """

    def __init__(self, model, *, with_pk=False):
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.generated and (with_pk or not field.primary_key)
        ]
        self.name = model._meta.db_table
        self.columns = [field.column for field in fields]
        self.defaults = {
            field.attname: field.get_db_prep_save(field.get_default(), connection)
            for field in fields
        }
        # What the driver cannot take as it is: aware datetimes, on SQLite.
        adapt = connection.ops.adapt_datetimefield_value
        sample = datetime.now(UTC)
        self.adapted = [
            (position, adapt)
            for position, field in enumerate(fields)
            if field.get_internal_type() == "DateTimeField" and adapt(sample) is not sample
        ]

    def values(self, row):
        values = [row.get(name, default) for name, default in self.defaults.items()]
        for position, adapt in self.adapted:
            values[position] = adapt(values[position])
        return values


def insert(table, rows):
    """Write `rows` (dictionaries) into `table`."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in table.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows: no statement to parse or plan per row, no round trips.
            with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(table.values(row))
        else:
            placeholders = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})",
                [table.values(row) for row in rows],
            )


def reset_sequences(models):
    """Primary keys chosen by the loader: the next one the database picks must follow them."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@contextlib.contextmanager
def indexes_set_aside(tables, *, jobs=1):
    """Drop the tables' plain indexes for the load, then build them again exactly as they were,
    in `jobs` connections at once.

    Building an index once over a million rows is much cheaper than growing it a row at a
    time. Indexes behind constraints (primary keys, unique slugs) stay: they guard the load.
    PostgreSQL only; elsewhere nothing is set aside.
    """
    if connection.vendor != "postgresql":
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
            FROM pg_index AS index
            JOIN pg_class ON pg_class.oid = index.indexrelid
            JOIN pg_am ON pg_am.oid = pg_class.relam
            WHERE index.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (
                SELECT FROM pg_constraint WHERE pg_constraint.conindid = index.indexrelid
              )
            -- The slowest to build first (the search index), so that the others fill the time.
            ORDER BY pg_am.amname = 'btree', 1
            """,
            [tables],
        )
        definitions = cursor.fetchall()
        settle_deferred_checks(cursor)
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield [name for name, _definition in definitions]
    finally:
        rebuild([definition for _name, definition in definitions], jobs=jobs)


def rebuild(definitions, *, jobs):
    def build(statements):
        with connection.cursor() as cursor:
            # Sorting a million rows in memory rather than in many passes over temporary files.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            settle_deferred_checks(cursor)
            for statement in statements:
                cursor.execute(statement)

    share_out(definitions, build, jobs=jobs)


def settle_deferred_checks(cursor):
    """Run the foreign key checks a transaction has put off until its commit: PostgreSQL builds
    no index on a table that still has some pending (a test's transaction, say)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def share_out(tasks, work, *, jobs):
    """Call `work(tasks)` in a transaction; with several jobs, in as many threads, each with
    its own connection, sharing the tasks out as they go."""
    if jobs == 1:
        with transaction.atomic():
            work(iter(tasks))
        return
    remaining = iter(tasks)
    lock = threading.Lock()
    done = object()
    stop = threading.Event()

    def claim():
        with lock:
            return done if stop.is_set() else next(remaining, done)

    def run():
        try:
            with transaction.atomic():
                work(iter(claim, done))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run) for _ in range(jobs)]
        try:
            for future in futures:
                future.result()
        except BaseException:
            # A failed thread or Ctrl-C: the others finish the task in hand and take no more.
            stop.set()
            raise


def analyze():
    """Give the planner real statistics, and PostgreSQL a visibility map for index-only scans."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
