"""SM401: ``ALTER COLUMN ... TYPE`` that rewrites the table."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AlterColumnTypeRewrite(Rule):
    """A type change that is not binary-coercible rewrites the table and every index."""

    id = "SM401"
    name = "alter-column-type-rewrite"
    severity = Severity.ERROR
    title = "Column type change that rewrites the table"
    message = "ALTER COLUMN {column} TYPE {new} on {table}: {verdict}"
    why = (
        "Changing a column's type takes ACCESS EXCLUSIVE. When the new type is not "
        "binary-coercible (e.g. integer to bigint, text to varchar(n), varchar shrink, numeric "
        "scale change), PostgreSQL rewrites the table and rebuilds all its indexes under that "
        "lock: no reads, no writes, for the whole rewrite. Widening varchar(n), varchar to text, "
        "raising numeric precision at the same scale and cidr to inet do not rewrite and are "
        "not reported (when the old type is known)."
    )
    fix = (
        "Add a new column of the new type, keep it in sync (trigger or dual writes), back-fill "
        "it in batches, then swap the columns in a short migration; for a primary key, migrate "
        "referencing foreign keys the same way. If the change is in fact safe (the old type was "
        "not known to the linter), lint the migration with Django (`sqlmigrate --lint`), which "
        "knows the old field."
    )
    unsafe_example = 'ALTER TABLE "shop_book" ALTER COLUMN "qty" TYPE bigint USING "qty"::bigint;'
    safe_example = (
        'CREATE TABLE "shop_note" ("id" bigint, "title" varchar(100));\n'
        'ALTER TABLE "shop_note" ALTER COLUMN "title" TYPE varchar(200);'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Error for known rewrites, warning when the old type is unknown or session-dependent."""
        for action in stmt.actions_of("alter_type"):
            if action.rewrites is False:
                continue
            old = ctx.column_type(action.table, action.column or "")
            if action.rewrites:
                verdict = (
                    f"changing {old} to {action.detail} rewrites the table under ACCESS EXCLUSIVE"
                    if old
                    else "the USING expression forces a rewrite under ACCESS EXCLUSIVE"
                )
                severity = None
            elif old is not None:
                verdict = (
                    f"{old} to {action.detail} rewrites the table unless the session TimeZone is "
                    "UTC (Django uses UTC when USE_TZ = True)"
                )
                severity = Severity.WARNING
            else:
                verdict = (
                    "the old type is unknown here; unless it is binary-coercible this rewrites the "
                    "table under ACCESS EXCLUSIVE"
                )
                severity = Severity.WARNING
            yield Hit(
                params={
                    "column": action.column,
                    "new": action.detail,
                    "table": action.table,
                    "verdict": verdict,
                },
                severity=severity,
                tables=[action.table],
                lock="ACCESS EXCLUSIVE",
            )
