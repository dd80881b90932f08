"""Indexes, foreign keys and CHECK constraints a statement defines or drops, read from its AST.

Rules that judge a statement against the schema (does an index back this foreign key? does a
CHECK read this column?) learn what earlier statements of the same input created from here, and
what existed before from the Django side's catalog snapshot
(:class:`~safemigrations.lint.snapshot.CatalogSchema`). Not a rule module (the registry skips
``_`` names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pglast import ast, enums

from safemigrations.lint.snapshot import ForeignKeyInfo, IndexInfo
from safemigrations.lint.sql import StatementFacts, relname, short, walk

AT = enums.AlterTableType
CT = enums.ConstrType


@dataclass
class Defined:
    """What one statement adds to or removes from the schema."""

    indexes: list[IndexInfo] = field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = field(default_factory=list)
    # (table, constraint name, columns, validated)
    checks: list[tuple[str, str, tuple[str, ...], bool]] = field(default_factory=list)
    validated: list[tuple[str, str]] = field(default_factory=list)  # (table, constraint)
    dropped_constraints: list[tuple[str, str]] = field(default_factory=list)
    dropped_indexes: list[str] = field(default_factory=list)
    dropped_tables: list[str] = field(default_factory=list)


def _strings(items: Any) -> tuple[str, ...]:
    return tuple(getattr(n, "sval", "") or "" for n in (items or ()))


def columns_read(expr: Any) -> tuple[str, ...]:
    """The column names an expression refers to (last part of each column reference)."""
    out: list[str] = []
    for node in walk(expr):
        if isinstance(node, ast.ColumnRef):
            parts = [getattr(f, "sval", None) for f in node.fields or ()]
            if parts and isinstance(parts[-1], str) and parts[-1] not in out:
                out.append(parts[-1])
    return tuple(out)


def _constraint(out: Defined, table: str, con: Any, column: str | None) -> None:
    ct = con.contype
    name = con.conname or ""
    if ct in (CT.CONSTR_PRIMARY, CT.CONSTR_UNIQUE) and not con.indexname:
        cols = (column,) if column else _strings(con.keys)
        out.indexes.append(IndexInfo(name or f"{table}_{'_'.join(cols)}_key", table, cols))
    elif ct == CT.CONSTR_FOREIGN:
        cols = (column,) if column else _strings(con.fk_attrs)
        ref = short(relname(con.pktable))
        out.foreign_keys.append(ForeignKeyInfo(name, table, cols, ref, _strings(con.pk_attrs)))
    elif ct == CT.CONSTR_CHECK:
        out.checks.append((table, name, columns_read(con.raw_expr), not con.skip_validation))


def _column_constraints(out: Defined, table: str, coldef: Any) -> None:
    for con in coldef.constraints or ():
        _constraint(out, table, con, coldef.colname)


def defined_by(facts: StatementFacts) -> Defined:
    """What ``facts``' statement defines and drops (empty for statements it does not know)."""
    out = Defined()
    node = facts.node
    if isinstance(node, ast.CreateStmt):
        table = short(relname(node.relation))
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                _column_constraints(out, table, elt)
            elif isinstance(elt, ast.Constraint):
                _constraint(out, table, elt, None)
    elif isinstance(node, ast.AlterTableStmt):
        table = short(relname(node.relation))
        for cmd in node.cmds or ():
            if cmd.subtype == AT.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                _column_constraints(out, table, cmd.def_)
            elif cmd.subtype == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
                _constraint(out, table, cmd.def_, None)
            elif cmd.subtype == AT.AT_ValidateConstraint and cmd.name:
                out.validated.append((table, cmd.name))
            elif cmd.subtype == AT.AT_DropConstraint and cmd.name:
                out.dropped_constraints.append((table, cmd.name))
    elif isinstance(node, ast.IndexStmt):
        cols = tuple(
            (p.name or "") if isinstance(p, ast.IndexElem) else "" for p in node.indexParams or ()
        )
        out.indexes.append(
            IndexInfo(
                node.idxname or "",
                short(relname(node.relation)),
                cols,
                node.whereClause is not None and not _is_not_null_of(node.whereClause, cols[:1]),
            )
        )
    elif isinstance(node, ast.DropStmt):
        if node.removeType == enums.ObjectType.OBJECT_INDEX:
            out.dropped_indexes.extend(short(i) for i in facts.dropped)
        elif node.removeType == enums.ObjectType.OBJECT_TABLE:
            out.dropped_tables.extend(short(t) for t in facts.dropped)
    return out


def _is_not_null_of(where: Any, columns: tuple[str, ...]) -> bool:
    """True for ``WHERE col IS NOT NULL`` on the index's leading column: such a partial index
    still finds every row a foreign key lookup (``col = $1``) can match."""
    if not columns or not isinstance(where, ast.NullTest):
        return False
    if where.nulltesttype != enums.NullTestType.IS_NOT_NULL:
        return False
    arg = where.arg
    fields = getattr(arg, "fields", None) if isinstance(arg, ast.ColumnRef) else None
    if not fields:
        return False
    return bool(getattr(fields[-1], "sval", None) == columns[0])


def covers(index: IndexInfo, fk: ForeignKeyInfo) -> bool:
    """True when ``index`` can find the rows of ``fk``'s table that reference a parent row: not
    partial with another predicate, and its leading key columns are exactly the foreign key's columns."""
    n = len(fk.columns)
    return (
        index.table == fk.table
        and not index.partial
        and n > 0
        and set(index.columns[:n]) == set(fk.columns)
    )
