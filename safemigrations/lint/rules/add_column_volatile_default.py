"""SM301: ``ADD COLUMN ... DEFAULT <volatile>`` rewrites the whole table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts
from safemigrations.lint.volatility import volatility


class AddColumnVolatileDefault(Rule):
    """A default that differs per row must be written into every row, under ACCESS EXCLUSIVE."""

    id = "SM301"
    name = "add-column-volatile-default"
    severity = Severity.ERROR
    title = "Column added with a volatile default"
    message = (
        "ADD COLUMN {column} with {kind} default {default} {effect} {table} under ACCESS EXCLUSIVE"
    )
    why = (
        "Since PostgreSQL 11 a constant, immutable or stable default (`0`, `''`, `pi()`, `now()`, "
        "`statement_timestamp()`) is stored once in the catalog: no rewrite. A volatile default "
        "(`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()`) must be computed "
        "for each row, so the table and all its indexes are rewritten while holding ACCESS "
        "EXCLUSIVE: no reads, no writes, for minutes on a large table. The volatility comes from "
        "PostgreSQL's `pg_proc.provolatile` (a database's own when one is at hand, else a "
        "built-in table of PostgreSQL's functions); a function it does not know (your own, an "
        "extension's) is reported as possibly volatile, with a warning."
    )
    fix = (
        "Add the column nullable without the default, set the default for new rows, back-fill "
        "existing rows in batches, then make it NOT NULL with `SetNotNull`.\n\n"
        "```python\n"
        "operations = [\n"
        '    migrations.AddField("{model}", "{field}", models.UUIDField(null=True)),\n'
        '    migrations.AlterField("{model}", "{field}", models.UUIDField(null=True, db_default=RandomUUID())),\n'
        "    # back-fill in batches (RunPython, non-atomic), then:\n"
        '    SetNotNull(model_name="{model}", name="{field}"),\n'
        "]\n"
        "```"
    )
    fix_example = {"field": "uid", "column": "uid"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "uid" uuid DEFAULT (GEN_RANDOM_UUID()) NOT NULL;'
    )
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "created" timestamptz DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag volatile (error) and unknown-function (warning) defaults on existing tables."""
        for action in stmt.actions_of("add_column"):
            if ctx.is_new_table(action.table):
                continue
            for con in action.node.constraints or ():
                if con.contype != CT.CONSTR_DEFAULT:
                    continue
                kind = volatility(con.raw_expr, ctx.function_volatility)
                if kind in ("immutable", "stable"):
                    continue
                yield Hit(
                    params={
                        "column": action.column,
                        "table": action.table,
                        "kind": "a volatile" if kind == "volatile" else "a possibly volatile",
                        "default": expression_text(con.raw_expr),
                        "effect": "rewrites" if kind == "volatile" else "may rewrite",
                    },
                    severity=None if kind == "volatile" else Severity.WARNING,
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )


def expression_text(expr: Any) -> str:
    """The default expression as SQL, printed from the parse tree (never cut out of the text)."""
    from pglast.stream import RawStream

    try:
        return str(RawStream()(expr))
    except Exception:
        return "(expression)"
