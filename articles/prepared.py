"""Querysets compiled to SQL once per worker, then run again with new values.

Django builds and compiles a queryset's SQL afresh each time it runs. For the reader's
hottest queries that took far longer than the database took to answer them: the story page's
lookup of a story by its address took 0.77 ms to build and compile on SQLite and 0.065 ms to
run, its related stories 1.8 ms and 0.3 ms. A prepared query is an ordinary queryset in
which what changes between runs is a `Param`; it is compiled the first time it runs on a
database and only run after that. Its results are the ORM's own (model instances with their
select_related objects, or rows), made by the same iterables.

On PostgreSQL, with parameters bound on the server (the settings' default), it is also a
prepared statement there: parsed and planned once per connection, not on every request.
"""

import contextlib
import copy
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression


class Param(Expression):
    """A value given each time a prepared query runs, by name.

    It stands where a plain value would in a comparison (`exact`, `lt`, `gte`, ...): lookups
    that rewrite their value (`in`, `contains`, `isnull`) cannot take one, nor can None be
    given (`= NULL` matches nothing).
    """

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        # The Param itself holds its place among the parameters until the query runs.
        return "%s", [self]


@dataclass(frozen=True)
class _Compiled:
    queryset: object
    compiler: object
    sql: str
    params: tuple
    # How each column's value is read back: a matter of the backend and the field alone.
    converters: dict


class Prepared:
    """A query built by `build(*shape)`, compiled once per database and shape.

    `shape` is what changes the SQL itself (how many tags a story has, say); `values` fill
    its Params. Calling it returns the results as a list, as `list(queryset)` would.
    """

    def __init__(self, build):
        self.build = build
        self._compiled = {}

    def __call__(self, *shape, using=DEFAULT_DB_ALIAS, **values):
        compiled = self._compiled.get((using, shape))
        if compiled is None:
            compiled = self._compiled[using, shape] = self._compile(shape, using)
        if compiled.sql is None:
            return []  # the query can match nothing, whatever its values
        connection = connections[using]
        params = tuple(
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Param)
            else param
            for param in compiled.params
        )
        compiler = copy.copy(compiled.compiler)
        # The connection this thread uses, not the one the query was compiled on.
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        compiler.get_converters = lambda expressions: compiled.converters
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        with _planned_once(connection):
            return list(queryset)

    def _compile(self, shape, using):
        queryset = self.build(*shape).using(using)
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(queryset, compiler, None, (), {})
        columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        return _Compiled(queryset, compiler, sql, tuple(params), compiler.get_converters(columns))


@contextlib.contextmanager
def _planned_once(connection):
    """The query run inside is prepared on the database server, when the connection binds its
    parameters there (PostgreSQL, server_side_binding): planning was most of the story page's
    time in PostgreSQL (2.2 ms a page unprepared, 1.5 ms prepared).

    Only prepared queries: their shape is fixed and one plan suits every value (a story by its
    address, the newest stories). Not search, whose best plan depends on its words: with one
    plan kept for all of them, the bench's search took 16 ms instead of 10.
    """
    if not getattr(connection.features, "uses_server_side_binding", False):
        yield
        return
    # The connection the query will run on: checked and opened now, as a cursor would.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    psycopg = connection.connection
    threshold, psycopg.prepare_threshold = psycopg.prepare_threshold, 0  # from the first run
    try:
        yield
    finally:
        psycopg.prepare_threshold = threshold
