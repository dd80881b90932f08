"""The version matrix: Django 5.2 on Python 3.11, 6.0 on 3.12, 6.1 on 3.13.

Each session runs the whole suite against ``DATABASE_URL`` when set (the CI script points it at
the machine's PostgreSQL), else against an embedded PostgreSQL. Interpreters installed through
pyenv are found even when they are not on PATH; a session whose interpreter is absent is reported
as skipped by nox, never as passed.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

MATRIX = [("3.11", "5.2"), ("3.12", "6.0"), ("3.13", "6.1")]


def _add_pyenv_interpreters() -> None:
    """Put pyenv's ``X.Y.*/bin`` on PATH so nox finds ``pythonX.Y`` without pyenv shims."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    extra = []
    for python, _ in MATRIX:
        found = sorted(
            glob.glob(str(root / "versions" / f"{python}.*" / "bin" / f"python{python}"))
        )
        if found:
            extra.append(str(Path(found[-1]).parent))
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_add_pyenv_interpreters()


@nox.session
@nox.parametrize(("python", "django"), MATRIX, ids=[f"django{d}" for _, d in MATRIX])
def tests(session: nox.Session, django: str) -> None:
    """The full suite on one (Python, Django) pair."""
    major, minor = django.split(".")
    session.install("-e", ".[embedded,test]", f"Django>={django},<{major}.{int(minor) + 1}")
    session.run("python", "-m", "pytest", "-q", *session.posargs)
