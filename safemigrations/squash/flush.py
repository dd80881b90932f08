"""Where a squashed migration must run Django's deferred SQL before going on.

In one migration, Django defers the foreign keys and indexes of ``CreateModel`` and ``AddField``
to the end. The original migrations each ended (and ran that SQL) before the next one altered
the field; in a squash, an ``AlterField`` the optimizer could not fold into its ``CreateModel``
(a data migration or a kept operation sits between them) would find no constraint or index yet,
change nothing, and the deferred SQL would then create the *old* definition: an ``ON DELETE``
action or a dropped index lost. A ``RunDeferredSQL()`` before the first operation that is not
itself a creation puts the catalog where the originals had it; data migrations then also see
the foreign keys they saw before. One follows each data migration too: it checks the deferred
foreign keys of the rows written (as each original migration's commit did), without which
PostgreSQL refuses a later ``ALTER TABLE`` of those tables ("pending trigger events"). A squash
that is atomic also ends with one, so Django records it in the migration's own transaction (see
:mod:`safemigrations.operations.deferred`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.migrations.operations import (
    AddConstraint,
    AddField,
    AddIndex,
    CreateModel,
    RunPython,
    RunSQL,
)
from django.db.migrations.operations.base import Operation

from safemigrations.operations.deferred import RunDeferredSQL

#: Operations whose SQL Django defers to the end of the migration.
_DEFERRING = (CreateModel, AddField)
#: Operations that may run while such SQL is still pending (they only add new objects).
_ADDING = (CreateModel, AddField, AddIndex, AddConstraint)


def flush_deferred(operations: Sequence[Operation], *, at_end: bool) -> list[Operation]:
    """``operations`` with ``RunDeferredSQL()`` where pending deferred SQL must run first."""
    result: list[Operation] = []
    pending = False
    after_data = False
    for operation in operations:
        is_data = isinstance(operation, RunPython | RunSQL)
        if (pending and not isinstance(operation, _ADDING)) or (after_data and not is_data):
            result.append(RunDeferredSQL())
            pending = False
        result.append(operation)
        pending = pending or isinstance(operation, _DEFERRING)
        after_data = is_data
    if at_end and result:
        result.append(RunDeferredSQL())
    return result
