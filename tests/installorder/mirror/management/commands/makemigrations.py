"""The project's own ``makemigrations``: takes ``migrate``'s autodetector while it is imported."""

from typing import Any

from django.core.management import get_commands, load_command_class
from django.core.management.commands.makemigrations import Command as MakemigrationsCommand


class Command(MakemigrationsCommand):
    autodetector = load_command_class(get_commands()["migrate"], "migrate").autodetector  # type: ignore[attr-defined]

    def handle(self, *app_labels: Any, **options: Any) -> None:
        self.stdout.write("mirror: makemigrations checked")
        super().handle(*app_labels, **options)
