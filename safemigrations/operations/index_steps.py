"""The concurrent steps that build and drop :class:`~.index_plans.IndexPlan` s, resumably.

A valid index of the plan's name is kept (a re-run after an interruption), an INVALID leftover of
a failed or interrupted build is dropped concurrently and built again, and a failed build drops
its own INVALID index before raising a message that says what to fix. Dropping finds the real
index first (:mod:`.index_lookup`); a unique *constraint* is dropped with ``DROP CONSTRAINT``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DatabaseError, IntegrityError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from safemigrations.db import catalog
from safemigrations.db.locks import is_lock_timeout
from safemigrations.exceptions import DuplicateValuesError, IndexBuildFailed

from . import sql as ddl
from .base import SafeOperation
from .index_lookup import FoundIndex, find_index
from .index_plans import IndexPlan

logger = logging.getLogger("safemigrations")


class ConcurrentIndexSteps(SafeOperation):
    """Resumable concurrent build and drop of :class:`IndexPlan` s, for operations to share."""

    def build_index(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        """Build ``plan`` concurrently (then attach its constraint); resume where it stopped."""
        if self.collecting_sql(schema_editor):
            self._run_build(schema_editor, plan)
            self._attach_constraint(schema_editor, plan)
            return
        with schema_editor.connection.cursor() as cursor:
            if plan.is_constraint and plan.name in catalog.constraints(cursor, plan.table):
                logger.info("%s: constraint %s exists already", self.describe(), plan.name)
                return
            existing = catalog.indexes(cursor, plan.table).get(plan.name)
        if existing is not None and not existing.valid:
            logger.warning(
                "%s: dropping INVALID index %s left by an earlier build, building it again",
                self.describe(),
                plan.name,
            )
            self._drop_index_concurrently(schema_editor, plan.table, plan.name)
            existing = None
        if existing is not None:
            self._check_compatible(plan, existing)
        else:
            try:
                self._run_build(schema_editor, plan)
            except DatabaseError as exc:
                if is_lock_timeout(exc):
                    raise
                self._clean_failed_build(schema_editor, plan)
                raise self._build_error(plan, exc) from exc
        self._attach_constraint(schema_editor, plan)

    def drop_index(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        plan: IndexPlan,
        exclude: Iterable[str] = (),
    ) -> None:
        """Drop the real index of ``plan`` (its constraint, for a unique constraint)."""
        collecting = self.collecting_sql(schema_editor)
        with schema_editor.connection.cursor() as cursor:
            found = find_index(cursor, plan, exclude)
        if found is None:
            if not collecting:
                logger.info("%s: no index %s to drop any more", self.describe(), plan.name)
                return
            found = FoundIndex(plan.name, True, plan.name if plan.is_constraint else None)
        if found.constraint:
            self.run_step(
                schema_editor,
                ddl.drop_constraint(schema_editor, plan.table, found.constraint, if_exists=True),
                tables=[plan.table],
                description=f"drop unique constraint {found.constraint}",
            )
        else:
            self._drop_index_concurrently(schema_editor, plan.table, found.name)

    # -- helpers ---------------------------------------------------------------------------

    def _run_build(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        self.run_step(
            schema_editor,
            plan.create_sql,
            tables=[plan.table],
            description="build" if plan.name in self.describe() else f"build {plan.name}",
            long=True,
            bounded_wait=False,
            # A deadlock leaves an INVALID index of the name behind: drop it before retrying.
            before_retry=lambda: self._clean_failed_build(schema_editor, plan),
        )

    def _attach_constraint(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        """``ADD CONSTRAINT ... UNIQUE USING INDEX``, for a plan whose index backs a constraint."""
        if plan.constraint_sql:
            self.run_step(
                schema_editor,
                plan.constraint_sql,
                tables=[plan.table],
                description=f"attach unique constraint {plan.name}",
            )

    def _drop_index_concurrently(
        self, schema_editor: BaseDatabaseSchemaEditor, table: str, name: str
    ) -> None:
        self.run_step(
            schema_editor,
            ddl.drop_index_concurrently(schema_editor, name),
            tables=[table],
            description=f"drop index {name}",
            bounded_wait=False,
        )

    def _clean_failed_build(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        """Drop the INVALID index a failed build leaves (it would slow every write for nothing)."""
        try:
            with schema_editor.connection.cursor() as cursor:
                leftover = catalog.indexes(cursor, plan.table).get(plan.name)
            if leftover is not None and not leftover.valid:
                self._drop_index_concurrently(schema_editor, plan.table, plan.name)
        except DatabaseError:
            logger.warning(
                "%s: could not drop the INVALID index %s; the next run drops it",
                self.describe(),
                plan.name,
                exc_info=True,
            )

    def _build_error(self, plan: IndexPlan, exc: DatabaseError) -> IndexBuildFailed:
        reason = " ".join(str(exc).split())
        if isinstance(exc, IntegrityError) and plan.columns:
            cols = ", ".join(plan.columns)
            return DuplicateValuesError(
                f"{self.describe()}: the unique index {plan.name} cannot be built: {reason}. "
                f"Rows of {plan.table} share the same ({cols}). Find them with\n"
                f"  SELECT {cols}, count(*) FROM {plan.table} GROUP BY {cols} "
                "HAVING count(*) > 1;\n"
                "fix or remove the duplicates, and run the migration again (the half-built "
                "INVALID index was dropped)."
            )
        return IndexBuildFailed(
            f"{self.describe()}: building index {plan.name} on {plan.table} failed: {reason}. "
            "The half-built INVALID index was dropped; fix the cause and run the migration "
            "again."
        )

    def _check_compatible(self, plan: IndexPlan, existing: catalog.Index) -> None:
        same_columns = not plan.columns or None in existing.columns
        same_columns = same_columns or existing.columns == plan.columns
        if existing.unique != plan.unique or not same_columns:
            raise IndexBuildFailed(
                f"{self.describe()}: an index named {plan.name} already exists on {plan.table} "
                f"and is not the one this operation builds ({existing.definition}). Drop or "
                "rename it, then run the migration again."
            )
        logger.info("%s: index %s exists already and is valid", self.describe(), plan.name)
