"""SM000: the statement does not parse, so PostgreSQL would reject it too."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class UnparsableStatement(Rule):
    """A statement PostgreSQL's parser rejects: the migration would fail at this point."""

    id = "SM000"
    name = "syntax-error"
    severity = Severity.ERROR
    title = "SQL that does not parse"
    message = "PostgreSQL cannot parse this statement: {error} (at {where})"
    why = (
        "The linter parses with PostgreSQL's own parser (libpg_query). A statement it rejects "
        "fails at run time: in an atomic migration everything before it is rolled back, outside "
        "a transaction the statements before it stay applied."
    )
    fix = (
        "Correct the SQL. If it uses psql variables (`:name`) or syntax newer than the parser "
        "knows, lint the SQL that really runs (`sqlmigrate --lint`)."
    )
    unsafe_example = "ALTER TABLE shop_book ADD COLUMNN price integer;"
    safe_example = "ALTER TABLE shop_book ADD COLUMN price integer;"

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Report the parser's message and the position it points at."""
        if stmt.error is None:
            return
        where = "start of statement"
        if stmt.error_offset is not None:
            before = stmt.sql[: stmt.error_offset]
            line = stmt.statement.line + before.count("\n")
            column = (
                stmt.error_offset - before.rfind("\n")
                if "\n" in before
                else stmt.statement.column + stmt.error_offset
            )
            where = f"line {line}, column {column}"
        yield Hit(params={"error": stmt.error, "where": where}, tables=[], lock="")
