"""Database-level ``on_delete`` values: the database, not Python, deletes or updates the rows.

Django emulates ``on_delete`` in Python: ``parent.delete()`` loads every related row, sends
signals for each, then deletes them one table at a time. For a parent with many children that
takes seconds and hundreds of MiB, and a raw ``DELETE`` of the parent fails because the foreign
key carries no ``ON DELETE`` clause. The values here put the action into the foreign key
constraint itself::

    from safemigrations import DB_CASCADE

    class Comment(models.Model):
        post = models.ForeignKey(Post, on_delete=DB_CASCADE)

- :data:`DB_CASCADE`, :data:`DB_SET_NULL`, :data:`DB_SET_DEFAULT`: on Django 6.1+ these *are*
  Django's own objects; on 5.2 and 6.0 a backport with the same meaning (the constraint gets
  ``ON DELETE CASCADE``/``SET NULL``/``SET DEFAULT``, the deletion collector skips the relation,
  the value serializes into migrations, system checks mirror Django 6.1's).
- :data:`DB_RESTRICT`: the database rejects deleting a referenced row, even from raw SQL and
  immediately (``ON DELETE RESTRICT`` is never deferred). ``delete()`` raises
  :class:`django.db.IntegrityError`.
- :class:`InDatabaseToo`: keeps Django's Python handler (signals fire, the collector
  behaves as with the wrapped value) *and* writes the matching ``ON DELETE`` action into the
  constraint, so rows deleted by raw SQL or by other programs get the same treatment.

Two functions answer what a value means for the database: :func:`db_action` and
:func:`is_db_level`. :func:`safemigrations.ondelete.install` wires the backport into Django (schema
editor, deletion collector, system checks); the app config calls it in ``ready()``. This module
holds the values only: it imports nothing else of the package.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import deletion as django_deletion
from django.db.models.deletion import CASCADE, PROTECT, RESTRICT, SET_DEFAULT, SET_NULL

__all__ = [
    "DB_CASCADE",
    "DB_RESTRICT",
    "DB_SET_DEFAULT",
    "DB_SET_NULL",
    "NATIVE",
    "DatabaseOnDelete",
    "InDatabaseToo",
    "db_action",
    "install",
    "installed",
    "is_db_level",
    "mark_installed",
    "needs_app",
]

#: True when Django itself has database-level on_delete (Django 6.1+).
NATIVE: bool = hasattr(django_deletion, "DatabaseOnDelete")


#: Set by :func:`mark_installed`: the hooks that give the values their meaning are in place.
_installed = False

#: True while a collector that must list every row runs (the admin's delete confirmation page);
#: on Django 5.2/6.0 database-level values then act as their ``forced_collector``, as Django
#: 6.1 does for ``Collector(force_collection=True)``.
force_collection: ContextVar[bool] = ContextVar("safemigrations_force_collection", default=False)

_NOT_INSTALLED_HINT = (
    'Add "safemigrations" to INSTALLED_APPS: its app config installs the hooks that write '
    "the ON DELETE clause into foreign keys and make Django's deletion collector leave the "
    "relation to the database."
)


def installed() -> bool:
    """True once the app's hooks are in place (``safemigrations`` is in ``INSTALLED_APPS``)."""
    return _installed


def not_installed_error(value: Any) -> ImproperlyConfigured:
    """The error for a value used while the ``safemigrations`` app is not installed."""
    return ImproperlyConfigured(
        f"on_delete={value} needs the safemigrations app. {_NOT_INSTALLED_HINT}"
    )


class _BackportOnDelete:
    """A database-level on_delete value for Django versions without one (5.2, 6.0).

    Same shape as Django 6.1's ``DatabaseOnDelete``: ``operation`` is the SQL action,
    ``forced_collector`` the Python handler to use when a collector must see every row,
    ``on_delete_sql()`` the clause for the constraint. Calling it does nothing: with the app
    installed the collector calls it only while it must list every row (the admin's delete
    confirmation page), and then it acts as ``forced_collector``. Without the app installed the
    collector calls it for every delete, and it raises :class:`ImproperlyConfigured` instead of
    letting the database reject the delete.
    """

    def __init__(self, operation: str, name: str, forced_collector: Any = None) -> None:
        self.operation = operation
        self.forced_collector = forced_collector
        self.__name__ = name

    def __call__(self, collector: Any, field: Any, sub_objs: Any, using: str) -> None:
        if not _installed:
            raise not_installed_error(self)
        if self.forced_collector is not None and force_collection.get():
            self.forced_collector(collector, field, sub_objs, using)

    def on_delete_sql(self, schema_editor: Any) -> str:
        """The ``ON DELETE`` clause appended to the foreign key constraint."""
        return f" ON DELETE {self.operation}"

    def __str__(self) -> str:
        return self.__name__

    def __repr__(self) -> str:
        return f"safemigrations.deletion.{self.__name__}"


