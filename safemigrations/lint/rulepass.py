"""One pass of the statement rules over statements in the order they run, and the findings it
turns their hits into.

:class:`RulePass` analyzes each statement (:mod:`safemigrations.lint.analyzer`), runs the active
rules on its facts with one shared :class:`~safemigrations.lint.rules.base.LintContext`, then
lets the context learn from it (:mod:`safemigrations.lint.learn`). :func:`make_finding` turns a
rule's hit into a :class:`~safemigrations.lint.model.Finding`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safemigrations.lint.analyzer import analyze
from safemigrations.lint.config import LintConfig
from safemigrations.lint.facts import StatementFacts
from safemigrations.lint.fresh import fresh_reason
from safemigrations.lint.learn import enter_transaction, learn
from safemigrations.lint.model import ChainedSchema, Finding, MemorySchema, SchemaInfo, Statement
from safemigrations.lint.parsetree import short as short_name
from safemigrations.lint.rules.base import Hit, LintContext, Rule, all_rules

SYNTAX_RULE = "SM000"


def active_rules(config: LintConfig, pg_version: int) -> list[Rule]:
    """The statement rules that run for this configuration and PostgreSQL version."""
    return [
        r
        for r in all_rules()
        if not r.migration_level and config.is_enabled(r.id, r.name) and r.applies_to(pg_version)
    ]


class ParseFailed:
    """Marker: the caller already tried to parse the statement and it failed."""


PARSE_FAILED = ParseFailed()


def lint_items(
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
    run = RulePass(pg_version, schema, config or LintConfig(), trail=trail)
    for stmt, node in items:
        run.feed(stmt, node)
    return run.finish()


class RulePass:
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
        enter_transaction(ctx, stmt)
        pre_parsed = None if isinstance(node, ParseFailed) else node
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
                finding = make_finding(rule, hit, hit.statement or stmt, facts, self.config)
                if self.trail is not None:
                    new = ctx.created_tables | {short_name(t) for t in facts.created}
                    finding.fresh = fresh_reason(finding.rule, finding.tables, new)
                self.findings.append(finding)
        learn(ctx, facts)
        if self.trail is not None:
            self.trail[id(stmt)] = (frozenset(ctx.created_tables), facts.tables)
        return facts

    def finish(self) -> list[Finding]:
        """The findings, with what the rules report once every statement has run."""
        for rule in self.rules:
            for hit in rule.finish(self.ctx):
                anchor = hit.statement or self.ctx.last_statement or Statement(sql="")
                finding = make_finding(rule, hit, anchor, None, self.config)
                if self.trail is not None:
                    created = self.trail.get(id(anchor), (frozenset(), []))[0]
                    finding.fresh = fresh_reason(finding.rule, finding.tables, created)
                self.findings.append(finding)
        return self.findings


def make_finding(
    rule: Rule,
    hit: Hit,
    stmt: Statement,
    facts: StatementFacts | None,
    config: LintConfig,
    names: dict[str, str] | None = None,
) -> Finding:
    """The finding ``rule``'s ``hit`` makes at ``stmt``: the lock and tables of ``facts`` when
    the hit names none, the configured severity, the message cut to :data:`MESSAGE_LIMIT`."""
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
        # The fix names the finding's own objects: the SQL's (hit params) over the operation's.
        fix=rule.format_fix(
            {**(stmt.names if names is None else names), **hit.params}, hit.fix_variant
        ),
        lock=lock,
        tables=list(tables or []),
        table_locks=table_locks,
        subject=hit.subject,
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
