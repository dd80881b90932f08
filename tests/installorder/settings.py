"""Settings of a small project whose apps override ``makemigrations`` and ``migrate``.

``INSTALL_ORDER`` (comma-separated app names) is ``INSTALLED_APPS``, so one test can put
``safemigrations`` first and the next one last; ``DATABASE_URL`` is the database. Used by
``tests/test_install_order.py``, in subprocesses (``python -m django ...``) and in process.
"""

import os

from safemigrations.db.server import server_from_url

SECRET_KEY = "safemigrations-install-order"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: The project's apps; ``INSTALL_ORDER`` picks and orders them.
PROJECT_APPS = [
    "tests.installorder.guard",
    "tests.installorder.deploy",
    "tests.installorder.shop",
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    *os.environ.get("INSTALL_ORDER", ",".join(["safemigrations", *PROJECT_APPS])).split(","),
]

DATABASES = {
    "default": server_from_url(os.environ["DATABASE_URL"]).django_database()
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.postgresql", "NAME": "unused"}
}

SAFEMIGRATIONS = {"LOCK_TIMEOUT": 1.7, "LOCK_RETRIES": 1, "RETRY_BACKOFF": 0.1}