if NATIVE:
    _DjangoDatabaseOnDelete: Any = django_deletion.DatabaseOnDelete  # type: ignore[attr-defined]

    class _Restrict(_DjangoDatabaseOnDelete):  # type: ignore[misc,valid-type]
        """``DB_RESTRICT`` on Django 6.1+: Django's class, its own SQL (Django has no RESTRICT).

        Defined in this module so Django's migration serializer writes
        ``safemigrations.deletion.DB_RESTRICT``.
        """

        def __call__(self, collector: Any, field: Any, sub_objs: Any, using: str) -> None:
            """Never called with the app installed (``SKIP_COLLECTION`` holds the value)."""
            if not _installed:
                raise not_installed_error(self)

        def on_delete_sql(self, schema_editor: Any) -> str:
            return f" ON DELETE {self.operation}"

        def __repr__(self) -> str:
            return f"safemigrations.deletion.{self.__name__}"

    #: The class of every database-level value (Django's own on 6.1+).
    DatabaseOnDelete: Any = _DjangoDatabaseOnDelete
    DB_CASCADE: Any = django_deletion.DB_CASCADE  # type: ignore[attr-defined]
    DB_SET_NULL: Any = django_deletion.DB_SET_NULL  # type: ignore[attr-defined]
    DB_SET_DEFAULT: Any = django_deletion.DB_SET_DEFAULT  # type: ignore[attr-defined]
    DB_RESTRICT: Any = _Restrict("RESTRICT", "DB_RESTRICT", PROTECT)
else:
    DatabaseOnDelete = _BackportOnDelete
    DB_CASCADE = _BackportOnDelete("CASCADE", "DB_CASCADE", CASCADE)
    DB_SET_NULL = _BackportOnDelete("SET NULL", "DB_SET_NULL")
    DB_SET_DEFAULT = _BackportOnDelete("SET DEFAULT", "DB_SET_DEFAULT")
    DB_RESTRICT = _BackportOnDelete("RESTRICT", "DB_RESTRICT", PROTECT)

#: Python handler -> database action for :class:`InDatabaseToo`.
_MIRRORED_ACTIONS: dict[Any, str] = {
    CASCADE: "CASCADE",
    SET_NULL: "SET NULL",
    SET_DEFAULT: "SET DEFAULT",
    PROTECT: "RESTRICT",
    RESTRICT: "NO ACTION",
}


class InDatabaseToo:
    """Keep Django's Python ``on_delete`` handler and give the constraint the same action.

    ``InDatabaseToo(models.CASCADE)``: ``delete()`` works exactly as with ``models.CASCADE``
    (children are collected, ``pre_delete``/``post_delete`` fire) while the foreign key
    constraint carries ``ON DELETE CASCADE``, so a raw ``DELETE`` of the parent, or a delete done
    by another program, cascades too. Handlers and the action they get: ``CASCADE`` ->
    ``CASCADE``, ``SET_NULL`` -> ``SET NULL``, ``SET_DEFAULT`` -> ``SET DEFAULT`` (the column
    needs ``db_default``), ``PROTECT`` -> ``RESTRICT``, ``RESTRICT`` -> ``NO ACTION``.

    It exists so an ``ON DELETE`` action added to an existing table (see
    ``AddDBCascadeConstraint(on_delete=InDatabaseToo(models.CASCADE))``) lives in the migration
    state: every constraint Django (re)creates for the field -- ``CreateModel``, ``AddField``,
    an ``AlterField`` that drops and re-adds the foreign key -- keeps the clause. Django's
    system checks count it as a Python-level value. Django's fast path (one ``DELETE`` for
    children nobody listens to) recognises ``models.CASCADE`` by identity; the collector hook in
    :mod:`safemigrations.ondelete.collector` gives a wrapped ``CASCADE`` the same path.
    """

    def __init__(self, handler: Any) -> None:
        if isinstance(handler, InDatabaseToo):
            handler = handler.handler
        if handler not in _MIRRORED_ACTIONS:
            supported = ", ".join(f"models.{h.__name__}" for h in _MIRRORED_ACTIONS)
            raise TypeError(
                f"InDatabaseToo() cannot mirror {handler!r} in the database; pass one of "
                f"{supported}."
            )
        self.handler: Any = handler
        self.operation = _MIRRORED_ACTIONS[handler]
        self.__name__ = f"InDatabaseToo({handler.__name__})"

    def __call__(self, collector: Any, field: Any, sub_objs: Any, using: str) -> None:
        self.handler(collector, field, sub_objs, using)

    @property
    def lazy_sub_objs(self) -> bool:
        """Forwarded: the collector may skip evaluating the rows (``SET_NULL``)."""
        return bool(getattr(self.handler, "lazy_sub_objs", False))

    def on_delete_sql(self, schema_editor: Any) -> str:
        """The ``ON DELETE`` clause (Django 6.1's schema editor calls this by name)."""
        return f" ON DELETE {self.operation}"

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """Serialize as ``safemigrations.deletion.InDatabaseToo(<handler>)``."""
        return ("safemigrations.deletion.InDatabaseToo", (self.handler,), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InDatabaseToo) and other.handler is self.handler

    def __hash__(self) -> int:
        return hash((InDatabaseToo, self.handler))

    def __repr__(self) -> str:
        return f"InDatabaseToo(models.{self.handler.__name__})"

    __str__ = __repr__


