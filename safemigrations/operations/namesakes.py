"""Telling safemigrations' operations and their ``django.contrib.postgres`` namesakes apart.

``django.contrib.postgres.operations`` has an ``AddIndexConcurrently``, an
``AddConstraintNotValid`` and a ``ValidateConstraint``; safemigrations' classes of those names
accept every call Django's accept, so a project moves by swapping the import, and code that
treats the two alike (the linter, the squash helper) must know both. It asks by class, never by
comparing class names: a project's own class that happens to share the name is neither, and a
subclass of either is one.

Django's module is looked up among the loaded modules, never imported: it imports the PostgreSQL
driver, which a SQLite project may lack, and no instance of its classes exists before it loads.
"""

from __future__ import annotations

import sys
from typing import Any

#: The module of Django's PostgreSQL-only operations.
DJANGO_POSTGRES_OPERATIONS = "django.contrib.postgres.operations"


def django_postgres_classes(*names: str) -> tuple[type, ...]:
    """The classes of ``django.contrib.postgres.operations`` called ``names``, if it is loaded."""
    module = sys.modules.get(DJANGO_POSTGRES_OPERATIONS)
    found = (getattr(module, name, None) for name in names) if module is not None else ()
    return tuple(cls for cls in found if isinstance(cls, type))


def namesakes(cls: type) -> tuple[type, ...]:
    """``cls`` and, when it is loaded, the ``django.contrib.postgres`` class of the same name."""
    return (cls, *django_postgres_classes(cls.__name__))


def is_operation(operation: Any, cls: type) -> bool:
    """Whether ``operation`` is a ``cls`` or an instance of its Django namesake (or a subclass)."""
    return isinstance(operation, namesakes(cls))
