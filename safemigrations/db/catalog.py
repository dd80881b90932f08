"""Read PostgreSQL's catalogs: constraints, indexes, columns and locks of a table.

This is the one place that knows the catalog queries. Operations use it to find real names and
detect half-done states; tests use it to assert what the database really holds. Every function
takes a DB-API cursor (a Django cursor or a psycopg one: both accept ``%s`` parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Cursor(Protocol):
    """What the catalog readers need from a cursor (Django's and psycopg's both fit)."""

    def execute(self, sql: Any, params: Any = ...) -> Any: ...

    def fetchall(self) -> Any: ...

    def fetchone(self) -> Any: ...


# pg_constraint.confdeltype / confupdtype codes.
FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}

CONSTRAINT_TYPES = {
    "c": "check",
    "f": "foreign key",
    "p": "primary key",
    "u": "unique",
    "t": "trigger",
    "x": "exclusion",
    "n": "not null",
}


@dataclass(frozen=True)
class Constraint:
    """One row of ``pg_constraint`` for a table, decoded."""

    name: str
    type: str  # one of CONSTRAINT_TYPES values
    validated: bool
    columns: tuple[str, ...]
    definition: str
    referenced_table: str | None = None
    referenced_columns: tuple[str, ...] = ()
    on_delete: str | None = None  # FK only: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
    deferrable: bool = False
    initially_deferred: bool = False
    index: str | None = None  # the index backing a unique / primary key constraint


@dataclass(frozen=True)
class Index:
    """One index of a table, from ``pg_index`` / ``pg_indexes``."""

    name: str
    columns: tuple[str | None, ...]  # None for an expression element
    unique: bool
    primary: bool
    valid: bool
    ready: bool
    definition: str
    predicate: str | None
    constraint: str | None  # name of the constraint that owns the index, if any


@dataclass(frozen=True)
class Column:
    """One column of a table, from ``pg_attribute``."""

    name: str
    type: str
    not_null: bool
    default: str | None


@dataclass(frozen=True)
class HeldLock:
    """One row of ``pg_locks`` for a backend, on a relation or another lockable object."""

    locktype: str
    relation: str | None
    mode: str
    granted: bool


def _regclass(table: str) -> str:
    """Quote a table name for a ``::regclass`` cast unless the caller already did."""
    if table.startswith('"') or "." in table:
        return table
    return '"' + table.replace('"', '""') + '"'


def table_exists(cursor: Cursor, table: str) -> bool:
    """True when ``table`` (a plain name, quoted as needed) exists in the search path."""
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [_regclass(table)])
    return bool(cursor.fetchone()[0])


def constraints(cursor: Cursor, table: str) -> dict[str, Constraint]:
    """All constraints of ``table`` by name."""
    cursor.execute(
        """
        SELECT c.conname, c.contype, c.convalidated,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                     ORDER BY k.i)::text[],
               pg_get_constraintdef(c.oid),
               CASE WHEN c.confrelid <> 0 THEN c.confrelid::regclass::text END,
               ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                     ORDER BY k.i)::text[],
               c.confdeltype, c.condeferrable, c.condeferred,
               CASE WHEN c.conindid <> 0 THEN c.conindid::regclass::text END
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass
        ORDER BY c.conname
        """,
        [_regclass(table)],
    )
    result = {}
    for row in cursor.fetchall():
        name, contype, validated, cols, definition, ref, refcols, deltype, defer, deferred, idx = (
            row
        )
        result[name] = Constraint(
            name=name,
            type=CONSTRAINT_TYPES.get(contype, contype),
            validated=bool(validated),
            columns=tuple(cols or ()),
            definition=definition,
            referenced_table=_unquote(ref),
            referenced_columns=tuple(refcols or ()),
            on_delete=FK_ACTIONS.get(deltype) if contype == "f" else None,
            deferrable=bool(defer),
            initially_deferred=bool(deferred),
            index=_unquote(idx),
        )
    return result


@dataclass(frozen=True)
class ForeignKeyAction:
    """A foreign key's name, table and ``pg_constraint.confdeltype`` code (see ``FK_ACTIONS``)."""

    name: str
    table: str
    action: str


