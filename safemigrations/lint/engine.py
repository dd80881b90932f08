"""Run the rules over statements and turn their hits into findings.

:func:`lint_statements` is the core used by both the plain-SQL command and the Django side (which
collects faithful statements from a scratch database). :func:`lint_sql_text` cuts a ``.sql`` file
into statements first, deciding transaction blocks from its explicit ``BEGIN``/``COMMIT``.
:func:`lint_migration` adds the migration-level rules for one Django migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast, enums

from safemigrations.lint.config import LintConfig
from safemigrations.lint.fresh import fresh_reason
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
from safemigrations.lint.rules.missing_statement_timeout import fold_into_primary
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

if TYPE_CHECKING:
    from safemigrations.lint.sql_replay import Replay

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
    return fold_into_primary(_lint([(s, s.node) for s in statements], pg_version, schema, config))


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
    return lint_sql_files(
        [SqlSource(file, text)], pg_version=pg_version, config=config, schema=schema
    )


@dataclass
class SqlSource:
    """One SQL file of a migration history: its name (None for unnamed text) and its text."""

    name: str | None
    text: str


def lint_sql_files(
    sources: Sequence[SqlSource],
    *,
    pg_version: int | None = None,
    config: LintConfig | None = None,
    schema: SchemaInfo | None = None,
    baseline: Sequence[SqlSource] = (),
    transaction_per_file: bool = False,
    replay: Replay | None = None,
) -> list[Finding]:
    """Lint SQL files as one migration history, in order.

    Each file is judged against the schema the earlier files leave, learned statically from
    their statements (column types, indexes and their columns, NOT NULL columns, validated
    checks, foreign keys, tables and partitions). ``baseline`` is SQL describing the schema
    before the first file (a ``pg_dump --schema-only``): it is learned the same way, never
    reported on. Session settings (``SET lock_timeout``) and "created in this migration" do not
    carry from one file to the next: each file is a migration of its own, run later.

    ``transaction_per_file`` runs each file in one transaction, as Flyway, sqitch and Rails do,
    unless the file has its own ``BEGIN``/``COMMIT`` or holds a statement PostgreSQL refuses
    inside a transaction block (``CREATE INDEX CONCURRENTLY``, ``VACUUM``, …), which the
    tools then run without one.

    ``replay`` (a :class:`~safemigrations.lint.sql_replay.Replay` on a scratch database) runs the
    baseline and each file after linting it, and judges each file against the catalog read just
    before it; when a statement fails there, an ``SM004`` note says where, and the later files
    are judged statically.
    """
    config = config or LintConfig()
    version = pg_version or config.pg_version()
    known = _Baseline(schema) if baseline else schema
    run = _Run(version, known, config)
    tx_id = 0
    findings: list[Finding] = []
    for source in baseline:
        items, _notes, tx_id, _wrap = _sql_items(source, tx_id, wrap=False)
        run.start_file()
        for stmt, node in items:
            facts = run.feed(stmt, node, check=False)
            if isinstance(known, _Baseline) and facts is not None:
                known.learn(facts)
        replay = _replayed(replay, items, False, findings, config)
    for source in sources:
        items, notes, tx_id, wrapped = _sql_items(source, tx_id, wrap=transaction_per_file)
        run.start_file()
        if replay is not None:
            assert isinstance(run.ctx.schema, ChainedSchema)
            run.ctx.schema.fallback = replay.knowledge()
        for stmt, node in items:
            run.feed(stmt, node)
        replay = _replayed(replay, items, wrapped, findings, config)
        if replay is None and isinstance(run.ctx.schema, ChainedSchema):
            run.ctx.schema.fallback = known
        if config.is_enabled(META_RULE, "psql-meta-command"):
            findings.extend(_meta_finding(note, source.name, config) for note in notes)
    findings.extend(run.finish())
    findings = fold_into_primary(findings)
    order = {source.name: i for i, source in enumerate(sources)}
    return sorted(findings, key=lambda f: (order.get(f.file, -1), f.line, f.column, f.rule))


class _Baseline:
    """The schema before the first file, learned from a ``--schema`` SQL file (pg_dump
    ``--schema-only``): indexes and foreign keys for the rules that ask for them (the rest is
    learned by the engine itself); other questions go to ``fallback``."""

    def __init__(self, fallback: SchemaInfo | None) -> None:
        self.fallback = fallback
        self._indexes: dict[str, Any] = {}
        self._foreign_keys: list[Any] = []

    def learn(self, facts: StatementFacts) -> None:
        """Add what a baseline statement defines."""
        from safemigrations.lint.rules._schema import defined_by

        done = defined_by(facts)
        for index in done.indexes:
            self._indexes[index.name] = index
        for name in done.dropped_indexes:
            self._indexes.pop(name, None)
        self._foreign_keys.extend(done.foreign_keys)

    def indexes(self) -> list[Any]:
        """Indexes of the baseline schema (``IndexInfo``)."""
        return list(self._indexes.values())

    def foreign_keys(self) -> list[Any]:
        """Foreign keys of the baseline schema (``ForeignKeyInfo``)."""
        return list(self._foreign_keys)

    def column_type(self, table: str, column: str) -> str | None:
        """Asked of ``fallback`` (the engine learns the baseline's column types itself)."""
        return self.fallback.column_type(table, column) if self.fallback is not None else None


REPLAY_RULE = "SM004"


def _replayed(
    replay: Replay | None,
    items: Sequence[tuple[Statement, Any]],
    wrap: bool,
    findings: list[Finding],
    config: LintConfig,
) -> Replay | None:
    """Run a file on the replay database; on failure report it and stop replaying (None)."""
    if replay is None:
        return None
    failure = replay.run(items, wrap=wrap)
    if failure is None:
        return replay
    from safemigrations.lint.rules.base import get_rule

    rule = get_rule(REPLAY_RULE)
    if rule is not None and config.is_enabled(rule.id, rule.name):
        anchor = next((s for s, _n in items if failure.startswith(f"{s.file}:{s.line}:")), None)
        findings.append(
            Finding.located_at(
                anchor or Statement(sql=""),
                rule=rule.id,
                severity=config.severity_for(rule.id, rule.name, rule.severity),
                message=rule.format_message({"failure": failure}),
                why=rule.why,
                fix=rule.fix,
            )
        )
    return None


def _meta_finding(note: Any, file: str | None, config: LintConfig) -> Finding:
    return Finding(
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


def _sql_items(
    source: SqlSource, tx_id: int, *, wrap: bool
) -> tuple[list[tuple[Statement, Any]], list[Any], int, bool]:
    """The statements of one file with their transaction flags (``wrap``: the whole file is one
    transaction, see :func:`lint_sql_files`), the split notes, the last transaction id, and
    whether the file is really wrapped."""
    split = split_sql(source.text)
    parsed = []
    for piece in split.pieces:
        node = piece.node
        if node is None:
            node, _err, _off = parse_one(piece.text)
        parsed.append((piece, node))
    if wrap and any(
        isinstance(node, ast.TransactionStmt) or _refused_in_transaction(node)
        for _piece, node in parsed
    ):
        wrap = False
    if wrap:
        tx_id += 1
    items: list[tuple[Statement, Any]] = []
    in_tx = False
    for piece, node in parsed:
        opening = isinstance(node, ast.TransactionStmt) and node.kind in _OPENING
        closing = isinstance(node, ast.TransactionStmt) and node.kind in _CLOSING
        if opening and not in_tx:
            tx_id += 1
            in_tx = True
        stmt = Statement(
            sql=piece.text,
            line=piece.line,
            column=piece.column,
            file=source.name,
            in_transaction=in_tx or wrap,
            transaction_id=tx_id if (in_tx or wrap) else None,
        )
        items.append((stmt, node if node is not None else _PARSE_FAILED))
        if closing:
            in_tx = False
    return items, split.notes, tx_id, wrap


def _refused_in_transaction(node: Any) -> bool:
    """Statements PostgreSQL refuses inside a transaction block."""
    if isinstance(node, ast.IndexStmt | ast.DropStmt):
        return bool(node.concurrent)
    if isinstance(node, ast.ReindexStmt):
        return any(getattr(d, "defname", "") == "concurrently" for d in node.params or ())
    if isinstance(node, ast.VacuumStmt):
        return bool(node.is_vacuumcmd)
    if isinstance(node, ast.AlterTableStmt):
        return any(
            cmd.subtype == enums.AlterTableType.AT_DetachPartition
            and bool(getattr(cmd.def_, "concurrent", False))
            for cmd in node.cmds or ()
        )
    return isinstance(
        node,
        ast.CreatedbStmt
        | ast.DropdbStmt
        | ast.CreateTableSpaceStmt
        | ast.DropTableSpaceStmt
        | ast.AlterSystemStmt,
    )


def lint_migration(ctx: MigrationContext, only: Sequence[str] = ()) -> list[Finding]:
    """Statement rules over a migration's statements, then its migration-level rules.

    Each finding's ``fresh`` says when it is about tables created earlier in the migration
    (see :mod:`safemigrations.lint.fresh`); a migration-level finding is judged by the tables
    of the statement it is anchored at. ``only`` (rule ids) runs just those migration-level
    rules and no statement rule: what the linter still reports about a migration after one of
    its rules crashed on it.
    """
    trail: dict[int, tuple[frozenset[str], list[str]]] = {}
    findings = (
        []
        if only
        else _lint(
            [(s, s.node) for s in ctx.statements], ctx.pg_version, ctx.schema, ctx.config, trail
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
            finding = _finding(rule, hit, anchor, None, ctx.config)
            created, named = trail.get(id(anchor), (frozenset(), []))
            finding.fresh = fresh_reason(finding.rule, finding.tables or named, created)
            findings.append(finding)
    return findings


class _ParseFailed:
    """Marker: the caller already tried to parse the statement and it failed."""


_PARSE_FAILED = _ParseFailed()


def _lint(
    items: Sequence[tuple[Statement, Any]],
    pg_version: int,
    schema: SchemaInfo | None,
    config: LintConfig | None,
    trail: dict[int, tuple[frozenset[str], list[str]]] | None = None,
) -> list[Finding]:
    """Run the statement rules. With ``trail`` (the Django side), each finding's ``fresh`` is
    set, and ``trail`` receives, per statement (by ``id``), the tables created so far in its
    migration and the tables the statement names: what :func:`lint_migration` judges its
    migration-level findings' freshness by. Plain SQL files are not judged fresh."""
    run = _Run(pg_version, schema, config or LintConfig(), trail=trail)
    for stmt, node in items:
        run.feed(stmt, node)
    return run.finish()


class _Run:
    """One pass of the rules over statements in the order they run, sharing one context."""

    def __init__(
        self,
        pg_version: int,
        schema: SchemaInfo | None,
        config: LintConfig,
        trail: dict[int, tuple[frozenset[str], list[str]]] | None = None,
    ) -> None:
        self.config = config
        self.trail = trail  # judge freshness, and record the tables per statement (see _lint)
        self.pg_version = pg_version
        learned = MemorySchema()
        self.ctx = LintContext(
            pg_version=pg_version,
            schema=ChainedSchema(learned, schema),
            config=config,
            learned=learned,
            lock_timeout_set=config.session_lock_timeout,
        )
        self.rules = active_rules(config, pg_version)
        self.findings: list[Finding] = []
        self.origin: tuple[Any, ...] | None = None

    def start_file(self) -> None:
        """A new SQL file is a new session: its settings and open transaction start afresh."""
        ctx = self.ctx
        ctx.lock_timeout_set = self.config.session_lock_timeout
        ctx.lock_timeout_local = False
        ctx.lock_timeout_reported = False
        ctx.statement_timeout_set = False
        ctx.statement_timeout_local = False
        ctx.in_explicit_transaction = False
        ctx.open_transaction = None

    def feed(self, stmt: Statement, node: Any, *, check: bool = True) -> StatementFacts | None:
        """Run the rules on one statement (unless ``check`` is False), then learn from it."""
        ctx = self.ctx
        if stmt.app is not None and stmt.app in self.config.exclude_apps:
            return None
        here = (stmt.file, stmt.app, stmt.migration)
        if here != self.origin:
            self.origin = here
            ctx.created_tables.clear()
        _enter_transaction(ctx, stmt)
        pre_parsed = None if isinstance(node, _ParseFailed) else node
        try:
            facts = analyze(stmt, pg_version=self.pg_version, known=ctx, node=pre_parsed)
        except Exception as exc:  # never crash: report and go on
            facts = StatementFacts(statement=stmt, kind="Unparsable", error=f"internal: {exc}")
        for rule in self.rules if check else ():
            if facts.error is not None and rule.id != SYNTAX_RULE:
                continue
            try:
                hits = list(rule.check(facts, ctx))
            except Exception as exc:
                hits = [Hit(message=f"rule {rule.id} failed on this statement: {exc}")]
            for hit in hits:
                finding = _finding(rule, hit, hit.statement or stmt, facts, self.config)
                if self.trail is not None:
                    new = ctx.created_tables | {short_name(t) for t in facts.created}
                    finding.fresh = fresh_reason(finding.rule, finding.tables, new)
                self.findings.append(finding)
        _learn(ctx, facts)
        if self.trail is not None:
            self.trail[id(stmt)] = (frozenset(ctx.created_tables), facts.tables)
        return facts

    def finish(self) -> list[Finding]:
        """The findings, with what the rules report once every statement has run."""
        for rule in self.rules:
            for hit in rule.finish(self.ctx):
                anchor = hit.statement or self.ctx.last_statement or Statement(sql="")
                finding = _finding(rule, hit, anchor, None, self.config)
                if self.trail is not None:
                    created = self.trail.get(id(anchor), (frozenset(), []))[0]
                    finding.fresh = fresh_reason(finding.rule, finding.tables, created)
                self.findings.append(finding)
        return self.findings


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
    message, why = short_message(hit.message or rule.format_message(hit.params), rule.why)
    if hit.detail:
        why = f"{why}\n\n{hit.detail}" if why else hit.detail
    return Finding.located_at(
        stmt,
        rule=rule.id,
        severity=severity,
        message=message,
        why=why,
        fix=rule.fix,
        lock=lock,
        tables=list(tables or []),
        table_locks=table_locks,
    )


#: Longest message a finding shows; a longer one (a rule listing every table of a big schema) is
#: cut here and given whole in ``why``.
MESSAGE_LIMIT = 300


def short_message(message: str, why: str) -> tuple[str, str]:
    """``(message, why)`` with the message cut to :data:`MESSAGE_LIMIT` characters; the whole
    message then opens ``why``, so nothing is lost."""
    if len(message) <= MESSAGE_LIMIT:
        return message, why
    cut = message[: MESSAGE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    return cut, f"In full: {message}\n\n{why}" if why else f"In full: {message}"


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
