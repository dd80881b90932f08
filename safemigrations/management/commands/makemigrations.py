"""``makemigrations`` that writes safemigrations' safe operations for existing tables.

Same options and behaviour as Django's command; only the autodetector differs (see
:mod:`safemigrations.autodetector`). Put ``"safemigrations"`` *before* apps that also override
``makemigrations`` in ``INSTALLED_APPS`` to let this one win.
"""

from typing import Any

from django.core.management.commands.makemigrations import Command as DjangoMakemigrationsCommand

from safemigrations.autodetect.writer import SafeMigrationWriter, writing_with
from safemigrations.autodetector import SafeMigrationAutodetector
from safemigrations.management.lint_support import lint_written


class Command(DjangoMakemigrationsCommand):
    """Django's ``makemigrations`` with :class:`SafeMigrationAutodetector`."""

    autodetector = SafeMigrationAutodetector

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lint",
            action="store_true",
            help="Lint the migrations just written (replayed on a scratch database); exit 1 on "
            "an error-level finding.",
        )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        self.written: list[tuple[str, str]] = []
        super().handle(*app_labels, **options)
        if options.get("lint"):
            lint_written(self, self.written, options)

    def write_migration_files(self, changes: Any, *args: Any, **kwargs: Any) -> Any:
        """Django's, writing ``atomic = False`` for the migrations a rewriter made non-atomic."""
        self.written = [(app, m.name) for app, found in changes.items() for m in found]
        with writing_with(SafeMigrationWriter):
            return super().write_migration_files(changes, *args, **kwargs)
