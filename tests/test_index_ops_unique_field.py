"""AddUniqueConstraintConcurrently(field=): ``unique=True`` on an existing field, concurrently.

The schema it leaves is compared with what Django's own ``AlterField(unique=True)`` leaves, index
by index and constraint by constraint, so the names and shapes are the ones Django expects.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, migrations

from safemigrations.operations import AddUniqueConstraintConcurrently
from safemigrations.operations.equivalent import field_with
from safemigrations.operations.indexing import DuplicateValuesError
from safemigrations.operations.resolve import OperationTargetError
from safemigrations.testing.migrator import Migrator
from tests.indexops_support import (
    APP,
    MEMBER,
    constraints,
    hold_writer,
    indexes,
    recording_locks,
    run_backwards,
    run_forwards,
    state_at,
)
from tests.indexops_support import app as app  # the fixture


def schema() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Indexes (name, definition, valid) and constraints (name, type, columns) of the table."""
    return (
        {(i.name, i.definition, i.valid) for i in indexes().values()},
        {(c.name, c.type, c.columns) for c in constraints().values()},
    )


def djangos_alter_field(state: Any, name: str) -> migrations.AlterField:
    field = state.models[APP, "member"].fields[name]
    return migrations.AlterField("member", name, field_with(field, unique=True))


@pytest.mark.parametrize(
    ("migration", "name"),
    [("0002", "code"), ("0003", "email")],
    ids=["plain-charfield", "db-index-charfield"],
)
def test_leaves_the_schema_djangos_alter_field_leaves(
    app: Migrator, migration: str, name: str
) -> None:
    app.migrate(APP, migration)
    state = state_at(app, migration)
    before = schema()
    op = AddUniqueConstraintConcurrently("member", field=name)
    run_forwards(op, state)
    ours = schema()
    assert any(c[1] == "unique" and c[2] == (f"{name}",) for c in ours[1])
    run_backwards(op, state)
    assert schema() == before
    run_forwards(djangos_alter_field(state, name), state, atomic=True)
    assert ours == schema()


def test_builds_concurrently_without_blocking_writes(app: Migrator, test_db_conninfo: str) -> None:
    app.migrate(APP, "0003")
    with recording_locks(test_db_conninfo) as recording:
        holder = hold_writer(test_db_conninfo, 0.5)  # the build waits for it: locks are seen
        run_forwards(
            AddUniqueConstraintConcurrently("member", field="email"), state_at(app, "0003")
        )
    holder.join()
    modes = recording.modes_on(MEMBER)
    assert "ShareLock" not in modes  # no plain CREATE [UNIQUE] INDEX
    assert "ShareUpdateExclusiveLock" in modes


def test_duplicates_stop_it_and_a_rerun_after_fixing_finishes(app: Migrator) -> None:
    app.migrate(APP, "0003")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'dup@x.org' WHERE code IN ('c1', 'c2')")
    op = AddUniqueConstraintConcurrently("member", field="email")
    with pytest.raises(DuplicateValuesError, match="GROUP BY email HAVING count"):
        run_forwards(op, state_at(app, "0003"))
    assert not [c for c in constraints().values() if c.type == "unique" and c.columns == ("email",)]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {MEMBER} SET email = 'fixed@x.org' WHERE code = 'c2'")
    run_forwards(op, state_at(app, "0003"))
    assert [c for c in constraints().values() if c.type == "unique" and c.columns == ("email",)]


def test_state_and_bad_input(migrator: Migrator) -> None:
    state = state_at(migrator, "0003").clone()
    op = AddUniqueConstraintConcurrently("member", field="email", lock_timeout=1.0)
    op.state_forwards(APP, state)
    assert state.models[APP, "member"].fields["email"].unique
    assert op.deconstruct() == (
        "AddUniqueConstraintConcurrently",
        [],
        {"model_name": "member", "field": "email", "lock_timeout": 1.0},
    )
    assert op.migration_name_fragment == "member_add_unique_email"
    assert op.references_field("member", "email", APP)
    with pytest.raises(OperationTargetError, match="already unique"):
        op.state_forwards(APP, state)
    with pytest.raises(TypeError, match="exactly one of"):
        AddUniqueConstraintConcurrently("member")
