"""``makemigrations`` that writes safemigrations' safe operations for existing tables.

Same options and behaviour as Django's command; only the autodetector differs (see
:mod:`safemigrations.autodetector`), plus ``--lint``. Listed anywhere in ``INSTALLED_APPS``: when
another app (the project's own, django-migration-linter, ...) also has a ``makemigrations``,
this command runs that one with :class:`SafeMakemigrationsMixin` on top (see
:mod:`safemigrations.management.compose`). A project's own command can also inherit the mixin::

    from django.core.management.commands.makemigrations import Command as MakemigrationsCommand
    from safemigrations.management.commands.makemigrations import SafeMakemigrationsMixin

    class Command(SafeMakemigrationsMixin, MakemigrationsCommand):
        ...
"""

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.management.commands.makemigrations import Command as DjangoMakemigrationsCommand
from django.db.migrations.autodetector import MigrationAutodetector

from safemigrations.autodetect.writer import SafeMigrationWriter, writing_with
from safemigrations.management.compose import DelegatingCommand, SafeAutodetectorAttribute
from safemigrations.management.lint_support import lint_written


class SafeMakemigrationsMixin:
    """What safemigrations adds to a ``makemigrations`` command: the safe autodetector (on top
    of the command's own), ``atomic = False`` kept in the files, and ``--lint``.

    Put it before Django's (or your) ``makemigrations`` ``Command`` in the bases.
    """

    #: The autodetector of the command below, with safemigrations' rewriters.
    if TYPE_CHECKING:  # what Django's command declares; computed when read (a descriptor)
        autodetector: ClassVar[type[MigrationAutodetector]]
    else:
        autodetector = SafeAutodetectorAttribute()

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)  # type: ignore[misc]
        # django-migration-linter's makemigrations has a --lint too: with both, it runs both.
        if "--lint" not in parser._option_string_actions:
            parser.add_argument(
                "--lint",
                action="store_true",
                help="Lint the migrations just written (replayed on a scratch database); exit 1 "
                "on an error-level finding.",
            )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        self.written: list[tuple[str, str]] = []
        super().handle(*app_labels, **options)  # type: ignore[misc]
        if options.get("lint"):
            lint_written(self, self.written, options)  # type: ignore[arg-type]

    def write_migration_files(self, changes: Any, *args: Any, **kwargs: Any) -> Any:
        """Django's, writing ``atomic = False`` for the migrations a rewriter made non-atomic."""
        self.written = [(app, m.name) for app, found in changes.items() for m in found]
        with writing_with(SafeMigrationWriter):
            return super().write_migration_files(changes, *args, **kwargs)  # type: ignore[misc]


class Command(DelegatingCommand, SafeMakemigrationsMixin, DjangoMakemigrationsCommand):
    """Django's ``makemigrations`` (or the next app's) with :class:`SafeMakemigrationsMixin`."""

    command_name = "makemigrations"
    safe_mixin = SafeMakemigrationsMixin
    django_command = DjangoMakemigrationsCommand
