"""SQLite: rebuild the fields a table remake needs, for operations that fall back to Django there.

On SQLite the operations run Django's own schema changes (there is nothing to lock); the table
remake they cause is built from the migration state, which cannot hold everything the database
holds. These helpers bring back what the state lacks.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from safemigrations.operations.equivalent import field_with


def bound_copy(field: Any, **changes: Any) -> Any:
    """A copy of a rendered model's field with ``changes``, usable by a SQLite table remake."""
    copy: Any = field_with(field, **changes)
    copy.set_attributes_from_name(field.name)
    copy.model = field.model
    copy.remote_field.model = field.remote_field.model
    copy.remote_field.field_name = field.remote_field.field_name
    return copy


def through_fields_as_in_database(
    schema_editor: BaseDatabaseSchemaEditor, through: Any, field: Any, on_delete: Any
) -> list[tuple[Any, Any]]:
    """SQLite: the through table's keys with ``field`` switched and the other keeps its action.

    The state cannot record an action on an auto-created through table, so a table remake built
    from the state alone would drop the action the other key got from an earlier operation.
    """
    from safemigrations.deletion import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL

    values = {
        "CASCADE": DB_CASCADE,
        "SET NULL": DB_SET_NULL,
        "SET DEFAULT": DB_SET_DEFAULT,
        "RESTRICT": DB_RESTRICT,
    }
    table = schema_editor.quote_name(through._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_list({table})")
        actions = {row[3]: row[6] for row in cursor.fetchall()}
    altered = []
    for key in through._meta.local_concrete_fields:
        if key.remote_field is None:
            continue
        wanted = on_delete if key is field else values.get(actions.get(key.column, ""))
        if wanted is not None:
            altered.append((key, bound_copy(key, on_delete=wanted)))
    return altered
