from django.apps import AppConfig


class LintDjConfig(AppConfig):
    """Models the Django side of the linter is tested on; the migrations live in ``scenarios/``.

    The app has no ``migrations`` package of its own: each test points ``MIGRATION_MODULES`` at
    one scenario (an unsafe or a safe chain of migrations), and ``models.py`` plays the code that
    is deployed together with it.
    """

    name = "tests.testapps.lintdj"
    label = "lintdj"
