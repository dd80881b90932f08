"""makemigrations writes the concurrent index and column operations for existing tables."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ModelState, ProjectState
from django.db.models import NOT_PROVIDED

from safemigrations.autodetect.writer import SafeMigrationWriter
from safemigrations.autodetector import SafeMigrationAutodetector
from safemigrations.operations import (
    AddForeignKeyField,
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
    DropIndexConcurrently,
    SetNotNull,
)

APP = "shop"


class LeaveNullsAlone(MigrationQuestioner):
    """The "ignore for now" answer to Django's NULL → NOT NULL question."""

    def ask_not_null_alteration(self, field_name: str, model_name: str) -> Any:
        return NOT_PROVIDED


def category() -> ModelState:
    return ModelState(
        APP,
        "Category",
        [("id", models.BigAutoField(primary_key=True)), ("name", models.TextField())],
    )


def product(**changes: Any) -> ModelState:
    """Product as the catalog example has it; ``changes`` replace fields or Meta options."""
    fields: dict[str, models.Field] = {
        "id": models.BigAutoField(primary_key=True),
        "category": models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT),
        "sku": models.CharField(max_length=40),
        "note": models.TextField(null=True),
    }
    options: dict[str, Any] = {"unique_together": {("category", "sku")}, "indexes": []}
    for key, value in changes.items():
        if isinstance(value, models.Field):
            fields[key] = value
        elif value is None:
            fields.pop(key)
        else:
            options[key] = value
    return ModelState(APP, "Product", list(fields.items()), options)


def detect(before: list[ModelState], after: list[ModelState]) -> list[Any]:
    """The migrations makemigrations would write for the change (ops already rewritten)."""
    from_state, to_state = ProjectState(), ProjectState()
    for model in before:
        from_state.add_model(model)
    for model in after:
        to_state.add_model(model)
    expected = to_state.clone()  # the autodetector may change the state it is given
    changes = SafeMigrationAutodetector(from_state, to_state, LeaveNullsAlone())._detect_changes()
    migrations = changes.get(APP, [])
    # The operations must leave exactly the state the models describe.
    state = from_state.clone()
    for migration in migrations:
        for operation in migration.operations:
            operation.state_forwards(APP, state)
    for key, model in expected.models.items():
        assert state.models[key].fields.keys() == model.fields.keys()
        for name, field in model.fields.items():
            assert state.models[key].fields[name].deconstruct()[1:] == field.deconstruct()[1:], name
        for option in ("unique_together", "indexes", "constraints"):
            assert _option(state.models[key], option) == _option(model, option), option
    return migrations


def _option(model: ModelState, name: str) -> Any:
    value = model.options.get(name) or []
    if name == "unique_together":
        return {tuple(t) for t in value}
    return sorted(repr(v.deconstruct()) for v in value)


def kinds(migration: Any) -> list[str]:
    return [type(op).__name__ for op in migration.operations]


def test_db_index_false_on_a_foreign_key_becomes_drop_index_concurrently() -> None:
    fk = models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT, db_index=False)
    (migration,) = detect([category(), product()], [category(), product(category=fk)])
    assert migration.atomic is False
    (op,) = migration.operations
    assert isinstance(op, DropIndexConcurrently)
    assert op.field == "category"


def test_unique_together_to_unique_constraint_creates_before_dropping() -> None:
    constraint = models.UniqueConstraint(fields=["category", "sku"], name="product_category_sku_uq")
    fk = models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT, db_index=False)
    after = product(category=fk, unique_together=set(), constraints=[constraint])
    (migration,) = detect([category(), product()], [category(), after])
    assert migration.atomic is False
    assert kinds(migration) == [
        "AddUniqueConstraintConcurrently",
        "DropIndexConcurrently",
        "DropIndexConcurrently",
    ]
    add, *drops = migration.operations
    assert add.constraint.name == "product_category_sku_uq"
    assert {(d.field, d.fields) for d in drops} == {("category", None), (None, ("category", "sku"))}


def test_add_index_on_a_new_field_runs_after_the_field_is_added() -> None:
    index = models.Index(fields=["barcode"], name="product_barcode_idx")
    after = product(barcode=models.CharField(max_length=20, default=""), indexes=[index])
    first, second = detect([category(), product()], [category(), after])
    assert kinds(first) == ["AddField"]
    assert getattr(first, "atomic", True) is True
    assert second.atomic is False
    assert second.dependencies == [(APP, first.name)]
    (op,) = second.operations
    assert isinstance(op, AddIndexConcurrently)
    assert op.index is not None
    assert op.index.name == "product_barcode_idx"


def test_remove_index_becomes_drop_index_concurrently() -> None:
    index = models.Index(fields=["sku"], name="product_sku_idx")
    (migration,) = detect([category(), product(indexes=[index])], [category(), product()])
    (op,) = migration.operations
    assert isinstance(op, DropIndexConcurrently)
    assert op.name == "product_sku_idx"


