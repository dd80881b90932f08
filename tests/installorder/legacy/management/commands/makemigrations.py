"""A ``makemigrations`` written from scratch: nothing can be mixed into it from outside.

It names an autodetector, as Django 5.2+ asks of every ``makemigrations`` (``commands.E001``).
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db.migrations.autodetector import MigrationAutodetector


class Command(BaseCommand):
    autodetector = MigrationAutodetector

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("legacy: makemigrations")
