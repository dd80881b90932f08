"""``safelintmigrations``: safemigrations' ``lintmigrations`` under a name no other app uses.

django-migration-linter also has a ``lintmigrations``; the first of the two apps in
``INSTALLED_APPS`` owns that name. This one always runs safemigrations' linter, with the same
options, so CI scripts can call it whatever the order.
"""

from safemigrations.management.commands.lintmigrations import Command as LintmigrationsCommand


class Command(LintmigrationsCommand):
    """Exactly ``lintmigrations`` (safemigrations')."""
