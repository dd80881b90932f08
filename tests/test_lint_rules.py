"""Every SQL rule: its unsafe example is reported, its safe example is not, on each PG version."""

from __future__ import annotations

import pytest

from safemigrations.lint.config import MAX_PG_VERSION, MIN_PG_VERSION, LintConfig
from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.rules.base import Rule, all_rules
from safemigrations.lint.rules.missing_statement_timeout import PRIMARY_RULES

SQL_RULES = [r for r in all_rules() if not r.migration_level and not r.command_level]
VERSIONS = range(MIN_PG_VERSION, MAX_PG_VERSION + 1)


def _cases() -> list[tuple[Rule, int]]:
    return [(rule, v) for rule in SQL_RULES for v in VERSIONS if rule.applies_to(v)]


@pytest.mark.parametrize(
    ("rule", "version"), _cases(), ids=lambda x: x.id if isinstance(x, Rule) else f"pg{x}"
)
def test_unsafe_example_is_reported(rule: Rule, version: int) -> None:
    # SM965 is folded into the finding that reports the same long statement: it is reported
    # once that step is accepted (its rule disabled or suppressed).
    accepted = LintConfig(disabled=PRIMARY_RULES) if rule.id == "SM965" else None
    findings = lint_sql_text(rule.unsafe_example, pg_version=version, config=accepted)
    assert rule.id in {f.rule for f in findings}, [f.to_dict() for f in findings]


@pytest.mark.parametrize(
    ("rule", "version"), _cases(), ids=lambda x: x.id if isinstance(x, Rule) else f"pg{x}"
)
def test_safe_example_is_not_reported(rule: Rule, version: int) -> None:
    findings = lint_sql_text(rule.safe_example, pg_version=version)
    assert rule.id not in {f.rule for f in findings}, [f.to_dict() for f in findings]


@pytest.mark.parametrize("rule", SQL_RULES, ids=lambda r: r.id)
def test_rule_documents_itself(rule: Rule) -> None:
    assert rule.id.startswith("SM")
    assert rule.id[2:].isdigit()
    assert rule.name == rule.name.lower()
    assert " " not in rule.name
    for text in (
        rule.title,
        rule.message,
        rule.why,
        rule.fix,
        rule.unsafe_example,
        rule.safe_example,
    ):
        assert text.strip()
    assert rule.unsafe_example != rule.safe_example
