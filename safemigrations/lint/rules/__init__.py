"""Lint rules, one module per rule; see :mod:`safemigrations.lint.rules.base`."""