def foreign_keys_named(cursor: Cursor, names: list[str]) -> list[ForeignKeyAction]:
    """The foreign keys called one of ``names`` (any table on the search path), with the ON
    DELETE action code of each: what a ``DROP CONSTRAINT`` is about to lose."""
    cursor.execute(
        "SELECT conname, conrelid::regclass::text, confdeltype FROM pg_constraint "
        "WHERE contype = 'f' AND conname = ANY(%s)",
        [names],
    )
    return [ForeignKeyAction(r[0], r[1].strip('"'), r[2]) for r in cursor.fetchall()]


def indexes(cursor: Cursor, table: str) -> dict[str, Index]:
    """All indexes of ``table`` by name, including INVALID ones left by a failed concurrent build."""
    cursor.execute(
        """
        SELECT ic.relname,
               ARRAY(SELECT CASE WHEN k.n = 0 THEN NULL ELSE a.attname END
                     FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                     ORDER BY k.o)::text[],
               i.indisunique, i.indisprimary, i.indisvalid, i.indisready,
               pg_get_indexdef(i.indexrelid),
               pg_get_expr(i.indpred, i.indrelid),
               (SELECT conname FROM pg_constraint c WHERE c.conindid = i.indexrelid
                  AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x') LIMIT 1)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass
        ORDER BY ic.relname
        """,
        [_regclass(table)],
    )
    return {
        row[0]: Index(
            name=row[0],
            columns=tuple(row[1] or ()),
            unique=bool(row[2]),
            primary=bool(row[3]),
            valid=bool(row[4]),
            ready=bool(row[5]),
            definition=row[6],
            predicate=row[7],
            constraint=row[8],
        )
        for row in cursor.fetchall()
    }


def columns(cursor: Cursor, table: str) -> dict[str, Column]:
    """All live columns of ``table`` by name, with their SQL type and nullability."""
    cursor.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        [_regclass(table)],
    )
    return {
        row[0]: Column(name=row[0], type=row[1], not_null=bool(row[2]), default=row[3])
        for row in cursor.fetchall()
    }


def locks_held(cursor: Cursor, pid: int) -> list[HeldLock]:
    """Locks held or awaited by backend ``pid`` on relations and other objects, from ``pg_locks``.

    The backend's own virtualxid/transactionid locks are left out: they say nothing about tables.
    """
    cursor.execute(
        """
        SELECT l.locktype,
               CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END,
               l.mode, l.granted
        FROM pg_locks l
        WHERE l.pid = %s AND l.locktype NOT IN ('virtualxid', 'transactionid')
        ORDER BY 2 NULLS LAST, 3
        """,
        [pid],
    )
    return [
        HeldLock(locktype=r[0], relation=_unquote(r[1]), mode=r[2], granted=bool(r[3]))
        for r in cursor.fetchall()
    ]


