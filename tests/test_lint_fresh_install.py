"""Histories as installed packages have them, linted on a real PostgreSQL.

- a split initial migration (``0002`` written in the same ``makemigrations`` run as
  ``0001_initial``) meets its app's tables new and empty: its findings on the tables it provably
  meets empty are fresh, what it does to other tables and the later releases stay reported;
- SM965 (no ``statement_timeout``) and SM961 (slow work while ACCESS EXCLUSIVE is held) are
  folded into the finding that already reports the same statement's long work on the same
  table, and come back when that finding is suppressed.
"""

from __future__ import annotations

import pytest

from safemigrations.lint.model import Finding
from safemigrations.lint.project import lint_migrations


def on(findings: list[Finding], prefix: str) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, tuple(sorted(f.tables))) for f in findings if f.migration.startswith(prefix)}  # type: ignore[union-attr]


@pytest.mark.django_db
def test_split_initial_migration_is_fresh_on_the_tables_it_meets_empty(scenario) -> None:  # type: ignore[no-untyped-def]
    result = lint_migrations(scenario("splitinitial"))
    reported, fresh = on(result.findings, "0002"), on(result.fresh, "0002")

    # lintdj_book gets NOT NULL columns without default: 0002 fails unless it is empty.
    assert ("SM101", ("lintdj_book",)) in fresh  # index of the new owner_id
    assert ("SM206", ("lintdj_book",)) in fresh  # unique_together built on the empty table
    assert not [r for r in reported if r[1] == ("lintdj_book",) and r[0] != "SM302"]
    why = [str(f.fresh) for f in result.fresh if f.migration == "0002_auto"]
    assert why
    assert all(
        "lintdj's initial migration 0001_initial; 0002_auto adds a NOT NULL column" in str(w)
        for w in why
    )
    # The premise stays reported: if the table did have rows, this is the error.
    assert ("SM302", ("lintdj_book",)) in reported
    # The referenced table of another app and the app's table that may hold rows stay.
    assert ("SM202", ("auth_user", "lintdj_book")) in reported
    assert ("SM101", ("lintdj_shelf",)) in reported

    # A later release's change on the same table is a real finding, and so is a hand-written
    # NOT NULL column after it (the chain is no longer the first install).
    assert ("SM101", ("lintdj_book",)) in on(result.findings, "0003")
    later = on(result.findings, "0004")
    assert {("SM101", ("lintdj_book",)), ("SM302", ("lintdj_book",))} <= later
    assert not on(result.fresh, "0003")
    assert not on(result.fresh, "0004")


@pytest.mark.django_db
def test_migration_marked_initial_is_fresh_on_all_its_apps_tables(scenario) -> None:  # type: ignore[no-untyped-def]
    result = lint_migrations(scenario("splitinitialflag"))
    assert not on(result.findings, "0002")
    fresh = on(result.fresh, "0002")
    assert ("SM101", ("lintdj_shelf",)) in fresh
    assert ("SM202", ("lintdj_book", "lintdj_shelf")) in fresh
    assert all("0002_initial is marked initial" in str(f.fresh) for f in result.fresh)


@pytest.mark.django_db
def test_statement_timeout_is_folded_into_the_primary_finding(scenario) -> None:  # type: ignore[no-untyped-def]
    result = lint_migrations(scenario("splitinitial"))
    by_op: dict[int | None, set[str]] = {}
    for f in result.findings:
        if f.migration == "0003_book_pages":
            by_op.setdefault(f.operation_index, set()).add(f.rule)
    # Operation 0: the index build is SM101's finding; SM965 said it again.
    assert "SM101" in by_op[0]
    assert "SM965" not in by_op[0]
    # Operation 1: SM101 is accepted with a reason, so the time budget is the advice left.
    assert "SM101" not in by_op[1]
    sm965 = [f for f in result.findings if f.rule == "SM965"]
    assert [(f.migration, f.operation_index) for f in sm965] == [("0003_book_pages", 1)]
    # 0004's index build and NOT NULL column are covered by SM101 / SM302: no SM965 either.
    assert not [f for f in sm965 if f.migration == "0004_book_isbn"]


@pytest.mark.django_db
def test_strong_lock_wait_is_folded_into_the_index_finding(scenario) -> None:  # type: ignore[no-untyped-def]
    result = lint_migrations(scenario("splitinitial"))
    found = [f for f in result.findings if f.migration == "0003_book_pages"]
    # Operation 0: AddField(db_index=True) adds the column (ACCESS EXCLUSIVE on lintdj_book)
    # and Django builds its index at the migration's end, still under that lock. SM101 reports
    # the build with AddIndexConcurrently, which takes it out of the transaction: SM961 said it
    # again.
    assert [(f.rule, f.operation_index) for f in found if f.rule in ("SM101", "SM961")] == [
        ("SM101", 0),
        ("SM961", 1),
    ]
    # Operation 1: its SM101 is suppressed (the build is accepted), so SM961 is left to say
    # that the build runs while lintdj_book is locked for reads too.
    (held,) = [f for f in found if f.rule == "SM961"]
    assert "builds an index on lintdj_book while holding ACCESS EXCLUSIVE on lintdj_book" in (
        held.message
    )
    assert held.subject == "lintdj_book"