def test_db_index_true_becomes_add_index_concurrently() -> None:
    (migration,) = detect(
        [category(), product()],
        [category(), product(sku=models.CharField(max_length=40, db_index=True))],
    )
    (op,) = migration.operations
    assert isinstance(op, AddIndexConcurrently)
    assert op.field == "sku"


def test_not_null_without_default_becomes_set_not_null() -> None:
    (migration,) = detect([category(), product()], [category(), product(note=models.TextField())])
    (op,) = migration.operations
    assert isinstance(op, SetNotNull)
    assert op.name == "note"


def test_not_null_with_a_default_keeps_djangos_backfill() -> None:
    (migration,) = detect(
        [category(), product()], [category(), product(note=models.TextField(default="-"))]
    )
    assert kinds(migration) == ["AlterField"]
    assert getattr(migration, "atomic", True) is True


def test_new_nullable_foreign_key_becomes_add_foreign_key_field() -> None:
    editor = models.ForeignKey(
        f"{APP}.category", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    (migration,) = detect([category(), product()], [category(), product(editor=editor)])
    (op,) = migration.operations
    assert isinstance(op, AddForeignKeyField)
    assert op.name == "editor"


def test_required_foreign_key_is_left_to_django() -> None:
    owner = models.ForeignKey(
        f"{APP}.category", on_delete=models.CASCADE, default=1, related_name="+"
    )
    (migration,) = detect([category(), product()], [category(), product(owner=owner)])
    assert kinds(migration) == ["AddField"]


def test_new_tables_are_left_alone() -> None:
    index = models.Index(fields=["sku"], name="product_sku_idx")
    constraint = models.UniqueConstraint(fields=["sku"], name="product_sku_uq")
    (migration,) = detect([], [category(), product(indexes=[index], constraints=[constraint])])
    assert getattr(migration, "atomic", True) is True
    assert not [k for k in kinds(migration) if "Concurrently" in k]


def test_unique_constraint_on_its_own_becomes_the_concurrent_operation() -> None:
    constraint = models.UniqueConstraint(fields=["sku"], name="product_sku_uq")
    (migration,) = detect([category(), product()], [category(), product(constraints=[constraint])])
    (op,) = migration.operations
    assert isinstance(op, AddUniqueConstraintConcurrently)


def test_the_setting_turns_rewriting_off(settings) -> None:
    settings.SAFEMIGRATIONS = {"SAFE_MAKEMIGRATIONS": False}
    fk = models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT, db_index=False)
    (migration,) = detect([category(), product()], [category(), product(category=fk)])
    assert kinds(migration) == ["AlterField"]


def test_the_written_file_is_non_atomic_and_imports_the_operation() -> None:
    fk = models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT, db_index=False)
    (migration,) = detect([category(), product()], [category(), product(category=fk)])
    text = SafeMigrationWriter(migration).as_string()
    assert "    atomic = False\n" in text
    # Once, on every Django: 6.0+ writes the line itself, 5.2 needs SafeMigrationWriter's.
    assert text.count("atomic = False") == 1, text
    assert "import safemigrations.operations.indexes" in text
    assert "safemigrations.operations.indexes.DropIndexConcurrently(" in text
    assert "field='category'" in text or 'field="category"' in text


def test_moved_operations_take_later_operations_on_the_same_model_along() -> None:
    fk = models.ForeignKey(f"{APP}.category", on_delete=models.PROTECT, db_index=False)
    after = product(category=fk, note=models.TextField(null=True, db_comment="free text"))
    (migration,) = detect([category(), product()], [category(), after])
    assert migration.atomic is False
    assert kinds(migration) == ["AlterField", "DropIndexConcurrently"]  # implicit drops last


def test_unique_true_on_an_existing_field_becomes_the_concurrent_unique_constraint() -> None:
    (migration,) = detect(
        [category(), product()],
        [category(), product(sku=models.CharField(max_length=40, unique=True))],
    )
    assert migration.atomic is False
    (op,) = migration.operations
    assert isinstance(op, AddUniqueConstraintConcurrently)
    assert (op.field, op.constraint) == ("sku", None)
    text = SafeMigrationWriter(migration).as_string()
    assert "AddUniqueConstraintConcurrently(" in text
    assert "field='sku'" in text or 'field="sku"' in text


def test_unique_true_with_another_change_is_left_to_django() -> None:
    (migration,) = detect(
        [category(), product()],
        [category(), product(sku=models.CharField(max_length=60, unique=True))],
    )
    assert kinds(migration) == ["AlterField"]


def test_new_nullable_one_to_one_becomes_add_foreign_key_field() -> None:
    profile = models.OneToOneField(
        f"{APP}.category", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    (migration,) = detect([category(), product()], [category(), product(profile=profile)])
    assert migration.atomic is False
    (op,) = migration.operations
    assert isinstance(op, AddForeignKeyField)
    assert isinstance(op.field, models.OneToOneField)
