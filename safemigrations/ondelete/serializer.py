"""Migration serialization of the backported database-level values (Django 5.2 and 6.0).

Django 6.1 serializes its own ``DatabaseOnDelete`` objects (and ``DB_RESTRICT``, a subclass
defined in :mod:`safemigrations.deletion`) as ``<module of the class>.<name>``. The backport
objects are singletons without ``deconstruct()`` (that would write a call), so they get a
serializer registered with :meth:`MigrationWriter.register_serializer` that writes
``safemigrations.deletion.DB_CASCADE`` and imports ``safemigrations.deletion``.
"""

from __future__ import annotations

from django.db.migrations.serializer import BaseSerializer
from django.db.migrations.writer import MigrationWriter

from .. import deletion


class BackportOnDeleteSerializer(BaseSerializer):
    """Writes a backport value as the module attribute it is."""

    def serialize(self) -> tuple[str, set[str]]:
        return f"safemigrations.deletion.{self.value.__name__}", {"import safemigrations.deletion"}


def install() -> None:
    """Register the serializer (nothing to do where Django has its own values)."""
    if not deletion.NATIVE:
        MigrationWriter.register_serializer(deletion._BackportOnDelete, BackportOnDeleteSerializer)
