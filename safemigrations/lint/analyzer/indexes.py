"""``CREATE INDEX`` and ``REINDEX``: the lock they take on the table, concurrently or not."""

from __future__ import annotations

from typing import Any

from pglast import ast, enums

from safemigrations.lint.analyzer.base import SUX, AnalyzerBase
from safemigrations.lint.facts import Action
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import relname


class IndexHandlers(AnalyzerBase):
    """Index builds."""

    def on_IndexStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        table = relname(node.relation)
        conc = bool(node.concurrent)
        self.f.concurrently = conc
        if conc:
            self.f.transactional = False
        lock = SUX if conc else LockMode.SHARE
        self.add(
            Action(
                "create_index",
                table,
                lock,
                node=node,
                builds_index=True,
                scans=True,
                detail=node.idxname or "",
            )
        )
        if node.idxname:
            self.f.created.add(node.idxname)

    def on_ReindexStmt(self, node: Any) -> None:
        self.f.is_ddl = True
        params = {d.defname for d in (node.params or ()) if isinstance(d, ast.DefElem)}
        conc = "concurrently" in params
        self.f.concurrently = conc
        kind = node.kind
        if conc or kind not in (
            enums.ReindexObjectType.REINDEX_OBJECT_INDEX,
            enums.ReindexObjectType.REINDEX_OBJECT_TABLE,
        ):
            self.f.transactional = False
        target = relname(node.relation) if node.relation is not None else (node.name or "")
        if kind == enums.ReindexObjectType.REINDEX_OBJECT_INDEX and self.known is not None:
            target = self.known.index_table(target) or target
        lock = SUX if conc else LockMode.SHARE
        self.add(Action("reindex", target, lock, node=node, builds_index=True, scans=True))
