"""SM966: a statement that commits before later ones run and fails when run a second time.

A migration that is not one transaction (``atomic = False``, or a SQL file without an enclosing
``BEGIN``) keeps whatever committed before a failure. Running it again replays the committed
statements first; ``ADD COLUMN`` then fails with "already exists", ``DROP`` with "does not
exist", and the migration can never finish. Concurrent index builds are ``SM103``'s (they also
leave an INVALID index behind); this rule covers every other statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, enums

from safemigrations.lint.model import Severity, Statement
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, relname

AT = enums.AlterTableType

_EXISTS = 'fails with "already exists"'
_MISSING = 'fails with "does not exist"'
_TWICE = "adds a second copy"

# Statements that never make a later re-run fail, and are not "work that can fail" either.
_NEUTRAL = (ast.TransactionStmt, ast.VariableSetStmt, ast.VariableShowStmt)


@dataclass
class _Memory:
    origin: tuple[Any, ...] | None = None
    pending: list[tuple[Statement, Hit]] = field(default_factory=list)
    confirmed: list[Hit] = field(default_factory=list)


class NotRerunnable(Rule):
    """Committed statements are replayed by the re-run of an interrupted migration."""

    id = "SM966"
    name = "statement-not-rerunnable"
    # Re-runnability is advice, not a hazard to traffic: a note that never fails a run by default.
    severity = Severity.INFO
    title = "Statement that fails when an interrupted migration is run again"
    message = "{what}: committed on its own, so after a later failure a re-run {outcome} here"
    why = (
        "Outside a transaction block (a non-atomic migration, a SQL file without `BEGIN`) each "
        "statement commits on its own. When a later statement fails (lock or statement timeout, "
        "deadlock, duplicate key), the earlier ones stay done, and the next run replays them: "
        '`ADD COLUMN`/`CREATE` fail with "already exists", `DROP` with "does not exist", an '
        "unnamed index or constraint is added twice. The migration cannot finish without "
        "someone repairing the database by hand. Concurrent index builds are reported by "
        "`SM103`; safemigrations' own operations check the catalog and resume by themselves. "
        "This is advice about re-running, not a hazard to traffic, hence a note."
    )
    fix = (
        "Use the safemigrations operations (`AddIndexConcurrently`, `AddConstraintNotValid`, "
        "`AddForeignKeyField`, …), which resume a half-done step. In raw SQL add "
        "`IF [NOT] EXISTS` (`ADD COLUMN IF NOT EXISTS`, `DROP … IF EXISTS`, "
        "`CREATE OR REPLACE`), precede `ADD CONSTRAINT` by `DROP CONSTRAINT IF EXISTS` in the "
        "same `ALTER TABLE`, or keep Django's operations in an atomic migration of their own.\n\n"
        "```python\n"
        'migrations.RunSQL(\'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" integer\', '
        "migrations.RunSQL.noop)\n"
        "```"
    )
    fix_example = {"column": "stock"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL;\n'
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_stock_idx" ON "shop_book" ("stock");'
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN IF NOT EXISTS "stock" integer NULL;\n'
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_stock_idx" ON "shop_book" ("stock");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Remember non-re-runnable statements; confirm them once a later transaction starts."""
        memory: _Memory = ctx.rule_state(self.id, _Memory)
        here = stmt.statement
        origin = (here.file, here.app, here.migration)
        if origin != memory.origin:
            memory.origin = origin
            memory.pending.clear()
        if not isinstance(stmt.node, _NEUTRAL) and stmt.node is not None:
            still = []
            for earlier, hit in memory.pending:
                if _separate(earlier, here):
                    memory.confirmed.append(hit)
                else:
                    still.append((earlier, hit))
            memory.pending = still
        for what, outcome in _problems(stmt.node):
            strongest = stmt.strongest_lock()
            hit = Hit(
                params={"what": what, "outcome": outcome, **_names(stmt)},
                statement=here,
                tables=stmt.tables,
                lock=strongest[1].label if strongest else None,
            )
            memory.pending.append((here, hit))
        return ()

    def finish(self, ctx: LintContext) -> Iterable[Hit]:
        """The statements that a later, separately committed statement followed."""
        memory: _Memory = ctx.rule_state(self.id, _Memory)
        hits, memory.confirmed = memory.confirmed, []
        memory.pending.clear()
        memory.origin = None
        return hits


def _separate(earlier: Statement, later: Statement) -> bool:
    """True when ``earlier`` has committed before ``later`` runs."""
    if not earlier.in_transaction or not later.in_transaction:
        return True
    return earlier.transaction_id != later.transaction_id