def is_db_level(on_delete: Any) -> bool:
    """True for values the database alone carries out (the collector skips the relation).

    ``DB_CASCADE``, ``DB_SET_NULL``, ``DB_SET_DEFAULT`` (Django's or the backport) and
    ``DB_RESTRICT``. False for Python-level values and for :class:`InDatabaseToo`, which keeps
    its Python handler.
    """
    return isinstance(on_delete, (DatabaseOnDelete, _BackportOnDelete))


def needs_app(on_delete: Any) -> bool:
    """True for values that mean nothing to Django unless the ``safemigrations`` app is installed.

    The backport values (5.2/6.0), ``DB_RESTRICT`` and :class:`InDatabaseToo`; Django 6.1's own
    ``DB_CASCADE``/``DB_SET_NULL``/``DB_SET_DEFAULT`` work without it.
    """
    if isinstance(on_delete, (_BackportOnDelete, InDatabaseToo)):
        return True
    return on_delete is DB_RESTRICT


def db_action(on_delete: Any) -> str | None:
    """The ``ON DELETE`` action the foreign key constraint should carry for ``on_delete``.

    ``"CASCADE"``, ``"SET NULL"``, ``"SET DEFAULT"``, ``"RESTRICT"`` or ``"NO ACTION"``; None for
    plain Python-level values (Django writes no clause for them).
    """
    if is_db_level(on_delete) or isinstance(on_delete, InDatabaseToo):
        return str(on_delete.operation)
    return None


def on_delete_clause(field: Any) -> str:
    """``" ON DELETE <action>"`` for a relation field, or ``""`` when it has no database action."""
    remote_field = getattr(field, "remote_field", None)
    action = db_action(getattr(remote_field, "on_delete", None))
    return f" ON DELETE {action}" if action else ""


def mark_installed() -> None:
    """Record that the hooks giving these values their meaning are in place.

    Called by :func:`safemigrations.ondelete.install` (from the app config's ``ready()``); until
    then using a value that needs the hooks raises :func:`not_installed_error`.
    """
    global _installed
    _installed = True


def install() -> None:
    """Install the hooks now; kept for callers of earlier versions (see :mod:`..ondelete`)."""
    from .ondelete import install as install_hooks

    install_hooks()


def _check_app_installed(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """``safemigrations.E008``: a model uses a value that needs the app, which is not installed.

    Registered when this module is imported (a models module importing a value is enough), so
    ``manage.py check``/``migrate``/``makemigrations`` stop with ``safemigrations.E008`` even
    though the app's ``ready()`` never runs. The check itself lives in
    :mod:`safemigrations.ondelete.checks`, imported only when checks run, so this module imports
    nothing of the package and migration files that name its values load on their own.
    """
    from .ondelete.checks import check_app_installed

    return check_app_installed(app_configs, **kwargs)


def _register_app_check() -> None:
    from django.core import checks as django_checks

    django_checks.register(_check_app_installed, django_checks.Tags.models)


_register_app_check()
