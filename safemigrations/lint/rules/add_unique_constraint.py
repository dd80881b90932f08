"""SM206: a UNIQUE constraint whose index is built under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


class AddUniqueConstraint(Rule):
    """ADD UNIQUE (or ADD COLUMN ... UNIQUE) builds the unique index while nothing can read the table."""

    id = "SM206"
    name = "add-unique-constraint"
    severity = Severity.ERROR
    title = "UNIQUE constraint built under ACCESS EXCLUSIVE"
    message = (
        "{what} on {table} builds a unique index under ACCESS EXCLUSIVE: reads and writes wait"
    )
    why = (
        "`ADD CONSTRAINT ... UNIQUE` and `ADD COLUMN ... UNIQUE` build the unique index inside "
        "the ALTER TABLE, holding ACCESS EXCLUSIVE for the whole build. Django emits them for "
        "`unique=True`, `UniqueConstraint`, `unique_together` and `OneToOneField`."
    )
    fix = (
        "Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then attach it with "
        "`ADD CONSTRAINT ... UNIQUE USING INDEX` (a brief lock): "
        "`AddUniqueConstraintConcurrently` does both, and can be re-run.\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [\n"
        '        AddUniqueConstraintConcurrently(model_name="{model}", constraint=models.UniqueConstraint(\n'
        '            fields=["{field}"], name="{constraint}")),\n'
        "    ]\n"
        "```"
    )
    fix_example = {"field": "isbn", "column": "isbn", "constraint": "book_isbn_uniq"}
    unsafe_example = 'ALTER TABLE "shop_book" ADD CONSTRAINT "book_isbn_uniq" UNIQUE ("isbn");'
    safe_example = (
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "book_isbn_uniq" ON "shop_book" ("isbn");\n'
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_isbn_uniq" UNIQUE USING INDEX "book_isbn_uniq";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag UNIQUE built inside ALTER TABLE on existing tables."""
        for action in stmt.actions:
            if ctx.is_new_table(action.table):
                continue
            what = None
            names: dict[str, str] = {}
            if action.kind == "add_unique" and action.builds_index:
                what = "ADD CONSTRAINT ... UNIQUE"
                keys = [getattr(k, "sval", "") for k in action.node.keys or ()]
                names = {"constraint": action.node.conname or "", "column": keys[0] if keys else ""}
            elif action.kind == "add_column" and any(
                c.contype == CT.CONSTR_UNIQUE for c in action.node.constraints or ()
            ):
                what = f"ADD COLUMN {action.column} ... UNIQUE"
                names = {"column": action.column or ""}
            if what:
                yield Hit(
                    params={"what": what, "table": action.table, **names},
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )
