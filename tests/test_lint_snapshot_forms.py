"""The catalog snapshot reads every index and constraint form Django and PostgreSQL can create.

Each case creates one form on a real PostgreSQL (in a transaction rolled back afterwards) and
reads the snapshot the Django side reads before a migration: the read must not fail (a failing
read made the replay report the migration as failing) and must describe the index the way the
foreign-key rule needs it (key columns in order, ``""`` for an expression, partial or not).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.lint.snapshot import IndexInfo, Snapshot, read_snapshot

TABLES = (
    "CREATE TABLE site (id bigint PRIMARY KEY);"
    "CREATE TABLE t (id bigint PRIMARY KEY, site_id bigint REFERENCES site (id), "
    "name varchar(100), active boolean, doc jsonb, during tsrange, created timestamptz);"
)


@pytest.fixture(scope="module")
def conn(pg_server: Server) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with (
        scratch_database("snapshot_forms", pg_server) as db,
        psycopg.connect(pg_server.conninfo(db), autocommit=True) as connection,
    ):
        connection.execute(TABLES)
        yield connection


def snapshot_with(conn: psycopg.Connection[tuple[object, ...]], ddl: str) -> Snapshot:
    """The snapshot read right after ``ddl`` ran, inside the same (rolled-back) transaction, as
    the replay reads it mid-migration."""
    conn.execute("BEGIN")
    try:
        conn.execute(ddl)
        with conn.cursor() as cur:
            return read_snapshot(cur)
    finally:
        conn.execute("ROLLBACK")


def index(snap: Snapshot, name: str) -> IndexInfo:
    (found,) = [i for i in snap.indexes if i.name == name]
    return found


# (ddl, index name, key columns, partial)
INDEX_FORMS = {
    # Django: UniqueConstraint(Lower("name"), "site", condition=Q(active=True))
    "expression-first partial unique": (
        'CREATE UNIQUE INDEX "x" ON t (lower(name), site_id) WHERE active',
        ("", "site_id"),
        True,
    ),
    "expression-first, IS NOT NULL predicate": (
        'CREATE INDEX "x" ON t (lower(name)) WHERE name IS NOT NULL',
        ("",),
        True,
    ),
    "expression in the middle": (
        'CREATE INDEX "x" ON t (site_id, lower(name), id)',
        ("site_id", "", "id"),
        False,
    ),
    "leading column IS NOT NULL": (
        'CREATE INDEX "x" ON t (site_id) WHERE site_id IS NOT NULL',
        ("site_id",),
        False,
    ),
    "other predicate": ('CREATE INDEX "x" ON t (site_id) WHERE id > 5', ("site_id",), True),
    "INCLUDE columns": (
        'CREATE INDEX "x" ON t (site_id) INCLUDE (name, created)',
        ("site_id",),
        False,
    ),
    "opclass": ('CREATE INDEX "x" ON t (name varchar_pattern_ops)', ("name",), False),
    "collation": ('CREATE INDEX "x" ON t (name COLLATE "C")', ("name",), False),
    "descending, nulls first": (
        'CREATE INDEX "x" ON t (site_id DESC NULLS FIRST)',
        ("site_id",),
        False,
    ),
    "GiST": ('CREATE INDEX "x" ON t USING gist (during)', ("during",), False),
    "GIN on an expression": (
        "CREATE INDEX \"x\" ON t USING gin (to_tsvector('english', name))",
        ("",),
        False,
    ),
    "GIN jsonb_path_ops": ('CREATE INDEX "x" ON t USING gin (doc jsonb_path_ops)', ("doc",), False),
    "BRIN": ('CREATE INDEX "x" ON t USING brin (created)', ("created",), False),
    "hash": ('CREATE INDEX "x" ON t USING hash (name)', ("name",), False),
    "quoted mixed-case column": (
        'ALTER TABLE t ADD COLUMN "Odd Name" bigint; CREATE INDEX "x" ON t ("Odd Name") '
        'WHERE "Odd Name" IS NOT NULL',
        ("Odd Name",),
        False,
    ),
    "unique constraint, deferrable": (
        'ALTER TABLE t ADD CONSTRAINT "x" UNIQUE (site_id, name) DEFERRABLE INITIALLY DEFERRED',
        ("site_id", "name"),
        False,
    ),
    "unique constraint with INCLUDE": (
        'ALTER TABLE t ADD CONSTRAINT "x" UNIQUE (name) INCLUDE (site_id)',
        ("name",),
        False,
    ),
    "exclusion constraint": (
        'ALTER TABLE t ADD CONSTRAINT "x" EXCLUDE USING gist (during WITH &&) WHERE (active)',
        ("during",),
        True,
    ),
    "exclusion constraint on an expression": (
        'ALTER TABLE t ADD CONSTRAINT "x" EXCLUDE USING gist (tsrange(lower(during), '
        "upper(during) + interval '1 day') WITH &&)",
        ("",),
        False,
    ),
}


@pytest.mark.parametrize("form", list(INDEX_FORMS))
def test_snapshot_reads_index_form(conn, form: str) -> None:  # type: ignore[no-untyped-def]
    ddl, columns, partial = INDEX_FORMS[form]
    snap = snapshot_with(conn, ddl)
    found = index(snap, "x")
    assert found.table == "t"
    assert found.columns == columns
    assert found.partial is partial


def test_snapshot_reads_nulls_not_distinct(conn, pg_server: Server) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL 15+: ``UniqueConstraint(..., nulls_distinct=False)``."""
    ddl = 'ALTER TABLE t ADD CONSTRAINT "x" UNIQUE NULLS NOT DISTINCT (site_id, name)'
    if pg_server.version_num() < 150000:
        with pytest.raises(psycopg.errors.SyntaxError):
            snapshot_with(conn, ddl)
        return
    assert index(snapshot_with(conn, ddl), "x").columns == ("site_id", "name")


