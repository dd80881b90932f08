"""The package's shape: every module imports on its own, layers point down, old paths still load."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import safemigrations

PACKAGE_DIR = Path(safemigrations.__file__).parent

# Imports each module with none of the package loaded before it (Django stays loaded: only the
# package's own import order can make a cycle), in one interpreter for speed. Prints, as JSON,
# the modules that failed and, per module, which package modules importing it pulled in.
_IMPORT_EACH_ALONE = """
import importlib, json, sys, traceback
failures, pulled = {}, {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "safemigrations" or m.startswith("safemigrations.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=3)
    pulled[name] = sorted(m for m in sys.modules if m.startswith("safemigrations."))
print(json.dumps({"failures": failures, "pulled": pulled}))
"""


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@functools.cache
def _import_each_alone() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(modules that failed to import → traceback, module → package modules it pulled in)."""
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_ALONE, *_module_names()],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE_DIR.parent,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    return report["failures"], report["pulled"]


def test_every_module_imports_on_its_own() -> None:
    failures, pulled = _import_each_alone()
    assert len(pulled) == len(_module_names()) > 50
    assert failures == {}


def test_the_values_module_imports_nothing_else_of_the_package() -> None:
    """Users' migration files name ``safemigrations.deletion.DB_CASCADE``: it must load alone."""
    _, pulled = _import_each_alone()
    assert pulled["safemigrations.deletion"] == ["safemigrations.deletion"]


def test_runtime_code_does_not_import_the_test_helpers() -> None:
    _, pulled = _import_each_alone()
    offenders = {
        name: [m for m in modules if m.startswith("safemigrations.testing")]
        for name, modules in pulled.items()
        if not name.startswith("safemigrations.testing")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
