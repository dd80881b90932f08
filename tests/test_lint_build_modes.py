"""How the linter builds the schema before the linted migrations (from the migration state or by
replaying the history), where it keeps it (template databases, dump files for CI caches), on
which server (``SAFEMIGRATIONS["LINT_DATABASE_URL"]``), and ``lintcache``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.postgres.operations import CreateExtension
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration

from safemigrations.db.server import get_server
from safemigrations.lint.collect import collect
from safemigrations.lint.replay.statebuild import (
    DATA,
    DESCRIBED,
    GLOBAL,
    OPAQUE,
    operation_kind,
    plan_build,
)
from safemigrations.operations import AddIndexConcurrently as SafeAddIndexConcurrently


@pytest.mark.parametrize(
    ("operation", "kind"),
    [
        (migrations.AddField("book", "isbn", models.CharField(max_length=13)), DESCRIBED),
        (migrations.RenameModel("Book", "Volume"), DESCRIBED),
        (SafeAddIndexConcurrently("book", models.Index(fields=["id"], name="b_i")), DESCRIBED),
        (migrations.RunPython(migrations.RunPython.noop), DATA),
        (migrations.RunSQL("UPDATE lintdj_book SET pages = 0"), DATA),
        (migrations.RunSQL(migrations.RunSQL.noop), DATA),
        (migrations.RunSQL([("INSERT INTO t VALUES (%s)", [1])]), DATA),
        (migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"), GLOBAL),
        (CreateExtension("pg_trgm"), GLOBAL),
        (migrations.RunSQL("CREATE VIEW v AS SELECT 1"), OPAQUE),
        (migrations.RunSQL("UPDATE t SET a = 1; CREATE INDEX i ON t (a)"), OPAQUE),
        (migrations.SeparateDatabaseAndState(state_operations=[]), DESCRIBED),
        (
            migrations.SeparateDatabaseAndState(
                database_operations=[migrations.RunSQL("ALTER TABLE t RENAME TO u")]
            ),
            OPAQUE,
        ),
    ],
)
def test_operation_kinds(operation: Any, kind: str) -> None:
    assert operation_kind(operation) == kind


def _migration(app: str, name: str, *operations: Any) -> Migration:
    cls = type("Migration", (Migration,), {"operations": list(operations)})
    return cls(name, app)


def test_plan_replays_only_what_depends_on_an_opaque_migration() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    # Two independent chains: a1 -> a2(RunSQL DDL) -> a3, and b1 -> b2.
    nodes = {
        ("a", "1"): _migration("a", "1", migrations.RunPython(migrations.RunPython.noop)),
        ("a", "2"): _migration("a", "2", migrations.RunSQL("CREATE VIEW v AS SELECT 1")),
        ("a", "3"): _migration("a", "3", migrations.RunPython(migrations.RunPython.noop)),
        ("b", "1"): _migration("b", "1", migrations.RunPython(migrations.RunPython.noop)),
        ("b", "2"): _migration("b", "2", migrations.RunPython(migrations.RunPython.noop)),
    }
    for key, migration in nodes.items():
        graph.add_node(key, migration)
    graph.add_dependency(None, ("a", "2"), ("a", "1"))
    graph.add_dependency(None, ("a", "3"), ("a", "2"))
    graph.add_dependency(None, ("b", "2"), ("b", "1"))
    base = [("a", "1"), ("b", "1"), ("a", "2"), ("b", "2"), ("a", "3")]
    plan = plan_build(base, nodes, "auto", graph)
    assert plan.mode == "state+replay"
    assert plan.from_state == [("a", "1"), ("b", "1"), ("b", "2")]
    assert plan.replayed == [("a", "2"), ("a", "3")]
    assert "a.2 has an operation the migration state cannot describe (RunSQL)" in plan.reason
    # Without the graph: everything from the first opaque migration in plan order.
    assert plan_build(base, nodes, "auto").replayed == [("a", "2"), ("b", "2"), ("a", "3")]
    assert plan_build(base, nodes, "replay").mode == "replay"
    assert plan_build(base, nodes, "state").replayed == []
    clean = {k: v for k, v in nodes.items() if k != ("a", "2")}
    assert plan_build([k for k in base if k in clean], clean, "auto", graph).mode == "state"


@pytest.mark.django_db
def test_state_build_runs_the_same_sql_as_a_replay(scenario) -> None:
    keys = scenario("unsafe")
    for target in (keys[1], keys[-1]):
        from_state = collect([target], use_cache=False, build="state")
        replayed = collect([target], use_cache=False, build="replay")
        assert from_state.stats.build_mode == "state"
        assert replayed.stats.build_mode == "replay"
        # The state build applies nothing one by one; the replay applies the history.
        assert from_state.stats.applied == 1
        assert replayed.stats.applied > 1
        ours = [s.sql for s in from_state.migrations[0].to_statements()]
        theirs = [s.sql for s in replayed.migrations[0].to_statements()]
        assert ours == theirs
        assert ours  # the targets do run SQL


@pytest.mark.django_db
def test_auto_mode_replays_what_follows_runsql_with_ddl(scenario) -> None:
    keys = scenario("unsafe")
    # unsafe/0007 is RunPython (data), 0008 re-creates a foreign key with RunSQL: lint 0009.
    collection = collect([keys[8]], use_cache=False)
    assert collection.stats.build_mode == "state+replay"
    assert "lintdj.0008_author_on_delete_in_database has an operation" in collection.stats.build
    assert collection.not_analysed() == []
    replayed = collect([keys[8]], use_cache=False, build="replay")
    # lintdj.0001-0007 came from the state: fewer migrations applied one by one.
    assert collection.stats.applied < replayed.stats.applied - 6
    ours = [s.sql for s in collection.migrations[0].to_statements()]
    assert ours == [s.sql for s in replayed.migrations[0].to_statements()]


@pytest.mark.django_db
def test_a_replay_that_fails_on_top_of_the_state_build_is_redone_as_a_full_replay(
    scenario,
) -> None:
    keys = scenario("safe")
    # safe/0005 forgets a column in the state only (SeparateDatabaseAndState), 0006 drops it
    # with RunSQL: on a schema built from the state the column is not there, so 0006 fails;
    # the linter checks by replaying the whole history, where it does not.
    collection = collect([keys[-1]], use_cache=False)
    assert collection.stats.build_mode == "replay"
    assert any("failed on top of the state build" in n for n in collection.stats.notes)
    assert not any("fails when applied" in n for n in collection.stats.notes)
    assert collection.not_analysed() == []
    assert collection.migrations[0].failure is None


@pytest.mark.django_db(transaction=True)
def test_cache_dir_keeps_the_template_as_a_dump_and_starts_from_it(
    scenario, settings, tmp_path: Path
) -> None:
    keys = scenario("safe")
    settings.SAFEMIGRATIONS = {"LINT_DATABASE_PREFIX": "smtest_dump_"}
    cache_dir = tmp_path / "lint-cache"
    stats = tmp_path / "stats.json"
    args = ["lintmigrations", "lintdj", keys[-1][1], "--cache-dir", str(cache_dir)]
    key_out = StringIO()
    call_command(*args, "--print-cache-key", stdout=key_out)
    try:
        call_command(*args, "--stats-json", str(stats), stdout=StringIO())
        first = json.loads(stats.read_text())
        assert not first["template_hit"]
        assert first["cache_key"] == key_out.getvalue().strip()
        assert (cache_dir / f"{first['cache_key']}.dump").stat().st_size > 0
        # A new CI runner: the server has no template, the cache directory has the dump.
        call_command("lintcache", "--clear", stdout=StringIO())
        call_command(*args, "--stats-json", str(stats), stdout=StringIO())
        second = json.loads(stats.read_text())
        assert second["template_hit"]
        assert second["template_from_dump"]
        assert second["applied"] == 1  # only the target: the rest came from the dump
    finally:
        call_command("lintcache", "--clear", "--cache-dir", str(cache_dir), stdout=StringIO())
    assert not list(cache_dir.glob("*.dump"))


@pytest.mark.django_db(transaction=True)
def test_lint_database_url_and_prefix_name_where_scratch_databases_go(
    scenario, settings, monkeypatch
) -> None:
    keys = scenario("safe")
    server = get_server()
    url = server.conninfo()
    settings.SAFEMIGRATIONS = {
        "LINT_DATABASE_URL": url,
        "LINT_DATABASE_PREFIX": "smtest_pfx_",
    }
    monkeypatch.setattr("safemigrations.lint.replay.runner.keep_base_template", lambda *_: True)
    try:
        collection = collect([keys[-1]])
        assert collection.stats.templates_saved >= 1
        out = StringIO()
        call_command("lintcache", "--list", stdout=out)
        listed = out.getvalue()
        assert "smtest_pfx_tpl_" in listed
        assert "template" in listed
        assert "smlint_" not in listed  # other prefixes are not this cache's
    finally:
        cleared = StringIO()
        call_command("lintcache", "--clear", stdout=cleared)
    assert "Dropped" in cleared.getvalue()
    out = StringIO()
    call_command("lintcache", stdout=out)
    assert "No linter databases (prefix 'smtest_pfx_')" in out.getvalue()
    # The setting is really where the server comes from: a server that is not there fails
    # with an error naming the setting, never silently falls back to another one.
    settings.SAFEMIGRATIONS = {"LINT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}
    with pytest.raises(CommandError, match="LINT_DATABASE_URL"):
        call_command("lintcache", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_find_what_one_process_finds(scenario) -> None:
    from safemigrations.lint.project import lint_migrations

    keys = scenario("unsafe")
    one = lint_migrations(keys, jobs=1, use_cache=False)
    two = lint_migrations(keys, jobs=2, use_cache=False)
    assert two.collection is not None
    assert "2 worker processes" in two.collection.stats.build
    assert [c.key for c in two.collection.migrations] == keys

    def seen(result: Any) -> list[tuple[str, str | None, int | None]]:
        return sorted((f.rule, f.migration, f.operation_index) for f in result.findings)

    assert seen(two) == seen(one)
    assert seen(one)  # the unsafe chain has findings to compare


@pytest.mark.django_db
def test_only_what_the_targets_depend_on_is_built(scenario) -> None:
    # Found on wagtail: linting one migration built every app's history, not the 30 migrations
    # it depends on.
    from safemigrations.lint.replay.runner import Replay

    keys = scenario("unsafe")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    base, rest = Replay(loader, use_cache=False).plan([keys[3]])
    assert base == keys[:3]  # lintdj has no dependency on another app
    assert rest == [keys[3]]
    assert any(k[0] != "lintdj" for k in loader.graph.nodes)  # there were others to leave out


def test_abandoned_and_retired_scratch_databases_are_dropped_by_the_next_run() -> None:
    import time

    from safemigrations.db.scratch import (
        create_database,
        databases_with_prefix,
        drop_retired,
        run_database_name,
        scratch_name,
    )

    server = get_server()
    prefix = "smtest_janitor_"
    killed = scratch_name(f"{prefix}run_{int(time.time()) - 7200}")  # a run killed 2 h ago
    running = run_database_name(prefix)  # a run in progress
    retired = scratch_name(prefix + "old")
    for name in (killed, running, retired):
        create_database(server, name)
    assert drop_retired(server, prefix) == 2
    assert databases_with_prefix(server, prefix) == [running]
    drop_retired(server, prefix + "run_")  # nothing of the prefix's own shape: kept
    assert databases_with_prefix(server, prefix) == [running]
    from safemigrations.db.scratch import drop_database

    drop_database(server, running)


def test_sigterm_during_a_run_unwinds_like_ctrl_c() -> None:
    import os
    import signal
    import time

    from safemigrations.lint.replay.runner import terminate_cleanly

    cleaned: list[bool] = []

    def run() -> None:
        with terminate_cleanly():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)  # the handler raises before this ends
            finally:
                cleaned.append(True)  # where the run drops its scratch database

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 128 + signal.SIGTERM
    assert cleaned == [True]
    assert signal.getsignal(signal.SIGTERM) is before  # restored after the run


@pytest.mark.django_db
def test_a_few_targets_get_only_the_tables_they_touch(scenario) -> None:
    keys = scenario("unsafe")
    # 0002 changes Book.author (a foreign key to Author): both tables, nothing else.
    partial = collect([keys[1]], use_cache=False)
    assert "the 2 tables the targets touch" in partial.stats.build
    assert partial.stats.tables_created == 2
    full = collect([keys[1]], use_cache=False, build="state")
    assert "tables the targets touch" not in full.stats.build
    ours = [s.sql for s in partial.migrations[0].to_statements()]
    assert ours == [s.sql for s in full.migrations[0].to_statements()]
    assert ours


@pytest.mark.django_db
def test_a_failure_on_the_partial_schema_is_checked_on_every_table(scenario) -> None:
    keys = scenario("unsafe")
    # 0003 holds AddIndexConcurrently in an atomic migration: it really fails; the linter
    # does not trust a failure seen on a partial schema and lints it again on every table.
    collection = collect([keys[2]], use_cache=False)
    assert any("linted again on a schema of every table" in n for n in collection.stats.notes)
    (collected,) = collection.migrations
    assert collected.failure is not None
    assert collected.failure.error_type == "NotSupportedError"
    assert "tables the targets touch" not in collection.stats.build


def test_tables_for_leaves_out_unrelated_models_and_stubs_referenced_ones(scenario) -> None:
    from django.db.migrations.state import ModelState

    from safemigrations.lint.replay.statebuild import state_after, tables_for

    keys = scenario("unsafe")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = state_after(keys[:3], loader.graph.nodes, loader.unmigrated_apps)
    state.add_model(ModelState("lintdj", "Shelf", [("id", models.BigAutoField(primary_key=True))]))
    state.add_model(
        ModelState(
            "lintdj",
            "Review",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("book", models.ForeignKey("lintdj.book", models.CASCADE)),
            ],
        )
    )
    touched = migrations.AddField("author", "bio", models.TextField(null=True))
    tables = tables_for(state, [type("M", (Migration,), {"operations": [touched]})("x", "lintdj")])
    assert tables is not None
    # Author, and Book (its foreign key points at Author); not Shelf; Review only by its key.
    assert tables.full == {("lintdj", "author"), ("lintdj", "book")}
    assert "shelf" not in {k[1] for k in tables.stubs}
    run_python = migrations.RunPython(migrations.RunPython.noop)
    assert (
        tables_for(state, [type("M", (Migration,), {"operations": [run_python]})("x", "lintdj")])
        is None
    )
    # An operation whose ``fields`` are field names (a unique_together entry), not CreateModel's
    # (name, field) pairs, names its model only.
    from safemigrations.operations import DropIndexConcurrently

    drop = DropIndexConcurrently("author", fields=["name", "id"])
    tables = tables_for(state, [type("M", (Migration,), {"operations": [drop]})("x", "lintdj")])
    assert tables is not None
    assert ("lintdj", "author") in tables.full


@pytest.mark.django_db
def test_print_cache_key_matches_the_run_with_a_partial_build(scenario) -> None:
    from safemigrations.lint.replay.runner import cache_key

    keys = scenario("unsafe")
    collection = collect([keys[1]])
    assert "tables the targets touch" in collection.stats.build
    assert cache_key([keys[1]]) == collection.stats.cache_key
