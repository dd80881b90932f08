"""The project's own ``makemigrations``: announces itself, with its own autodetector."""

from typing import Any, ClassVar

from django.core.management.commands.makemigrations import Command as MakemigrationsCommand
from django.db.migrations.autodetector import MigrationAutodetector


class GuardAutodetector(MigrationAutodetector):
    """The project's autodetector (adds nothing; composition must keep it in the chain)."""


class Command(MakemigrationsCommand):
    autodetector: ClassVar[type[MigrationAutodetector]] = GuardAutodetector

    def handle(self, *app_labels: Any, **options: Any) -> None:
        self.stdout.write("guard: makemigrations checked")
        super().handle(*app_labels, **options)
