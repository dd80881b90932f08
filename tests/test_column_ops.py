"""SetNotNull and AddForeignKeyField on PostgreSQL: catalog facts, locks, resumability, errors."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.db import IntegrityError, connection, migrations, models, transaction

from safemigrations.db import catalog
from safemigrations.operations import AddForeignKeyField, NonAtomicMigrationRequired, SetNotNull
from safemigrations.operations.columns import DanglingReferencesError, NullValuesError
from safemigrations.operations.resolve import OperationTargetError
from safemigrations.testing.locks import LockRecorder
from safemigrations.testing.migrator import Migrator
from tests.indexops_support import (
    APP,
    MEMBER,
    constraints,
    hold_writer,
    indexes,
    recording_locks,
    run_forwards,
    state_at,
)
from tests.indexops_support import app as app  # the fixture

CHECK = "indexops_member_nickname_03b387f2_notnull"
MENTOR_FK = "indexops_member_mentor_id_726ab979_fk_indexops_team_id"
MENTOR_INDEX = "indexops_member_mentor_id_726ab979"


def columns() -> dict[str, catalog.Column]:
    with connection.cursor() as cur:
        return catalog.columns(cur, MEMBER)


def mentor_field() -> models.ForeignKey:
    return models.ForeignKey(
        "indexops.team", on_delete=models.SET_NULL, null=True, related_name="mentored"
    )


@pytest.fixture
def at_0003(app: Migrator) -> Migrator:
    app.migrate(APP, "0003")
    return app


@pytest.fixture
def server_debug_messages() -> Iterator[list[str]]:
    """PostgreSQL's DEBUG1 messages to this connection while the block runs."""
    messages: list[str] = []
    connection.ensure_connection()
    raw = connection.connection

    def collect(diagnostic: psycopg.errors.Diagnostic) -> None:
        messages.append(diagnostic.message_primary or "")

    raw.add_notice_handler(collect)
    with connection.cursor() as cur:
        cur.execute("SET client_min_messages = debug1")
    yield messages
    with connection.cursor() as cur:
        cur.execute("RESET client_min_messages")
    raw.remove_notice_handler(collect)


# -- SetNotNull ---------------------------------------------------------------------------


def test_set_not_null_forwards_and_backwards(at_0003: Migrator) -> None:
    assert not columns()["nickname"].not_null
    at_0003.migrate(APP, "0004")
    assert columns()["nickname"].not_null
    assert CHECK not in constraints()  # the helper check is gone
    at_0003.migrate(APP, "0003")
    assert not columns()["nickname"].not_null


def test_set_not_null_proves_the_column_from_the_validated_check_without_a_scan(
    at_0003: Migrator, server_debug_messages: list[str]
) -> None:
    run_forwards(SetNotNull("member", "nickname"), state_at(at_0003, "0003"))
    assert columns()["nickname"].not_null
    proof = [m for m in server_debug_messages if "sufficient to prove" in m]
    assert proof, server_debug_messages  # PostgreSQL skipped the table scan of SET NOT NULL
    assert "nickname" in proof[0]


