"""The linter's entry points: run the rules over statements and turn their hits into findings.

:func:`lint_statements` is the core used by both the plain-SQL command and the Django side (which
collects faithful statements from a scratch database). :func:`lint_migration` adds the
migration-level rules for one Django migration. :func:`lint_sql_text` and :func:`lint_sql_files`
(from :mod:`safemigrations.lint.sqlfiles`) lint ``.sql`` files, deciding transaction blocks from
their explicit ``BEGIN``/``COMMIT``. The pass of the rules itself is
:mod:`safemigrations.lint.rulepass`; what the context learns between statements,
:mod:`safemigrations.lint.learn`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from safemigrations.lint.config import LintConfig
from safemigrations.lint.fixtext import operation_names
from safemigrations.lint.fold import fold_covered
from safemigrations.lint.fresh import fresh_reason
from safemigrations.lint.model import Finding, SchemaInfo, Statement
from safemigrations.lint.rulepass import (
    MESSAGE_LIMIT,
    SYNTAX_RULE,
    active_rules,
    lint_items,
    make_finding,
    short_message,
)
from safemigrations.lint.rules.base import MigrationContext, all_rules
from safemigrations.lint.sqlfiles import (
    META_RULE,
    REPLAY_RULE,
    SqlSource,
    lint_sql_files,
    lint_sql_text,
)

__all__ = [
    "MESSAGE_LIMIT",
    "META_RULE",
    "REPLAY_RULE",
    "SYNTAX_RULE",
    "SqlSource",
    "active_rules",
    "lint_migration",
    "lint_sql_files",
    "lint_sql_text",
    "lint_statements",
    "short_message",
]


def lint_statements(
    statements: Iterable[Statement],
    *,
    pg_version: int,
    schema: SchemaInfo | None = None,
    config: LintConfig | None = None,
) -> list[Finding]:
    """Lint statements in the order they run; each carries its own transaction flags."""
    return fold_covered(lint_items([(s, s.node) for s in statements], pg_version, schema, config))


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
        else lint_items(
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
            finding = make_finding(rule, hit, anchor, None, ctx.config, _names_of(anchor, ctx))
            created, named = trail.get(id(anchor), (frozenset(), []))
            finding.fresh = fresh_reason(finding.rule, finding.tables or named, created)
            findings.append(finding)
    return findings


def _names_of(anchor: Statement, ctx: MigrationContext) -> dict[str, str]:
    """The Django names a migration-level finding's fix is written with: its statement's, else
    those of the operation it is anchored at."""
    index = anchor.operation_index
    if anchor.names or index is None or not 0 <= index < len(ctx.operations):
        return anchor.names or {"app": ctx.app}
    return operation_names(ctx.operations[index], ctx.app)
