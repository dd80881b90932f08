"""Run the SQL Django defers to the end of a migration before the migration's last step.

Django's schema editor defers foreign keys and indexes of ``CreateModel``/``AddField`` to the end
of the migration, and a migration that leaves deferred SQL is recorded *after* its transaction:
one autocommitted ``INSERT`` into ``django_migrations`` per migration it replaces. A squash of
200 migrations then spends a large part of a fresh ``migrate`` on 201 commits.
:class:`RunDeferredSQL`, the last operation of a squashed migration, runs that SQL at that point
(where ``__exit__`` would run it a moment later, in the same transaction), so Django records the
squash and everything it replaces inside the migration's own transaction.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class RunDeferredSQL(Operation):
    """Execute (and clear) the schema editor's deferred SQL now, and check deferred foreign keys
    (in a transaction, on PostgreSQL). No state change; elidable."""

    reversible = True
    reduces_to_sql = True
    elidable = True

    def __init__(self) -> None:
        pass

    def deconstruct(self) -> tuple[str, list[object], dict[str, object]]:
        return self.__class__.__name__, [], {}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._flush(schema_editor)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._flush(schema_editor)

    @staticmethod
    def _flush(schema_editor: BaseDatabaseSchemaEditor) -> None:
        """Run the deferred SQL, then check the deferred foreign keys of rows written so far.

        Rows a data migration wrote leave "pending trigger events" (deferred foreign key
        checks) that make PostgreSQL refuse a later ``ALTER TABLE`` of the same table in the
        transaction; the commit at the end of each original migration checked them. ``SET
        CONSTRAINTS ALL IMMEDIATE`` checks them now, ``DEFERRED`` restores the default.
        """
        for sql in list(schema_editor.deferred_sql):
            schema_editor.execute(sql, None)
        schema_editor.deferred_sql.clear()
        connection = schema_editor.connection
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", None)
            schema_editor.execute("SET CONSTRAINTS ALL DEFERRED", None)

    def describe(self) -> str:
        return "Run the SQL deferred to the end of the migration (foreign keys, indexes) now"

    @property
    def migration_name_fragment(self) -> str:
        return "run_deferred_sql"
