"""Constraint operations that never hold a blocking lock while rows are scanned.

- :class:`AddDBCascadeConstraint` (:mod:`.db_cascade`) gives an existing foreign key's constraint
  a database ``ON DELETE`` action: a replacement is added ``NOT VALID``, validated in its own
  transaction (which blocks no reads or writes), then swapped in for the old one.
- :class:`AddConstraintNotValid` (:mod:`.not_valid`) adds a CHECK constraint or a foreign key's
  constraint without checking the existing rows.
- :class:`ValidateConstraint` (:mod:`.not_valid`) checks them later, taking only ``SHARE UPDATE
  EXCLUSIVE``.

This module only gathers them: migration files written before the split import
``safemigrations.operations.constraints`` and keep working.
"""

from __future__ import annotations

from safemigrations.db.catalog import WRITE_BLOCKING_MODES

from .db_cascade import AddDBCascadeConstraint
from .not_valid import AddConstraintNotValid, ValidateConstraint

# Migration files name an operation by its class's module: keep writing the module they always
# named, whichever file the class lives in now.
for _operation in (AddConstraintNotValid, AddDBCascadeConstraint, ValidateConstraint):
    _operation.__module__ = __name__

__all__ = [
    "WRITE_BLOCKING_MODES",
    "AddConstraintNotValid",
    "AddDBCascadeConstraint",
    "ValidateConstraint",
]
