"""Folding: a finding that only repeats what another reported finding on the same statement and
table says is dropped (``Rule.folds_into``), and a rule reported once per migration keeps its
first finding left (``Rule.once_per_migration``)."""

from __future__ import annotations

from typing import ClassVar

from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.fold import fold_covered
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.rules.base import Rule, all_rules


def finding(
    rule: str, tables: list[str], *, line: int = 3, file: str = "0042.sql", **fields: object
) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        message=rule,
        tables=tables,
        sql=f"statement at line {line}",
        file=file,
        line=line,
        **fields,  # type: ignore[arg-type]
    )


def rules_of(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in findings]


def test_every_declared_fold_names_existing_rules_and_no_rule_folds_into_itself() -> None:
    known = {r.id for r in all_rules()}
    folding = [r for r in all_rules() if r.folds_into]
    assert {r.id for r in folding} >= {"SM961", "SM965"}
    for rule in folding:
        assert rule.folds_into <= known, rule.id
        assert rule.id not in rule.folds_into


def test_strong_lock_finding_is_covered_only_by_a_finding_on_its_held_table() -> None:
    held = finding("SM961", ["blog_author", "blog_post"], subject="blog_post")
    on_held = finding("SM101", ["blog_post"])
    on_other = finding("SM101", ["blog_author"])
    assert rules_of(fold_covered([on_held, held])) == [("SM101", 3)]
    # The index is built on another table: SM101 does not say blog_post's traffic waits too.
    assert rules_of(fold_covered([on_other, held])) == [("SM101", 3), ("SM961", 3)]
    # A rule that does not report the lock problem (a rename) covers nothing.
    assert len(fold_covered([finding("SM601", ["blog_post"]), held])) == 2
    # Another statement covers nothing.
    assert len(fold_covered([finding("SM101", ["blog_post"], line=4), held])) == 2


def test_finding_without_subject_is_covered_through_any_of_its_tables() -> None:
    # Schema-qualified or not, the same table.
    timeout = finding("SM965", ["shop.book"])
    assert rules_of(fold_covered([finding("SM101", ["book"]), timeout])) == [("SM101", 3)]
    assert len(fold_covered([finding("SM101", ["author"]), timeout])) == 2


def test_fresh_finding_covers_only_fresh_ones() -> None:
    # Set aside as fresh, SM101 is not shown by default: it cannot stand in for a shown SM961.
    fresh = finding("SM101", ["blog_post"], fresh="created in the same migration")
    held = finding("SM961", ["blog_post"], subject="blog_post")
    assert rules_of(fold_covered([fresh, held])) == [("SM101", 3), ("SM961", 3)]
    held.fresh = "created in the same migration"
    assert rules_of(fold_covered([fresh, held])) == [("SM101", 3)]


def test_once_per_migration_keeps_the_first_finding_left_of_each_migration() -> None:
    findings = [
        finding("SM101", ["a"], line=1),
        finding("SM965", ["a"], line=1),  # covered
        finding("SM965", ["b"], line=2),  # the first left: kept
        finding("SM965", ["c"], line=3),
        finding("SM965", ["c"], line=3, file="0043.sql"),  # another file
    ]
    kept = fold_covered(findings)
    assert [(f.rule, f.file, f.line) for f in kept] == [
        ("SM101", "0042.sql", 1),
        ("SM965", "0042.sql", 2),
        ("SM965", "0043.sql", 3),
    ]


class _Base(Rule):
    id = "SM991"
    name = "base"


class _Middle(Rule):
    id = "SM992"
    name = "middle"
    folds_into: ClassVar[frozenset[str]] = frozenset({"SM991"})


class _Top(Rule):
    id = "SM993"
    name = "top"
    folds_into: ClassVar[frozenset[str]] = frozenset({"SM992"})


def test_a_dropped_finding_covers_nothing() -> None:
    rules = [_Base(), _Middle(), _Top()]
    middle, top = finding("SM992", ["t"]), finding("SM993", ["t"])
    # SM993 is covered by SM992 while SM992 is reported ...
    assert rules_of(fold_covered([middle, top], rules)) == [("SM992", 3)]
    # ... but once SM991 covers SM992, nothing covers SM993 any more.
    found = fold_covered([finding("SM991", ["t"]), middle, top], rules)
    assert rules_of(found) == [("SM991", 3), ("SM993", 3)]


def test_sql_file_folds_and_a_disabled_covering_rule_brings_the_finding_back() -> None:
    sql = (
        "BEGIN;\n"
        'ALTER TABLE "shop_book" ADD COLUMN "author_id" bigint NULL;\n'
        'CREATE INDEX "book_author_idx" ON "shop_book" ("author_id");\n'
        'CREATE INDEX "author_name_idx" ON "shop_author" ("name");\n'
        "COMMIT;\n"
    )
    found = [(f.rule, f.line) for f in lint_sql_text(sql, pg_version=16)]
    # Line 3 builds on the held table (SM101 says it); line 4 on another one (SM961's own news).
    assert {("SM101", 3), ("SM101", 4), ("SM961", 4)} <= set(found)
    assert ("SM961", 3) not in found
    accepted = LintConfig(disabled=frozenset({"SM101"}))
    again = [(f.rule, f.line) for f in lint_sql_text(sql, pg_version=16, config=accepted)]
    assert {("SM961", 3), ("SM961", 4)} <= set(again)
