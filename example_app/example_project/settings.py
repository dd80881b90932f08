"""Settings of the example project: a shop catalog and a parent -> child -> grandchild chain.

The database is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the process.
"""

from safemigrations.db.server import django_database_settings

SECRET_KEY = "example-only"
DEBUG = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "example_project.urls"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "safemigrations",
    "catalog",
    "chain",
    "naive",
]

DATABASES = {"default": django_database_settings()}
