"""What the constraint operations share: the one model they touch, and how they reduce."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation

from safemigrations.deletion import db_action
from safemigrations.operations.base import ModelOperation


def on_delete_action(on_delete: Any) -> str:
    """The ON DELETE action a constraint gets for ``on_delete`` (NO ACTION for Python values)."""
    return db_action(on_delete) or "NO ACTION"


class ModelScopedOperation(ModelOperation):
    """What the three constraint operations share: how they reduce, and the backends they run on."""

    def reduce(self, operation: Operation, app_label: str) -> Any:
        """Operations on other models may be optimized across this one; others may not."""
        return not operation.references_model(self.model_name, app_label)

    def _checked_postgresql(self, schema_editor: BaseDatabaseSchemaEditor) -> bool:
        """True on PostgreSQL; False on SQLite (the caller remakes); else NotSupportedError."""
        self.require_vendor(schema_editor, "postgresql", "sqlite")
        return self.is_postgresql(schema_editor)
