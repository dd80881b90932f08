"""Commands on a whole table's rows: ``VACUUM``/``ANALYZE``, ``CLUSTER``, ``REFRESH MATERIALIZED
VIEW``, ``TRUNCATE`` and explicit ``LOCK TABLE``."""

from __future__ import annotations

from typing import Any

from pglast import ast

from safemigrations.lint.analyzer.base import AX, SUX, AnalyzerBase
from safemigrations.lint.facts import Action
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import relname


class MaintenanceHandlers(AnalyzerBase):
    """Table maintenance and explicit locks."""

    def on_VacuumStmt(self, node: Any) -> None:
        opts = {d.defname for d in (node.options or ()) if isinstance(d, ast.DefElem)}
        if not node.is_vacuumcmd:
            for rel in node.rels or ():
                self.add(Action("analyze", relname(rel.relation), SUX, node=node))
            return
        self.f.transactional = False
        full = "full" in opts
        for rel in node.rels or ():
            table = relname(rel.relation)
            self.add(Action("vacuum", table, AX if full else SUX, node=node, rewrites=full))
        if not node.rels:
            self.add(Action("vacuum", "", AX if full else SUX, node=node, rewrites=full))

    def on_ClusterStmt(self, node: Any) -> None:
        table = relname(node.relation)
        if not table:
            self.f.transactional = False
        self.add(Action("cluster", table, AX, node=node, rewrites=True))

    def on_RefreshMatViewStmt(self, node: Any) -> None:
        lock = LockMode.EXCLUSIVE if node.concurrent else AX
        rewrites = not node.concurrent
        self.add(
            Action("refresh_matview", relname(node.relation), lock, node=node, rewrites=rewrites)
        )

    def on_TruncateStmt(self, node: Any) -> None:
        for rel in node.relations or ():
            self.add(Action("truncate", relname(rel), AX, node=node, rewrites=True))

    def on_LockStmt(self, node: Any) -> None:
        try:
            mode = LockMode(int(node.mode))
        except ValueError:
            mode = AX
        for rel in node.relations or ():
            self.add(Action("lock_table", relname(rel), mode, node=node))
