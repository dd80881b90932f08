"""SM303: a column added with a DEFAULT that the same migration drops again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from safemigrations.lint.model import Severity, Statement
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, short


class AddColumnThenDropDefault(Rule):
    """Django's code-default pattern: after the migration, old code's INSERTs fail."""

    id = "SM303"
    name = "add-column-then-drop-default"
    severity = Severity.WARNING
    title = "NOT NULL column whose database default is dropped right away"
    message = (
        "DROP DEFAULT on {table}.{column} right after adding it NOT NULL: application servers "
        'still running the previous code fail to INSERT (null value in column "{column}")'
    )
    why = (
        "`AddField(default=...)` adds the column with a default (to fill existing rows) and drops "
        "it in the same migration. During a deploy, servers running the old code insert rows "
        "without the column and hit the NOT NULL constraint. The ACCESS EXCLUSIVE lock is "
        "brief, the outage is not."
    )
    fix = (
        "Keep the default in the database with `db_default=` (Django 5.0+); PostgreSQL stores it "
        "once, without rewriting the table.\n\n"
        "```python\n"
        'migrations.AddField("{model}", "{field}", models.IntegerField(db_default=0))\n'
        "```"
    )
    fix_example = {"field": "qty", "column": "qty"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;\n'
        'ALTER TABLE "shop_book" ALTER COLUMN "qty" DROP DEFAULT;'
    )
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag DROP DEFAULT of a NOT NULL column added earlier in the same input, unless the
        same transaction sets a default again before it commits (no one ever sees the gap)."""
        memory: _Memory = ctx.rule_state(self.id, _Memory)
        here = stmt.statement
        yield from memory.settle(here)
        for action in stmt.actions:
            key = (short(action.table), action.column)
            if action.kind == "add_column" and not ctx.is_new_table(action.table):
                kinds = {getattr(c.contype, "name", "") for c in action.node.constraints or ()}
                if "CONSTR_DEFAULT" in kinds and "CONSTR_NOTNULL" in kinds:
                    memory.added.add(key)
            elif action.kind == "drop_default" and key in memory.added:
                memory.added.discard(key)
                hit = Hit(
                    params={"table": action.table, "column": action.column},
                    statement=here,
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )
                memory.pending[key] = hit
            elif action.kind == "set_default" and key in memory.pending:
                del memory.pending[key]  # the default is back before anyone could see it gone

    def finish(self, ctx: LintContext) -> Iterable[Hit]:
        """The DROP DEFAULTs still pending when the input ends."""
        memory: _Memory = ctx.rule_state(self.id, _Memory)
        hits = list(memory.pending.values())
        memory.pending.clear()
        return hits


@dataclass
class _Memory:
    added: set[tuple[str, str | None]] = field(default_factory=set)
    # DROP DEFAULTs not yet committed: a SET DEFAULT in the same transaction cancels them.
    pending: dict[tuple[str, str | None], Hit] = field(default_factory=dict)

    def settle(self, here: Statement) -> list[Hit]:
        """Report the pending DROP DEFAULTs whose transaction committed before ``here``."""
        out = []
        for key, hit in list(self.pending.items()):
            earlier = hit.statement
            assert earlier is not None
            same = (
                earlier.in_transaction
                and here.in_transaction
                and earlier.transaction_id == here.transaction_id
                and (earlier.file, earlier.migration) == (here.file, here.migration)
            )
            if not same:
                out.append(hit)
                del self.pending[key]
        return out