#: Lock modes that block writes on a table (a scan under one of them blocks writes throughout).
WRITE_BLOCKING_MODES = frozenset(
    {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
)


def own_write_blocking_locks(cursor: Cursor, table: str) -> set[str]:
    """The write-blocking lock modes this session's own backend holds on ``table``."""
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    held = {
        lock.mode for lock in locks_held(cursor, pid) if lock.relation == table and lock.granted
    }
    return held & WRITE_BLOCKING_MODES


def relfilenode(cursor: Cursor, table: str) -> int:
    """The table's current storage file number: it changes when the table is rewritten."""
    cursor.execute("SELECT pg_relation_filenode(%s::regclass)", [_regclass(table)])
    return int(cursor.fetchone()[0])


def _unquote(name: str | None) -> str | None:
    if name and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


@dataclass(frozen=True)
class Relation:
    """A relation of the search path: its ``relkind`` and current storage file number."""

    name: str
    kind: str  # pg_class.relkind: r table, p partitioned table, i index, m matview, ...
    filenode: int | None


def relations(cursor: Cursor) -> dict[str, Relation]:
    """Every table, index, sequence and materialized view in the search path, by name.

    Comparing two snapshots taken around a statement on the statement's own connection tells
    which relations it rewrote (the file number changed) and which it created.
    """
    cursor.execute(
        """
        SELECT c.relname, c.relkind::text, pg_relation_filenode(c.oid)
        FROM pg_class c
        WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm', 'S', 't') AND c.relnamespace = ANY(
            SELECT oid FROM pg_namespace WHERE nspname = ANY(current_schemas(false)))
        """
    )
    return {
        row[0]: Relation(name=row[0], kind=row[1], filenode=None if row[2] is None else int(row[2]))
        for row in cursor.fetchall()
    }


@dataclass(frozen=True)
class TableSize:
    """A table's estimated row count and total size (heap, indexes and TOAST), as the planner's
    statistics say; a partitioned table counts its partitions."""

    schema: str
    table: str
    rows: int
    total_bytes: int


_TABLE_SIZES = """
SELECT n.nspname::text, c.relname::text,
       CASE WHEN c.relkind = 'p' THEN
         (SELECT COALESCE(sum(GREATEST(p.reltuples, COALESCE(ps.n_live_tup, 0), 0)), 0)
          FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid
          LEFT JOIN pg_stat_user_tables ps ON ps.relid = p.oid WHERE t.isleaf)
       ELSE GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0), 0) END::int8,
       CASE WHEN c.relkind = 'p' THEN
         (SELECT COALESCE(sum(pg_total_relation_size(t.relid)), 0)
          FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
       ELSE pg_total_relation_size(c.oid) END::int8
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
ORDER BY 1, 2
"""


def table_sizes(cursor: Cursor) -> list[TableSize]:
    """Every user table's estimated rows and total size, read from the statistics only
    (``pg_class.reltuples``, ``pg_stat_user_tables.n_live_tup``, ``pg_total_relation_size``): no
    table is scanned and no row is read. The larger of the two row estimates is taken
    (``reltuples`` is -1 before the first ``ANALYZE``; ``n_live_tup`` counts since the last
    statistics reset)."""
    cursor.execute(_TABLE_SIZES, [])
    return [TableSize(str(s), str(t), int(r), int(b)) for s, t, r, b in cursor.fetchall()]


def schema_snapshot(
    cursor: Cursor, tables: list[str], apps: tuple[str, ...] | list[str] = ()
) -> dict[str, Any]:
    """What a migration leaves behind, comparable between two runs (``==``).

    For each table: its constraints (type, validity, ``ON DELETE`` action, definition), its
    indexes (validity, definition), its columns' ``NOT NULL``; and the migrations recorded as
    applied for ``apps``. Fault tests and benchmarks compare an interrupted run's result with an
    uninterrupted run's.
    """
    snapshot: dict[str, Any] = {}
    for table in tables:
        if not table_exists(cursor, table):
            snapshot[table] = None
            continue
        snapshot[table] = {
            "constraints": sorted(
                (c.name, c.type, c.validated, c.on_delete, c.definition)
                for c in constraints(cursor, table).values()
            ),
            "indexes": sorted(
                (i.name, i.valid, i.definition) for i in indexes(cursor, table).values()
            ),
            "not_null": sorted(c.name for c in columns(cursor, table).values() if c.not_null),
        }
    if apps:
        cursor.execute(
            "SELECT app, name, count(*) FROM django_migrations WHERE app = ANY(%s) "
            "GROUP BY app, name ORDER BY app, name",
            [list(apps)],
        )
        snapshot["applied"] = [tuple(r) for r in cursor.fetchall()]
    return snapshot
