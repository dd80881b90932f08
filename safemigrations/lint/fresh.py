"""Findings about tables no traffic can reach yet: created earlier in the same migration.

A lock, a rewrite, a scan, a rename or a re-run hazard hurts only when other sessions use the
table. A table the same migration created is new and empty while that migration runs: nothing
reads or writes it, no running code knows its name, and it holds no rows to rewrite or scan.
The findings of a migration whose every named table was created earlier in that migration (or
by the statement itself) are therefore *fresh*: left out of the report and counted.

This is what makes history truthful: a squashed migration (``replaces = [...]``) only ever runs
on databases where none of the migrations it replaces ran, so every table of its own app it
touches it also creates; an ``initial`` migration creates its app's tables. Their findings on
those tables are fresh. What they do to tables that existed before (another app's table a
foreign key references, a ``RunSQL`` on any table) stays reported: a squash also runs on
production databases when it replaces migrations that were never deployed, and a new app's
initial migration runs on a production database when the app is added.

Some findings hold whatever the table's age, and are never fresh: the SQL fails or cannot run
(``SM000``, ``SM002``, ``SM102``, ``SM851``, ``SM901``, ``SM902``, ``SM963``), a name is silently
truncated (``SM964``), a foreign key has no index (``SM213``, a cost every later delete pays),
and findings about the migration file itself (``SM001``, ``SM907`` to ``SM909``).

**A split initial migration** is fresh too, on the tables it provably meets new and empty. When
the models of a new app point at each other across apps, ``makemigrations`` writes the app's
first migrations as a chain: ``0001_initial`` creates the tables, ``0002`` (run after another
app's initial) adds the foreign keys and constraints to them. Such a migration is judged by
:func:`fresh_install_tables`, only when everything of its own app that ran before it is the
app's initial chain (each in-app dependency is the initial migration, ``initial = True`` or
Django's reading of it: no dependency in its own app, or is itself judged so). Then:

- marked ``initial = True`` (Django marks every migration it writes for an app in the run that
  creates the app, and ``migrate --fake-initial`` relies on it): the migration belongs to the
  app's first install, and its findings on the app's own tables (managed models, auto-created
  many-to-many tables) are fresh;
- otherwise, atomic and adding a ``NOT NULL`` column with no default of any kind to a table:
  that statement fails on a table holding a row, and the whole transaction with it, so wherever
  the migration is applied that table is empty. Findings on *those* tables are fresh; the
  app's other tables may hold rows and stay reported, and so does the ``SM302`` finding itself
  (the column that fails on a row): it is the premise, and the error if it is wrong.

What a fresh-install migration does to other apps' tables (the referenced table of a new foreign
key) stays reported, as for an initial migration: the app may be added to a project whose other
tables are live. A later migration of the app, after any real change, is judged as usual.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from safemigrations.lint.model import Finding
from safemigrations.lint.parsetree import short

#: Rules whose findings stay reported on new tables (see the module docstring).
NEVER_FRESH = frozenset(
    {
        "SM000",
        "SM001",
        "SM002",
        "SM102",
        "SM213",
        "SM851",
        "SM901",
        "SM902",
        "SM907",
        "SM908",
        "SM909",
        "SM963",
        "SM964",
    }
)


def fresh_reason(rule: str, tables: Iterable[str], created: Iterable[str]) -> str | None:
    """Why a finding of ``rule`` on ``tables`` affects no traffic (every table is in
    ``created``: made earlier in the same migration), or None when it may."""
    names = sorted({short(t) for t in tables})
    if rule in NEVER_FRESH or not names:
        return None
    made = {short(t) for t in created}
    if not all(name in made for name in names):
        return None
    verb = "is" if len(names) == 1 else "are"
    return f"{', '.join(names)} {verb} created earlier in this migration (empty, no traffic)"


def mark_fresh_install(findings: Iterable[Finding], install: FreshInstall) -> None:
    """Set ``fresh`` on the findings of a fresh-install migration (:func:`fresh_install_tables`)
    whose every table it meets new and empty."""
    made = {short(t) for t in install.tables}
    for finding in findings:
        if finding.fresh or finding.rule in NEVER_FRESH | install.keep or not finding.tables:
            continue
        if all(short(t) in made for t in finding.tables):
            finding.fresh = install.why


def split_fresh(findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """``(reported, fresh)``: the findings that stay, and those about new tables only."""
    reported = [f for f in findings if not f.fresh]
    return reported, [f for f in findings if f.fresh]


@dataclass(frozen=True)
class FreshInstall:
    """A fresh-install migration's judgement: which tables it meets new and empty, why, and
    which rules stay reported on them all the same."""

    why: str
    tables: frozenset[str]
    keep: frozenset[str] = frozenset()


#: Rules a migration fresh by its NOT NULL column alone keeps reporting: the premise itself.
_PREMISE = frozenset({"SM302"})


def fresh_install_tables(app: str, migration: Any, from_state: Any) -> FreshInstall | None:
    """What of ``migration``'s work is on tables of its app's fresh install (see the module
    docstring), or None when it may run on tables in use."""
    if from_state is None or not _in_app_parents(app, migration):
        return None
    if not _follows_initial_chain(app, migration, depth=0):
        return None
    first = _first_migration(app, migration)
    if getattr(migration, "initial", None) is True:
        tables = _app_tables(app, from_state)
        why = (
            f"created by {app}'s initial migrations ({first} …): {migration.name} is marked "
            "initial, part of the app's first install (new, empty tables)"
        )
        return FreshInstall(why, frozenset(tables)) if tables else None
    if not getattr(migration, "atomic", True):
        return None
    required = _tables_given_required_columns(app, migration, from_state)
    if not required:
        return None
    names = ", ".join(sorted(required))
    why = (
        f"created by {app}'s initial migration {first}; {migration.name} adds a NOT NULL column "
        f"without default to {names}, which fails unless the table is empty (new, no traffic)"
    )
    return FreshInstall(why, frozenset(required), keep=_PREMISE)


#: Longest in-app chain followed back to the initial migration.
_MAX_CHAIN = 20


def _in_app_parents(app: str, migration: Any) -> list[str]:
    return [name for label, name in getattr(migration, "dependencies", ()) if label == app]


def _is_initial(app: str, migration: Any) -> bool:
    """Django's reading: ``initial = True``, or unset and no dependency in its own app."""
    flag = getattr(migration, "initial", None)
    if flag is None:
        return not _in_app_parents(app, migration)
    return bool(flag) and not _in_app_parents(app, migration)


