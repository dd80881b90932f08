"""Django settings for the test suite.

The database is the PostgreSQL at ``DATABASE_URL``, or an embedded one started for this run
(see ``safemigrations.db.server``). No reachable database is an error, never a skip.
"""

from pathlib import Path

from safemigrations.db.server import django_database_settings

SECRET_KEY = "safemigrations-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TESTAPPS_DIR = Path(__file__).parent / "testapps"
TEST_APPS = sorted(
    f"tests.testapps.{path.name}"
    for path in TESTAPPS_DIR.iterdir()
    if path.is_dir() and (path / "apps.py").exists()
)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    # The driftwide test app has an ArrayField (Django 6.0+: postgres.E005 without this app).
    "django.contrib.postgres",
    "safemigrations",
    *TEST_APPS,
]

DATABASES = {"default": django_database_settings()}
