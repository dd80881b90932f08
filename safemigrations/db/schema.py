"""The full schema of a set of tables, read in a constant number of catalog queries.

:func:`read_schema` returns a :class:`Schema`: for each table its columns, constraints and
indexes, with the facts a comparison needs (``ON DELETE``/``ON UPDATE``, deferrable, validated,
index method, key expressions, predicate, INVALID, a concurrent build still running) and the
planner's estimates (rows, bytes). Five queries, whatever the number of tables: one each for
tables, columns, constraints, indexes, and the index builds running right now. The drift
inspector compares it with the models; anything else that compares two catalogs (say, a
database migrated from squashed migrations against one migrated from the originals) can use
:func:`compare_schemas`.

Every object is a frozen dataclass that compares by value. Names are part of the value; the
:meth:`~Index.shape` of an index or constraint is the same value without its name (and without
the name of its table), so two catalogs can be compared with or without names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .catalog import FK_ACTIONS, Cursor

#: pg_constraint.contype → the word used in :attr:`Constraint.kind`.
CONSTRAINT_KINDS = {
    "p": "primary key",
    "u": "unique",
    "f": "foreign key",
    "c": "check",
    "x": "exclusion",
    "t": "trigger",
    "n": "not null",
}


@dataclass(frozen=True)
class Column:
    """A live column: SQL type as ``format_type`` spells it, nullability, default expression."""

    name: str
    type: str
    not_null: bool
    default: str | None = None
    identity: bool = False  # GENERATED ... AS IDENTITY

    def shape(self) -> tuple[Any, ...]:
        """Everything but the name."""
        return (self.type, self.not_null, self.default, self.identity)


@dataclass(frozen=True)
class Constraint:
    """A table constraint. ``definition`` is ``pg_get_constraintdef``; FK facts are decoded."""

    name: str
    table: str
    kind: str  # a CONSTRAINT_KINDS value
    columns: tuple[str, ...]
    definition: str
    validated: bool = True
    referenced_table: str | None = None
    referenced_columns: tuple[str, ...] = ()
    on_delete: str | None = None  # FK only: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
    on_update: str | None = None  # FK only
    deferrable: bool = False
    initially_deferred: bool = False
    index: str | None = None  # the index backing a primary key / unique / exclusion constraint

    def shape(self) -> tuple[Any, ...]:
        """The constraint without its name or its table's name (validity included)."""
        return (
            self.kind,
            self.columns,
            self.definition,
            self.validated,
            self.referenced_table,
            self.referenced_columns,
            self.on_delete,
            self.on_update,
            self.deferrable,
            self.initially_deferred,
        )


@dataclass(frozen=True)
class Index:
    """An index. ``keys`` holds one text per key column: the column name, or the expression.

    ``columns`` is the column of each key (``None`` for an expression), ``include`` the
    ``INCLUDE`` columns, ``options`` the ``pg_index.indoption`` flags (DESC, NULLS FIRST) per key,
    ``opclasses`` the operator class of each key, ``predicate`` the ``WHERE`` of a partial index.
    ``valid`` is False for an index left INVALID by a failed (or still running) concurrent build;
    ``building`` is True while a ``CREATE INDEX`` on it is still in progress.
    """

    name: str
    table: str
    method: str
    keys: tuple[str, ...]
    columns: tuple[str | None, ...]
    unique: bool = False
    primary: bool = False
    valid: bool = True
    ready: bool = True
    predicate: str | None = None
    include: tuple[str, ...] = ()
    options: tuple[int, ...] = ()
    opclasses: tuple[str, ...] = ()
    nulls_not_distinct: bool = False
    definition: str = ""
    constraint: str | None = None  # the constraint that owns it (primary key, unique, exclusion)
    size_bytes: int = 0
    scans: int = 0  # pg_stat_user_indexes.idx_scan since the last statistics reset
    building: bool = False

    def shape(self) -> tuple[Any, ...]:
        """What the index indexes and how, without its name or its table's name."""
        return (
            self.method,
            self.keys,
            self.unique,
            self.primary,
            self.predicate,
            self.include,
            self.options,
            self.opclasses,
            self.nulls_not_distinct,
        )

    @property
    def leading_column(self) -> str | None:
        """The first key's column (None when the first key is an expression)."""
        return self.columns[0] if self.columns else None


