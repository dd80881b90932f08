"""Where a migration's operations are written: file, line of each operation, comments near it.

Findings point at the operation in the migration file (editors and CI annotations jump there),
and inline suppressions are comments on that operation. Both need the source file of the
migration module, parsed with :mod:`ast` and :mod:`tokenize` (never imported twice, never run).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import io
import sys
import tokenize
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class OperationSpan:
    """Lines ``start``..``end`` (1-based, inclusive) of one entry of ``operations = [...]``."""

    start: int
    end: int


@dataclass
class MigrationSource:
    """The parsed source of one migration module."""

    path: Path
    text: str
    operations: list[OperationSpan] = field(default_factory=list)
    class_line: int = 1
    # Comment lines, read only from files that mention safemigrations (suppressions).
    comments: dict[int, str] = field(default_factory=dict)

    def operation_line(self, index: int | None) -> int:
        """The line an operation starts on (the class line when unknown)."""
        if index is not None and 0 <= index < len(self.operations):
            return self.operations[index].start
        return self.class_line

    def comments_of(self, index: int) -> list[tuple[int, str]]:
        """Comments inside operation ``index`` or on the line just above it, with their lines."""
        if not 0 <= index < len(self.operations):
            return []
        span = self.operations[index]
        first = span.start - 1
        # The line above belongs to the operation before when that one ends on it: a comment
        # trailing ``),`` of one operation is that operation's, not the next one's too.
        if index > 0 and self.operations[index - 1].end >= first:
            first = span.start
        return [
            (line, text)
            for line, text in sorted(self.comments.items())
            if first <= line <= span.end
        ]

    def display_path(self) -> str:
        """The path relative to the working directory when it lies below it, else absolute."""
        try:
            return str(self.path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(self.path)


def migration_path(migration: Any) -> Path | None:
    """The ``.py`` file a migration instance was loaded from, or None (frozen / compiled only)."""
    module = sys.modules.get(type(migration).__module__)
    if module is None:
        return None
    try:
        found = inspect.getsourcefile(module)
    except TypeError:
        return None
    return Path(found) if found else None


def source_of(migration: Any) -> MigrationSource | None:
    """The parsed source of ``migration`` (cached per file and content)."""
    path = migration_path(migration)
    if path is None or not path.is_file():
        return None
    return _parse(path, path.stat().st_mtime_ns)


def file_digest(migration: Any) -> str:
    """SHA-256 of the migration's file (or of its module name when it has no file)."""
    path = migration_path(migration)
    if path is not None and path.is_file():
        return _digest(path, path.stat().st_mtime_ns)
    return hashlib.sha256(type(migration).__module__.encode()).hexdigest()


@cache
def _digest(path: Path, mtime: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _parse(path: Path, mtime: int) -> MigrationSource:
    text = path.read_text(encoding="utf-8")
    source = MigrationSource(path=path, text=text)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return source
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Migration":
            source.class_line = node.lineno
            for stmt in node.body:
                value = _operations_value(stmt)
                if isinstance(value, ast.List | ast.Tuple):
                    source.operations = [
                        OperationSpan(elt.lineno, elt.end_lineno or elt.lineno)
                        for elt in value.elts
                    ]
    if "safemigrations" not in text.lower():
        # Comments are read for suppressions (``# safemigrations: ignore[...]``) only; most
        # files have none, and tokenizing every file is a good part of linting 150 of them.
        return source
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                source.comments[tok.start[0]] = tok.string
    except (tokenize.TokenError, IndentationError):
        pass
    return source


def _operations_value(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, ast.Assign):
        if any(isinstance(t, ast.Name) and t.id == "operations" for t in stmt.targets):
            return stmt.value
    elif (
        isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and stmt.target.id == "operations"
    ):
        return stmt.value
    return None
