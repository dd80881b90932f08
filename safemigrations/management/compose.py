"""safemigrations' commands on top of the project's own, whatever the order of ``INSTALLED_APPS``.

For a command name, Django runs the ``Command`` of the *first* app in ``INSTALLED_APPS`` that has
one, else its own (``django.core.management.get_commands``). A project that overrides
``makemigrations`` or ``migrate`` in one of its apps would lose its override when
``"safemigrations"`` is listed first, and would lose safemigrations' behaviour (or, since Django
5.2, fail ``commands.E001``) when it is listed last. So:

* safemigrations' ``makemigrations``, ``migrate`` and ``sqlmigrate`` delegate: when they win,
  they build the command that would have won without them (the next app's, else Django's) with
  safemigrations' mixin on top (:func:`delegate`). The project's override runs, and so does
  safemigrations' behaviour.
* ``migrate.autodetector`` and ``makemigrations.autodetector`` must be the very same class
  (``commands.E001``): safemigrations' side follows whichever command owns the other name
  (:func:`safe_autodetector`, :func:`makemigrations_autodetector`).
* Where it cannot compose (another app wins, or the command does not subclass Django's), a
  system check (:mod:`safemigrations.management.checks`) says exactly what to write.
"""

from __future__ import annotations

import functools
import os
import sys
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management import find_commands, get_commands, load_command_class
from django.core.management.base import BaseCommand
from django.db.migrations.autodetector import MigrationAutodetector

APP = "safemigrations"


def providers(name: str) -> list[str]:
    """Names of the apps that have a ``name`` command, in ``INSTALLED_APPS`` order (the first
    one wins), followed by ``"django.core"`` when Django has one."""
    found = [
        config.name
        for config in apps.get_app_configs()
        if name in find_commands(os.path.join(config.path, "management"))
    ]
    core = import_module("django.core.management")
    if name in find_commands(os.path.dirname(core.__file__ or "")):
        found.append("django.core")
    return found


def next_provider(name: str) -> str:
    """The app whose ``name`` command would win if safemigrations had none."""
    return next(app for app in providers(name) if app != APP)


def command_class(app: str, name: str) -> type[BaseCommand]:
    """The ``Command`` class of ``app``'s ``name`` command, without instantiating it."""
    cls: type[BaseCommand] = import_module(f"{app}.management.commands.{name}").Command
    return cls


@functools.cache
def composed(mixin: type, base: Any, django_base: type, own: type) -> type:
    """The class safemigrations' ``own`` command delegates to when the next command is ``base``.

    ``base`` is Django's: ``own``. ``base`` already inherits ``mixin``: ``base``. ``base``
    subclasses Django's command: ``mixin`` on top of ``base``. Anything else cannot be composed
    safely: ``base`` itself (its behaviour is kept; a system check says what is missing).
    """
    if base is django_base:
        return own
    if issubclass(base, mixin) or not issubclass(base, django_base):
        return base
    return type(
        "Command",
        (mixin, base),
        {
            "__module__": base.__module__,
            "__qualname__": f"{mixin.__name__}+{base.__qualname__}",
            "__doc__": f"{base.__module__}.Command with safemigrations' {mixin.__name__}.",
        },
    )


def delegate(own: type, name: str, mixin: type, django_base: type) -> type:
    """The class to instantiate when Django loads safemigrations' ``name`` command."""
    base: Any = command_class(next_provider(name), name)
    return composed(mixin, base, django_base, own)


class DelegatingCommand:
    """Base of safemigrations' ``makemigrations``/``migrate``/``sqlmigrate`` ``Command``.

    Instantiating the ``Command`` Django found in safemigrations gives the composed command
    (:func:`delegate`); a subclass written by a project is instantiated as itself.
    """

    command_name: str = ""
    safe_mixin: type = object
    django_command: type = object

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        target = cls
        if "command_name" in cls.__dict__:  # safemigrations' own Command, not a subclass
            target = delegate(cls, cls.command_name, cls.safe_mixin, cls.django_command)
            if not issubclass(target, cls):  # another app's command, composed or as it is
                return target(*args, **kwargs)
        # This Command, or a project's subclass of it: Python then calls its __init__.
        return super(DelegatingCommand, target).__new__(target)