@dataclass(frozen=True)
class Table:
    """A table with everything on it; ``rows`` and ``size_bytes`` are the planner's estimates."""

    name: str
    kind: str = "r"  # pg_class.relkind: r table, p partitioned table
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    rows: int = 0  # pg_class.reltuples (0 when never analyzed)
    size_bytes: int = 0  # pg_total_relation_size: heap, indexes, TOAST

    def column(self, name: str) -> Column | None:
        """The column called ``name``, if any."""
        return next((c for c in self.columns if c.name == name), None)

    def constraint(self, name: str) -> Constraint | None:
        """The constraint called ``name``, if any."""
        return next((c for c in self.constraints if c.name == name), None)

    def index(self, name: str) -> Index | None:
        """The index called ``name``, if any."""
        return next((i for i in self.indexes if i.name == name), None)

    @property
    def foreign_keys(self) -> tuple[Constraint, ...]:
        """The foreign key constraints of the table."""
        return tuple(c for c in self.constraints if c.kind == "foreign key")

    def without_names(self) -> tuple[Any, ...]:
        """The table's value with index and constraint names left out (columns keep theirs)."""
        return (
            self.kind,
            tuple((c.name, c.shape()) for c in self.columns),
            tuple(sorted(repr(c.shape()) for c in self.constraints)),
            tuple(sorted(repr(i.shape()) for i in self.indexes)),
        )


@dataclass
class Schema:
    """The tables read by :func:`read_schema`, by name."""

    tables: dict[str, Table] = field(default_factory=dict)
    queries: int = 0  # how many catalog queries reading it took

    def table(self, name: str) -> Table | None:
        """The table called ``name``, if it exists."""
        return self.tables.get(name)

    def indexes(self) -> list[Index]:
        """Every index of every table read."""
        return [i for t in self.tables.values() for i in t.indexes]

    def constraints(self) -> list[Constraint]:
        """Every constraint of every table read."""
        return [c for t in self.tables.values() for c in t.constraints]


@dataclass(frozen=True)
class Difference:
    """One difference between two schemas, as :func:`compare_schemas` reports it."""

    table: str
    kind: str  # "table", "column", "constraint", "index"
    name: str | None  # None when names were not compared
    left: Any  # the object in the first schema (None: only in the second)
    right: Any  # the object in the second schema (None: only in the first)


def compare_schemas(left: Schema, right: Schema, *, names: bool = True) -> list[Difference]:
    """What differs between two schemas, table by table.

    ``names=False`` matches indexes and constraints by :meth:`shape` instead of by name, for
    catalogs whose generated names may differ (a squashed history against the original one).
    Columns always match by name. Sizes, row estimates and scan counts are never compared.
    """
    diffs: list[Difference] = []
    for table in sorted(set(left.tables) | set(right.tables)):
        a, b = left.tables.get(table), right.tables.get(table)
        if a is None or b is None:
            diffs.append(Difference(table, "table", table, a, b))
            continue
        diffs.extend(_compare_named(table, "column", a.columns, b.columns, lambda c: c.name))
        for kind, xs, ys in (
            ("constraint", a.constraints, b.constraints),
            ("index", _comparable(a.indexes), _comparable(b.indexes)),
        ):
            if names:
                diffs.extend(_compare_named(table, kind, xs, ys, lambda o: o.name))
            else:
                diffs.extend(_compare_shapes(table, kind, xs, ys))
    return diffs


def _comparable(indexes: Iterable[Index]) -> tuple[Index, ...]:
    return tuple(replace(i, size_bytes=0, scans=0, building=False) for i in indexes)


def _compare_named(table: str, kind: str, xs: Any, ys: Any, key: Any) -> list[Difference]:
    a = {key(x): x for x in xs}
    b = {key(y): y for y in ys}
    return [
        Difference(table, kind, name, a.get(name), b.get(name))
        for name in sorted(set(a) | set(b))
        if a.get(name) != b.get(name)
    ]


def _compare_shapes(table: str, kind: str, xs: Any, ys: Any) -> list[Difference]:
    remaining = list(ys)
    diffs = []
    for x in xs:
        match = next((y for y in remaining if y.shape() == x.shape()), None)
        if match is None:
            diffs.append(Difference(table, kind, None, x, None))
        else:
            remaining.remove(match)
    diffs.extend(Difference(table, kind, None, None, y) for y in remaining)
    return diffs


_SEARCH_PATH = "SELECT oid FROM pg_namespace WHERE nspname = ANY(current_schemas(false))"

TABLES_SQL = f"""
SELECT c.oid::int8, c.relname::text, c.relkind::text, GREATEST(c.reltuples, 0)::int8,
       pg_total_relation_size(c.oid)::int8
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
"""

COLUMNS_SQL = f"""
SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity <> ''
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS_SQL = f"""
SELECT con.conrelid::int8, con.conname::text, con.contype::text, con.conkey::int2[],
       pg_get_constraintdef(con.oid), con.convalidated, con.confrelid::int8,
       con.confkey::int2[], con.confdeltype::text, con.confupdtype::text, con.condeferrable,
       con.condeferred, CASE WHEN con.conindid <> 0 THEN con.conindid::regclass::text END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
