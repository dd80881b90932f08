"""The full schema of a set of tables, read in a constant number of catalog queries.

:func:`read_schema` returns a :class:`Schema`: for each table its columns, constraints and
indexes, with the facts a comparison needs (``ON DELETE``/``ON UPDATE``, deferrable, validated,
index method, key expressions, predicate, INVALID, a concurrent build still running), the row
estimate and sizes in bytes (from ``pg_class``, as of the last ``VACUUM``/``ANALYZE`` or index
build). Eight queries, whatever the number of tables (:data:`QUERY_COUNT`): locked tables,
tables, columns, constraints, attribute names, operator classes, indexes, and the index builds
running right now; :func:`table_names` lists the search path's tables in one more. The drift
inspector compares it with the models; anything else that compares two catalogs (say, a
database migrated from squashed migrations against one migrated from the originals) can use
:func:`compare_schemas`.

Reading never waits for a migration. ``pg_relation_size`` and the functions that print check
constraints, index definitions and expressions open the table, so they would wait behind an
ACCESS EXCLUSIVE lock: sizes come from ``pg_class``, column defaults are printed without the
table (a default cannot read a column; a generated column's expression is not read), and a
table that another session holds or awaits ACCESS EXCLUSIVE on is left out and listed in
:attr:`Schema.locked` with that session's pid.

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
    generated: bool = False  # GENERATED ALWAYS AS (...) STORED (its expression is not read)

    def shape(self) -> tuple[Any, ...]:
        """Everything but the name."""
        return (self.type, self.not_null, self.default, self.identity, self.generated)


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
    size_bytes: int = 0  # pg_class.relpages x block size (as of the last VACUUM/ANALYZE/build)
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
    size_bytes: int = 0  # heap, TOAST and indexes, from pg_class.relpages
    writes: int = 0  # rows inserted, updated and deleted since the statistics were reset

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
    #: Tables left out because another session holds or awaits ACCESS EXCLUSIVE on them (a
    #: migration running): table -> pid. Reading their definitions would wait for it.
    locked: dict[str, int] = field(default_factory=dict)

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
       ((c.relpages + COALESCE((SELECT t.relpages FROM pg_class t WHERE t.oid = c.reltoastrelid), 0))
        * current_setting('block_size')::int8)::int8,
       (pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid)
        + pg_stat_get_tuples_deleted(c.oid))::int8
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
"""

COLUMNS_SQL = f"""
SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END, a.attidentity <> '',
       a.attgenerated <> ''
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
       CASE WHEN con.conrelid = ANY(%(locked)s::oid[]) THEN '' ELSE pg_get_constraintdef(con.oid) END,
       con.convalidated, con.confrelid::int8,
       con.confkey::int2[], con.confdeltype::text, con.confupdtype::text, con.condeferrable,
       con.condeferred, CASE WHEN con.conindid <> 0 THEN con.conindid::regclass::text END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
ORDER BY con.conrelid, con.conname
"""

#: Expression keys are printed by ``pg_get_indexdef(oid, column)``; plain keys are named from
#: the attribute numbers in Python (the function costs a catalog lookup per call). Operator
#: classes are oids, named in Python from the non-default ones.
INDEXES_SQL = f"""
SELECT i.indrelid::int8, ic.relname::text, am.amname::text, i.indnkeyatts::int,
       i.indkey::int2[],
       ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 AND NOT i.indrelid = ANY(%(locked)s::oid[])
                         THEN pg_get_indexdef(i.indexrelid, k, true) END
             FROM generate_series(1, i.indnatts) k ORDER BY k)::text[],
       i.indisunique, i.indisprimary, i.indisvalid, i.indisready,
       i.indpred IS NOT NULL, i.indoption::int2[], i.indclass::oid[]::int8[],
       {{nulls_not_distinct}},
       CASE WHEN i.indrelid = ANY(%(locked)s::oid[]) THEN '' ELSE pg_get_indexdef(i.indexrelid) END,
       (SELECT con.conname::text FROM pg_constraint con WHERE con.conindid = i.indexrelid
          AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x') LIMIT 1),
       (ic.relpages * current_setting('block_size')::int8)::int8,
       pg_stat_get_numscans(i.indexrelid)::int8
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
  AND (%(all)s OR c.relname = ANY(%(names)s))
ORDER BY i.indrelid, ic.relname
"""

#: The operator classes that are not their type's default (few), by oid; with the version.
OPCLASSES_SQL = """
SELECT oid::int8, opcname::text, current_setting('server_version_num')::int
FROM pg_opclass WHERE NOT opcdefault
"""

