"""Every error safemigrations raises lives in one module, derives from SafeMigrationsError and
keeps the Django/Python base class callers already catch; old import paths keep working."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django.db import DatabaseError, IntegrityError, NotSupportedError, OperationalError

import safemigrations
import safemigrations.operations
from safemigrations import exceptions

#: Each public error, the module it was defined in before, and the base class callers catch.
OLD_HOMES: dict[str, tuple[str, type[BaseException]]] = {
    "NonAtomicMigrationRequired": ("safemigrations.operations.base", NotSupportedError),
    "OperationTargetError": ("safemigrations.operations.resolve", ValueError),
    "NullValuesError": ("safemigrations.operations.columns", IntegrityError),
    "DanglingReferencesError": ("safemigrations.operations.columns", IntegrityError),
    "AmbiguousIndexError": ("safemigrations.operations.indexing", ValueError),
    "IndexBuildFailed": ("safemigrations.operations.indexing", DatabaseError),
    "DuplicateValuesError": ("safemigrations.operations.indexing", IntegrityError),
    "LockRetriesExhausted": ("safemigrations.db.locks", OperationalError),
    "MigrateLockBusy": ("safemigrations.db.migrate_lock", OperationalError),
    "OrphanStillRunning": ("safemigrations.db.activity", OperationalError),
    "DatabaseUnavailable": ("safemigrations.db.server", RuntimeError),
    "DriftConfigError": ("safemigrations.inspect.config", ValueError),
    "FixError": ("safemigrations.inspect.fix", RuntimeError),
    "LintConfigError": ("safemigrations.lint.config", ValueError),
    "TableStatsError": ("safemigrations.lint.tablesize", ValueError),
    "MigrateFailed": ("safemigrations.squash.verify", exceptions.SquashError),
    "SquashError": ("safemigrations.exceptions", exceptions.SafeMigrationsError),
    "SquashCycleError": ("safemigrations.exceptions", exceptions.SquashError),
    "SquashNotEquivalent": ("safemigrations.exceptions", exceptions.SquashError),
}


def _public_errors() -> dict[str, type[BaseException]]:
    return {
        name: obj
        for name, obj in vars(exceptions).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == exceptions.__name__
        and not name.startswith("_")
    }


def test_the_module_lists_every_error_it_defines() -> None:
    errors = _public_errors()
    assert sorted(exceptions.__all__) == sorted(errors)
    assert set(errors) == set(OLD_HOMES) | {"SafeMigrationsError"}
    assert safemigrations.SafeMigrationsError is exceptions.SafeMigrationsError
    assert safemigrations.operations.SafeMigrationsError is exceptions.SafeMigrationsError


@pytest.mark.parametrize("name", sorted(OLD_HOMES))
def test_error_is_one_class_under_every_import_path(name: str) -> None:
    error = getattr(exceptions, name)
    old_module, django_base = OLD_HOMES[name]
    assert issubclass(error, exceptions.SafeMigrationsError)
    assert issubclass(error, django_base)
    assert getattr(importlib.import_module(old_module), name) is error
    assert getattr(safemigrations, name) is error
    assert getattr(safemigrations.operations, name) is error
    assert name in safemigrations.__all__
    assert name in safemigrations.operations.__all__


def test_existing_except_clauses_still_catch_them() -> None:
    with pytest.raises(IntegrityError):
        raise exceptions.DuplicateValuesError("duplicate key")
    with pytest.raises(exceptions.IndexBuildFailed):
        raise exceptions.DuplicateValuesError("duplicate key")
    with pytest.raises(exceptions.SafeMigrationsError):
        raise exceptions.MigrateLockBusy("busy")


#: Exceptions that steer the linter's own control flow and never reach a caller: each is caught
#: where it is raised from (module: name).
INTERNAL = {
    "lint/replay/capture.py:LinterError",
    "lint/replay/failures.py:PartialSchemaMissed",
    "lint/replay/substate.py:Unreachable",
}


def test_no_other_module_defines_an_error_class() -> None:
    """New errors go to ``safemigrations.exceptions``; only the linter's internal ones live
    elsewhere."""
    import ast
    from pathlib import Path

    package = Path(safemigrations.__file__).parent
    known = set(OLD_HOMES) | {"SafeMigrationsError", "Exception"}
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative in {"exceptions.py", "__main__.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}
                if any(b in known or b.endswith(("Error", "Exception")) for b in bases):
                    found.append(f"{relative}:{node.name}")
    assert sorted(found) == sorted(INTERNAL)
