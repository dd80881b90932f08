"""Check, before anything is written, that the squashed migrations leave the graph acyclic.

A squashed migration stands for all its originals at once: another app's migration that depends
on one in the middle of the range now depends on the whole squash, and when the squash itself
(through a later original) depends on that app, the two close a cycle — Django then raises
``CircularDependencyError`` on every command. Here each squashed group is contracted to one node
and the graph searched for a cycle; a cycle is refused with the cross-app dependency that closes
it, and the range is cut into the longest cycle-free ranges to propose instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from django.db.migrations.graph import MigrationGraph

from safemigrations.exceptions import SquashCycleError

from .model import Key


def _parents(graph: MigrationGraph) -> dict[Key, list[Key]]:
    return {key: [p.key for p in node.parents] for key, node in graph.node_map.items()}


def _reach(graph: MigrationGraph, starts: Iterable[Key], *, forwards: bool) -> set[Key]:
    """Nodes reachable from ``starts`` along children (``forwards``) or parents."""
    seen: set[Key] = set()
    stack = [graph.node_map[k] for k in starts]
    while stack:
        node = stack.pop()
        for nxt in node.children if forwards else node.parents:
            if nxt.key not in seen:
                seen.add(nxt.key)
                stack.append(nxt)
    return seen


def closing_nodes(graph: MigrationGraph, group: Sequence[Key]) -> set[Key]:
    """Nodes outside ``group`` that depend on one of its members and are needed by another:
    contracting ``group`` into one node puts each of them on a cycle."""
    members = set(group)
    return (_reach(graph, group, forwards=True) - members) & (
        _reach(graph, group, forwards=False) - members
    )


def find_cycle(graph: MigrationGraph, groups: Sequence[Sequence[Key]]) -> list[Key] | None:
    """A cycle of the graph once each group is one node (as a list of keys), or None."""
    name: dict[Key, Key] = {k: group[-1] for group in groups for k in group}
    parents: dict[Key, set[Key]] = {}
    for key, keys in _parents(graph).items():
        parents.setdefault(name.get(key, key), set()).update(
            name.get(p, p) for p in keys if name.get(p, p) != name.get(key, key)
        )
    state: dict[Key, int] = {}
    path: list[Key] = []

    def visit(start: Key) -> list[Key] | None:
        stack: list[tuple[Key, list[Key]]] = [(start, sorted(parents.get(start, ())))]
        state[start] = 1
        path.append(start)
        while stack:
            key, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[key] = 2
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(parents.get(nxt, ()))))
        return None

    for key in sorted(parents):
        if key not in state:
            cycle = visit(key)
            if cycle:
                return cycle
    return None


def cycle_free_ranges(graph: MigrationGraph, keys: Sequence[Key]) -> list[list[Key]]:
    """``keys`` cut, greedily from the start, into the longest ranges that close no cycle."""
    ranges: list[list[Key]] = []
    current: list[Key] = []
    for key in keys:
        if current and closing_nodes(graph, [*current, key]):
            ranges.append(current)
            current = []
        current.append(key)
    if current:
        ranges.append(current)
    return ranges


def check_acyclic(graph: MigrationGraph, groups: Sequence[Sequence[Key]]) -> None:
    """Raise :class:`SquashCycleError` naming the edge that closes a cycle, with the ranges that
    would not."""
    cycle = find_cycle(graph, groups)
    if cycle is None:
        return
    group_of = {group[-1]: group for group in groups}
    app = groups[0][0][0]
    parents = _parents(graph)

    def real_edges(child: Key, parent: Key) -> list[tuple[Key, Key]]:
        """The original edges behind one edge of the contracted graph."""
        children = group_of.get(child, [child])
        wanted = set(group_of.get(parent, [parent]))
        return [(c, p) for c in children for p in parents.get(c, []) if p in wanted]

    def label(key: Key) -> str:
        group = group_of.get(key)
        if group is None:
            return f"{key[0]}.{key[1]}"
        return f"{key[0]}.(squash of {group[0][1]} .. {group[-1][1]})"

    # The cycle is written child -> parent; the cross-app edges on it close it.
    cross = [
        edge
        for c, p in itertools.pairwise(cycle)
        if (c[0] == app) != (p[0] == app)
        for edge in real_edges(c, p)
    ]
    outsiders = sorted({k for group in groups for k in closing_nodes(graph, group)})
    edge_text = "; ".join(f"{c[0]}.{c[1]} depends on {p[0]}.{p[1]}" for c, p in cross)
    ranges = cycle_free_ranges(graph, [k for group in groups for k in group])
    proposal = "\n".join(
        f"  python manage.py squashmigrations {app} {r[0][1]} {r[-1][1]}"
        if len(r) > 1
        else f"  ({r[0][1]} stays as it is)"
        for r in ranges
    )
    raise SquashCycleError(
        "The squashed migration would close a dependency cycle with another app: "
        f"{' -> '.join(label(k) for k in cycle)}.\n"
        f"Cross-app dependencies on the cycle: {edge_text}.\n"
        f"Migrations of other apps caught between the range's ends: "
        f"{', '.join(f'{a}.{n}' for a, n in outsiders)}.\n"
        "Squash these cycle-free ranges instead (or pass --split to write them):\n" + proposal,
    )
