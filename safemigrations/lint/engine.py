"""Run the rules over statements and turn their hits into findings.

:func:`lint_statements` is the core used by both the plain-SQL command and the Django side (which
collects faithful statements from a scratch database). :func:`lint_sql_text` cuts a ``.sql`` file
into statements first, deciding transaction blocks from its explicit ``BEGIN``/``COMMIT``.
:func:`lint_migration` adds the migration-level rules for one Django migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pglast import ast, enums

from safemigrations.lint.config import LintConfig
from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import (
    ChainedSchema,
    Finding,
    MemorySchema,
    SchemaInfo,
    Severity,
    Statement,
)
from safemigrations.lint.rules._helpers import is_not_null_check_column
from safemigrations.lint.rules.base import (
    HeldLock,
    Hit,
    LintContext,
    MigrationContext,
    Rule,
    all_rules,
)
from safemigrations.lint.split import split_sql
from safemigrations.lint.sql import (
    StatementFacts,
    analyze,
    column_types_of,
    func_name,
    parse_one,
    relname,
    walk,
)
from safemigrations.lint.sql import short as short_name

TX = enums.TransactionStmtKind
_OPENING = {TX.TRANS_STMT_BEGIN, TX.TRANS_STMT_START}
_CLOSING = {
    TX.TRANS_STMT_COMMIT,
    TX.TRANS_STMT_ROLLBACK,
    TX.TRANS_STMT_PREPARE,
    TX.TRANS_STMT_COMMIT_PREPARED,
    TX.TRANS_STMT_ROLLBACK_PREPARED,
}

SYNTAX_RULE = "SM000"
META_RULE = "SM001"


def active_rules(config: LintConfig, pg_version: int) -> list[Rule]:
    """The statement rules that run for this configuration and PostgreSQL version."""
    return [
        r
        for r in all_rules()
        if not r.migration_level and config.is_enabled(r.id, r.name) and r.applies_to(pg_version)
    ]


def lint_statements(
    statements: Iterable[Statement],
    *,
    pg_version: int,
    schema: SchemaInfo | None = None,
    config: LintConfig | None = None,
) -> list[Finding]:
    """Lint statements in the order they run; each carries its own transaction flags."""
    return _lint([(s, s.node) for s in statements], pg_version, schema, config)


def lint_sql_text(
    text: str,
    *,
    file: str | None = None,
    pg_version: int | None = None,
    config: LintConfig | None = None,
    schema: SchemaInfo | None = None,
) -> list[Finding]:
    """Lint a ``.sql`` file's text, as psql would run it.

    Statements between ``BEGIN``/``START TRANSACTION`` and ``COMMIT``/``ROLLBACK`` run in one
    transaction block; the others each run alone (autocommit). psql meta-commands and
    ``COPY … FROM stdin`` data are skipped with an info finding.
    """
    config = config or LintConfig()
    version = pg_version or config.pg_version()
    split = split_sql(text)
    items: list[tuple[Statement, Any]] = []
    in_tx = False
    tx_id = 0
    for piece in split.pieces:
        node = piece.node
        if node is None:
            node, _err, _off = parse_one(piece.text)
        opening = isinstance(node, ast.TransactionStmt) and node.kind in _OPENING
        closing = isinstance(node, ast.TransactionStmt) and node.kind in _CLOSING
        if opening and not in_tx:
            tx_id += 1
            in_tx = True
        stmt = Statement(
            sql=piece.text,
            line=piece.line,
            column=piece.column,
            file=file,
            in_transaction=in_tx,
            transaction_id=tx_id if in_tx else None,
        )
        items.append((stmt, node if node is not None else _PARSE_FAILED))
        if closing:
            in_tx = False
    findings = _lint(items, version, schema, config)
    if config.is_enabled(META_RULE, "psql-meta-command"):
        for note in split.notes:
            findings.append(
                Finding(
                    rule=META_RULE,
                    severity=config.severity_for(META_RULE, "psql-meta-command", Severity.INFO),
                    message=note.message,
                    why="psql runs meta-commands itself; the server never sees them.",
                    fix="Nothing to do, unless the file is meant to run outside psql.",
                    sql=note.text,
                    file=file,
                    line=note.line,
                    column=note.column,
                )
            )
    return sorted(findings, key=lambda f: (f.line, f.column, f.rule))


def lint_migration(ctx: MigrationContext, only: Sequence[str] = ()) -> list[Finding]:
    """Statement rules over a migration's statements, then its migration-level rules.

    ``only`` (rule ids) runs just those migration-level rules and no statement rule: what the
    linter still reports about a migration after one of its rules crashed on it.
    """
    findings = (
        []
        if only
        else lint_statements(
            ctx.statements, pg_version=ctx.pg_version, schema=ctx.schema, config=ctx.config
        )
    )
    for rule in all_rules():
        if not rule.migration_level or not ctx.config.is_enabled(rule.id, rule.name):
            continue
        if only and rule.id not in only:
            continue
        if not rule.applies_to(ctx.pg_version):
            continue
        for hit in rule.check_migration(ctx):
            anchor = hit.statement or Statement(sql="", app=ctx.app, migration=ctx.name)
            findings.append(_finding(rule, hit, anchor, None, ctx.config))
    return findings


class _ParseFailed:
    """Marker: the caller already tried to parse the statement and it failed."""


_PARSE_FAILED = _ParseFailed()


def _lint(
    items: Sequence[tuple[Statement, Any]],
    pg_version: int,
    schema: SchemaInfo | None,
    config: LintConfig | None,
) -> list[Finding]:
    config = config or LintConfig()
    learned = MemorySchema()
    ctx = LintContext(
        pg_version=pg_version,
        schema=ChainedSchema(learned, schema),
        config=config,
        learned=learned,
        lock_timeout_set=config.session_lock_timeout,
    )
    rules = active_rules(config, pg_version)
    findings: list[Finding] = []
    origin: tuple[Any, ...] | None = None
    for stmt, node in items:
        if stmt.app is not None and stmt.app in config.exclude_apps:
            continue
        here = (stmt.file, stmt.app, stmt.migration)
        if here != origin:
            origin = here
            ctx.created_tables.clear()
        _enter_transaction(ctx, stmt)
        pre_parsed = None if isinstance(node, _ParseFailed) else node
        try:
            facts = analyze(stmt, pg_version=pg_version, known=ctx, node=pre_parsed)
        except Exception as exc:  # never crash: report and go on
            facts = StatementFacts(statement=stmt, kind="Unparsable", error=f"internal: {exc}")
        for rule in rules:
            if facts.error is not None and rule.id != SYNTAX_RULE:
                continue
            try:
                hits = list(rule.check(facts, ctx))
            except Exception as exc:
                hits = [Hit(message=f"rule {rule.id} failed on this statement: {exc}")]
            for hit in hits:
                findings.append(_finding(rule, hit, hit.statement or stmt, facts, config))
        _learn(ctx, facts)
    for rule in rules:
        for hit in rule.finish(ctx):
            anchor = hit.statement or ctx.last_statement or Statement(sql="")
            findings.append(_finding(rule, hit, anchor, None, config))
    return findings


def _finding(
    rule: Rule, hit: Hit, stmt: Statement, facts: StatementFacts | None, config: LintConfig
) -> Finding:
    lock = hit.lock
    tables = hit.tables
    if facts is not None:
        strongest = facts.strongest_lock()
        if lock is None and strongest is not None:
            lock = strongest[1].label
        if tables is None:
            tables = facts.tables
    severity = config.severity_for(rule.id, rule.name, hit.severity or rule.severity)
    table_locks: dict[str, str] = {}
    if facts is not None:
        table_locks = {t: facts.locks[t].label for t in tables or () if t in facts.locks}
    return Finding.located_at(
        stmt,
        rule=rule.id,
        severity=severity,
        message=hit.message or rule.format_message(hit.params),
        why=rule.why,
        fix=rule.fix,
        lock=lock,
        tables=list(tables or []),
        table_locks=table_locks,
    )


def _enter_transaction(ctx: LintContext, stmt: Statement) -> None:
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


def _learn(ctx: LintContext, facts: StatementFacts) -> None:
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
        if node.kind in _OPENING:
            if not ctx.in_explicit_transaction:
                ctx.open_transaction = stmt
            ctx.in_explicit_transaction = True
        elif node.kind in _CLOSING:
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
    if isinstance(node, ast.CreateDomainStmt) and node.constraints:
        ctx.constrained_domains.add(".".join(getattr(n, "sval", "") for n in node.domainname or ()))
    if isinstance(node, ast.DropStmt):
        for table in facts.dropped:
            ctx.learned.drop_table(table)
    if isinstance(node, ast.RenameStmt) and node.relation is not None and node.newname:
        old = relname(node.relation)
        if node.renameType == enums.ObjectType.OBJECT_TABLE:
            ctx.learned.rename_table(old, node.newname)
            if ctx.is_new_table(old):
                ctx.created_tables.add(node.newname)
        elif node.renameType == enums.ObjectType.OBJECT_COLUMN and node.subname:
            ctx.learned.rename_column(old, node.subname, node.newname)
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
