"""The Django side of the linter: faithful SQL collection, Django-level rules, suppressions.

Every scenario is a chain of migrations in ``tests/testapps/lintdj/scenarios/`` that
``MIGRATION_MODULES`` points the ``lintdj`` app at; ``lintdj/models.py`` plays the deployed code.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from safemigrations.lint.collect import collect
from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import Finding
from safemigrations.lint.project import lint_migrations


def rules_by_migration(findings: list[Finding]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(str(f.migration)[:4], set()).add(f.rule)
    return out


@pytest.mark.django_db
def test_collects_the_drop_index_that_sqlmigrate_calls_a_no_op(scenario) -> None:
    keys = scenario("unsafe")
    target = keys[1]  # 0002: ForeignKey db_index=True -> False
    collected = collect([target]).migrations[0]
    sql = [s.sql for s in collected.to_statements()]
    assert 'DROP INDEX IF EXISTS "lintdj_book_author_id_56719f5b"' in sql
    # Django drops the foreign key and re-adds it, validated, in the same transaction.
    assert any("DROP CONSTRAINT" in s for s in sql)
    assert any("ADD CONSTRAINT" in s and "FOREIGN KEY" in s for s in sql)
    statements = collected.to_statements()
    assert all(s.in_transaction for s in statements)
    assert len({s.transaction_id for s in statements}) == 1
    assert {s.operation_index for s in statements} == {0}
    assert statements[0].file is not None
    assert statements[0].file.endswith("0002_book_author_no_index.py")
    assert statements[0].line == 9  # the AlterField line in the file

    # sqlmigrate asks the test database, whose lintdj_book (built from models.py) has no such
    # index: it prints no DROP INDEX at all.
    out = StringIO()
    call_command("sqlmigrate", "lintdj", "0002", stdout=out)
    assert "DROP INDEX" not in out.getvalue()


@pytest.mark.django_db
def test_old_column_types_come_from_the_scratch_catalog(scenario) -> None:
    keys = scenario("unsafe")
    collected = collect([keys[1]]).migrations[0]
    assert collected.column_types["lintdj_book"]["title"] == "character varying(200)"
    assert collected.column_types["lintdj_book"]["author_id"] == "bigint"


@pytest.mark.django_db
def test_atomic_migration_with_concurrent_operation_is_a_finding_not_a_crash(scenario) -> None:
    keys = scenario("unsafe")
    result = lint_migrations([keys[2]])
    collected = result.collection.migrations[0]  # type: ignore[union-attr]
    assert collected.failure is not None
    assert collected.failure.error_type == "NotSupportedError"
    assert collected.failure.applied_without_transaction
    statements = collected.to_statements()
    assert [s.in_transaction for s in statements] == [False]
    assert statements[0].sql.startswith("CREATE INDEX CONCURRENTLY")
    rules = {f.rule for f in result.findings}
    assert "SM902" in rules
    assert "SM901" not in rules  # the failure is SM902's problem, reported once
    assert "SM102" not in rules


@pytest.mark.django_db(transaction=True)
def test_plain_sqlmigrate_does_not_crash_on_concurrent_operation_in_atomic_migration(
    scenario,
) -> None:
    scenario("unsafe")
    out = StringIO()
    call_command("sqlmigrate", "lintdj", "0003", stdout=out)
    text = out.getvalue()
    assert "migrate fails on this migration as written" in text
    assert 'CREATE INDEX CONCURRENTLY "lintdj_book_title_idx"' in text
    assert "BEGIN;" not in text


@pytest.mark.django_db
def test_unsafe_chain_has_each_django_rule(scenario) -> None:
    keys = scenario("unsafe")
    result = lint_migrations(keys)
    rules = rules_by_migration(result.findings)
    assert "SM106" in rules["0002"]  # the real DROP INDEX
    assert "SM902" in rules["0003"]
    assert "SM903" in rules["0004"]
    assert "SM203" not in rules["0004"]  # superseded by the Django-level finding
    assert "SM905" in rules["0005"]
    assert "SM603" not in rules["0005"]
    assert "SM906" in rules["0006"]
    assert "SM601" not in rules["0006"]
    assert "SM907" in rules["0007"]
    assert sum(f.rule == "SM907" for f in result.by_migration[keys[6]]) == 2
    assert "SM904" in rules["0009"]
    (lost,) = [f for f in result.findings if f.rule == "SM904"]
    assert "ON DELETE CASCADE" in lost.message
    assert lost.tables == ["lintdj_book"]
    assert not any(f.rule == "SM901" for f in result.findings)


@pytest.mark.django_db
def test_safe_chain_has_no_django_level_finding(scenario) -> None:
    keys = scenario("safe")
    result = lint_migrations(keys)
    django_rules = {f.rule for f in result.findings if f.rule.startswith("SM90")}
    assert django_rules == set()
    rules = rules_by_migration(result.findings)
    assert not {"SM101", "SM102"} & rules.get("0002", set())
    assert "SM203" not in rules.get("0004", set())
    # The rename in Python only runs no SQL at all.
    assert result.collection is not None
    renamed = next(c for c in result.collection.migrations if c.name.startswith("0007"))
    assert renamed.statements == []


@pytest.mark.django_db
def test_second_run_starts_from_the_cached_template(scenario, monkeypatch) -> None:
    keys = scenario("safe")
    # Keep the base template even when applying it is quicker than copying it on this machine.
    monkeypatch.setattr("safemigrations.lint.replay.runner.keep_base_template", lambda *_: True)
    # Replayed (not built from the state), so the base's migrations are applied one by one.
    first = collect(keys[2:4], build="replay").stats
    second = collect(keys[2:4], build="replay").stats
    assert second.template_hit
    # Only the targets are applied again: everything before them comes from the template.
    assert second.applied == 2
    assert first.applied > second.applied or first.template_hit
    without_cache = collect(keys[2:4], use_cache=False, build="replay").stats
    assert not without_cache.template_hit
    assert without_cache.applied > 2


def test_base_template_is_kept_only_when_applying_costs_more_than_a_copy() -> None:
    from safemigrations.lint.collect import keep_base_template

    assert keep_base_template(1.2, 0.3)
    assert not keep_base_template(0.1, 0.3)


@pytest.mark.django_db
def test_inline_and_attribute_suppressions(scenario) -> None:
    keys = scenario("suppressed")
    with override_settings(SAFEMIGRATIONS={"MIGRATE_LOCK_WAITS": False}):  # SM962 applies
        result = lint_migrations(keys)
    by_key = result.by_migration
    second = by_key[keys[1]]
    # op 0: suppressed with a reason -> no SM101 there.
    assert not [f for f in second if f.rule == "SM101" and f.operation_index == 0]
    # op 1: no reason -> not applied (SM101 stays) and reported as SM908.
    assert [f for f in second if f.rule == "SM101" and f.operation_index == 1]
    assert [f for f in second if f.rule == "SM908" and f.operation_index == 1]
    # op 2: matches nothing -> SM909.
    unused = [f for f in second if f.rule == "SM909"]
    assert len(unused) == 1
    assert unused[0].operation_index == 2
    third = by_key[keys[2]]
    assert not [f for f in third if f.rule == "SM905"]  # migration-level suppression
    assert [f for f in third if f.rule == "SM908" and f.operation_index is None]  # "SM962": ""
    assert [f for f in third if f.rule == "SM962"]  # not suppressed without a reason


@pytest.mark.django_db
def test_project_configuration_disables_rules_and_excludes_apps(scenario) -> None:
    keys = scenario("unsafe")
    config = LintConfig.from_dict({"disable": ["SM905", "run-without-reverse"]})
    rules = {f.rule for f in lint_migrations(keys[3:7], config=config).findings}
    assert "SM905" not in rules
    assert "SM907" not in rules
    assert "SM906" in rules
    excluded = LintConfig.from_dict({"exclude_apps": ["lintdj"]})
    assert lint_migrations(keys, config=excluded).findings == []


@pytest.mark.django_db
def test_lock_timeout_rule_is_moot_when_migrate_bounds_every_lock_wait(scenario) -> None:
    """safemigrations' ``migrate`` sets lock_timeout for Django's own statements too."""
    keys = scenario("unsafe")
    assert not [f for f in lint_migrations(keys).findings if f.rule == "SM962"]
    with override_settings(SAFEMIGRATIONS={"MIGRATE_LOCK_WAITS": False}):
        assert [f for f in lint_migrations(keys).findings if f.rule == "SM962"]
