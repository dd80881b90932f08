"""``makemigrations`` writes AddDBCascadeConstraint for on_delete changes to/from the database."""

from __future__ import annotations

import importlib
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import migrations, models
from django.db.migrations.state import ModelState
from django.db.migrations.writer import MigrationWriter

from safemigrations import DB_CASCADE
from safemigrations.db import catalog
from safemigrations.operations import AddDBCascadeConstraint

APP = "ondelete_rewrite"

#: What each model's ``parent`` field was before (see the app's models.py).
BEFORE: dict[str, dict[str, Any]] = {
    "todb": {"on_delete": models.CASCADE},
    "topython": {"on_delete": DB_CASCADE},
    "tomirror": {"on_delete": models.CASCADE},
    "nullswitch": {"on_delete": models.CASCADE, "null": False},
    "sameaction": {"on_delete": DB_CASCADE},
    "pythononly": {"on_delete": models.CASCADE},
}


def initial_migration(changed: dict[str, dict[str, Any]]) -> str:
    """A 0001_initial for the app's models with the ``parent`` fields as in ``changed``."""
    operations = []
    for model in apps.get_app_config(APP).get_models():
        state = ModelState.from_model(model)
        fields = dict(state.fields)
        if state.name_lower in changed:
            _, _, args, kwargs = fields["parent"].deconstruct()
            kwargs.update(changed[state.name_lower])
            fields["parent"] = models.ForeignKey(*args, **kwargs)
        operations.append(migrations.CreateModel(state.name, list(fields.items())))
    migration = type("Migration", (migrations.Migration,), {"operations": operations})(
        "0001_initial", APP
    )
    migration.initial = True
    return MigrationWriter(migration).as_string()


def make_migrations(tmp_path: Path, settings: Any, changed: dict[str, dict[str, Any]]) -> list[Any]:
    """Run makemigrations against a migrations package holding the older state; return the
    written migration modules, in order."""
    package = f"ondelete_rewrite_migrations_{uuid.uuid4().hex[:8]}"
    directory = tmp_path / package
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    (directory / "0001_initial.py").write_text(initial_migration(changed))
    settings.MIGRATION_MODULES = {APP: package}
    call_command("makemigrations", APP, stdout=StringIO(), verbosity=0)
    written = sorted(p for p in directory.glob("0*.py") if p.name != "0001_initial.py")
    return [importlib.import_module(f"{package}.{p.stem}") for p in written]


@pytest.fixture
def tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory importable as a top-level package location."""
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def operations_by_model(module: Any) -> dict[str, Any]:
    """Operations by model name (a SeparateDatabaseAndState by its state operation's model)."""
    found = {}
    for op in module.Migration.operations:
        inner = op.state_operations[0] if hasattr(op, "state_operations") else op
        found[inner.model_name.lower()] = op
    return found


@pytest.mark.django_db
def test_changes_to_and_from_the_database_become_add_db_cascade_constraint(
    tmp_path: Path, settings: Any
) -> None:
    written = make_migrations(tmp_path, settings, BEFORE)
    assert len(written) == 2, [m.__name__ for m in written]
    atomic, non_atomic = written

    kept = operations_by_model(atomic)
    assert set(kept) == {"nullswitch", "sameaction", "pythononly"}
    assert getattr(atomic.Migration, "atomic", True) is True
    # Python -> Python: Django's AlterField (it emits no SQL).
    assert type(kept["pythononly"]) is migrations.AlterField
    # null=True still needs an AlterField; it keeps the old on_delete.
    assert type(kept["nullswitch"]) is migrations.AlterField
    assert kept["nullswitch"].field.null is True
    assert kept["nullswitch"].field.remote_field.on_delete is models.CASCADE  # type: ignore[union-attr]
    # Same database action: state only.
    assert type(kept["sameaction"]) is migrations.SeparateDatabaseAndState
    assert kept["sameaction"].database_operations == []

    assert non_atomic.Migration.atomic is False
    switched = operations_by_model(non_atomic)
    assert set(switched) == {"todb", "topython", "tomirror", "nullswitch"}
    assert all(type(op) is AddDBCascadeConstraint for op in switched.values())
    assert switched["todb"].on_delete is DB_CASCADE
    assert switched["topython"].on_delete is models.CASCADE
    assert repr(switched["tomirror"].on_delete) == "InDatabaseToo(models.CASCADE)"
    assert switched["nullswitch"].name == "parent"
    assert (atomic.__name__.rsplit(".", 1)[1], "") < (non_atomic.__name__.rsplit(".", 1)[1], "")
    assert non_atomic.Migration.dependencies == [(APP, atomic.__name__.rsplit(".", 1)[1])]

    source = Path(non_atomic.__file__).read_text()
    assert "atomic = False" in source
    assert source.count("atomic = False") == 1, source  # Django 6.0+ writes it too
    assert "AddDBCascadeConstraint(" in source


@pytest.mark.django_db
def test_a_migration_of_only_on_delete_switches_becomes_non_atomic(
    tmp_path: Path, settings: Any
) -> None:
    written = make_migrations(tmp_path, settings, {"todb": BEFORE["todb"]})
    assert len(written) == 1
    (migration,) = written
    assert migration.Migration.atomic is False
    (operation,) = migration.Migration.operations
    assert type(operation) is AddDBCascadeConstraint
    assert (operation.model_name.lower(), operation.name) == ("todb", "parent")


@pytest.mark.django_db(transaction=True)
def test_written_migration_applies_and_sets_the_action(tmp_path: Path, settings: Any) -> None:
    """Apply the older state and the written migrations on the test database."""
    written = make_migrations(tmp_path, settings, {"todb": BEFORE["todb"]})
    name = written[0].__name__.rsplit(".", 1)[1]
    out = StringIO()
    call_command("migrate", APP, "zero", stdout=out, verbosity=0)
    try:
        call_command("migrate", APP, "0001_initial", stdout=out, verbosity=0)
        from django.db import connection

        def action() -> str | None:
            with connection.cursor() as cursor:
                (fk,) = [
                    c
                    for c in catalog.constraints(cursor, "ondelete_rewrite_todb").values()
                    if c.type == "foreign key"
                ]
            return fk.on_delete

        assert action() == "NO ACTION"
        call_command("migrate", APP, name, stdout=out, verbosity=0)
        assert action() == "CASCADE"
    finally:
        call_command("migrate", APP, "zero", stdout=out, verbosity=0)
        settings.MIGRATION_MODULES = {}
        call_command("migrate", APP, stdout=out, verbosity=0)