def test_snapshot_reads_partitioned_tables_and_their_indexes(conn) -> None:  # type: ignore[no-untyped-def]
    snap = snapshot_with(
        conn,
        "CREATE TABLE ev (id bigint, at date, site_id bigint) PARTITION BY RANGE (at);"
        "CREATE TABLE ev_2026 PARTITION OF ev FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
        'CREATE INDEX "x" ON ev ((site_id + 1), site_id) WHERE at IS NOT NULL',
    )
    assert index(snap, "x").columns == ("", "site_id")
    assert index(snap, "x").partial is True
    assert {"ev", "ev_2026"} <= set(snap.columns)


def test_snapshot_reads_constraint_forms(conn) -> None:  # type: ignore[no-untyped-def]
    snap = snapshot_with(
        conn,
        "CREATE TABLE pair (a bigint, b bigint, PRIMARY KEY (a, b));"
        "ALTER TABLE t ADD COLUMN pa bigint, ADD COLUMN pb bigint;"
        'ALTER TABLE t ADD CONSTRAINT "fk_pair" FOREIGN KEY (pa, pb) REFERENCES pair (a, b) '
        "ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;"
        'ALTER TABLE t ADD CONSTRAINT "chk_const" CHECK (1 > 0);'
        "ALTER TABLE t ADD CONSTRAINT \"chk_expr\" CHECK (lower(name) <> '' OR site_id > 0);"
        'ALTER TABLE t ADD CONSTRAINT "chk_not_valid" CHECK (id > 0) NOT VALID;',
    )
    (pair,) = [fk for fk in snap.foreign_keys if fk.name == "fk_pair"]
    assert (pair.table, pair.columns, pair.referenced, pair.referenced_columns) == (
        "t",
        ("pa", "pb"),
        "pair",
        ("a", "b"),
    )
    checks = {name: cols for _t, name, cols in snap.checks}
    assert checks["chk_const"] == ()
    assert set(checks["chk_expr"]) == {"name", "site_id"}
    assert "chk_not_valid" not in checks  # re-checked by nothing until validated
