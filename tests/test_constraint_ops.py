"""AddDBCascadeConstraint, AddConstraintNotValid, ValidateConstraint: catalog facts and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.db.migrations.optimizer import MigrationOptimizer
from django.db.migrations.state import ProjectState
from django.db.models.signals import post_delete

from safemigrations.db import catalog
from safemigrations.deletion import DB_CASCADE, DB_SET_NULL, InDatabaseToo
from safemigrations.operations import (
    AddConstraintNotValid,
    AddDBCascadeConstraint,
    NonAtomicMigrationRequired,
    ValidateConstraint,
)
from safemigrations.operations.resolve import OperationTargetError

APP = "constraintops"

# (table, column, referenced table) of every foreign key 0002 switches to a database action.
SWITCHED = {
    "child": ("constraintops_child", "parent_id", "constraintops_parent", "CASCADE"),
    "audited": ("constraintops_audited", "parent_id", "constraintops_parent", "CASCADE"),
    "node": ("constraintops_node", "parent_id", "constraintops_node", "SET NULL"),
    "weird": ("Weird Table-Name", "Coded Ref", "constraintops_coded", "CASCADE"),
    "profile": ("constraintops_profile", "parent_id", "constraintops_parent", "CASCADE"),
    "article_from": (
        "constraintops_article_tags",
        "article_id",
        "constraintops_article",
        "CASCADE",
    ),
    "article_to": ("constraintops_article_tags", "tag_id", "constraintops_tag", "CASCADE"),
}


def foreign_keys(table: str, column: str) -> list[catalog.Constraint]:
    with connection.cursor() as cur:
        return [
            c
            for c in catalog.constraints(cur, table).values()
            if c.type == "foreign key" and c.columns == (column,)
        ]


def the_fk(table: str, column: str) -> catalog.Constraint:
    found = foreign_keys(table, column)
    assert len(found) == 1, found
    return found[0]


def expected_name(table: str, column: str, to_table: str, to_column: str = "id") -> str:
    with connection.schema_editor() as editor:
        name = editor._create_index_name(  # type: ignore[attr-defined]
            table, [column], suffix=f"_fk_{to_table}_{to_column}"
        )
    return str(name)


def state_after(migrator: Any, prefix: str) -> ProjectState:
    """The migration state after ``constraintops.<prefix>...``."""
    from django.db.migrations.loader import MigrationLoader

    name = (
        MigrationLoader(None, ignore_no_migrations=True).get_migration_by_prefix(APP, prefix).name
    )
    return migrator.state(APP, name)  # type: ignore[no-any-return]


def field_on_delete(migrator: Any, migration: str, model: str, field: str) -> Any:
    state = state_after(migrator, migration)
    return state.models[APP, model].fields[field].remote_field.on_delete


def test_forwards_and_backwards_catalog_and_state(migrator: Any) -> None:
    migrator.migrate(APP, "0001")
    names = {}
    for key, (table, column, _, _) in SWITCHED.items():
        fk = the_fk(table, column)
        assert fk.on_delete == "NO ACTION"
        names[key] = fk.name
    migrator.migrate(APP, "0002")
    for key, (table, column, to_table, action) in SWITCHED.items():
        fk = the_fk(table, column)
        assert (fk.on_delete, fk.validated, fk.name) == (action, True, names[key]), key
        assert fk.deferrable, "keeps Django's DEFERRABLE clause"
        assert fk.initially_deferred
        assert fk.referenced_table == to_table
    assert the_fk("Weird Table-Name", "Coded Ref").referenced_columns == ("code",)
    # Django's own naming, so later AlterFields find it.
    assert names["child"] == expected_name(
        "constraintops_child", "parent_id", "constraintops_parent"
    )
    # The state records the new on_delete (mode a: DB-level value; mode b: InDatabaseToo).
    assert field_on_delete(migrator, "0002", "child", "parent") is DB_CASCADE
    assert field_on_delete(migrator, "0002", "audited", "parent") == InDatabaseToo(models.CASCADE)
    assert field_on_delete(migrator, "0002", "node", "parent") is DB_SET_NULL
    assert field_on_delete(migrator, "0001", "child", "parent") is models.CASCADE

    migrator.migrate(APP, "0001")
    for key, (table, column, _, _) in SWITCHED.items():
        fk = the_fk(table, column)
        assert (fk.on_delete, fk.validated, fk.name) == ("NO ACTION", True, names[key]), key


def test_mode_b_action_survives_alter_field_that_recreates_the_key(migrator: Any) -> None:
    migrator.migrate(APP, "0002")
    before = the_fk("constraintops_audited", "parent_id")
    migrator.migrate(APP, "0003")
    after = the_fk("constraintops_audited", "parent_id")
    assert after.on_delete == "CASCADE"
    assert after.validated
    # The column really was altered (now nullable), so the key was dropped and re-added.
    with connection.cursor() as cur:
        assert not catalog.columns(cur, "constraintops_audited")["parent_id"].not_null
    assert before.name == after.name
    assert the_fk("constraintops_child", "parent_id").on_delete == "CASCADE"
    migrator.migrate(APP, "0001")


def test_mode_a_and_b_behaviour(migrator: Any) -> None:
    """Mode a: the database deletes (no signals); mode b: Django deletes (signals) and raw SQL works."""
    from tests.testapps.constraintops.models import Audited, Child, Parent

    migrator.migrate(APP, "0003")
    deleted: list[str] = []

    def record(sender: Any, instance: Any, **kwargs: Any) -> None:
        deleted.append(sender.__name__)

    post_delete.connect(record, sender=Child)
    post_delete.connect(record, sender=Audited)
    try:
        parent = Parent.objects.create(name="p")
        Child.objects.create(parent=parent)
        Audited.objects.create(parent=parent)
        parent.delete()
        assert deleted == ["Audited"]
        assert not Child.objects.exists()
        assert not Audited.objects.exists()
        parent = Parent.objects.create(name="raw")
        Child.objects.create(parent=parent)
        Audited.objects.create(parent=parent)
        with connection.cursor() as cur:
            cur.execute("DELETE FROM constraintops_parent WHERE id = %s", [parent.pk])
        assert not Child.objects.exists()
        assert not Audited.objects.exists()
    finally:
        post_delete.disconnect(record, sender=Child)
        post_delete.disconnect(record, sender=Audited)
    migrator.migrate(APP, "0001")


def test_not_valid_then_validate(migrator: Any) -> None:
    migrator.migrate(APP, "0003")
    assert foreign_keys("constraintops_order", "parent_id") == []
    migrator.migrate(APP, "0004")
    fk = the_fk("constraintops_order", "parent_id")
    assert (fk.validated, fk.on_delete) == (False, "NO ACTION")
    assert fk.name == expected_name("constraintops_order", "parent_id", "constraintops_parent")
    with connection.cursor() as cur:
        check = catalog.constraints(cur, "constraintops_order")["constraintops_order_amount_gte_0"]
    assert (check.type, check.validated) == ("check", False)
    state = state_after(migrator, "0004")
    assert state.models[APP, "order"].fields["parent"].db_constraint is True
    assert [c.name for c in state.models[APP, "order"].options["constraints"]] == [
        "constraintops_order_amount_gte_0"
    ]

    migrator.migrate(APP, "0005")
    fk = the_fk("constraintops_order", "parent_id")
    assert (fk.validated, fk.on_delete) == (True, "CASCADE")
    with connection.cursor() as cur:
        assert catalog.constraints(cur, "constraintops_order")[check.name].validated

    migrator.migrate(APP, "0003")
    assert foreign_keys("constraintops_order", "parent_id") == []
    with connection.cursor() as cur:
        assert check.name not in catalog.constraints(cur, "constraintops_order")
    migrator.migrate(APP, "0001")


def test_sqlmigrate_prints_the_real_steps(migrator: Any) -> None:
    migrator.migrate(APP, "0001")
    sql = migrator.sqlmigrate(APP, "0002")
    name = the_fk("constraintops_child", "parent_id").name
    child = sql[sql.index("child.parent\n") + len("child.parent\n") :]
    child = child[: child.index("audited.parent")]
    lines = [line for line in child.splitlines() if line and not line.startswith("--")]
    assert lines[0] == "SET lock_timeout = '100ms';"
    assert lines[1].startswith('ALTER TABLE "constraintops_child" ADD CONSTRAINT ')
    assert lines[1].endswith(
        'FOREIGN KEY ("parent_id") REFERENCES "constraintops_parent" ("id") ON DELETE CASCADE '
        "DEFERRABLE INITIALLY DEFERRED NOT VALID;"
    )
    assert lines[2:4] == ["SET lock_timeout = '100ms';", "SET statement_timeout = 0;"]
    assert "VALIDATE CONSTRAINT" in lines[4]
    assert lines[5] == "RESET statement_timeout;"
    assert lines[6:8] == ["SET lock_timeout = '100ms';", "BEGIN;"]
    assert lines[8] == f'ALTER TABLE "constraintops_child" DROP CONSTRAINT "{name}";'
    assert lines[9].endswith(f'TO "{name}";')
    assert lines[10] == "COMMIT;"
    # Non-atomic migration: no BEGIN/COMMIT of Django's around the whole.
    assert not sql.lstrip().startswith("BEGIN;")
    # Backwards prints the same shape towards NO ACTION.
    migrator.migrate(APP, "0002")
    # Already applied here: sqlmigrate still prints every step.
    assert migrator.sqlmigrate(APP, "0002").count("NOT VALID;") == 7
    back = migrator.sqlmigrate(APP, "0002", backwards=True)
    assert (
        'REFERENCES "constraintops_parent" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;' in back
    )
    migrator.migrate(APP, "0001")


def test_deconstruct_describe_and_reduce() -> None:
    op = AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE, lock_timeout=2)
    assert op.deconstruct() == (
        "AddDBCascadeConstraint",
        [],
        {"model_name": "child", "name": "parent", "on_delete": DB_CASCADE, "lock_timeout": 2},
    )
    m2m = AddDBCascadeConstraint("article", "tags", DB_CASCADE, m2m_side="to", validate=False)
    assert m2m.deconstruct()[2] == {
        "model_name": "article",
        "name": "tags",
        "on_delete": DB_CASCADE,
        "m2m_side": "to",
        "validate": False,
    }
    assert op.describe() == "Set ON DELETE CASCADE on the foreign key child.parent"
    assert op.migration_name_fragment == "alter_child_parent_on_delete"
    back = AddDBCascadeConstraint("child", "parent", on_delete=models.CASCADE)
    other = AddDBCascadeConstraint("node", "parent", on_delete=DB_SET_NULL)
    optimized = MigrationOptimizer().optimize([op, other, back], APP)
    assert optimized == [other, back]
    alter = __import__("django.db.migrations", fromlist=["AlterField"]).AlterField(
        "child", "parent", models.ForeignKey("constraintops.parent", models.CASCADE)
    )
    assert op.reduce(alter, APP) is False
    assert ValidateConstraint("order", "parent").deconstruct()[2] == {
        "model_name": "order",
        "name": "parent",
    }
    check = models.CheckConstraint(condition=models.Q(amount__gte=0), name="c")
    assert AddConstraintNotValid("order", check).deconstruct()[2] == {
        "model_name": "order",
        "constraint": check,
    }
    assert AddConstraintNotValid("order", field="parent").migration_name_fragment == (
        "order_parent_fk_not_valid"
    )


def run_op(migrator: Any, op: Any, at: str = "0001", atomic: bool = False) -> ProjectState:
    """Apply ``op`` on top of the state after ``at``; returns the new state."""
    state = state_after(migrator, at)
    new = state.clone()
    op.state_forwards(APP, new)
    with connection.schema_editor(atomic=atomic) as editor:
        op.database_forwards(APP, editor, state, new)
    return new


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (
            AddDBCascadeConstraint("kid", "parent", on_delete=DB_CASCADE),
            r"no model constraintops.kid .*Models of 'constraintops': .*child",
        ),
        (
            AddDBCascadeConstraint("child", "mother", on_delete=DB_CASCADE),
            r"has no field 'mother'. Its fields: id, note, parent",
        ),
        (
            AddDBCascadeConstraint("child", "note", on_delete=DB_CASCADE),
            r"constraintops.child.note is a CharField, not a ForeignKey",
        ),
        (
            AddDBCascadeConstraint("audited", "parent", on_delete=DB_SET_NULL),
            r"audited.parent is NOT NULL, so ON DELETE SET NULL",
        ),
        (
            AddDBCascadeConstraint("article", "tags", on_delete=DB_CASCADE),
            r"is a ManyToManyField: pass m2m_side='from'",
        ),
        (
            AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE, m2m_side="to"),
            r"m2m_side is only for ManyToManyField; constraintops.child.parent is a ForeignKey",
        ),
        (
            AddDBCascadeConstraint("order", "parent", on_delete=DB_CASCADE),
            r"has db_constraint=False: the database holds no foreign key constraint",
        ),
        (
            ValidateConstraint("child", "no_such_constraint"),
            r"has no constraint 'no_such_constraint'.*Constraints of the table: "
            r".*constraintops_child_pkey \(primary key\)",
        ),
        (
            AddConstraintNotValid("child", field="note"),
            r"constraintops.child.note is a CharField, not a ForeignKey",
        ),
    ],
)
def test_bad_input_names_what_exists(migrator: Any, op: Any, message: str) -> None:
    migrator.migrate(APP, "0001")
    with pytest.raises(OperationTargetError, match=message):
        run_op(migrator, op)
    migrator.migrate(APP, "0001")


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="must be an on_delete value"):
        AddDBCascadeConstraint("child", "parent", on_delete="CASCADE")
    with pytest.raises(ValueError, match="m2m_side must be"):
        AddDBCascadeConstraint("article", "tags", on_delete=DB_CASCADE, m2m_side="left")
    with pytest.raises(TypeError, match="UniqueConstraint 'u' is neither"):
        AddConstraintNotValid("order", models.UniqueConstraint(fields=["amount"], name="u"))
    with pytest.raises(TypeError, match="not both and not neither"):
        AddConstraintNotValid("order")


def test_missing_constraint_in_database_names_the_table_keys(migrator: Any) -> None:
    migrator.migrate(APP, "0001")
    name = the_fk("constraintops_child", "parent_id").name
    with connection.cursor() as cur:
        cur.execute(f'ALTER TABLE constraintops_child DROP CONSTRAINT "{name}"')
    try:
        with pytest.raises(
            OperationTargetError, match="no foreign key constraint on 'constraintops_child'"
        ):
            run_op(migrator, AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE))
    finally:
        with connection.cursor() as cur:
            cur.execute(
                f'ALTER TABLE constraintops_child ADD CONSTRAINT "{name}" FOREIGN KEY (parent_id) '
                "REFERENCES constraintops_parent (id) DEFERRABLE INITIALLY DEFERRED"
            )


def test_atomic_migration_is_refused_unless_validate_false(migrator: Any) -> None:
    migrator.migrate(APP, "0001")
    with pytest.raises(NonAtomicMigrationRequired, match=r"Set `atomic = False`.*validate=False"):
        run_op(
            migrator, AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE), atomic=True
        )
    assert the_fk("constraintops_child", "parent_id").on_delete == "NO ACTION"
    name = the_fk("constraintops_child", "parent_id").name
    op = AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE, validate=False)
    run_op(migrator, op, atomic=True)
    fk = the_fk("constraintops_child", "parent_id")
    assert (fk.name, fk.on_delete, fk.validated) == (name, "CASCADE", False)
    # ValidateConstraint by field name finds Django's generated name; a re-run is a no-op.
    run_op(migrator, ValidateConstraint("child", "parent"), atomic=True)
    assert the_fk("constraintops_child", "parent_id").validated
    run_op(migrator, ValidateConstraint("child", name), atomic=True)
    # Back to NO ACTION for the next tests.
    run_op(migrator, AddDBCascadeConstraint("child", "parent", on_delete=models.CASCADE))
    assert the_fk("constraintops_child", "parent_id").on_delete == "NO ACTION"


def test_validate_refuses_after_a_write_blocking_lock_in_the_same_transaction(
    migrator: Any,
) -> None:
    migrator.migrate(APP, "0003")
    migrator.migrate(APP, "0004")
    state = state_after(migrator, "0004")
    with connection.schema_editor(atomic=True) as editor:
        editor.execute("LOCK TABLE constraintops_order IN SHARE ROW EXCLUSIVE MODE")
        with pytest.raises(NonAtomicMigrationRequired, match="holds ShareRowExclusiveLock"):
            ValidateConstraint("order", "parent").database_forwards(APP, editor, state, state)
    migrator.migrate(APP, "0001")


def test_other_backends_get_not_supported(migrator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import NotSupportedError

    migrator.migrate(APP, "0001")
    op = AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "oracle")
        with pytest.raises(NotSupportedError, match="supports postgresql, sqlite, not oracle"):
            run_op(migrator, op)
    assert the_fk("constraintops_child", "parent_id").on_delete == "NO ACTION"
