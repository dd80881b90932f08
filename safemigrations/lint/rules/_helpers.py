"""Small AST questions several rules ask (not a rule module: the registry skips ``_`` names)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pglast import ast, enums

from safemigrations.lint.model import Statement


def is_not_null_check_column(con: Any) -> str | None:
    """The column of a ``CHECK (col IS NOT NULL)`` constraint, else None.

    PostgreSQL 12+ skips the full-table scan of ``SET NOT NULL`` when such a constraint is
    validated; ``CHECK (col > 0)`` does not count.
    """
    expr = getattr(con, "raw_expr", None)
    if (
        isinstance(expr, ast.NullTest)
        and expr.nulltesttype == enums.NullTestType.IS_NOT_NULL
        and isinstance(expr.arg, ast.ColumnRef)
    ):
        fields = [getattr(f, "sval", None) for f in expr.arg.fields or ()]
        if fields and isinstance(fields[-1], str):
            return fields[-1]
    return None


def listing(names: Sequence[str], limit: int = 3) -> str:
    """``a, b, c`` or ``a, b, c and 7 more``: a list short enough for a one-line message (the
    whole list goes in the finding's detail)."""
    names = list(names)
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def statement_place(statement: Statement) -> str:
    """Where a statement is, naming the file: ``line 14 of 0042_book.py`` (a Django migration's
    line is the operation's line in the migration file), ``line 3 of change.sql``, or ``line 3
    of the input`` when the SQL came without a file."""
    if statement.file:
        where = f"line {statement.line} of {Path(statement.file).name}"
    else:
        where = f"line {statement.line} of the input"
    if statement.operation_index is not None:
        where = f"operation #{statement.operation_index} ({where})"
        if statement.deferred:
            where += ", deferred SQL run at the end of the migration"
    return where