#: Tables another session holds or awaits ACCESS EXCLUSIVE on (a migration running): printing
#: their check constraints, index definitions or expressions would wait for it, since the
#: deparsing functions open the table. Their definitions are not read; the pid says who.
LOCKED_SQL = """
SELECT l.relation::int8, min(l.pid)::int
FROM pg_locks l
WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
GROUP BY l.relation
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
    cursor.execute(LOCKED_SQL)
    locked = {int(oid): int(pid) for oid, pid in cursor.fetchall()}
    params = {"all": tables is None, "names": names, "locked": sorted(locked)}
    cursor.execute(TABLES_SQL, params)
    table_rows = cursor.fetchall()
    by_oid: dict[int, dict[str, Any]] = {
        oid: {
            "name": name,
            "kind": kind,
            "rows": int(rows),
            "size": int(size),
            "writes": int(writes),
            "columns": [],
            "constraints": [],
            "indexes": [],
        }
        for oid, name, kind, rows, size, writes in table_rows
    }
    cursor.execute(COLUMNS_SQL, params)
    for oid, name, type_, not_null, default, identity, generated in cursor.fetchall():
        if oid in by_oid:
            by_oid[oid]["columns"].append(
                Column(name, type_, bool(not_null), default, bool(identity), bool(generated))
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
    cursor.execute(OPCLASSES_SQL)
    opclass_rows = cursor.fetchall()
    opclass_names = {int(oid): name for oid, name, _ in opclass_rows}
    version = int(opclass_rows[0][2]) if opclass_rows else 140000
    nnd = "i.indnullsnotdistinct" if version >= 150000 else "false"
    cursor.execute(INDEXES_SQL.replace("{nulls_not_distinct}", nnd), params)
    index_rows = cursor.fetchall()
    cursor.execute(BUILDING_SQL)
    building_rows = [str(r[0]) for r in cursor.fetchall()]
    for row in index_rows:
        oid, name, method, nkeys, attnums, keydefs, unique, primary, valid, ready = row[:10]
        partial, options, opclasses, nnd, definition, constraint, size, scans = row[10:]
        if oid not in by_oid:
            continue
        nums = tuple(attnums or ())
        key_defs = tuple(
            text if text is not None else attnames.get((oid, n), "")
            for n, text in zip(nums, keydefs or (), strict=False)
        )
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
                predicate=_predicate(definition) if partial else None,
                include=key_defs[nkeys:],
                options=tuple(int(o) for o in (options or ())[:nkeys]),
                opclasses=tuple(opclass_names.get(int(o), "") for o in (opclasses or ())[:nkeys]),
                nulls_not_distinct=bool(nnd),
                definition=definition,
                constraint=constraint,
                size_bytes=int(size),
                scans=int(scans),
                building=not valid and _is_building(name, building_rows),
            )
        )
    schema = Schema(queries=QUERY_COUNT)
    for oid, t in sorted(by_oid.items(), key=lambda item: item[1]["name"]):
        if oid in locked:
            schema.locked[t["name"]] = locked[oid]
            continue
        # Heap and TOAST plus the indexes already read, all from pg_class.relpages.
        t["size"] += sum(i.size_bytes for i in t["indexes"])
        schema.tables[t["name"]] = Table(
            name=t["name"],
            kind=t["kind"],
            columns=tuple(t["columns"]),
            constraints=tuple(t["constraints"]),
            indexes=tuple(t["indexes"]),
            rows=t["rows"],
            size_bytes=t["size"],
            writes=t["writes"],
        )
    return schema


#: Catalog queries :func:`read_schema` runs: locked tables, tables, columns, constraints,
#: attribute names, operator classes (with the server version), indexes, running builds.
QUERY_COUNT = 8


def table_names(cursor: Cursor) -> set[str]:
    """Names of the tables of the search path, leaving out those an extension owns (one query)."""
    cursor.execute(
        f"""
        SELECT c.relname::text FROM pg_class c
        WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY({_SEARCH_PATH})
          AND NOT c.relispartition
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        """
    )
    return {str(row[0]) for row in cursor.fetchall()}


def _predicate(definition: str) -> str:
    """The ``WHERE`` of a partial index, from ``pg_get_indexdef`` (always its last clause).

    ``pg_get_expr(indpred, indrelid)`` would print it too, but takes a lock on the table (it
    opens the relation, PostgreSQL 16+), and so waits behind a migration's ACCESS EXCLUSIVE.
    """
    return definition.split(" WHERE ", 1)[1] if " WHERE " in definition else ""


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
