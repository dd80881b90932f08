"""Migration files that keep ``atomic = False``.

Django 5.2's :class:`~django.db.migrations.writer.MigrationWriter` writes ``initial`` and
``replaces`` but never ``atomic``, so a migration a rewriter marked non-atomic
(:meth:`safemigrations.autodetector.SafeMigrationAutodetector.add_non_atomic_migration`) would
be written as an ordinary, atomic one. :class:`SafeMigrationWriter` adds the line when Django's
writer left it out (Django 6.0 and later write it themselves); :func:`writing_with` makes
Django's ``makemigrations`` use it while it writes the files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.commands import makemigrations as django_makemigrations
from django.db.migrations.writer import MigrationWriter

_CLASS_LINE = "class Migration(migrations.Migration):\n"
_ATOMIC_LINE = re.compile(r"^    atomic = False$", re.MULTILINE)


class SafeMigrationWriter(MigrationWriter):
    """Django's writer plus ``atomic = False`` for migrations that must not run in a transaction."""

    def as_string(self) -> str:
        text: str = super().as_string()
        if getattr(self.migration, "atomic", True) is False and not _ATOMIC_LINE.search(text):
            text = text.replace(_CLASS_LINE, _CLASS_LINE + "    atomic = False\n", 1)
        return text


@contextmanager
def writing_with(writer: type[MigrationWriter]) -> Iterator[None]:
    """Make Django's ``makemigrations`` module write files with ``writer`` inside the block.

    The command builds its writers from the module-level name ``MigrationWriter``; this swaps
    that name for the block and puts it back afterwards.
    """
    module: Any = django_makemigrations
    original = module.MigrationWriter
    module.MigrationWriter = writer
    try:
        yield
    finally:
        module.MigrationWriter = original
