"""Small AST questions several rules ask (not a rule module: the registry skips ``_`` names)."""

from __future__ import annotations

from typing import Any

from pglast import ast, enums


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
