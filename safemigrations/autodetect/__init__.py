"""Rewriters for :mod:`safemigrations.autodetector`, one module per feature."""
