"""Collect the SQL that ``migrate`` will really run, by running the migrations on a scratch database.

``sqlmigrate`` asks the live database for constraint and index names, so on an empty or
out-of-date database it prints SQL that ``migrate`` will not run (down to ``-- (no-op)`` for an
index that will really be dropped); it prints ``BEGIN``/``COMMIT`` from the migration's ``atomic``
flag rather than from what runs; and it raises on an atomic migration holding a concurrent
operation. The linter does what ``migrate`` does instead, in :mod:`safemigrations.lint.replay`:

* :mod:`~safemigrations.lint.replay.statebuild`: the schema before the targets, built from the
  migration state in one pass where the state describes the history, replayed where not;
* :mod:`~safemigrations.lint.replay.runner`: the run (templates, targets, failures);
* :mod:`~safemigrations.lint.replay.capture`: each statement with its transaction and operation;
* :mod:`~safemigrations.lint.replay.results`: what was found;
* :mod:`~safemigrations.lint.replay.keys` and :mod:`~safemigrations.lint.replay.dumps`: template
  keys and template files for CI caches.

This module is the stable import path of what the commands and tests use.
"""

from __future__ import annotations

from safemigrations.db.scratch import lint_server as scratch_server
from safemigrations.lint.replay.capture import (
    Capture,
    LinterError,
    StatementObserver,
    TransactionIds,
    inline_params,
    is_introspection,
    needs_catalog,
    read_catalog,
    transaction_status,
)
from safemigrations.lint.replay.results import (
    CapturedStatement,
    CollectedMigration,
    Collection,
    CollectionStats,
    MigrationFailure,
    is_transaction_control,
)
from safemigrations.lint.replay.runner import SAVE_TEMPLATE_AFTER, collect, keep_base_template

__all__ = [
    "SAVE_TEMPLATE_AFTER",
    "Capture",
    "CapturedStatement",
    "CollectedMigration",
    "Collection",
    "CollectionStats",
    "LinterError",
    "MigrationFailure",
    "StatementObserver",
    "TransactionIds",
    "collect",
    "inline_params",
    "is_introspection",
    "is_transaction_control",
    "keep_base_template",
    "needs_catalog",
    "read_catalog",
    "scratch_server",
    "transaction_status",
]
