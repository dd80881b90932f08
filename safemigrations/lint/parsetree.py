"""Reading pglast parse trees: parse one statement, walk a tree, and name what it mentions.

The linter's modules share these helpers instead of each poking at pglast nodes: the qualified
name of a relation, the name of a called function, every node under a statement, the column types
a statement defines, and which transaction statements open or close a block.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast, enums
from pglast import parser as pg_parser

from safemigrations.lint.types import SqlType, from_type_name

AT = enums.AlterTableType
CT = enums.ConstrType
OT = enums.ObjectType

_TX = enums.TransactionStmtKind
#: ``TransactionStmt`` kinds that open a transaction block.
OPENS_TRANSACTION = {_TX.TRANS_STMT_BEGIN, _TX.TRANS_STMT_START}
#: ``TransactionStmt`` kinds that end one.
CLOSES_TRANSACTION = {
    _TX.TRANS_STMT_COMMIT,
    _TX.TRANS_STMT_ROLLBACK,
    _TX.TRANS_STMT_PREPARE,
    _TX.TRANS_STMT_COMMIT_PREPARED,
    _TX.TRANS_STMT_ROLLBACK_PREPARED,
}


def relname(rv: Any) -> str:
    """``schema.table`` or ``table`` from a pglast ``RangeVar``."""
    if rv is None:
        return ""
    if getattr(rv, "schemaname", None):
        return f"{rv.schemaname}.{rv.relname}"
    return rv.relname or ""


def short(table: str) -> str:
    """The table name without its schema."""
    return table.rsplit(".", 1)[-1]


def dotted_name(items: Any) -> str:
    """``a.b.c`` from a list of pglast ``String`` nodes (an object name as DROP/COMMENT give it)."""
    return ".".join(getattr(n, "sval", "") for n in (items or ()))


def func_name(node: Any) -> str:
    """Unqualified, lower-case name of a ``FuncCall`` (``pg_catalog.now`` -> ``now``)."""
    names = [getattr(n, "sval", "") for n in (node.funcname or ())]
    return (names[-1] if names else "").lower()


def walk(node: Any) -> Iterator[Any]:
    """Every AST node under ``node`` (itself included), depth first."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, tuple | list):
            stack.extend(reversed(cur))
            continue
        if not isinstance(cur, ast.Node):
            continue
        yield cur
        for name in cur:
            child = getattr(cur, name, None)
            if isinstance(child, ast.Node | tuple | list):
                stack.append(child)


def parse_one(sql: str) -> tuple[Any | None, str | None, int | None]:
    """Parse one statement: (AST node, None, None) or (None, error message, 0-based offset)."""
    try:
        stmts = pg_parser.parse_sql(sql)
    except pg_parser.ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        return None, str(exc.args[0] if exc.args else exc), offset
    except Exception as exc:  # the parser must never take the linter down
        return None, f"could not parse: {exc}", None
    if not stmts:
        return None, None, None
    return stmts[0].stmt, None, None


def column_types_of(node: Any) -> list[tuple[str, str, SqlType]]:
    """(table, column, type) for every column a CREATE TABLE / ADD COLUMN / ALTER TYPE defines."""
    out: list[tuple[str, str, SqlType]] = []
    if isinstance(node, ast.CreateStmt):
        table = relname(node.relation)
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef) and elt.typeName is not None and elt.colname:
                out.append((table, elt.colname, from_type_name(elt.typeName)))
    elif isinstance(node, ast.AlterTableStmt):
        table = relname(node.relation)
        for cmd in node.cmds or ():
            coldef = cmd.def_
            if not isinstance(coldef, ast.ColumnDef) or coldef.typeName is None:
                continue
            if cmd.subtype == AT.AT_AddColumn and coldef.colname:
                out.append((table, coldef.colname, from_type_name(coldef.typeName)))
            elif cmd.subtype == AT.AT_AlterColumnType and cmd.name:
                out.append((table, cmd.name, from_type_name(coldef.typeName)))
    return out
