"""The order tables load in when PostgreSQL enforces their foreign keys (`foreign_keys: enforced`).

A child's rows are checked against its parent when its COPY ends, so parents load first and
tables are emptied children first. A DEFERRABLE foreign key is checked at COMMIT instead (the
load runs `SET CONSTRAINTS ALL DEFERRED`), so it imposes no order; a self-reference is checked
when the table's one COPY statement ends, so it imposes none either. Foreign keys that are not
DEFERRABLE and form a cycle cannot be loaded in any order: that is refused, naming the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from .target_schema import ForeignKey, TargetTable

REPLICA_HINT = "use foreign_keys: replica with a role allowed to SET session_replication_role"


class ForeignKeyCycle(Exception):
    """Foreign keys, none DEFERRABLE, that lead from a table back to itself."""

    def __init__(self, cycle: list[ForeignKey]):
        self.cycle = tuple(cycle)
        self.tables = tuple(fk.table for fk in cycle)
        path = " -> ".join([*self.tables, self.tables[0]])
        through = ", ".join(
            f"{fk.table}.{fk.name} references {fk.referenced_table}" for fk in cycle
        )
        super().__init__(
            f"foreign keys that are not DEFERRABLE form a cycle {path} ({through}): no load "
            f"order satisfies them; make one of them DEFERRABLE or {REPLICA_HINT}"
        )


def _orders(fk: ForeignKey, tables: set[str]) -> bool:
    """Whether `fk` forces its parent to load before its child."""
    return (
        not fk.deferrable
        and fk.table != fk.referenced_table
        and fk.table in tables
        and fk.referenced_table in tables
    )


def load_order(targets: dict[str, TargetTable], tables: Iterable[str]) -> list[str]:
    """`tables`, parents before children (ties by name, so runs repeat); raises
    `ForeignKeyCycle` if no such order exists. Empty them in the reverse order."""
    names = set(tables)
    parents = {
        t: {fk.referenced_table for fk in targets[t].foreign_keys if _orders(fk, names)}
        for t in names
    }
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(names):
        ready = sorted(t for t in names - placed if parents[t] <= placed)
        if not ready:
            raise ForeignKeyCycle(_a_cycle(targets, names - placed, names))
        order += ready
        placed.update(ready)
    return order


def _a_cycle(targets: dict[str, TargetTable], left: set[str], names: set[str]) -> list[ForeignKey]:
    """Every table left has a parent left: walk parents from one until a table repeats."""
    table, path, seen = min(left), [], {}
    while table not in seen:
        seen[table] = len(path)
        fk = min(
            (
                fk
                for fk in targets[table].foreign_keys
                if _orders(fk, names) and fk.referenced_table in left
            ),
            key=lambda fk: (fk.referenced_table, fk.name),
        )
        path.append(fk)
        table = fk.referenced_table
    return path[seen[table] :]
