"""Statements that name no table: server-wide commands PostgreSQL refuses inside a transaction
block (databases, tablespaces, ``ALTER SYSTEM``), and ``DO``/``CALL``, whose effects are hidden in
code."""

from __future__ import annotations

from typing import Any

from safemigrations.lint.analyzer.base import AnalyzerBase


class ServerHandlers(AnalyzerBase):
    """Server-wide commands and opaque code."""

    def on_DoStmt(self, node: Any) -> None:
        self.f.opaque = True

    def on_CallStmt(self, node: Any) -> None:
        self.f.opaque = True

    def on_CreatedbStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_DropdbStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_CreateTableSpaceStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_DropTableSpaceStmt(self, node: Any) -> None:
        self.f.transactional = False

    def on_AlterSystemStmt(self, node: Any) -> None:
        self.f.transactional = False
