"""What the lint context learns from each statement, for the rules of the statements after it.

Rules see the state before a statement; :func:`learn` then records what it did: column types,
tables created, partitioned and dropped, indexes and their columns, NOT NULL columns and
validated ``CHECK (col IS NOT NULL)`` constraints, NOT VALID constraints, foreign keys, renames,
enum values added, ``lock_timeout``/``statement_timeout`` settings, explicit transaction blocks
and the strong locks held until they end. :func:`enter_transaction` resets what lasts only
for one transaction.
"""

from __future__ import annotations

from typing import Any

from pglast import ast, enums

from safemigrations.lint.facts import StatementFacts
from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Statement
from safemigrations.lint.parsetree import (
    CLOSES_TRANSACTION,
    OPENS_TRANSACTION,
    column_types_of,
    func_name,
    relname,
    walk,
)
from safemigrations.lint.parsetree import short as short_name
from safemigrations.lint.rules._helpers import is_not_null_check_column
from safemigrations.lint.rules.base import HeldLock, LintContext


def enter_transaction(ctx: LintContext, stmt: Statement) -> None:
    """Reset per-transaction state when the statement starts a new transaction."""
    new_tx = not stmt.in_transaction or stmt.transaction_id != ctx.transaction_id
    if new_tx:
        ctx.held_locks.clear()
        ctx.not_valid_in_transaction.clear()
        ctx.enum_values_in_transaction.clear()
        if ctx.lock_timeout_local:
            ctx.lock_timeout_set = False
            ctx.lock_timeout_local = False
        if ctx.statement_timeout_local:
            ctx.statement_timeout_set = False
            ctx.statement_timeout_local = False
    ctx.transaction_id = stmt.transaction_id if stmt.in_transaction else None


def learn(ctx: LintContext, facts: StatementFacts) -> None:
    """Update what the context knows after ``facts`` ran (rules saw the state before it)."""
    stmt = facts.statement
    ctx.last_statement = stmt
    node = facts.node
    if node is None:
        return
    try:
        _learn_node(ctx, facts, node)
    except Exception:  # learning is best effort; the next statements still get linted
        return


def _learn_node(ctx: LintContext, facts: StatementFacts, node: Any) -> None:
    stmt = facts.statement
    if isinstance(node, ast.TransactionStmt):
        if node.kind in OPENS_TRANSACTION:
            if not ctx.in_explicit_transaction:
                ctx.open_transaction = stmt
            ctx.in_explicit_transaction = True
        elif node.kind in CLOSES_TRANSACTION:
            ctx.in_explicit_transaction = False
            ctx.open_transaction = None
    for table, column, sql_type in column_types_of(node):
        ctx.learned.set_column_type(table, column, str(sql_type))
    for table in facts.created:
        ctx.created_tables.add(short_name(table))
    if isinstance(node, ast.CreateStmt) and node.partspec is not None:
        ctx.partitioned_tables.add(short_name(relname(node.relation)))
    if isinstance(node, ast.IndexStmt) and node.idxname:
        ctx.index_tables[node.idxname] = relname(node.relation)
        ctx.index_columns[node.idxname] = tuple(
            (p.name or "") if isinstance(p, ast.IndexElem) else "" for p in node.indexParams or ()
        )
    _learn_not_null(ctx, node)
    if isinstance(node, ast.CreateDomainStmt) and node.constraints:
        ctx.constrained_domains.add(".".join(getattr(n, "sval", "") for n in node.domainname or ()))
    if isinstance(node, ast.DropStmt):
        for table in facts.dropped:
            ctx.learned.drop_table(table)
    if isinstance(node, ast.RenameStmt) and node.relation is not None and node.newname:
        old = relname(node.relation)
        if node.renameType == enums.ObjectType.OBJECT_TABLE:
            ctx.learned.rename_table(old, node.newname)
            ctx.note_rename(old, old, node.newname, column=False)
            if ctx.is_new_table(old):
                ctx.created_tables.add(node.newname)
        elif node.renameType == enums.ObjectType.OBJECT_COLUMN and node.subname:
            ctx.learned.rename_column(old, node.subname, node.newname)
            ctx.note_rename(old, node.subname, node.newname, column=True)
    _learn_checks(ctx, facts)
    _learn_lock_timeout(ctx, node)
    if isinstance(node, ast.AlterEnumStmt) and node.newVal and stmt.in_transaction:
        ctx.enum_values_in_transaction.add(node.newVal)
    if stmt.in_transaction:
        for table, mode in facts.locks.items():
            if (
                mode >= LockMode.SHARE
                and not ctx.is_new_table(table)
                and table not in facts.created
            ) and not any(
                h.table == table and LockMode.parse(h.mode) >= mode for h in ctx.held_locks
            ):
                ctx.held_locks.append(HeldLock(table=table, mode=mode.label, statement=stmt))


