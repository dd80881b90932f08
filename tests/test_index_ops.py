"""DropIndexConcurrently, AddIndexConcurrently, AddUniqueConstraintConcurrently on PostgreSQL.

Every claim is checked against the catalog (``pg_index``, ``pg_constraint``) or ``pg_locks``.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from django.db import connection, models

from safemigrations.operations import (
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
    DropIndexConcurrently,
    NonAtomicMigrationRequired,
)
from safemigrations.operations.indexing import (
    AmbiguousIndexError,
    DuplicateValuesError,
    IndexBuildFailed,
    concurrently,
)
from safemigrations.operations.resolve import OperationTargetError
from safemigrations.testing.locks import LockRecorder
from safemigrations.testing.migrator import Migrator
from tests.indexops_support import (
    APP,
    MEMBER,
    constraints,
    hold_writer,
    indexes,
    run_backwards,
    run_forwards,
    state_at,
)
from tests.indexops_support import app as app  # the fixture

TEAM_INDEX = "indexops_member_team_id_a788e36f"  # Django's name for the FK index of team
UNIQUE_TOGETHER = "indexops_member_team_id_code_c5caa0f9_uniq"
EMAIL_INDEX = "indexops_member_email_aa7a362a"


def django_index_name(columns: list[str], suffix: str = "") -> str:
    editor: Any = connection.schema_editor()
    return str(editor._create_index_name(MEMBER, columns, suffix=suffix))


# -- the migrations of the test app, forwards and backwards ---------------------------------


def test_names_the_tests_rely_on_are_djangos() -> None:
    assert django_index_name(["team_id"]) == TEAM_INDEX
    assert django_index_name(["team_id", "code"], "_uniq") == UNIQUE_TOGETHER
    assert django_index_name(["email"]) == EMAIL_INDEX


def test_unique_together_becomes_a_named_constraint_without_a_gap(app: Migrator) -> None:
    assert constraints()[UNIQUE_TOGETHER].type == "unique"
    app.migrate(APP, "0002")
    cons = constraints()
    assert UNIQUE_TOGETHER not in cons
    assert UNIQUE_TOGETHER not in indexes()
    new = cons["indexops_member_team_code_uq"]
    assert new.type == "unique"
    assert new.columns == ("team_id", "code")
    assert new.index == "indexops_member_team_code_uq"
    assert indexes()["indexops_member_team_code_uq"].valid
    app.migrate(APP, "0001")
    assert constraints()[UNIQUE_TOGETHER].type == "unique"
    assert "indexops_member_team_code_uq" not in constraints()
    assert "indexops_member_team_code_uq" not in indexes()


def test_fk_index_is_dropped_and_the_fk_constraint_stays_untouched(app: Migrator) -> None:
    app.migrate(APP, "0002")
    (fk_before,) = [c for c in constraints().values() if c.type == "foreign key"]
    assert TEAM_INDEX in indexes()
    app.migrate(APP, "0003")
    assert TEAM_INDEX not in indexes()
    (fk_after,) = [c for c in constraints().values() if c.type == "foreign key"]
    assert fk_after == fk_before  # same name, validated, same definition: never re-created
    assert fk_after.validated
    app.migrate(APP, "0002")
    rebuilt = indexes()[TEAM_INDEX]
    assert rebuilt.valid
    assert rebuilt.columns == ("team_id",)
    assert not rebuilt.unique


def test_field_and_partial_indexes_are_built_valid_with_their_predicate(app: Migrator) -> None:
    app.migrate(APP, "0003")
    idx = indexes()
    assert idx[EMAIL_INDEX].valid
    assert idx[EMAIL_INDEX].columns == ("email",)
    like = idx[EMAIL_INDEX + "_like"]
    assert like.valid
    assert "varchar_pattern_ops" in like.definition
    partial = idx["indexops_member_pos_score"]
    assert partial.valid
    assert partial.predicate == "(score > 0)"
    app.migrate(APP, "0002")
    idx = indexes()
    assert EMAIL_INDEX not in idx
    assert EMAIL_INDEX + "_like" not in idx
    assert "indexops_member_pos_score" not in idx


# -- names: introspected when the table exists, Django's otherwise --------------------------


def test_sqlmigrate_on_an_empty_database_uses_djangos_names(app: Migrator) -> None:
    app.migrate(APP, "zero")
    sql = app.sqlmigrate(APP, "0003")
    assert f'DROP INDEX CONCURRENTLY IF EXISTS "{TEAM_INDEX}";' in sql
    assert f'CREATE INDEX CONCURRENTLY "{EMAIL_INDEX}" ON "{MEMBER}" ("email");' in sql
    assert "SET lock_timeout = '0';" in sql
    sql = app.sqlmigrate(APP, "0002")
    assert f'DROP CONSTRAINT IF EXISTS "{UNIQUE_TOGETHER}"' in sql
    assert "UNIQUE USING INDEX" in sql
    assert "SET lock_timeout = '100ms';" in sql


def test_the_real_name_wins_over_djangos(app: Migrator) -> None:
    app.migrate(APP, "0002")
    with connection.cursor() as cur:
        cur.execute(f'ALTER INDEX "{TEAM_INDEX}" RENAME TO legacy_team_idx')
    sql = app.sqlmigrate(APP, "0003")
    assert 'DROP INDEX CONCURRENTLY IF EXISTS "legacy_team_idx";' in sql
    app.migrate(APP, "0003")
    assert "legacy_team_idx" not in indexes()
    assert [c for c in constraints().values() if c.type == "foreign key"]


def test_several_candidates_and_none_with_djangos_name_is_a_clear_error(app: Migrator) -> None:
    app.migrate(APP, "0002")
    with connection.cursor() as cur:
        cur.execute(f'ALTER INDEX "{TEAM_INDEX}" RENAME TO team_a')
        cur.execute(f"CREATE INDEX team_b ON {MEMBER} (team_id)")
    with pytest.raises(AmbiguousIndexError) as err:
        run_forwards(DropIndexConcurrently("member", field="team"), state_at(app, "0002"))
    message = str(err.value)
    assert "team_a" in message
    assert "team_b" in message
    assert TEAM_INDEX in message
    assert "RENAME TO" in message
    assert {"team_a", "team_b"} <= set(indexes())  # nothing was dropped


def test_djangos_name_among_several_candidates_is_the_one_dropped(app: Migrator) -> None:
    app.migrate(APP, "0002")
    with connection.cursor() as cur:
        cur.execute(f"CREATE INDEX team_extra ON {MEMBER} (team_id)")
    run_forwards(DropIndexConcurrently("member", field="team"), state_at(app, "0002"))
    assert TEAM_INDEX not in indexes()
    assert "team_extra" in indexes()


# -- locks, from pg_locks ------------------------------------------------------------------


def test_concurrent_build_and_drop_take_share_update_exclusive_only(
    app: Migrator, test_db_conninfo: str
) -> None:
    app.migrate(APP, "0002")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    holder = hold_writer(test_db_conninfo, 0.5)  # makes each step wait long enough to sample
    with LockRecorder(test_db_conninfo, pid) as recording:
        app.migrate(APP, "0003")
    holder.join()
    modes = recording.modes_on(MEMBER)
    assert "ShareUpdateExclusiveLock" in modes
    assert not modes & {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock"}
    assert "AccessExclusiveLock" not in modes


def test_attaching_the_unique_constraint_is_the_only_brief_exclusive_lock(
    app: Migrator, test_db_conninfo: str
) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    holder = hold_writer(test_db_conninfo, 0.5)
    with LockRecorder(test_db_conninfo, pid) as recording:
        app.migrate(APP, "0002")
    holder.join()
    modes = recording.modes_on(MEMBER)
    assert "ShareUpdateExclusiveLock" in modes  # the concurrent build
    assert "ShareLock" not in modes  # never a plain CREATE INDEX


def test_concurrent_writers_see_no_error_while_every_migration_runs(
    app: Migrator, concurrent_load
) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM indexops_team")
        team = cur.fetchone()[0]

    def write(conn: psycopg.Connection, i: int) -> None:
        code = f"w{threading.get_ident()}-{i}"
        conn.execute(
            "INSERT INTO indexops_member (team_id, code, email, nickname, score) "
            "VALUES (%s, %s, %s, %s, %s)",
            [team, code, code + "@x.org", code, i % 5],  # nickname: unique from 0005
        )
        conn.execute("UPDATE indexops_member SET score = score + 1 WHERE code = %s", [code])

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute("SELECT count(*) FROM indexops_member WHERE team_id = %s", [team]).fetchone()

    with concurrent_load(writers=[write, write], readers=[read]) as load:
        app.migrate(APP)
        app.migrate(APP, "0001")
    report = load.report
    assert report.errors == []
    assert report.writes.operations > 20
    assert report.reads.operations > 10


# -- INVALID leftovers, failed builds, interruptions ---------------------------------------


def _make_invalid_index(conninfo: str, sql: str) -> None:
    """Run a concurrent build that fails half way, the way a cancelled migration does."""
    holder = hold_writer(conninfo, 1.0)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET statement_timeout = '200ms'")
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute(sql)
    holder.join()


def test_an_invalid_leftover_is_dropped_and_built_again(
    app: Migrator, test_db_conninfo: str
) -> None:
    app.migrate(APP, "0002")
    _make_invalid_index(
        test_db_conninfo, f'CREATE INDEX CONCURRENTLY "{EMAIL_INDEX}" ON {MEMBER} (email)'
    )
    assert not indexes()[EMAIL_INDEX].valid
    app.migrate(APP, "0003")
    idx = indexes()
    assert idx[EMAIL_INDEX].valid
    assert idx[EMAIL_INDEX + "_like"].valid
    assert app.applied(APP)[-1] == "0003_indexes"


def test_rerun_after_an_interruption_keeps_what_was_built(app: Migrator) -> None:
    app.migrate(APP, "0002")
    op = AddIndexConcurrently("member", field="email")
    with connection.cursor() as cur:  # the first of the two builds had finished
        cur.execute(f'CREATE INDEX "{EMAIL_INDEX}" ON {MEMBER} (email)')
        cur.execute("SELECT oid FROM pg_class WHERE relname = %s", [EMAIL_INDEX])
        oid = cur.fetchone()[0]
    run_forwards(op, state_at(app, "0002"))
    with connection.cursor() as cur:
        cur.execute("SELECT oid FROM pg_class WHERE relname = %s", [EMAIL_INDEX])
        assert cur.fetchone()[0] == oid  # kept, not rebuilt
    assert indexes()[EMAIL_INDEX + "_like"].valid


def test_an_index_of_the_same_name_but_another_shape_is_an_error(app: Migrator) -> None:
    app.migrate(APP, "0002")
    with connection.cursor() as cur:
        cur.execute(f'CREATE INDEX "{EMAIL_INDEX}" ON {MEMBER} (code)')
    with pytest.raises(IndexBuildFailed, match=r"already exists .* not the one"):
        run_forwards(AddIndexConcurrently("member", field="email"), state_at(app, "0002"))


def test_duplicates_fail_the_unique_build_then_fixing_the_data_and_rerunning_works(
    app: Migrator,
) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'dup@x.org' WHERE code IN ('c1', 'c2')")
    op = AddUniqueConstraintConcurrently(
        "member", models.UniqueConstraint(fields=["email"], name="indexops_member_email_uq")
    )
    state = state_at(app, "0001")
    with pytest.raises(DuplicateValuesError) as err:
        run_forwards(op, state)
    message = str(err.value)
    assert "dup@x.org" in message  # PostgreSQL's detail names the duplicated key
    assert "GROUP BY email HAVING count(*) > 1" in message
    assert "run the migration again" in message
    assert "indexops_member_email_uq" not in indexes()  # the INVALID index was dropped
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'fixed@x.org' WHERE code = 'c2'")
    run_forwards(op, state)
    assert indexes()["indexops_member_email_uq"].valid
    assert constraints()["indexops_member_email_uq"].type == "unique"


def test_a_failed_unique_build_left_invalid_by_a_crash_is_recovered(
    app: Migrator, test_db_conninfo: str
) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'dup@x.org' WHERE code IN ('c1', 'c2')")
    with (
        psycopg.connect(test_db_conninfo, autocommit=True) as conn,
        pytest.raises(psycopg.errors.UniqueViolation),
    ):
        conn.execute(
            f"CREATE UNIQUE INDEX CONCURRENTLY indexops_member_email_uq ON {MEMBER} (email)"
        )
    assert not indexes()["indexops_member_email_uq"].valid
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'fixed@x.org' WHERE code = 'c2'")
    op = AddUniqueConstraintConcurrently(
        "member", models.UniqueConstraint(fields=["email"], name="indexops_member_email_uq")
    )
    run_forwards(op, state_at(app, "0001"))
    assert indexes()["indexops_member_email_uq"].valid
    assert constraints()["indexops_member_email_uq"].index == "indexops_member_email_uq"


def test_unique_build_interrupted_before_attaching_resumes(app: Migrator) -> None:
    with connection.cursor() as cur:
        cur.execute(f"CREATE UNIQUE INDEX indexops_member_email_uq ON {MEMBER} (email)")
    op = AddUniqueConstraintConcurrently(
        "member", models.UniqueConstraint(fields=["email"], name="indexops_member_email_uq")
    )
    run_forwards(op, state_at(app, "0001"))
    assert constraints()["indexops_member_email_uq"].index == "indexops_member_email_uq"
    run_forwards(op, state_at(app, "0001"))  # and once more: nothing left to do
    assert constraints()["indexops_member_email_uq"].validated


def test_conditional_unique_constraint_is_a_unique_partial_index(app: Migrator) -> None:
    constraint = models.UniqueConstraint(
        fields=["email"], condition=models.Q(score__gt=3), name="indexops_member_email_pos_uq"
    )
    op = AddUniqueConstraintConcurrently("member", constraint)
    state = state_at(app, "0001")
    run_forwards(op, state)
    index = indexes()["indexops_member_email_pos_uq"]
    assert index.valid
    assert index.unique
    assert index.predicate == "(score > 3)"
    assert "indexops_member_email_pos_uq" not in constraints()
    run_backwards(op, state)
    assert "indexops_member_email_pos_uq" not in indexes()


def test_unique_field_index_is_dropped_and_rebuilt_as_a_constraint(app: Migrator) -> None:
    field = models.CharField(max_length=200, unique=True)
    from django.db.migrations.operations import AlterField

    state = state_at(app, "0001")
    run_forwards(AlterField("member", "email", field), state, atomic=True)
    unique_state = state.clone()
    AlterField("member", "email", field).state_forwards(APP, unique_state)
    uniq = django_index_name(["email"], "_uniq")
    assert constraints()[uniq].type == "unique"
    op = DropIndexConcurrently("member", field="email")
    run_forwards(op, unique_state)
    assert uniq not in constraints()
    assert uniq not in indexes()
    assert django_index_name(["email"], "_like") not in indexes()
    run_backwards(op, unique_state)
    assert constraints()[uniq].index == uniq
    assert indexes()[django_index_name(["email"], "_like")].valid


# -- the model state -----------------------------------------------------------------------


def test_state_matches_what_django_would_leave(app: Migrator) -> None:
    state = state_at(app, "0003")
    member = state.models[APP, "member"]
    assert member.fields["team"].db_index is False
    assert member.fields["email"].db_index is True
    assert [c.name for c in member.options["constraints"]] == ["indexops_member_team_code_uq"]
    assert not member.options.get("unique_together")
    assert [i.name for i in member.options["indexes"]] == ["indexops_member_pos_score"]


def test_operations_deconstruct_and_reduce() -> None:
    drop = DropIndexConcurrently("member", field="team", lock_timeout=1.5)
    assert drop.deconstruct() == (
        "DropIndexConcurrently",
        [],
        {"model_name": "member", "field": "team", "lock_timeout": 1.5},
    )
    assert DropIndexConcurrently("member", fields=("a", "b")).deconstruct()[2]["fields"] == [
        "a",
        "b",
    ]
    add = AddIndexConcurrently("member", field="team")
    assert add.reduce(drop, APP) == []
    assert add.migration_name_fragment == "member_add_index_team"
    assert drop.migration_name_fragment == "member_drop_index_team"
    assert add.references_model("Member", APP)
    assert not add.references_model("team", APP)


def test_concurrently_rewrites_only_create_index() -> None:
    assert (
        concurrently('CREATE INDEX "a" ON "t" ("c")')
        == 'CREATE INDEX CONCURRENTLY "a" ON "t" ("c")'
    )
    assert (
        concurrently("CREATE UNIQUE INDEX a ON t (c)")
        == "CREATE UNIQUE INDEX CONCURRENTLY a ON t (c)"
    )
    assert (
        concurrently("CREATE INDEX CONCURRENTLY a ON t (c)")
        == "CREATE INDEX CONCURRENTLY a ON t (c)"
    )
    assert concurrently("ALTER TABLE t ADD x int") == "ALTER TABLE t ADD x int"


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"name": "x", "field": "team"}, {"field": "team", "fields": ["team", "code"]}],
)
def test_drop_needs_exactly_one_target(kwargs: dict) -> None:
    with pytest.raises(TypeError, match="exactly one of name="):
        DropIndexConcurrently("member", **kwargs)


@pytest.mark.parametrize(
    ("operation", "migration", "message"),
    [
        (
            DropIndexConcurrently("member", "nope"),
            "0003",
            "no index named 'nope'.*it has: indexops_member_pos_score",
        ),
        (DropIndexConcurrently("member", field="code"), "0003", "has no implicit index"),
        (DropIndexConcurrently("member", field="nope"), "0003", "has no field 'nope'"),
        (
            DropIndexConcurrently("member", fields=["code", "team"]),
            "0001",
            r"not a unique_together entry.*\['team', 'code'\]",
        ),
        (DropIndexConcurrently("membr", field="team"), "0001", "no model indexops.membr"),
        (AddIndexConcurrently("member", field="email"), "0003", "already has db_index=True"),
    ],
)
def test_bad_targets_are_clear_errors(
    migrator: Migrator, operation: object, migration: str, message: str
) -> None:
    with pytest.raises(OperationTargetError, match=message):
        operation.state_forwards(APP, state_at(migrator, migration).clone())  # type: ignore[attr-defined]


def test_bad_constructor_arguments_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="requires a name"):
        AddIndexConcurrently("member", models.Index(fields=["email"]))
    with pytest.raises(TypeError, match=r"must be a models\.UniqueConstraint"):
        AddUniqueConstraintConcurrently(
            "member",
            models.CheckConstraint(condition=models.Q(score__gte=0), name="c"),  # type: ignore[arg-type]
        )
    with pytest.raises(TypeError, match="exactly one of index="):
        AddIndexConcurrently("member")


def test_an_atomic_migration_is_refused_with_what_to_change(app: Migrator) -> None:
    with pytest.raises(NonAtomicMigrationRequired, match="atomic = False"):
        run_forwards(
            DropIndexConcurrently("member", field="team"), state_at(app, "0001"), atomic=True
        )
    assert TEAM_INDEX in indexes()


def test_sqlmigrate_of_an_atomic_migration_still_prints(app: Migrator) -> None:
    sql = run_forwards(
        AddIndexConcurrently("member", field="email"),
        state_at(app, "0001"),
        atomic=True,
        collect=True,
    )
    assert any(s.startswith(f'CREATE INDEX CONCURRENTLY "{EMAIL_INDEX}"') for s in sql)
    assert EMAIL_INDEX not in indexes()