def _names(stmt: StatementFacts) -> dict[str, str]:
    """The table (and added column) the fix's example can name."""
    names = {"table": stmt.tables[0]} if stmt.tables else {}
    added = [a.column for a in stmt.actions_of("add_column") if a.column]
    if added:
        names["column"] = added[0]
    return names


def _problems(node: Any) -> list[tuple[str, str]]:
    """(what, outcome of a re-run) for each part of the statement that cannot run twice."""
    if node is None:
        return []
    if isinstance(node, ast.AlterTableStmt):
        return _alter_table(node)
    name = type(node).__name__
    if isinstance(node, ast.IndexStmt):
        if node.concurrent or node.if_not_exists:
            return []  # concurrent builds: SM103
        if not node.idxname:
            return [(f"CREATE INDEX on {relname(node.relation)} without a name", _TWICE)]
        return [(f"CREATE INDEX {node.idxname} without IF NOT EXISTS", _EXISTS)]
    created = _created_name(node)
    if created is not None:
        return [] if node.if_not_exists else [(f"{created} without IF NOT EXISTS", _EXISTS)]
    if isinstance(node, ast.ViewStmt | ast.CreateFunctionStmt | ast.CreateTrigStmt):
        if node.replace:
            return []
        kind = {"ViewStmt": "VIEW", "CreateFunctionStmt": "FUNCTION"}.get(name, "TRIGGER")
        return [(f"CREATE {kind} without OR REPLACE", _EXISTS)]
    if isinstance(node, ast.CreateEnumStmt | ast.CompositeTypeStmt | ast.CreateDomainStmt):
        kind = "DOMAIN" if name == "CreateDomainStmt" else "TYPE"
        return [(f"CREATE {kind} (it has no IF NOT EXISTS)", _EXISTS)]
    if isinstance(node, ast.AlterEnumStmt):
        if node.oldVal or node.skipIfNewValExists:
            return []
        return [(f"ALTER TYPE … ADD VALUE '{node.newVal}' without IF NOT EXISTS", _EXISTS)]
    if isinstance(node, ast.DropStmt):
        if node.missing_ok or node.concurrent:
            return []  # DROP INDEX CONCURRENTLY: SM103
        kind = str(getattr(node.removeType, "name", "")).removeprefix("OBJECT_").replace("_", " ")
        return [(f"DROP {kind} without IF EXISTS", _MISSING)]
    return []


def _created_name(node: Any) -> str | None:
    """``CREATE <kind> <name>`` for the statements that accept ``IF NOT EXISTS``, else None."""
    readers: dict[type, Any] = {
        ast.CreateStmt: lambda n: f"CREATE TABLE {relname(n.relation)}",
        ast.CreateSeqStmt: lambda n: f"CREATE SEQUENCE {relname(n.sequence)}",
        ast.CreateTableAsStmt: lambda n: f"CREATE TABLE AS {relname(n.into.rel)}",
        ast.CreateSchemaStmt: lambda n: f"CREATE SCHEMA {n.schemaname}",
        ast.CreateExtensionStmt: lambda n: f"CREATE EXTENSION {n.extname}",
    }
    reader = readers.get(type(node))
    return reader(node) if reader is not None else None


def _alter_table(node: Any) -> list[tuple[str, str]]:
    table = relname(node.relation)
    out: list[tuple[str, str]] = []
    dropped_first: set[str] = set()
    for cmd in node.cmds or ():
        sub = cmd.subtype
        if sub == AT.AT_AddColumn and not cmd.missing_ok and cmd.def_ is not None:
            out.append((f"ADD COLUMN {cmd.def_.colname} on {table} without IF NOT EXISTS", _EXISTS))
        elif sub == AT.AT_DropColumn and not cmd.missing_ok:
            out.append((f"DROP COLUMN {cmd.name} on {table} without IF EXISTS", _MISSING))
        elif sub == AT.AT_DropConstraint:
            if cmd.missing_ok:
                dropped_first.add(cmd.name)
            else:
                out.append((f"DROP CONSTRAINT {cmd.name} on {table} without IF EXISTS", _MISSING))
        elif sub == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
            con = cmd.def_
            if con.contype == enums.ConstrType.CONSTR_NOTNULL:
                continue
            if not con.conname:
                twice = con.contype != enums.ConstrType.CONSTR_PRIMARY
                outcome = _TWICE if twice else 'fails with "multiple primary keys"'
                out.append((f"ADD CONSTRAINT without a name on {table}", outcome))
            elif con.conname not in dropped_first:
                what = f"ADD CONSTRAINT {con.conname} on {table}"
                out.append((f"{what} without DROP CONSTRAINT IF EXISTS before it", _EXISTS))
    return out