def _learn_not_null(ctx: LintContext, node: Any) -> None:
    """Follow which columns are NOT NULL: declared so, in a primary key, or SET NOT NULL."""
    CT = enums.ConstrType
    AT = enums.AlterTableType

    def column(table: str, coldef: Any) -> None:
        kinds = {c.contype for c in coldef.constraints or ()}
        if kinds & {CT.CONSTR_NOTNULL, CT.CONSTR_PRIMARY} and coldef.colname:
            ctx.not_null_columns.add((table, coldef.colname))

    def primary_key(table: str, con: Any) -> None:
        if isinstance(con, ast.Constraint) and con.contype == CT.CONSTR_PRIMARY:
            keys = [getattr(k, "sval", "") for k in con.keys or ()]
            if con.indexname:
                keys = list(ctx.index_columns.get(con.indexname, ()))
            ctx.not_null_columns.update((table, k) for k in keys if k)

    def check(table: str, con: Any) -> None:
        # A validated CHECK (col IS NOT NULL) in CREATE TABLE (pg_dump writes them there).
        if isinstance(con, ast.Constraint) and con.contype == CT.CONSTR_CHECK:
            name = is_not_null_check_column(con)
            if name and not con.skip_validation:
                ctx.not_null_checks.add((table, name))

    if isinstance(node, ast.CreateStmt):
        table = short_name(relname(node.relation))
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                column(table, elt)
                for con in elt.constraints or ():
                    check(table, con)
            primary_key(table, elt)
            check(table, elt)
    elif isinstance(node, ast.AlterTableStmt):
        table = short_name(relname(node.relation))
        for cmd in node.cmds or ():
            if cmd.subtype == AT.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                column(table, cmd.def_)
            elif cmd.subtype == AT.AT_SetNotNull and cmd.name:
                ctx.not_null_columns.add((table, cmd.name))
            elif cmd.subtype == AT.AT_DropNotNull and cmd.name:
                ctx.not_null_columns.discard((table, cmd.name))
            elif cmd.subtype == AT.AT_AddConstraint:
                primary_key(table, cmd.def_)


def _learn_checks(ctx: LintContext, facts: StatementFacts) -> None:
    """Remember NOT VALID constraints and validated ``CHECK (col IS NOT NULL)`` constraints."""
    for action in facts.actions:
        if action.kind == "add_foreign_key" and action.detail and action.referenced:
            ctx.foreign_keys[(short_name(action.table), action.detail)] = action.referenced
        if action.kind in ("add_check", "add_foreign_key", "add_not_null") and action.not_valid:
            if action.detail and facts.statement.in_transaction:
                ctx.not_valid_in_transaction.add(action.detail)
            column = is_not_null_check_column(action.node) if action.kind == "add_check" else None
            if column:
                ctx.pending_not_null_checks[action.detail] = (short_name(action.table), column)
        elif action.kind == "add_check" and not action.not_valid:
            column = is_not_null_check_column(action.node)
            if column:
                ctx.not_null_checks.add((short_name(action.table), column))
        elif action.kind == "validate_constraint":
            pending = ctx.pending_not_null_checks.pop(action.detail, None)
            if pending is not None:
                ctx.not_null_checks.add(pending)


_TIMEOUTS = {"lock_timeout": "lock_timeout", "statement_timeout": "statement_timeout"}


def _learn_lock_timeout(ctx: LintContext, node: Any) -> None:
    """Follow ``SET [LOCAL] lock_timeout`` / ``statement_timeout`` and ``set_config(…)``."""
    name = value = None
    local = False
    if isinstance(node, ast.VariableSetStmt) and (node.name or "").lower() in _TIMEOUTS:
        name = (node.name or "").lower()
        if node.kind == enums.VariableSetKind.VAR_SET_VALUE and node.args:
            const = node.args[0]
            val = getattr(const, "val", None)
            value = str(getattr(val, "sval", None) or getattr(val, "ival", ""))
        else:
            value = "0"  # RESET / SET DEFAULT: back to the server default (usually 0)
        local = bool(node.is_local)
    elif isinstance(node, ast.SelectStmt):
        for sub in walk(node):
            if isinstance(sub, ast.FuncCall) and func_name(sub) == "set_config":
                args = list(sub.args or ())
                setting = getattr(getattr(args[0], "val", None), "sval", "") if args else ""
                if len(args) >= 2 and setting in _TIMEOUTS:
                    name = setting
                    val = getattr(args[1], "val", None)
                    value = str(getattr(val, "sval", None) or getattr(val, "ival", ""))
                    if len(args) >= 3:
                        local = bool(getattr(getattr(args[2], "val", None), "boolval", False))
    if name is None or value is None:
        return
    is_set = _timeout_is_set(value)
    if name == "lock_timeout":
        ctx.lock_timeout_set = is_set
        ctx.lock_timeout_local = local and is_set
    else:
        ctx.statement_timeout_set = is_set
        ctx.statement_timeout_local = local and is_set


def _timeout_is_set(value: str) -> bool:
    digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
    try:
        return float(digits or "0") > 0
    except ValueError:
        return False
