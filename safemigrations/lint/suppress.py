"""Suppressions: inline comments on an operation, a migration attribute, project configuration.

* ``# safemigrations: ignore[SM101] reason`` on an operation of the migration file (on any of
  its lines, or the line just above it) hides that rule's findings for that operation. Several
  rules: ``ignore[SM101, SM106]``; rule names work as well as ids.
* ``safemigrations_ignore = {"SM101": "reason"}`` on the ``Migration`` class hides the rule for
  the whole migration.
* Project configuration (``SAFEMIGRATIONS["LINT"]``: ``disable``, ``severity``,
  ``exclude_apps``) is applied by the engine through :class:`~safemigrations.lint.config.LintConfig`.

A suppression without a reason is not applied and is reported (SM908); one that matches no
finding is reported too (SM909), so stale suppressions do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import Finding, Statement
from safemigrations.lint.rules.base import Rule, get_rule
from safemigrations.lint.source import MigrationSource, source_of

COMMENT = re.compile(r"#\s*safemigrations:\s*ignore\[([^\]]*)\]\s*(.*)$", re.IGNORECASE)
WITHOUT_REASON = "SM908"
UNUSED = "SM909"


@dataclass
class Suppression:
    """One suppression: which rules, why, where it is written, and whether it was used."""

    rules: list[str]
    reason: str
    line: int
    operation_index: int | None  # None: the whole migration
    used: bool = False
    matched: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        """True when this suppression hides ``finding``."""
        if self.operation_index is not None and finding.operation_index != self.operation_index:
            return False
        return any(_same_rule(key, finding.rule) for key in self.rules)


def _same_rule(key: str, rule_id: str) -> bool:
    if key.upper() == rule_id.upper():
        return True
    rule = get_rule(key)
    return rule is not None and rule.id == rule_id


def suppressions_of(migration: Any, source: MigrationSource | None = None) -> list[Suppression]:
    """The inline and attribute suppressions written in ``migration``."""
    found: list[Suppression] = []
    source = source or source_of(migration)
    if source is not None:
        for index in range(len(source.operations)):
            for line, text in source.comments_of(index):
                match = COMMENT.search(text)
                if match:
                    found.append(
                        Suppression(
                            rules=_split(match[1]),
                            reason=match[2].strip(),
                            line=line,
                            operation_index=index,
                        )
                    )
    attribute = getattr(migration, "safemigrations_ignore", None) or {}
    if isinstance(attribute, dict):
        line = source.class_line if source else 1
        for key, reason in attribute.items():
            found.append(
                Suppression(
                    rules=_split(str(key)),
                    reason=str(reason or "").strip(),
                    line=line,
                    operation_index=None,
                )
            )
    return found


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def apply(
    findings: Iterable[Finding],
    migration: Any,
    *,
    app: str,
    name: str,
    config: LintConfig | None = None,
) -> list[Finding]:
    """``findings`` of one migration minus the suppressed ones, plus SM908/SM909 findings."""
    config = config or LintConfig()
    source = source_of(migration)
    suppressions = suppressions_of(migration, source)
    kept: list[Finding] = []
    for finding in findings:
        hidden = False
        for suppression in suppressions:
            if suppression.reason and suppression.covers(finding):
                suppression.used = True
                hidden = True
        if not hidden:
            kept.append(finding)
    path = source.display_path() if source else None
    for suppression in suppressions:
        rules = ", ".join(suppression.rules) or "no rule"
        if not suppression.reason:
            kept.extend(_report(WITHOUT_REASON, config, rules, suppression, path, app, name))
        elif not suppression.used:
            kept.extend(_report(UNUSED, config, rules, suppression, path, app, name))
    return kept


def _report(
    rule_id: str,
    config: LintConfig,
    rules: str,
    suppression: Suppression,
    path: str | None,
    app: str,
    name: str,
) -> list[Finding]:
    rule: Rule | None = get_rule(rule_id)
    if rule is None or not config.is_enabled(rule.id, rule.name):
        return []
    anchor = Statement(
        sql="",
        line=suppression.line,
        file=path,
        app=app,
        migration=name,
        operation_index=suppression.operation_index,
    )
    return [
        Finding.located_at(
            anchor,
            rule=rule.id,
            severity=config.severity_for(rule.id, rule.name, rule.severity),
            message=rule.format_message({"rules": rules}),
            why=rule.why,
            fix=rule.format_fix({"app": app}),
        )
    ]
