"""The full-schema reader: every kind of object, a constant number of queries, value equality."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from safemigrations.db.schema import QUERY_COUNT, Index, compare_schemas, read_schema
from safemigrations.db.server import Server

DDL = """
CREATE TABLE parent (id bigserial PRIMARY KEY, code text UNIQUE);
CREATE TABLE child (
    id bigserial PRIMARY KEY, gone int, x int NOT NULL DEFAULT 1, note text,
    parent_id bigint REFERENCES parent ON DELETE CASCADE ON UPDATE SET NULL
        DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE child DROP COLUMN gone;
ALTER TABLE child ADD CONSTRAINT child_x_pos CHECK (x > 0) NOT VALID;
CREATE INDEX child_parent ON child (parent_id);
CREATE UNIQUE INDEX child_parent_x ON child (parent_id, x DESC) INCLUDE (note);
CREATE INDEX child_lower_note ON child (lower(note) text_pattern_ops) WHERE x > 1;
"""


@pytest.fixture
def conn(scratch_db: str, pg_server: Server) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg_server.conninfo(scratch_db), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connection.execute(DDL)
        yield connection


def test_reads_columns_constraints_and_indexes(conn: psycopg.Connection) -> None:
    schema = read_schema(conn.cursor(), ["child"])
    assert list(schema.tables) == ["child"]
    child = schema.tables["child"]
    assert [c.name for c in child.columns] == ["id", "x", "note", "parent_id"]
    x = child.column("x")
    assert x is not None
    assert x.not_null
    assert x.default == "1"
    assert x.type == "integer"
    (fk,) = child.foreign_keys
    assert (fk.referenced_table, fk.referenced_columns, fk.columns) == (
        "parent",
        ("id",),
        ("parent_id",),
    )
    assert (fk.on_delete, fk.on_update, fk.deferrable, fk.initially_deferred) == (
        "CASCADE",
        "SET NULL",
        True,
        True,
    )
    check = child.constraint("child_x_pos")
    assert check is not None
    assert not check.validated
    assert check.columns == ("x",)
    composite = child.index("child_parent_x")
    assert composite is not None
    assert composite.keys == ("parent_id", "x")
    assert composite.include == ("note",)
    assert composite.unique
    assert composite.options[1] != 0
    expression = child.index("child_lower_note")
    assert expression is not None
    assert expression.columns == (None,)
    assert expression.keys == ("lower(note) text_pattern_ops",) or expression.opclasses == (
        "text_pattern_ops",
    )
    assert expression.predicate == "(x > 1)"
    pkey = child.index("child_pkey")
    assert pkey is not None
    assert pkey.primary


def test_query_count_is_constant(conn: psycopg.Connection) -> None:
    for n in range(20):
        conn.execute(f"CREATE TABLE extra_{n} (id int PRIMARY KEY, p bigint REFERENCES parent)")
    counted: list[str] = []

    class Counting(psycopg.Cursor):  # type: ignore[type-arg]
        def execute(self, query, params=None, **kw):  # type: ignore[no-untyped-def,override]
            counted.append(str(query))
            return super().execute(query, params, **kw)

    schema = read_schema(Counting(conn))  # type: ignore[arg-type]
    assert len(schema.tables) == 22
    assert len(counted) == QUERY_COUNT == schema.queries
    extra = schema.tables["extra_7"]
    assert extra.foreign_keys[0].referenced_table == "parent"


def test_compare_with_and_without_names(conn: psycopg.Connection) -> None:
    before = read_schema(conn.cursor(), ["child"])
    conn.execute("ALTER INDEX child_parent RENAME TO child_parent_renamed")
    after = read_schema(conn.cursor(), ["child"])
    assert compare_schemas(before, after, names=False) == []
    named = compare_schemas(before, after)
    assert sorted(d.name or "" for d in named) == ["child_parent", "child_parent_renamed"]
    conn.execute("DROP INDEX child_lower_note")
    gone = compare_schemas(before, read_schema(conn.cursor(), ["child"]), names=False)
    assert len(gone) == 1
    assert isinstance(gone[0].left, Index)
    assert gone[0].right is None