def test_set_not_null_validates_under_share_update_exclusive(
    at_0003: Migrator, test_db_conninfo: str
) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"ALTER TABLE {MEMBER} ADD CONSTRAINT {CHECK} CHECK (nickname IS NOT NULL) NOT VALID"
        )
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    # 100,000 rows: the VALIDATE scan lasts long enough to be sampled.
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {MEMBER} (team_id, code, email, nickname, score) "
            f"SELECT team_id, code || '-' || g, email, nickname, score "
            f"FROM {MEMBER}, generate_series(1, 200) g"
        )
    with LockRecorder(test_db_conninfo, pid, interval=0.001) as recording:
        run_forwards(SetNotNull("member", "nickname"), state_at(at_0003, "0003"))
    modes = recording.modes_on(MEMBER)
    assert "ShareUpdateExclusiveLock" in modes  # VALIDATE
    assert not modes & {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock"}


def test_nulls_stop_set_not_null_with_what_to_do_and_a_rerun_finishes(at_0003: Migrator) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET nickname = NULL WHERE code = 'c7'")
    op = SetNotNull("member", "nickname")
    with pytest.raises(NullValuesError) as err:
        run_forwards(op, state_at(at_0003, "0003"))
    assert "still holds NULL values" in str(err.value)
    assert "run the" in str(err.value)
    check = constraints()[CHECK]
    assert not check.validated  # left in place: rejects new NULLs already
    assert not columns()["nickname"].not_null
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET nickname = 'x' WHERE nickname IS NULL")
    run_forwards(op, state_at(at_0003, "0003"))
    assert columns()["nickname"].not_null
    assert CHECK not in constraints()


def test_set_not_null_resumes_after_validate(at_0003: Migrator) -> None:
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {MEMBER} ADD CONSTRAINT {CHECK} CHECK (nickname IS NOT NULL)")
    assert constraints()[CHECK].validated
    run_forwards(SetNotNull("member", "nickname"), state_at(at_0003, "0003"))
    assert columns()["nickname"].not_null
    assert CHECK not in constraints()


def test_set_not_null_resumes_when_only_the_cleanup_was_left(at_0003: Migrator) -> None:
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {MEMBER} ADD CONSTRAINT {CHECK} CHECK (nickname IS NOT NULL)")
        cur.execute(f"ALTER TABLE {MEMBER} ALTER COLUMN nickname SET NOT NULL")
    run_forwards(SetNotNull("member", "nickname"), state_at(at_0003, "0003"))
    assert CHECK not in constraints()
    assert columns()["nickname"].not_null


def test_set_not_null_state_and_bad_input(migrator: Migrator) -> None:
    state = state_at(migrator, "0003").clone()
    SetNotNull("member", "nickname").state_forwards(APP, state)
    assert state.models[APP, "member"].fields["nickname"].null is False
    with pytest.raises(OperationTargetError, match="already null=False"):
        SetNotNull("member", "code").state_forwards(APP, state_at(migrator, "0003").clone())
    with pytest.raises(OperationTargetError, match="has no field 'nick'"):
        SetNotNull("member", "nick").state_forwards(APP, state_at(migrator, "0003").clone())


def test_set_not_null_refuses_an_atomic_migration(at_0003: Migrator) -> None:
    with pytest.raises(NonAtomicMigrationRequired):
        run_forwards(SetNotNull("member", "nickname"), state_at(at_0003, "0003"), atomic=True)
    assert CHECK not in constraints()


# -- AddForeignKeyField -------------------------------------------------------------------


def test_add_foreign_key_field_builds_column_index_and_validated_constraint(
    at_0003: Migrator,
) -> None:
    at_0003.migrate(APP, "0004")
    mentor = columns()["mentor_id"]
    assert mentor.type == "bigint"
    assert not mentor.not_null
    fk = constraints()[MENTOR_FK]
    assert fk.validated
    assert fk.referenced_table == "indexops_team"
    assert fk.initially_deferred
    assert indexes()[MENTOR_INDEX].valid
    at_0003.migrate(APP, "0003")
    assert "mentor_id" not in columns()
    assert MENTOR_FK not in constraints()


def test_add_foreign_key_field_never_blocks_writes_for_long(
    at_0003: Migrator, test_db_conninfo: str
) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    holder = hold_writer(test_db_conninfo, 0.5, after_column="mentor_id")  # the build waits for it
    with LockRecorder(test_db_conninfo, pid, interval=0.001) as recording:
        run_forwards(
            AddForeignKeyField("member", "mentor", mentor_field()), state_at(at_0003, "0003")
        )
    holder.join()
    modes = recording.modes_on(MEMBER)
    assert "ShareLock" not in modes  # no plain CREATE INDEX
    assert "ShareUpdateExclusiveLock" in modes  # the concurrent build / VALIDATE


@pytest.mark.parametrize(
    "done_before",
    [
        ["ALTER TABLE indexops_member ADD COLUMN mentor_id bigint NULL"],
        [
            "ALTER TABLE indexops_member ADD COLUMN mentor_id bigint NULL",
            f"CREATE INDEX {MENTOR_INDEX} ON indexops_member (mentor_id)",
            f"ALTER TABLE indexops_member ADD CONSTRAINT {MENTOR_FK} FOREIGN KEY (mentor_id) "
            "REFERENCES indexops_team (id) DEFERRABLE INITIALLY DEFERRED NOT VALID",
        ],
    ],
    ids=["column-only", "constraint-not-valid"],
)
def test_add_foreign_key_field_resumes(at_0003: Migrator, done_before: list[str]) -> None:
    with connection.cursor() as cur:
        for sql in done_before:
            cur.execute(sql)
    run_forwards(AddForeignKeyField("member", "mentor", mentor_field()), state_at(at_0003, "0003"))
    assert constraints()[MENTOR_FK].validated
    assert indexes()[MENTOR_INDEX].valid


def test_dangling_values_stop_validation_with_a_query_to_find_them(at_0003: Migrator) -> None:
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {MEMBER} ADD COLUMN mentor_id bigint NULL")
        cur.execute(f"UPDATE {MEMBER} SET mentor_id = -5 WHERE code = 'c3'")
    op = AddForeignKeyField("member", "mentor", mentor_field())
    with pytest.raises(DanglingReferencesError) as err:
        run_forwards(op, state_at(at_0003, "0003"))
    assert "LEFT JOIN indexops_team" in str(err.value)
    assert not constraints()[MENTOR_FK].validated
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET mentor_id = NULL")
    run_forwards(op, state_at(at_0003, "0003"))
    assert constraints()[MENTOR_FK].validated


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            models.ForeignKey("indexops.team", on_delete=models.CASCADE),
            "must be null=True",
        ),
        (
            models.ForeignKey("indexops.team", on_delete=models.CASCADE, null=True, default=1),
            "cannot have a default",
        ),
        (models.IntegerField(null=True), "takes a models.ForeignKey or models.OneToOneField"),
    ],
)
def test_add_foreign_key_field_bad_fields(field: models.Field, message: str) -> None:
    with pytest.raises(OperationTargetError, match=message):
        AddForeignKeyField("member", "mentor", field)  # type: ignore[arg-type]


