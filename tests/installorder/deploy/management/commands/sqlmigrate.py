"""The project's own ``sqlmigrate`` (a subclass of Django's, adding nothing)."""

from django.core.management.commands.sqlmigrate import Command as SqlmigrateCommand


class Command(SqlmigrateCommand):
    help = "The project's sqlmigrate."