@functools.cache
def safe_autodetector(base: Any) -> type[MigrationAutodetector]:
    """``base`` with safemigrations' rewriters: one class per ``base`` (``commands.E001``
    compares the classes of ``migrate`` and ``makemigrations`` by identity)."""
    from safemigrations.autodetector import SafeMigrationAutodetector

    if base is MigrationAutodetector:
        return SafeMigrationAutodetector
    if issubclass(base, SafeMigrationAutodetector):
        return base
    return type(f"Safe{base.__name__}", (SafeMigrationAutodetector, base), {})


class _AutodetectorAttribute:
    """Base of the ``autodetector`` attributes of safemigrations' mixins: computed when read
    (the class depends on the other commands of the project), never assigned."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.mixin, self.name = owner, name

    def __get__(self, instance: Any, owner: type | None = None) -> type[MigrationAutodetector]:
        raise NotImplementedError

    def __set__(self, instance: Any, value: type[MigrationAutodetector]) -> None:
        raise AttributeError(f"{self.mixin.__name__}.autodetector is computed; it cannot be set.")

    def below(self, instance: Any, owner: type) -> type[MigrationAutodetector]:
        """The attribute of the classes after the mixin in ``owner``'s MRO (Django's command's
        ``MigrationAutodetector``, or the project's own)."""
        mro = owner.__mro__
        for klass in mro[mro.index(self.mixin) + 1 :]:
            if self.name in klass.__dict__:
                value = klass.__dict__[self.name]
                if not isinstance(value, type) and hasattr(value, "__get__"):
                    value = value.__get__(instance, owner)
                detector: type[MigrationAutodetector] = value
                return detector
        return MigrationAutodetector


class SafeAutodetectorAttribute(_AutodetectorAttribute):
    """``makemigrations``' ``autodetector``: the command's own with safemigrations' rewriters."""

    def __get__(self, instance: Any, owner: type | None = None) -> type[MigrationAutodetector]:
        below: Any = self.below(instance, owner or type(instance))
        return safe_autodetector(below)


class MakemigrationsAutodetectorAttribute(_AutodetectorAttribute):
    """``migrate``'s ``autodetector``: the one of the ``makemigrations`` that wins, whichever app
    owns it (Django's ``commands.E001`` wants the very same class on both commands)."""

    def __get__(self, instance: Any, owner: type | None = None) -> type[MigrationAutodetector]:
        return makemigrations_autodetector()


def makemigrations_autodetector() -> type[MigrationAutodetector]:
    """The autodetector of the ``makemigrations`` command that wins in this project.

    A project's ``makemigrations`` may copy ``migrate``'s autodetector in its class body (what
    Django's ``commands.E001`` hint suggests). Asked while that module is still being imported,
    the answer is safemigrations' autodetector over Django's: the module then copies it, and
    both commands end up with the same class.
    """
    if any(being_imported(app, "makemigrations") for app in providers("makemigrations")):
        return safe_autodetector(MigrationAutodetector)
    command = load_command_class(get_commands()["makemigrations"], "makemigrations")
    detector: type[MigrationAutodetector] = getattr(command, "autodetector", MigrationAutodetector)
    return detector


def being_imported(app: str, name: str) -> bool:
    """Whether ``app``'s ``name`` command module is being imported right now (its class body
    is running, so it has no ``Command`` yet)."""
    module = sys.modules.get(f"{app}.management.commands.{name}")
    return module is not None and not hasattr(module, "Command")


def owner(name: str) -> str:
    """The app whose ``name`` command Django runs."""
    return str(get_commands()[name])