def _follows_initial_chain(app: str, migration: Any, depth: int) -> bool:
    """True when every in-app dependency of ``migration`` is its app's initial migration, or
    itself follows only the initial chain and is marked ``initial = True`` or adds a required
    column (the traces of the same ``makemigrations`` run)."""
    if depth > _MAX_CHAIN:
        return False
    parents = [_load(app, name) for name in _in_app_parents(app, migration)]
    if not parents:
        return False
    for parent in parents:
        if parent is None:
            return False
        if _is_initial(app, parent):
            continue
        traced = getattr(parent, "initial", None) is True or any(
            _adds_required_column(op) for op in getattr(parent, "operations", ())
        )
        if not (traced and _follows_initial_chain(app, parent, depth + 1)):
            return False
    return True


def _tables_given_required_columns(app: str, migration: Any, state: Any) -> set[str]:
    """The tables of ``app`` to which ``migration`` adds a NOT NULL column without default."""
    tables: set[str] = set()
    for op in getattr(migration, "operations", ()):
        if not _adds_required_column(op):
            continue
        model = getattr(state, "models", {}).get((app, op.model_name_lower))
        if model is not None:
            tables.add(model.options.get("db_table") or f"{app}_{model.name_lower}")
    return tables


def _adds_required_column(operation: Any) -> bool:
    """An ``AddField`` of a NOT NULL column with no default of any kind: it fails on a table
    holding a row, and ``makemigrations`` writes it only for a model created in the same run."""
    from django.db.migrations.operations import AddField
    from django.db.models import NOT_PROVIDED

    if type(operation) is not AddField:
        return False
    field = operation.field
    if field.null or field.many_to_many or getattr(field, "generated", False):
        return False
    if field.default is not NOT_PROVIDED or getattr(field, "db_default", NOT_PROVIDED) is not (
        NOT_PROVIDED
    ):
        return False
    return bool(field.concrete) if hasattr(field, "concrete") else True


def _load(app: str, name: str) -> Any:
    """The ``Migration`` instance ``app.name`` from its module, or None."""
    from django.db.migrations.loader import MigrationLoader

    module_name, _explicit = MigrationLoader.migrations_module(app)
    if module_name is None:
        return None
    try:
        module = importlib.import_module(f"{module_name}.{name}")
        return module.Migration(name, app)
    except Exception:  # a missing or broken parent: not provably fresh
        return None


def _first_migration(app: str, migration: Any) -> str:
    """The name of the initial migration the chain of ``migration`` starts from."""
    current = migration
    for _ in range(_MAX_CHAIN):
        parents = _in_app_parents(app, current)
        if not parents:
            return str(current.name)
        loaded = _load(app, parents[0])
        if loaded is None:
            return parents[0]
        current = loaded
    return str(current.name)


def _app_tables(app: str, state: Any) -> set[str]:
    """The tables of ``app``'s managed, concrete models in the migration ``state``, with their
    auto-created many-to-many tables."""
    from django.db.backends.utils import truncate_name

    tables: set[str] = set()
    for (label, name), model in getattr(state, "models", {}).items():
        if label != app:
            continue
        options = model.options
        if options.get("proxy") or not options.get("managed", True):
            continue
        table = options.get("db_table") or f"{label}_{name}"
        tables.add(table)
        for field_name, field in model.fields.items():
            if not getattr(field, "many_to_many", False):
                continue
            through = getattr(field.remote_field, "through", None)
            if through is not None:
                continue  # an explicit through model is a model of its own app
            own = getattr(field, "db_table", None)
            tables.add(own or truncate_name(f"{table}_{field_name}", 63))
    return tables
