"""Data changes and reads: ``INSERT``/``UPDATE``/``DELETE``/``MERGE``, ``SELECT`` (with or
without ``FOR UPDATE``) and ``COPY``."""

from __future__ import annotations

from typing import Any

from pglast import ast

from safemigrations.lint.analyzer.base import AnalyzerBase
from safemigrations.lint.facts import Action
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import relname, walk


class DmlHandlers(AnalyzerBase):
    """Data changes and reads."""

    def _dml(self, node: Any, target: Any, kind: str) -> None:
        self.f.is_dml = True
        table = relname(target)
        self.add(Action(kind, table, LockMode.ROW_EXCLUSIVE, node=node))
        self._reads(node)

    def on_UpdateStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "update")

    def on_DeleteStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "delete")

    def on_InsertStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "insert")

    def on_MergeStmt(self, node: Any) -> None:
        self._dml(node, node.relation, "merge")

    def on_SelectStmt(self, node: Any) -> None:
        mode = LockMode.ROW_SHARE if node.lockingClause else LockMode.ACCESS_SHARE
        for sub in walk(node):
            if isinstance(sub, ast.RangeVar) and sub.relname:
                self.f.lock(relname(sub), mode)
            elif isinstance(sub, ast.FuncCall):
                self.f.opaque = True

    def on_CopyStmt(self, node: Any) -> None:
        if node.relation is not None:
            mode = LockMode.ROW_EXCLUSIVE if node.is_from else LockMode.ACCESS_SHARE
            self.add(Action("copy", relname(node.relation), mode, node=node))
