"""SM002: syntax the target PostgreSQL version does not have yet."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, walk


class RequiresNewerPostgresql(Rule):
    """A statement that fails on the target server because the feature came later."""

    id = "SM002"
    name = "requires-newer-postgresql"
    severity = Severity.ERROR
    title = "Feature not available on the target PostgreSQL version"
    message = "{feature} needs PostgreSQL {needed}+, the target is PostgreSQL {target}"
    why = (
        "The statement fails with a syntax or feature error on the target server, so the "
        "migration stops there (and, outside a transaction, leaves the earlier steps applied)."
    )
    fix = (
        "Raise the target version (`--target-pg-version`, `LINT['TARGET_PG_VERSION']`) if the "
        "server really is newer, or write the change in the older form."
    )
    unsafe_example = "ALTER TABLE shop_book ALTER COLUMN total SET EXPRESSION AS (price * qty);"
    safe_example = "ALTER TABLE shop_book ALTER COLUMN total DROP EXPRESSION;"
    max_pg_version = 16

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Compare version-specific forms against ``ctx.pg_version``."""
        needs: list[tuple[str, int]] = []
        for action in stmt.actions:
            if action.kind == "set_access_method":
                needs.append(("ALTER TABLE ... SET ACCESS METHOD", 15))
            elif action.kind == "set_expression":
                needs.append(("ALTER COLUMN ... SET EXPRESSION", 17))
        if isinstance(stmt.node, ast.MergeStmt):
            needs.append(("MERGE", 15))
        if stmt.kind in ("IndexStmt", "AlterTableStmt", "CreateStmt") and any(
            getattr(n, "nulls_not_distinct", False)
            for n in walk(stmt.node)
            if isinstance(n, ast.IndexStmt | ast.Constraint)
        ):
            needs.append(("UNIQUE NULLS NOT DISTINCT", 15))
        for feature, needed in needs:
            if ctx.pg_version < needed:
                yield Hit(params={"feature": feature, "needed": needed, "target": ctx.pg_version})
