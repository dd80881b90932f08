"""Lint ``.sql`` files as psql runs them, one after another as a migration history.

:func:`lint_sql_text` and :func:`lint_sql_files` cut each file into statements, decide
transaction blocks from its explicit ``BEGIN``/``COMMIT`` (or one transaction per file, as
Flyway, sqitch and Rails run them), learn the schema before the first file from a baseline
(``pg_dump --schema-only``), and optionally replay each file on a scratch database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast, enums

from safemigrations.lint.config import LintConfig
from safemigrations.lint.facts import StatementFacts
from safemigrations.lint.fold import fold_covered
from safemigrations.lint.model import ChainedSchema, Finding, SchemaInfo, Severity, Statement
from safemigrations.lint.parsetree import CLOSES_TRANSACTION, OPENS_TRANSACTION, parse_one
from safemigrations.lint.rulepass import PARSE_FAILED, RulePass
from safemigrations.lint.split import split_sql

if TYPE_CHECKING:
    from safemigrations.lint.sql_replay import Replay

META_RULE = "SM001"


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
    run = RulePass(version, known, config)
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
    findings = fold_covered(findings)
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
                fix=rule.format_fix({}),
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
        opening = isinstance(node, ast.TransactionStmt) and node.kind in OPENS_TRANSACTION
        closing = isinstance(node, ast.TransactionStmt) and node.kind in CLOSES_TRANSACTION
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
        items.append((stmt, node if node is not None else PARSE_FAILED))
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
