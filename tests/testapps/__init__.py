"""Django apps used only by the test suite: each subpackage with an ``apps.py`` is installed."""
