"""Preflight: may a table move, judged on the live servers, never on the catalog alone.

The catalog (`converge discover`) is a cache of definitions: the code location is built from it
so it loads with no database reachable. Before a table's first row moves, its live MySQL
definition is compared with its catalog entry and its live PostgreSQL table is read; any
difference blocks that table alone, naming what changed and the command that refreshes the
catalog. Findings about the source as a whole (a table on one side only) only inform.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .catalog import Column, Table
from .conversion import TablePlan, UnsupportedTypePair, plan_table
from .fk_order import REPLICA_HINT, ForeignKeyCycle, load_order
from .postgres import REPLICATION_ROLE, MissingRight, RoleRights
from .target_schema import ForeignKey, TargetTable


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    finding: str
    blocking: bool

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"{where}: {self.finding}"


class TableBlocked(Exception):
    """A table the preflight does not let move; its findings say why."""

    def __init__(self, source: str, table: str, findings: list[Finding]):
        self.findings = tuple(findings)
        reasons = "; ".join(
            f"{f.column}: {f.finding}" if f.column else f.finding for f in self.findings
        )
        super().__init__(f"{source}.{table}: not moved: {reasons}")


def refresh_hint(source: str) -> str:
    return f"run `converge discover --source {source}`"


# --- the live MySQL table against its catalog entry ------------------------------------------

_COMPARED = ("column_type", "nullable", "charset", "extra")


def _column_change(then: Column, now: Column) -> str | None:
    changes = [
        f"{name} {getattr(then, name)!r} -> {getattr(now, name)!r}"
        for name in _COMPARED
        if getattr(then, name) != getattr(now, name)
    ]
    return ", ".join(changes) or None


def catalog_drift(source: str, cataloged: Table, live: Table | None) -> list[Finding]:
    """How the live MySQL table differs from what `discover` recorded: each difference blocks
    the table (its CSV would no longer hold what its catalog entry, its checks and its plan
    describe)."""
    hint = refresh_hint(source)
    if live is None:
        return [Finding(cataloged.name, "", f"dropped from MySQL after discover ({hint})", True)]
    findings = []
    then = {c.name: c for c in cataloged.columns}
    now = {c.name: c for c in live.columns}
    for name in now.keys() - then.keys():
        findings.append(
            Finding(
                cataloged.name,
                name,
                f"added in MySQL after discover; not in the catalog ({hint})",
                True,
            )
        )
    for name in then.keys() - now.keys():
        findings.append(
            Finding(cataloged.name, name, f"dropped from MySQL after discover ({hint})", True)
        )
    for name in then.keys() & now.keys():
        change = _column_change(then[name], now[name])
        if change:
            findings.append(
                Finding(cataloged.name, name, f"changed in MySQL: {change} ({hint})", True)
            )
    if not findings and cataloged.column_names != live.column_names:
        findings.append(
            Finding(cataloged.name, "", f"columns reordered in MySQL after discover ({hint})", True)
        )
    if cataloged.primary_key != live.primary_key:
        findings.append(
            Finding(
                cataloged.name,
                "",
                f"primary key changed in MySQL: ({', '.join(cataloged.primary_key)}) -> "
                f"({', '.join(live.primary_key)}) ({hint})",
                True,
            )
        )
    return sorted(findings, key=lambda f: (f.column, f.finding))


# --- the live PostgreSQL table against the MySQL table ---------------------------------------


# COPY refuses a generated column outright ("column ... is a generated column"): named here,
# before any row moves, instead of failing the load.
_GENERATED = (
    "GENERATED ALWAYS AS (...) STORED in PostgreSQL: PostgreSQL computes it, so the CSV cannot "
    "feed it; make it a plain column in PostgreSQL or leave it out of the MySQL table"
)


def target_findings(
    source: str,
    schema: str,
    table: Table,
    target: TargetTable | None,
    transforms: dict[str, str] | None = None,
) -> tuple[list[Finding], TablePlan | None]:
    """What keeps the table's CSV from loading into its PostgreSQL table as it is now, and,
    when nothing does, the table's conversion plan."""
    if target is None:
        return [
            Finding(table.name, "", f"no such table in PostgreSQL schema {schema!r}", True)
        ], None
    findings = [
        Finding(table.name, c.name, "column not in the PostgreSQL table", True)
        for c in table.columns
        if target.column(c.name) is None
    ]
    findings += [
        Finding(table.name, c.name, _GENERATED, True)
        for c in table.columns
        if (tc := target.column(c.name)) is not None and tc.generated
    ]
    fed = set(table.column_names)
    findings += [
        Finding(table.name, tc.name, "NOT NULL without default in PostgreSQL, not fed", True)
        for tc in target.columns
        if tc.name not in fed and not tc.nullable and not tc.has_default
    ]
    if findings:
        return findings, None
    try:
        return [], plan_table(table, target, transforms)
    except UnsupportedTypePair as e:
        return [
            Finding(
                table.name,
                c.column,
                f"MySQL {c.mysql_type} -> PostgreSQL {c.postgres_type}: {c.reason}",
                True,
            )
            for c in e.columns
        ], None


def not_null_suspects(table: Table, target: TargetTable) -> list[str]:
    """Columns nullable in MySQL and NOT NULL in PostgreSQL: a NULL there cannot load."""
    return [
        c.name
        for c in table.columns
        if c.nullable and (tc := target.column(c.name)) is not None and not tc.nullable
    ]


