"""The project's own ``migrate``: announces itself, then Django's.

It declares the project's autodetector, as Django's ``commands.E001`` asks of a project that
overrides both commands.
"""

from typing import Any, ClassVar

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db.migrations.autodetector import MigrationAutodetector

from tests.installorder.guard.management.commands.makemigrations import GuardAutodetector


class Command(MigrateCommand):
    autodetector: ClassVar[type[MigrationAutodetector]] = GuardAutodetector

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("deploy: pre-migrate hook")
        super().handle(*args, **options)
