"""SM306: a column of a domain with constraints: the table is rewritten to check them."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AddColumnConstrainedDomain(Rule):
    """Adding a column whose type is a constrained domain rewrites the table."""

    id = "SM306"
    name = "add-column-constrained-domain"
    severity = Severity.ERROR
    title = "Column added with a constrained domain type"
    message = "ADD COLUMN {column} of domain type with constraints rewrites {table} under ACCESS EXCLUSIVE"
    why = (
        "When the new column's type is a domain with CHECK or NOT NULL constraints, PostgreSQL "
        "evaluates them for every existing row by rewriting the table, holding ACCESS "
        "EXCLUSIVE. (The linter knows the domain when it was created earlier in the same input.)"
    )
    fix = (
        "Use the domain's base type and add the rule as a CHECK constraint with "
        "`AddConstraintNotValid` + `ValidateConstraint`."
    )
    unsafe_example = (
        "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
        'ALTER TABLE "shop_book" ADD COLUMN "stock" posint;'
    )
    safe_example = (
        "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
        'ALTER TABLE "shop_book" ADD COLUMN "stock" integer;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag columns of constrained domains added to existing tables."""
        for action in stmt.actions_of("add_column"):
            if action.detail == "domain" and not ctx.is_new_table(action.table):
                yield Hit(params={"column": action.column, "table": action.table})
