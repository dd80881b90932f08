"""SM961: more work in a transaction that already holds a strong lock.

Often the slow statement is reported by a rule of its own on the very table whose lock is held:
Django's deferred index on the column an ``AddField`` just added (SM101), a foreign key or CHECK
validated on it (SM201, SM204), a scanning ``SET NOT NULL`` (SM501), a back-fill (SM502). Their
fix (a concurrent build, ``NOT VALID`` + ``VALIDATE``, ``SetNotNull``, batches, each in a
non-atomic migration) takes that work out of the transaction, and with it the wait SM961
reports, so the rule :attr:`folds into <StatementsAfterStrongLock.folds_into>` them
(:mod:`safemigrations.lint.fold`): an SM961 is reported only when no such finding on its
statement names the held table (its ``subject``). Slow work on *another* table than the held
one stays reported: the other finding does not say that the held table's traffic waits too.
"""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Severity
from safemigrations.lint.rules._helpers import statement_place
from safemigrations.lint.rules._long_work import LONG_WORK_RULES
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class StatementsAfterStrongLock(Rule):
    """Locks are kept until COMMIT: every later statement lengthens the time others wait."""

    id = "SM961"
    name = "statements-after-strong-lock"
    severity = Severity.WARNING
    title = "Slow statement while the transaction holds a strong lock"
    message = "{statement}{doing} while holding {mode} on {held} (taken at {place}) until COMMIT"
    why = (
        "PostgreSQL releases table locks only at the end of the transaction. In an atomic "
        "migration, the ACCESS EXCLUSIVE lock of a quick `ALTER TABLE` is kept while the next "
        "operations scan, rewrite, build indexes, update rows or lock other tables; the outage "
        "lasts for all of them, and locking several busy tables in one transaction invites "
        "deadlocks with application traffic. Not reported where another finding on the same "
        "statement already reports its slow work on the held table (an index build, a "
        "validation, a scan, a rewrite or a back-fill, whose fix moves it out of the "
        "transaction)."
    )
    fix = (
        "Give each lock-taking step its own transaction: split the migration, or make it "
        "non-atomic and use the safemigrations operations, which run each step in a short "
        "transaction with a lock timeout (`AddIndexConcurrently`, `AddConstraintNotValid` + "
        "`ValidateConstraint`, `SetNotNull`, `AddForeignKeyField`).\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "```"
    )
    # Slow work on the held table that a finding of these rules reports: their fix moves it out
    # of the transaction; SM502 (a back-fill in one statement) moves it into batches.
    folds_into = LONG_WORK_RULES | {"SM502"}
    unsafe_example = (
        "BEGIN;\n"
        'ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;\n'
        'INSERT INTO "shop_stock" ("book_id", "qty") SELECT "id", 0 FROM "shop_book";\n'
        "COMMIT;"
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;\n'
        'INSERT INTO "shop_stock" ("book_id", "qty") SELECT "id", 0 FROM "shop_book";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag slow work, or new strong locks on other tables, after a strong lock in the same transaction."""
        if not stmt.in_transaction:
            return
        # Only ACCESS EXCLUSIVE stops traffic; a SHARE ROW EXCLUSIVE (a foreign key to a table,
        # as Django's many-to-many tables take) lets reads and row locks through.
        strong = [h for h in ctx.held_locks if LockMode.parse(h.mode) >= LockMode.ACCESS_EXCLUSIVE]
        if not strong:
            return
        held = strong[0]
        doing = _slow_work(stmt, ctx)
        if doing is None:
            others = [
                t
                for t, mode in stmt.locks.items()
                if mode >= LockMode.SHARE
                and t != held.table
                and not ctx.is_new_table(t)
                and t not in stmt.created
                and all(h.table != t for h in ctx.held_locks)
            ]
            if not others:
                return
            doing = f"locks {', '.join(sorted(others))} too"
        yield Hit(
            params={
                "doing": doing,
                "mode": held.mode,
                "held": held.table,
                "place": statement_place(held.statement),
                # Django's deferred SQL runs when the migration's schema editor exits.
                "statement": "at the migration's end: " if stmt.statement.deferred else "",
            },
            lock=held.mode,
            tables=sorted({held.table, *stmt.locks}),
            subject=held.table,
        )


def _slow_work(stmt: StatementFacts, ctx: LintContext) -> str | None:
    """Describe what makes the statement slow, or None when it is quick."""

    def old(tables: set[str]) -> list[str]:
        return sorted(t for t in tables if not ctx.is_new_table(t) and t not in stmt.created)

    if old(stmt.rewrites):
        return f"rewrites {', '.join(old(stmt.rewrites))}"
    if old(stmt.index_builds):
        return f"builds an index on {', '.join(old(stmt.index_builds))}"
    if old(stmt.scans):
        return f"scans {', '.join(old(stmt.scans))}"
    dml = [
        a
        for a in stmt.actions_of("update", "delete", "insert", "merge")
        if not ctx.is_new_table(a.table)
    ]
    if dml:
        return f"changes rows of {dml[0].table}"
    if stmt.kind == "DoStmt":
        return "runs a DO block"
    if stmt.kind == "SelectStmt":
        read = old({t for t in stmt.locks if not _is_catalog(t)})
        if read:
            return f"reads {', '.join(read)} (a query runs as long as its scan)"
    return None


def _is_catalog(table: str) -> bool:
    """System catalogs and views (``pg_class``, ``information_schema.columns``): quick reads."""
    schema, _, name = table.rpartition(".")
    return schema in ("pg_catalog", "information_schema") or name.startswith("pg_")