def table_findings(
    source: str,
    schema: str,
    cataloged: Table,
    live: Table | None,
    target: TargetTable | None,
    transforms: dict[str, str] | None = None,
) -> tuple[list[Finding], TablePlan | None]:
    """Every blocking finding of one table, from the live servers, and its conversion plan
    when there is none."""
    drift = catalog_drift(source, cataloged, live)
    if drift:
        return drift, None
    return target_findings(source, schema, cataloged, target, transforms)


def source_findings(
    cataloged: list[str],
    live_mysql: set[str],
    targets: set[str],
    excluded: tuple[str, ...],
    source: str,
) -> list[Finding]:
    """Tables on one side only: they inform, they never block another table."""
    findings = [
        Finding(name, "", "only in PostgreSQL: not fed by this source", False)
        for name in sorted(targets - set(cataloged))
    ]
    findings += [
        Finding(name, "", f"only in MySQL, not in the catalog ({refresh_hint(source)})", False)
        for name in sorted(live_mysql - set(cataloged) - set(excluded))
    ]
    return findings


def unknown_exclusions(excluded: tuple[str, ...], live_mysql: set[str]) -> list[str]:
    """`exclude` entries that name no MySQL table: a typo there protects nothing."""
    return [name for name in excluded if name not in live_mysql]


def foreign_keys_into(
    targets: dict[str, TargetTable], table: str, moved: set[str]
) -> list[ForeignKey]:
    """Foreign keys of tables this source does not load (PostgreSQL-only or excluded) that
    reference `table`: the load replaces their parent rows, so it must keep every row they
    point at."""
    return [
        fk
        for child in targets.values()
        if child.name not in moved
        for fk in child.foreign_keys
        if fk.referenced_table == table
    ]


# --- the loading role's rights and, under `foreign_keys: enforced`, the schema's shape --------


def _right_finding(table: str, role: str, right: MissingRight) -> Finding:
    if not right.grant:  # a state no GRANT fixes (e.g. a user's schema named like our store)
        return Finding(table, "", right.what, True)
    return Finding(table, "", f"role {role} lacks {right.what}: run {right.grant}", True)


def replication_role_finding(table: str, rights: RoleRights) -> Finding | None:
    """`foreign_keys: replica` turns foreign-key triggers off with SET session_replication_role,
    which only a superuser, or (PostgreSQL 15+) a role granted SET on it, may do."""
    if rights.may_set_replication_role:
        return None
    if rights.set_replication_role_grant:
        how = f"run {rights.set_replication_role_grant}"
    else:
        how = "before PostgreSQL 15 only a superuser may"
    return Finding(
        table,
        "",
        f"role {rights.role} may not SET {REPLICATION_ROLE}, which foreign_keys: replica needs "
        f"to load tables in any order: {how} (or set foreign_keys: enforced in the source's "
        "config)",
        True,
    )


def rights_findings(
    rights: RoleRights, enforced: bool, tables: Iterable[str]
) -> dict[str, list[Finding]]:
    """What each table needs that the role lacks. Rights the whole source needs (the SET, the
    schema, the rollback store) block every table."""
    found: dict[str, list[Finding]] = {}
    for table in tables:
        findings = [] if enforced else [replication_role_finding(table, rights)]
        findings += [_right_finding(table, rights.role, r) for r in rights.source_wide]
        findings += [_right_finding(table, rights.role, r) for r in rights.tables.get(table, ())]
        if findings := [f for f in findings if f is not None]:
            found[table] = findings
    return found


def enforced_findings(
    targets: dict[str, TargetTable], loading: Iterable[str], triggers: dict[str, list[str]]
) -> dict[str, list[Finding]]:
    """What keeps tables from loading with their foreign keys enforced: a cycle of foreign keys
    none of which is DEFERRABLE; a table this load does not fill whose ON DELETE action would
    change its rows when its parent is emptied; user triggers, which would fire on each row
    (replica mode skips them)."""
    names = [t for t in loading if t in targets]
    found: dict[str, list[Finding]] = {}
    try:
        load_order(targets, names)
    except ForeignKeyCycle as cycle:
        for table in sorted(set(cycle.tables)):
            found.setdefault(table, []).append(Finding(table, "", str(cycle), True))
    for child in targets.values():
        if child.name in names:
            continue
        for fk in child.foreign_keys:
            if fk.referenced_table in names and fk.changes_rows_on_delete:
                action = {"c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}[fk.on_delete]
                found.setdefault(fk.referenced_table, []).append(
                    Finding(
                        fk.referenced_table,
                        "",
                        f"{child.name}, which this load does not fill, references it through "
                        f"{fk.name} ON DELETE {action}: emptying it with foreign keys enforced "
                        f"would change {child.name}'s rows; {REPLICA_HINT}",
                        True,
                    )
                )
    for table in names:
        if table in triggers:
            found.setdefault(table, []).append(
                Finding(
                    table,
                    "",
                    f"trigger(s) {', '.join(triggers[table])} would fire on every loaded row "
                    f"with foreign_keys: enforced (disable them for the migration, or "
                    f"{REPLICA_HINT})",
                    True,
                )
            )
    return found
