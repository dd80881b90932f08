"""What the catalog says before a migration runs, read in one query.

The Django side replays each target migration on a scratch database and needs, just before it,
the facts some rules judge against: column types (is a type change binary-coercible?), which
table an index belongs to and which columns it covers (what ``DROP INDEX`` locks, whether a
foreign key is backed by an index), the table each foreign key references (``VALIDATE`` also
locks it), and the columns each validated ``CHECK`` constraint reads (a type change re-checks
them). :func:`read_snapshot` reads all of it in one round trip; :class:`CatalogSchema` answers
the linter's :class:`~safemigrations.lint.model.SchemaInfo` questions from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safemigrations.lint.model import MemorySchema

_SEARCH_PATH = "SELECT oid FROM pg_namespace WHERE nspname = ANY(current_schemas(false))"

#: One query, four kinds of rows: ``c`` column, ``i`` index, ``f`` foreign key, ``k`` check.
#: Columns: (kind, table oid, table, name, column type / referenced table oid, attnums,
#: referenced attnums, flag). Attribute numbers are turned into names from the ``c`` rows in
#: Python: cheaper on the server than a sub-select per index and constraint.
#:
#: Every index and constraint form PostgreSQL can store must read without an error (a failing
#: read would make the replay report a migration as failing): an expression key has attnum 0
#: (its name is read as ``""``), so the leading-column test for ``col IS NOT NULL`` predicates
#: uses ``quote_ident``, which passes NULL through, and never ``format('%I')``, which raises on
#: NULL. ``INCLUDE`` columns are cut off by ``indnkeyatts``; opclasses, collations, ``NULLS NOT
#: DISTINCT``, deferrable and exclusion constraints and every access method read the same way
#: (``tests/test_lint_snapshot_forms.py`` creates each of them on a real server).
SNAPSHOT_SQL = f"""
SELECT 'c', c.oid::int8, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
       ARRAY[a.attnum]::int2[], NULL::int2[], NULL::bool
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
UNION ALL
SELECT 'i', i.indrelid::int8, NULL, ic.relname::text, NULL,
       (i.indkey::int2[])[0:i.indnkeyatts - 1], NULL,
       NOT i.indisvalid OR (i.indpred IS NOT NULL AND pg_get_expr(i.indpred, i.indrelid)
         IS DISTINCT FROM '(' || quote_ident((SELECT a.attname FROM pg_attribute a
           WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0])) || ' IS NOT NULL)')
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE ic.relnamespace = ANY({_SEARCH_PATH})
UNION ALL
SELECT CASE con.contype WHEN 'f' THEN 'f' ELSE 'k' END, con.conrelid::int8, NULL,
       con.conname::text, con.confrelid::text, con.conkey, con.confkey, NULL
FROM pg_constraint con
WHERE (con.contype = 'f' OR (con.contype = 'c' AND con.convalidated))
  AND con.connamespace = ANY({_SEARCH_PATH})
"""


@dataclass(frozen=True)
class IndexInfo:
    """An index: its table, key columns in order (``""`` for an expression), and whether it
    cannot back a foreign key lookup (left INVALID by a failed concurrent build, or partial with
    a predicate other than ``leading_column IS NOT NULL``)."""

    name: str
    table: str
    columns: tuple[str, ...]
    partial: bool = False


@dataclass(frozen=True)
class ForeignKeyInfo:
    """A foreign key constraint: its table and columns, the referenced table and columns
    (empty when not known: ``REFERENCES t`` without columns means t's primary key)."""

    name: str
    table: str
    columns: tuple[str, ...]
    referenced: str
    referenced_columns: tuple[str, ...] = ()


@dataclass
class Snapshot:
    """The catalog facts of the search path's tables at one moment (see module docstring)."""

    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    indexes: list[IndexInfo] = field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)
    # (table, constraint name, columns) of validated CHECK constraints.
    checks: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def index_tables(self) -> dict[str, str]:
        """``{index: table}``."""
        return {i.name: i.table for i in self.indexes}


def read_snapshot(cursor: Any, *, prepare: bool = False) -> Snapshot:
    """Read a :class:`Snapshot` with ``cursor`` (a DB-API cursor: psycopg's or Django's).

    ``prepare=True`` (a psycopg 3 server-side-binding cursor only) makes the query a prepared
    statement: planning it costs about as much as running it.
    """
    if prepare:
        cursor.execute(SNAPSHOT_SQL, prepare=True)
    else:
        cursor.execute(SNAPSHOT_SQL)
    rows = cursor.fetchall()
    snap = Snapshot()
    tables: dict[int, str] = {}
    names: dict[tuple[int, int], str] = {}
    for kind, oid, table, name, text, nums, _ref, _flag in rows:
        if kind == "c":
            tables[oid] = table
            names[(oid, nums[0])] = name
            snap.columns.setdefault(table, {})[name] = text

    def cols(oid: int, nums: Any) -> tuple[str, ...]:
        return tuple(names.get((oid, n), "") for n in nums or ())

    for kind, oid, _table, name, text, nums, ref_nums, flag in rows:
        if kind == "c" or oid not in tables:
            continue
        table = tables[oid]
        if kind == "i":
            snap.indexes.append(IndexInfo(name, table, cols(oid, nums), bool(flag)))
        elif kind == "f":
            ref = int(text)
            snap.foreign_keys.append(
                ForeignKeyInfo(
                    name, table, cols(oid, nums), tables.get(ref, ""), cols(ref, ref_nums)
                )
            )
        else:
            snap.checks.append((table, name, cols(oid, nums)))
    return snap


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].strip('"')


class CatalogSchema(MemorySchema):
    """The linter's schema knowledge from a :class:`Snapshot` (or plain column/index dicts)."""

    def __init__(
        self,
        columns: Mapping[str, Mapping[str, str]],
        index_tables: Mapping[str, str] | None = None,
        snapshot: Snapshot | None = None,
    ) -> None:
        super().__init__(columns)
        self.snapshot = snapshot or Snapshot()
        self.index_tables = dict(index_tables or self.snapshot.index_tables)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> CatalogSchema:
        """Schema knowledge answering from every part of ``snapshot``."""
        return cls(snapshot.columns, snapshot.index_tables, snapshot)

    def index_table(self, index: str) -> str | None:
        """The table an existing index belongs to."""
        return self.index_tables.get(_short(index))

    def is_partitioned(self, table: str) -> bool:
        """Not recorded from the catalog: the statements tell (``PARTITION BY``)."""
        return False

    def foreign_key_target(self, table: str, constraint: str) -> str | None:
        """The table referenced by foreign key ``constraint`` of ``table``."""
        for fk in self.snapshot.foreign_keys:
            if fk.table == _short(table) and fk.name == _short(constraint):
                return fk.referenced
        return None

    def foreign_keys(self) -> list[ForeignKeyInfo]:
        """Every foreign key of the search path."""
        return list(self.snapshot.foreign_keys)

    def indexes(self) -> list[IndexInfo]:
        """Every index of the search path."""
        return list(self.snapshot.indexes)

    def checks_on(self, table: str, column: str) -> list[str]:
        """Names of the validated CHECK constraints of ``table`` that read ``column``."""
        return [
            name
            for t, name, cols in self.snapshot.checks
            if t == _short(table) and _short(column) in cols
        ]
