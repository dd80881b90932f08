"""Squashed migration files: rendered, proven to import, then written.

The text comes from Django's writer (with ``atomic = False`` when the segment needs it, see
:class:`~safemigrations.autodetect.writer.SafeMigrationWriter`). Before anything touches the
disk, the text is compiled and run as the module it will be: a file that does not import (a
``RunPython`` function Django can only refer to as ``app.migrations.0002_x.fn``) is never
written. :mod:`.carry` copies such functions into the file first.
"""

from __future__ import annotations

import os
import types
from dataclasses import dataclass
from typing import Any

from django.core.management.utils import run_formatters
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration

from safemigrations.autodetect.writer import SafeMigrationWriter
from safemigrations.exceptions import SquashError

from .model import Key, Segment


@dataclass
class Rendered:
    """One squashed migration: its name, file path and text, and the migration it loads as."""

    name: str
    path: str
    text: str
    migration: Migration


def migration_for(
    app_label: str,
    name: str,
    segment: Segment,
    dependencies: list[Any],
    replaces: list[Key],
    initial: bool,
) -> Migration:
    """An in-memory ``Migration`` for ``segment``."""
    attrs: dict[str, Any] = {
        "dependencies": dependencies,
        "operations": segment.operations,
        "replaces": replaces,
    }
    if not segment.atomic:
        attrs["atomic"] = False
    subclass = type("Migration", (migrations.Migration,), attrs)
    migration = subclass(name, app_label)
    if initial:
        migration.initial = True
    return migration


def render(migration: Migration, include_header: bool, carried: Any = None) -> Rendered:
    """Render ``migration``; with ``carried`` (:class:`.carry.Carried`), its functions' code."""
    writer = SafeMigrationWriter(migration, include_header)
    text = writer.as_string()
    if carried is not None:
        text = carried.apply(text)
    path = writer.path
    loaded = load_text(text, path, migration.app_label, migration.name)
    return Rendered(migration.name, path, text, loaded)


def load_text(text: str, path: str, app_label: str, name: str) -> Migration:
    """The migration a file with ``text`` at ``path`` defines, or a :class:`SquashError`."""
    package, _ = MigrationLoader.migrations_module(app_label)
    module = types.ModuleType(f"{package}.{name}")
    module.__file__ = path
    module.__package__ = package
    try:
        code = compile(text, path, "exec")
        exec(code, module.__dict__)
        migration_class = module.__dict__["Migration"]
    except Exception as exc:
        raise SquashError(
            f"The squashed migration {app_label}.{name} would not import ({type(exc).__name__}: "
            f"{exc}). Nothing was written. A RunPython function defined in a migration file "
            "that could not be carried over is the usual cause: move it to a module of the app "
            "and refer to it from the original migration, or squash a range without it."
        ) from None
    return migration_class(name, app_label)  # type: ignore[no-any-return]


def write(rendered: list[Rendered]) -> None:
    """Write every file, refusing to overwrite one that exists (nothing is written then), and
    format them like Django's ``squashmigrations`` does."""
    for item in rendered:
        if os.path.exists(item.path):
            raise SquashError(
                f"{item.path} already exists: pass another --squashed-name. Nothing was written."
            )
    for item in rendered:
        with open(item.path, "w", encoding="utf-8") as fh:
            fh.write(item.text)
    run_formatters([item.path for item in rendered])  # black, when installed (as Django does)
