"""``makemigrations`` that writes safemigrations' safe operations for existing tables.

Same options and behaviour as Django's command; only the autodetector differs (see
:mod:`safemigrations.autodetector`). Put ``"safemigrations"`` *before* apps that also override
``makemigrations`` in ``INSTALLED_APPS`` to let this one win.
"""

from django.core.management.commands.makemigrations import Command as DjangoMakemigrationsCommand

from safemigrations.autodetector import SafeMigrationAutodetector


class Command(DjangoMakemigrationsCommand):
    """Django's ``makemigrations`` with :class:`SafeMigrationAutodetector`."""

    autodetector = SafeMigrationAutodetector
