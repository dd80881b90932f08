"""Concurrent index operations for any index Django creates, implicit ones included.

- :class:`DropIndexConcurrently` (:mod:`.drop_index`) — a ``Meta.indexes`` index (``name``), the
  implicit index of a ``ForeignKey`` / ``db_index=True`` field (``field=``; the foreign key
  constraint is left alone), a ``unique=True`` field or a ``unique_together`` entry (``fields=``).
- :class:`AddIndexConcurrently` (:mod:`.add_index`) — a ``Meta.indexes`` index (partial,
  expression, covering: any) or a field's implicit index (``field=``, i.e. ``db_index=True``),
  recovering from an INVALID leftover of an earlier failed build.
- :class:`AddUniqueConstraintConcurrently` (:mod:`.add_unique`) — ``CREATE UNIQUE INDEX
  CONCURRENTLY``, then ``ADD CONSTRAINT ... UNIQUE USING INDEX``.

Each keeps the model state Django's own operation would leave (``AlterField(db_index=False)``,
``RemoveIndex``, ``AlterUniqueTogether``, ``AddIndex``, ``AddConstraint``) and needs a migration
with ``atomic = False`` on PostgreSQL. What they share is in :mod:`.concurrent_index`.

This module only gathers them: migration files name
``safemigrations.operations.indexes.AddIndexConcurrently`` and the like, and keep working.
"""

from __future__ import annotations

from .add_index import AddIndexConcurrently
from .add_unique import AddUniqueConstraintConcurrently
from .concurrent_index import meta_names
from .drop_index import DropIndexConcurrently

# Migration files name an operation by its class's module: keep writing the module they always
# named, whichever file the class lives in now.
for _operation in (AddIndexConcurrently, AddUniqueConstraintConcurrently, DropIndexConcurrently):
    _operation.__module__ = __name__

__all__ = [
    "AddIndexConcurrently",
    "AddUniqueConstraintConcurrently",
    "DropIndexConcurrently",
    "meta_names",
]
