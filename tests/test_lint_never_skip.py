"""The linter never skips silently: what it cannot analyse is an error-level finding (SM910)
that says why, its own failures are never blamed on the migration (SM901), and the migrations
after a failure are still linted."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint.project import lint_migrations
from safemigrations.lint.replay import capture


def rules(result: Any, key: tuple[str, str]) -> set[str]:
    return {f.rule for f in result.by_migration[key]}


@pytest.mark.django_db
def test_a_failing_migration_is_reported_and_the_ones_after_it_are_still_linted(
    scenario,
) -> None:
    keys = scenario("failing")
    result = lint_migrations(keys)
    assert "SM901" in rules(result, keys[1])  # the RunPython really raises
    (failure,) = [f for f in result.by_migration[keys[1]] if f.rule == "SM901"]
    assert "without an author" in failure.message
    # 0003 depends on the failed 0002: the scratch database was rebuilt from the state, so it
    # is linted (its ADD COLUMN captured) instead of being skipped.
    collection = result.collection
    assert collection is not None
    assert collection.stats.rebuilds == 1
    assert collection.not_analysed() == []
    third = next(c for c in collection.migrations if c.key == keys[2])
    assert any("ADD COLUMN" in s.sql for s in third.statements)
    assert "SM101" in rules(result, keys[3])  # the index build on the rebuilt database
    assert not any(f.rule == "SM910" for f in result.findings)


@pytest.mark.django_db
def test_a_catalog_read_that_fails_is_the_linters_error_not_the_migrations(
    scenario, monkeypatch
) -> None:
    # The bug a user met: the linter's catalog query raised inside the migration's
    # transaction, which aborted it, and the migration was reported as failing.
    def broken_read(raw: Any) -> Any:
        with raw.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM pg_class")
        raise AssertionError("unreachable")

    monkeypatch.setattr(capture, "read_catalog", broken_read)
    keys = scenario("unsafe")
    result = lint_migrations(keys[:2])  # 0002 drops an index: the catalog is read before it
    second = rules(result, keys[1])
    assert "SM901" not in second
    assert "SM910" in second
    (partly,) = [f for f in result.by_migration[keys[1]] if f.rule == "SM910"]
    assert "partly analysed" in partly.message
    assert "no_such_column" in partly.message
    # Long messages are cut; the whole text, with where to report it, is in ``why``.
    assert "bug in safemigrations' linter" in partly.message + partly.why
    # The migration itself ran to the end, as migrate runs it.
    collection = result.collection
    assert collection is not None
    collected = next(c for c in collection.migrations if c.key == keys[1])
    assert any(s.sql.startswith("DROP INDEX") for s in collected.statements)
    assert collected.failure is None


@pytest.mark.django_db
def test_an_instrumentation_bug_makes_the_migration_not_analysed_and_the_next_is_linted(
    scenario, monkeypatch
) -> None:
    keys = scenario("failing")
    original = capture.OperationTracker.owner

    def owner(self: Any, sql: str) -> Any:
        if self.migration.name.startswith("0003"):
            raise KeyError("operation map")
        return original(self, sql)

    monkeypatch.setattr(capture.OperationTracker, "owner", owner)
    result = lint_migrations([keys[0], keys[2], keys[3]])
    third = result.by_migration[keys[2]]
    assert {f.rule for f in third} >= {"SM910"}
    assert "SM901" not in {f.rule for f in third}
    (missing,) = [f for f in third if f.rule == "SM910"]
    assert "the linter failed" in missing.message
    assert "KeyError" in missing.message
    assert "bug in safemigrations' linter" in missing.message
    collection = result.collection
    assert collection is not None
    assert [c.key for c in collection.not_analysed()] == [keys[2]]
    # The column 0003 adds exists (applied without the instrumentation): 0004 is linted.
    assert "SM101" in rules(result, keys[3])


@pytest.mark.django_db(transaction=True)
def test_lintmigrations_counts_not_analysed_in_the_summary_and_exit_status(
    scenario, monkeypatch, tmp_path: Path
) -> None:
    scenario("failing")

    def owner(self: Any, sql: str) -> Any:
        raise RuntimeError("tracker bug")

    monkeypatch.setattr(capture.OperationTracker, "owner", owner)
    out = StringIO()
    stats = tmp_path / "stats.json"
    with pytest.raises(CommandError) as raised:
        call_command("lintmigrations", "lintdj", "0003", "--stats-json", str(stats), stdout=out)
    assert raised.value.returncode == 1
    assert "Analysed 0 of 1 migration(s); 1 not analysed" in out.getvalue()
    facts = json.loads(stats.read_text())
    assert facts["not_analysed"][0]["migration"] == "0003_book_isbn"
    assert "tracker bug" in facts["not_analysed"][0]["why"]


@pytest.mark.django_db
def test_a_rule_that_crashes_is_counted_not_dropped(scenario, monkeypatch) -> None:
    from safemigrations.lint.rules.django_run_without_reverse import RunWithoutReverse

    def crash(self: Any, ctx: Any) -> Any:
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(RunWithoutReverse, "check_migration", crash)
    keys = scenario("safe")
    result = lint_migrations(keys[:2])
    for key in keys[:2]:
        found = [f for f in result.by_migration[key] if f.rule == "SM910"]
        assert found
        assert "rule bug" in found[0].message


def _sqlmigrate_lint(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("sqlmigrate", "--lint", *args, "--no-color", stdout=out, stderr=StringIO())
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


@pytest.mark.django_db(transaction=True)
def test_sqlmigrate_lint_after_a_squashed_migration(scenario) -> None:
    # Found on wagtail: sqlmigrate --lint applied the squashed migration next to the ones it
    # replaces ("relation already exists"), then called every later migration "not linted".
    scenario("squashed")
    out, _ = _sqlmigrate_lint("lintdj", "0003")
    assert 'ALTER TABLE "lintdj_book" ALTER COLUMN "isbn" TYPE varchar(17)' in out
    assert "SM901" not in out
    assert "SM910" not in out
    # A migration the squash replaces is linted in the graph that still has it.
    out, _ = _sqlmigrate_lint("lintdj", "0002_book_isbn")
    assert 'ADD COLUMN "isbn" varchar(13) NULL' in out
    assert "SM901" not in out
    # The squashed migration itself, in the graph migrate uses.
    out, _ = _sqlmigrate_lint("lintdj", "0001_squashed")
    assert 'CREATE TABLE "lintdj_book"' in out
    assert "SM901" not in out


@pytest.mark.django_db(transaction=True)
def test_sqlmigrate_lint_keeps_a_multi_line_error_inside_sql_comments(scenario) -> None:
    scenario("failing")
    out, status = _sqlmigrate_lint("lintdj", "0002")
    assert status == 1
    assert "SM901 error" in out
    assert "--     book id 7, title 'Emma'" in out
    for line in out.splitlines():
        assert line.startswith("--") or line in ("BEGIN;", "COMMIT;"), line


@pytest.mark.django_db
def test_lintmigrations_counts_the_installed_package_apps_it_leaves_out(
    scenario, monkeypatch, tmp_path: Path
) -> None:
    # Found on wagtail: `lintmigrations --all` left out every app from site-packages and said
    # nothing.
    from safemigrations.lint import targets

    scenario("squashed")
    monkeypatch.setattr(targets, "project_apps", lambda: ["lintdj"])
    out = StringIO()
    stats = tmp_path / "stats.json"
    call_command("lintmigrations", "--all", "--stats-json", str(stats), stdout=out)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    auth = sum(1 for key in loader.graph.nodes if key[0] == "auth")
    text = out.getvalue()
    assert f"Not linted: {auth + 2} migration(s) of 2 app(s) from installed packages" in text
    assert "(auth, contenttypes)" in text
    facts = json.loads(stats.read_text())
    assert facts["installed_not_linted"] == {"auth": auth, "contenttypes": 2}
    assert facts["linted"] == 2  # lintdj's squashed migration and 0003
    out = StringIO()
    call_command("lintmigrations", "--all", "--include-installed", stdout=out)
    assert "Not linted" not in out.getvalue()
    assert f"Analysed {auth + 2 + 2} of {auth + 2 + 2} migration(s)" in out.getvalue()


@pytest.mark.django_db
def test_unapplied_includes_pending_migrations_of_installed_packages(tmp_path: Path) -> None:
    # Found on wagtail: after a package upgrade its pending migrations are what `migrate` will
    # run, and `lintmigrations --unapplied` said "No migrations to lint.".
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder(connection).record_unapplied("auth", "0012_alter_user_first_name_max_length")
    stats = tmp_path / "stats.json"
    out = StringIO()
    call_command("lintmigrations", "--unapplied", "--stats-json", str(stats), stdout=out)
    assert "No migrations to lint." not in out.getvalue()
    facts = json.loads(stats.read_text())
    assert facts["linted"] == 1
    assert facts["not_analysed"] == []


@pytest.mark.django_db
def test_a_data_migration_that_needs_rows_of_an_earlier_one_is_not_a_false_failure(
    scenario,
) -> None:
    # Found on wagtail: a schema built from the migration state has no rows, so a data
    # migration reading what an earlier one created failed (a false SM901). A failure on a
    # state-built schema is checked on the replayed history.
    keys = scenario("datarows")
    result = lint_migrations([keys[2]])
    assert "SM901" not in rules(result, keys[2])
    assert "SM966" not in rules(result, keys[2])  # no artefact of a non-atomic retry
    collection = result.collection
    assert collection is not None
    assert collection.migrations[0].failure is None
    assert any("linted again on the replayed history" in n for n in collection.stats.notes)
    assert collection.stats.build_mode == "replay"