def test_a_required_foreign_key_is_refused_with_the_safe_sequence() -> None:
    field = models.ForeignKey("indexops.team", on_delete=models.CASCADE)
    with pytest.raises(OperationTargetError) as err:
        AddForeignKeyField("member", "mentor", field)
    message = str(err.value)
    assert "null=True" in message
    for step in ("AddForeignKeyField('member', 'mentor'", "RunPython", "SetNotNull('member', "):
        assert step in message, message


# -- AddForeignKeyField with a OneToOneField ----------------------------------------------


def buddy_field() -> models.OneToOneField:
    return models.OneToOneField(
        "indexops.team", on_delete=models.SET_NULL, null=True, related_name="buddy_of"
    )


def test_one_to_one_gets_a_concurrent_unique_index_attached_as_its_constraint(
    at_0003: Migrator, test_db_conninfo: str
) -> None:
    state = state_at(at_0003, "0003")
    holder = hold_writer(test_db_conninfo, 0.5, after_column="buddy_id")  # the build waits
    with recording_locks(test_db_conninfo) as recording:
        run_forwards(AddForeignKeyField("member", "buddy", buddy_field()), state)
    holder.join()
    modes = recording.modes_on(MEMBER)
    assert "ShareLock" not in modes  # no plain CREATE [UNIQUE] INDEX
    assert "ShareUpdateExclusiveLock" in modes  # the concurrent build / VALIDATE
    assert not columns()["buddy_id"].not_null
    by_type: dict[str, list[catalog.Constraint]] = {}
    for constraint in constraints().values():
        if constraint.columns == ("buddy_id",):
            by_type.setdefault(constraint.type, []).append(constraint)
    (unique,) = by_type["unique"]
    (fk,) = by_type["foreign key"]
    assert fk.validated
    assert fk.referenced_table == "indexops_team"
    assert unique.name.endswith("_uniq")  # the name Django gives a field's unique constraint
    assert unique.index == unique.name
    buddy_indexes = [i for i in indexes().values() if i.columns == ("buddy_id",)]
    assert [i.name for i in buddy_indexes] == [unique.name]  # no extra plain index
    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM indexops_team")
        team = cur.fetchone()[0]
        cur.execute(f"UPDATE {MEMBER} SET buddy_id = %s WHERE code = 'c1'", [team])
        with pytest.raises(IntegrityError), transaction.atomic():
            cur.execute(f"UPDATE {MEMBER} SET buddy_id = %s WHERE code = 'c2'", [team])
        cur.execute(f"UPDATE {MEMBER} SET buddy_id = NULL")


def test_django_finds_the_one_to_one_constraint_it_expects(at_0003: Migrator) -> None:
    """Django's own AlterField (OneToOne → ForeignKey) drops the unique constraint it built."""
    state = state_at(at_0003, "0003").clone()
    add = AddForeignKeyField("member", "buddy", buddy_field())
    run_forwards(add, state)
    add.state_forwards(APP, state)
    to_fk = migrations.AlterField(
        "member",
        "buddy",
        models.ForeignKey(
            "indexops.team", on_delete=models.SET_NULL, null=True, related_name="buddy_of"
        ),
    )
    run_forwards(to_fk, state, atomic=True)
    kinds = {c.type for c in constraints().values() if c.columns == ("buddy_id",)}
    assert kinds == {"foreign key"}


def test_one_to_one_resumes_after_the_unique_index_was_built(at_0003: Migrator) -> None:
    state = state_at(at_0003, "0003")
    op = AddForeignKeyField("member", "buddy", buddy_field())
    sql = run_forwards(op, state, collect=True)
    index_sql = next(s for s in sql if "CREATE UNIQUE INDEX CONCURRENTLY" in s)
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {MEMBER} ADD COLUMN buddy_id bigint NULL")
        cur.execute(index_sql)
    run_forwards(op, state)
    kinds = sorted(c.type for c in constraints().values() if c.columns == ("buddy_id",))
    assert kinds == ["foreign key", "unique"]
    assert all(c.validated for c in constraints().values() if c.columns == ("buddy_id",))


def test_add_foreign_key_field_state_is_add_field(migrator: Migrator) -> None:
    op = AddForeignKeyField("member", "mentor", mentor_field(), lock_retries=2)
    state = state_at(migrator, "0003").clone()
    op.state_forwards(APP, state)
    assert state.models[APP, "member"].fields["mentor"].null
    assert op.references_model("team", APP)
    assert op.deconstruct()[2]["lock_retries"] == 2
    assert op.migration_name_fragment == "member_mentor"