ORDER BY con.conrelid, con.conname
"""

INDEXES_SQL = f"""
SELECT i.indrelid::int8, ic.relname::text, am.amname::text, i.indnkeyatts::int,
       i.indkey::int2[],
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnatts) k ORDER BY k)::text[],
       i.indisunique, i.indisprimary, i.indisvalid, i.indisready,
       pg_get_expr(i.indpred, i.indrelid), i.indoption::int2[],
       ARRAY(SELECT CASE WHEN op.opcdefault THEN '' ELSE op.opcname::text END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(o, n)
             JOIN pg_opclass op ON op.oid = k.o ORDER BY k.n)::text[],
       {{nulls_not_distinct}}, pg_get_indexdef(i.indexrelid),
       (SELECT con.conname::text FROM pg_constraint con WHERE con.conindid = i.indexrelid
          AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x') LIMIT 1),
       pg_relation_size(i.indexrelid)::int8,
       COALESCE(s.idx_scan, 0)::int8
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
ORDER BY i.indrelid, ic.relname
"""

#: Indexes a ``CREATE INDEX`` is building right now: the progress view knows the index once
#: the build created it; a backend whose query names it covers the moment before.
BUILDING_SQL = """
SELECT p.index_relid::regclass::text FROM pg_stat_progress_create_index p
WHERE p.index_relid <> 0
UNION
SELECT a.query FROM pg_stat_activity a
WHERE a.state = 'active' AND a.pid <> pg_backend_pid() AND a.query ILIKE '%%create%%index%%'
"""


def read_schema(cursor: Cursor, tables: Iterable[str] | None = None) -> Schema:
    """Read the tables named in ``tables`` (every table of the search path when None).

    ``cursor`` is a DB-API cursor (Django's or psycopg's). Names are plain table names in the
    search path; a name that does not exist is simply absent from the result. Runs
    :data:`QUERY_COUNT` queries whatever the number of tables.
    """
    names = sorted(set(tables)) if tables is not None else []
    params = {"all": tables is None, "names": names}
    cursor.execute(TABLES_SQL, params)
    table_rows = cursor.fetchall()
    by_oid: dict[int, dict[str, Any]] = {
        oid: {
            "name": name,
            "kind": kind,
            "rows": int(rows),
            "size": int(size),
            "columns": [],
            "constraints": [],
            "indexes": [],
        }
        for oid, name, kind, rows, size in table_rows
    }
    cursor.execute(COLUMNS_SQL, params)
    for oid, name, type_, not_null, default, identity in cursor.fetchall():
        if oid in by_oid:
            by_oid[oid]["columns"].append(
                Column(name, type_, bool(not_null), default, bool(identity))
            )
    cursor.execute(CONSTRAINTS_SQL, params)
    constraint_rows = [r for r in cursor.fetchall() if r[0] in by_oid]
    # Attribute numbers -> names, for the tables read and the tables their keys reference
    # (dropped columns keep their numbers, so positions cannot be guessed).
    oids = set(by_oid) | {int(r[6]) for r in constraint_rows if r[6]}
    cursor.execute(
        "SELECT a.attrelid::int8, a.attnum::int, a.attname::text, c.relname::text "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE a.attnum > 0 AND a.attrelid = ANY(%(oids)s::oid[])",
        {"oids": sorted(oids)},
    )
    attnames: dict[tuple[int, int], str] = {}
    relnames: dict[int, str] = {}
    for oid, num, name, relname in cursor.fetchall():
        attnames[(oid, num)] = name
        relnames[oid] = relname

    def cols(oid: int, nums: Any) -> tuple[str, ...]:
        return tuple(attnames.get((oid, n), "") for n in nums or ())

    for row in constraint_rows:
        oid, name, contype, keys, definition, validated, ref, ref_keys, deltype, updtype = row[:10]
        deferrable, deferred, index = row[10:]
        is_fk = contype == "f"
        by_oid[oid]["constraints"].append(
            Constraint(
                name=name,
                table=by_oid[oid]["name"],
                kind=CONSTRAINT_KINDS.get(contype, contype),
                columns=cols(oid, keys),
                definition=definition,
                validated=bool(validated),
                referenced_table=relnames.get(ref, "") if is_fk else None,
                referenced_columns=cols(ref, ref_keys) if is_fk else (),
                on_delete=FK_ACTIONS.get(deltype) if is_fk else None,
                on_update=FK_ACTIONS.get(updtype) if is_fk else None,
                deferrable=bool(deferrable),
                initially_deferred=bool(deferred),
                index=None if is_fk else _unquote(index),
            )
        )
    cursor.execute(_indexes_sql(cursor), params)
    index_rows = cursor.fetchall()
    cursor.execute(BUILDING_SQL)
    building_rows = [str(r[0]) for r in cursor.fetchall()]
    for row in index_rows:
        oid, name, method, nkeys, attnums, keydefs, unique, primary, valid, ready = row[:10]
        predicate, options, opclasses, nnd, definition, constraint, size, scans = row[10:]
        if oid not in by_oid:
            continue
        key_defs = tuple(keydefs or ())
        nums = tuple(attnums or ())
        by_oid[oid]["indexes"].append(
            Index(
                name=name,
                table=by_oid[oid]["name"],
                method=method,
                keys=key_defs[:nkeys],
                columns=tuple(attnames.get((oid, n)) if n else None for n in nums[:nkeys]),
                unique=bool(unique),
                primary=bool(primary),
                valid=bool(valid),
                ready=bool(ready),
                predicate=predicate,
                include=key_defs[nkeys:],
                options=tuple(int(o) for o in (options or ())[:nkeys]),
                opclasses=tuple((opclasses or ())[:nkeys]),
                nulls_not_distinct=bool(nnd),
                definition=definition,
                constraint=constraint,
                size_bytes=int(size),
                scans=int(scans),
                building=not valid and _is_building(name, building_rows),
            )
        )
    schema = Schema(queries=QUERY_COUNT)
    for t in sorted(by_oid.values(), key=lambda t: t["name"]):
        schema.tables[t["name"]] = Table(
            name=t["name"],
            kind=t["kind"],
            columns=tuple(t["columns"]),
            constraints=tuple(t["constraints"]),
            indexes=tuple(t["indexes"]),
            rows=t["rows"],
            size_bytes=t["size"],
        )
    return schema


#: Catalog queries :func:`read_schema` runs: tables, columns, constraints, attribute names,
#: server version, indexes, running builds.
QUERY_COUNT = 7


def _indexes_sql(cursor: Cursor) -> str:
    cursor.execute("SELECT current_setting('server_version_num')::int")
    version = int(cursor.fetchone()[0])
    nnd = "i.indnullsnotdistinct" if version >= 150000 else "false"
    return INDEXES_SQL.replace("{nulls_not_distinct}", nnd)


def _is_building(name: str, building: list[str]) -> bool:
    """True when a progress row is the index, or a running query names it as a word."""
    word = re.compile(r'(?<![\w$"])"?' + re.escape(name) + r'"?(?![\w$])')
    return any(_unquote(text) == name or word.search(text) for text in building)


def _unquote(name: str | None) -> str | None:
    if name and "." in name and not name.startswith('"'):
        name = name.rsplit(".", 1)[-1]
    if name and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


# -- what a schema comparison needs beyond tables: sequences, column generation ---------------


@dataclass(frozen=True)
class Sequence:
    """A sequence of the search path: its settings and the column that owns it (if any)."""

    name: str
    type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cycle: bool
    owned_by: str | None = None  # "table.column" for a serial/identity column's sequence

    def shape(self) -> tuple[Any, ...]:
        """Everything but the name."""
        return (
            self.type,
            self.start,
            self.increment,
            self.minimum,
            self.maximum,
            self.cycle,
            self.owned_by,
        )


SEQUENCES_SQL = f"""
SELECT c.relname::text, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
       s.seqmax, s.seqcycle,
       (SELECT t.relname || '.' || a.attname FROM pg_depend d
          JOIN pg_class t ON t.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1)
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
WHERE c.relnamespace = ANY({_SEARCH_PATH})
ORDER BY c.relname
"""


def read_sequences(cursor: Cursor) -> dict[str, Sequence]:
    """Every sequence of the search path, by name (one query)."""
    cursor.execute(SEQUENCES_SQL)
    return {
        row[0]: Sequence(
            row[0], row[1], int(row[2]), int(row[3]), int(row[4]), int(row[5]), bool(row[6]), row[7]
        )
        for row in cursor.fetchall()
    }


GENERATION_SQL = f"""
SELECT c.relname::text, a.attname::text, a.attidentity::text, a.attgenerated::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attnum > 0 AND NOT a.attisdropped AND (a.attidentity <> '' OR a.attgenerated <> '')
  AND c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
"""

#: pg_attribute.attidentity / attgenerated codes -> words.
GENERATION_KINDS = {
    "a": "GENERATED ALWAYS AS IDENTITY",
    "d": "GENERATED BY DEFAULT AS IDENTITY",
    "s": "GENERATED ALWAYS AS (...) STORED",
}


def read_generation(cursor: Cursor) -> dict[tuple[str, str], str]:
    """``(table, column)`` -> how the column is generated (identity kind, or stored expression:
    the expression itself is the column's ``default`` in :class:`Column`), for the columns that
    are (one query)."""
    cursor.execute(GENERATION_SQL)
    return {
        (table, column): GENERATION_KINDS.get(identity or generated, identity or generated)
        for table, column, identity, generated in cursor.fetchall()
    }
