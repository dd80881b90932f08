"""Django app configuration: ``INSTALLED_APPS = [..., "safemigrations"]``."""

from django.apps import AppConfig


class SafeMigrationsConfig(AppConfig):
    """Registers safemigrations' management commands and system checks."""

    name = "safemigrations"
    verbose_name = "safemigrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import ondelete
        from .management import checks  # noqa: F401  (registers the command checks)

        ondelete.install()
