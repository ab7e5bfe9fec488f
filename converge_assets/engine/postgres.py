"""The PostgreSQL side: the resource and every SQL statement run against the target server."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .config import ServerURL, redact
from .conversion import quote_postgres
from .target_schema import ForeignKey, TargetColumn, TargetTable


class TargetError(Exception):
    """An error from the PostgreSQL side, with the password scrubbed from its text."""


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server. `url` comes from an environment variable (`EnvVar`)."""

    url: str

    @contextlib.contextmanager
    def connect(self, database: str) -> Iterator[psycopg.Connection]:
        conn = self._open(database)
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def _open(self, database: str) -> psycopg.Connection:
        server = ServerURL.parse(self.url, 5432)
        try:
            return psycopg.connect(
                host=server.host,
                port=server.port,
                user=server.user,
                password=server.password or None,
                dbname=database,
                connect_timeout=10,
                application_name="converge_assets",
                sslmode={"disabled": "disable", "preferred": "prefer", "required": "require"}[
                    server.ssl
                ],
            )
        except psycopg.Error as e:
            said = " ".join(line.strip() for line in str(e).splitlines() if line.strip())
            raise TargetError(
                f"cannot connect to PostgreSQL at {server} ({database}): {redact(said)}"
            ) from None


# Idle connections of `reused`, per (process, server URL, database).
REUSE_CONNECTIONS = True  # False: a new connection every time (benchmarks.parity_ab)
KEEP_IDLE = 8  # per database: two per table at a time, for the default 4 tables at a time
_IDLE: dict[tuple[int, str, str], list[psycopg.Connection]] = {}
_IDLE_LOCK = threading.Lock()


def _idle_connection(key: tuple[int, str, str]) -> psycopg.Connection | None:
    """An idle connection that still answers (the server may have restarted since), or None."""
    while True:
        with _IDLE_LOCK:
            idle = _IDLE.get(key)
            if not idle:
                return None
            conn = idle.pop()
        try:
            conn.execute("SELECT 1")
            conn.rollback()
            return conn
        except psycopg.Error:
            with contextlib.suppress(Exception):
                conn.close()


@atexit.register
def _close_idle() -> None:
    with _IDLE_LOCK:
        mine = [c for (pid, *_), conns in _IDLE.items() if pid == os.getpid() for c in conns]
        _IDLE.clear()
    for conn in mine:
        with contextlib.suppress(Exception):
            conn.close()


@contextlib.contextmanager
def reused(postgres, database: str) -> Iterator[psycopg.Connection]:
    """A connection to `postgres` (a PostgresServer, or anything with its `url`, such as the
    Dagster resource) for work that leaves its session as it found it (SET LOCAL, temporary
    tables ON COMMIT DROP, its transaction ended): one this process left idle when there is
    one, kept for the next user when the work ends cleanly, closed when it fails.

    A load and content parity took three new connections per table (the load, the MySQL
    side's jsonb stage, the PostgreSQL side). A new backend starts with cold caches and reads
    the catalog again for every table it touches: about 15 ms of PostgreSQL CPU each on the
    500-table benchmark, more than a small table's load or parity (docs/benchmarks.md)."""
    server = PostgresServer(postgres.url)
    if not REUSE_CONNECTIONS:
        with server.connect(database) as conn:
            yield conn
        return
    key = (os.getpid(), server.url, database)  # a forked child never uses its parent's
    conn = _idle_connection(key)
    if conn is None:
        conn = server._open(database)
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(Exception):
            conn.close()
        raise
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        with _IDLE_LOCK:
            idle = _IDLE.setdefault(key, [])
            if len(idle) < KEEP_IDLE:
                idle.append(conn)
                return
    with contextlib.suppress(Exception):
        conn.close()


@contextlib.contextmanager
def run_lock(postgres: PostgresServer, database: str, name: str) -> Iterator[bool]:
    """A session advisory lock on the target database, held while the block runs: whether it
    was taken (False: another process holds it). The server frees it if the process dies."""
    with postgres.connect(database) as conn:
        conn.autocommit = True
        taken = conn.execute(
            "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (name,)
        ).fetchone()[0]
        yield taken


def table_ident(schema: str, table: str) -> sql.Composed:
    return sql.Identifier(schema, table)


# --- the target schema ----------------------------------------------------------------------

_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typname,
       NOT a.attnotnull,
       a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
       CASE WHEN a.atttypmod > 4 AND t.typname IN ('varchar', 'bpchar') THEN a.atttypmod - 4 END,
       COALESCE((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e
                 WHERE e.enumtypid = CASE WHEN t.typelem <> 0 THEN t.typelem ELSE t.oid END),
                '{}'),
       t.typcategory = 'A',
       pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname),
       a.attgenerated <> ''
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname, a.attnum
"""

_FOREIGN_KEYS = """
SELECT con.conname, src.relname, tgt.relname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
       con.condeferrable, con.confdeltype
FROM pg_constraint con
JOIN pg_class src ON src.oid = con.conrelid
JOIN pg_class tgt ON tgt.oid = con.confrelid
JOIN pg_namespace n ON n.oid = src.relnamespace
WHERE con.contype = 'f' AND n.nspname = %s
ORDER BY src.relname, con.conname
"""


def read_target_schema(conn: psycopg.Connection, schema: str) -> dict[str, TargetTable]:
    with conn.cursor() as cur:
        cur.execute(_COLUMNS, (schema,))
        columns: dict[str, list[TargetColumn]] = {}
        for (
            table,
            name,
            data_type,
            udt,
            nullable,
            has_default,
            max_len,
            labels,
            is_array,
            seq,
            generated,
        ) in cur:
            columns.setdefault(table, []).append(
                TargetColumn(
                    name=name,
                    data_type=data_type,
                    udt_name=udt,
                    nullable=nullable,
                    has_default=has_default,
                    max_length=max_len,
                    enum_labels=tuple(labels),
                    is_array=is_array,
                    sequence=seq,
                    generated=generated,
                )
            )
        cur.execute(_FOREIGN_KEYS, (schema,))
        fks: dict[str, list[ForeignKey]] = {}
        referenced: set[str] = set()
        for name, table, ref_table, cols, ref_cols, deferrable, on_delete in cur:
            fks.setdefault(table, []).append(
                ForeignKey(
                    name, table, tuple(cols), ref_table, tuple(ref_cols), deferrable, on_delete
                )
            )
            referenced.add(ref_table)
    conn.rollback()
    return {
        t: TargetTable(
            schema=schema,
            name=t,
            columns=tuple(cols),
            referenced_by_foreign_keys=t in referenced,
            foreign_keys=tuple(fks.get(t, ())),
        )
        for t, cols in columns.items()
    }


# --- the loading role's rights -----------------------------------------------------------------
# Managed PostgreSQL (RDS, Cloud SQL, Azure) gives no superuser. Before anything moves, what the
# loading role lacks is read from the catalog and said as the statement that grants it.

REPLICATION_ROLE = "session_replication_role"


@dataclass(frozen=True)
class MissingRight:
    """A right the loading role lacks: on what, and the statement (run by an owner or an
    administrator) that grants it."""

    what: str  # e.g. "INSERT, TRUNCATE on table public.roles"
    grant: str  # e.g. 'GRANT INSERT, TRUNCATE ON TABLE "public"."roles" TO "migrator"'


@dataclass(frozen=True)
class RoleRights:
    role: str  # current_user: a role name, never a URL or a password
    superuser: bool
    server_version: int  # server_version_num, e.g. 150020
    may_set_replication_role: bool  # SET session_replication_role (foreign_keys: replica)
    set_replication_role_grant: str | None  # None before PostgreSQL 15: superusers only
    source_wide: tuple[MissingRight, ...]  # schema, database, rollback store
    tables: dict[str, tuple[MissingRight, ...]]  # per table: on it and its sequences


def needed_table_privileges(target: TargetTable) -> tuple[str, ...]:
    """What a load (and a rollback) does to a table: reads it (backup, count, parity), COPYs
    into it, empties it (empty_table: DELETE for a referenced table, else TRUNCATE; either
    also allows LOCK ... IN EXCLUSIVE MODE)."""
    return ("SELECT", "INSERT", "DELETE" if target.referenced_by_foreign_keys else "TRUNCATE")


_SEQUENCE_PRIVILEGES = ("SELECT", "UPDATE")  # read its state (backup, verdict); setval
_STORE_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")  # the registry


def _grant(privileges: list[str], kind: str, target: sql.Composable, role: str) -> str:
    # Privilege and object kind words are ours (fixed lists), never user input.
    return (
        sql.SQL("GRANT {} ON {} {} TO {}")
        .format(
            sql.SQL(", ").join(sql.SQL(p) for p in privileges),
            sql.SQL(kind),
            target,
            sql.Identifier(role),
        )
        .as_string()
    )


def grant_set_replication_role(role: str) -> str:
    return (
        sql.SQL("GRANT SET ON PARAMETER {} TO {}")
        .format(sql.SQL(REPLICATION_ROLE), sql.Identifier(role))
        .as_string()
    )


def read_role_rights(
    conn: psycopg.Connection, schema: str, targets: list[TargetTable]
) -> RoleRights:
    """The rights the connected role lacks to load (and roll back) `targets`."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT current_user, current_database(), rolsuper, "
            "current_setting('server_version_num')::int FROM pg_roles WHERE rolname = current_user"
        )
        role, database, superuser, version = cur.fetchone()
        if version >= 150000:
            cur.execute("SELECT has_parameter_privilege(%s, 'SET')", (REPLICATION_ROLE,))
            may_set, grant = cur.fetchone()[0], grant_set_replication_role(role)
        else:
            may_set, grant = superuser, None
        source_wide = _missing_source_rights(cur, role, database, schema)
        # A superuser passes every privilege check: no need to ask per table.
        tables = {} if superuser else _missing_table_rights(cur, role, schema, targets)
    conn.rollback()
    return RoleRights(role, superuser, version, may_set, grant, tuple(source_wide), tables)


def _missing_source_rights(
    cur: psycopg.Cursor, role: str, database: str, schema: str
) -> list[MissingRight]:
    missing = []
    cur.execute(
        "SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_namespace n WHERE n.nspname = %s",
        (schema,),
    )
    row = cur.fetchone()
    if row is not None and not row[0]:
        missing.append(
            MissingRight(
                f"USAGE on schema {schema}",
                _grant(["USAGE"], "SCHEMA", sql.Identifier(schema), role),
            )
        )
    # The content check stages JSON values in a temporary table.
    cur.execute("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
    if not cur.fetchone()[0]:
        missing.append(
            MissingRight(
                f"TEMPORARY on database {database}",
                _grant(["TEMPORARY"], "DATABASE", sql.Identifier(database), role),
            )
        )
    return missing + _missing_store_rights(cur, role, database)


def _missing_store_rights(cur: psycopg.Cursor, role: str, database: str) -> list[MissingRight]:
    """The rollback store: created on the first load (CREATE on the database), or, once it
    exists, written into (its schema and registry) and pruned (older backups are dropped,
    which only their owner may do)."""
    state = rollback_store_state(cur)
    if state == "foreign":
        return [MissingRight(foreign_store_message(database), "")]
    if state == "absent":
        cur.execute("SELECT has_database_privilege(current_database(), 'CREATE')")
        if cur.fetchone()[0]:
            return []
        return [
            MissingRight(
                f"CREATE on database {database} (for the rollback store, schema {ROLLBACK_SCHEMA})",
                _grant(["CREATE"], "DATABASE", sql.Identifier(database), role),
            )
        ]
    missing = []
    cur.execute(
        "SELECT p FROM unnest(ARRAY['USAGE', 'CREATE']) p WHERE NOT has_schema_privilege(%s, p)",
        (ROLLBACK_SCHEMA,),
    )
    lacking = [p for (p,) in cur.fetchall()]
    if lacking:
        missing.append(
            MissingRight(
                f"{', '.join(lacking)} on schema {ROLLBACK_SCHEMA}",
                _grant(lacking, "SCHEMA", sql.Identifier(ROLLBACK_SCHEMA), role),
            )
        )
    cur.execute(
        "SELECT p FROM unnest(%s::text[]) p "
        "WHERE to_regclass(%s) IS NOT NULL AND NOT has_table_privilege(to_regclass(%s), p)",
        (
            list(_STORE_TABLE_PRIVILEGES),
            f"{ROLLBACK_SCHEMA}.{_REGISTRY}",
            f"{ROLLBACK_SCHEMA}.{_REGISTRY}",
        ),
    )
    lacking = [p for (p,) in cur.fetchall()]
    if lacking:
        missing.append(
            MissingRight(
                f"{', '.join(lacking)} on table {ROLLBACK_SCHEMA}.{_REGISTRY}",
                _grant(lacking, "TABLE", _store(_REGISTRY), role),
            )
        )
    cur.execute(
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
        "AND c.relkind = 'r' AND c.relname <> %s AND NOT pg_has_role(c.relowner, 'USAGE') "
        "ORDER BY 1",
        (ROLLBACK_SCHEMA, _REGISTRY),
    )
    for backup, owner in cur.fetchall():
        missing.append(
            MissingRight(
                f"ownership of backup {ROLLBACK_SCHEMA}.{backup} (owned by {owner}; a later "
                "load drops it)",
                sql.SQL("ALTER TABLE {} OWNER TO {}")
                .format(_store(backup), sql.Identifier(role))
                .as_string(),
            )
        )
    return missing


def _missing_table_rights(
    cur: psycopg.Cursor, role: str, schema: str, targets: list[TargetTable]
) -> dict[str, tuple[MissingRight, ...]]:
    """One query for every table and one for every sequence: a source may have hundreds."""
    cur.execute(
        "SELECT t.name, array_agg(p ORDER BY p) FROM unnest(%s::text[], %s::text[]) t(name, privs) "
        "CROSS JOIN LATERAL unnest(string_to_array(t.privs, ',')) p "
        "JOIN pg_class c ON c.relname = t.name "
        "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = %s "
        "WHERE NOT has_table_privilege(c.oid, p) GROUP BY t.name",
        (
            [t.name for t in targets],
            [",".join(needed_table_privileges(t)) for t in targets],
            schema,
        ),
    )
    missing: dict[str, list[MissingRight]] = {}
    for table, lacking in cur.fetchall():
        missing.setdefault(table, []).append(
            MissingRight(
                f"{', '.join(lacking)} on table {schema}.{table}",
                _grant(lacking, "TABLE", table_ident(schema, table), role),
            )
        )
    sequences = [(t.name, c.sequence) for t in targets for c in t.columns if c.sequence]
    cur.execute(
        "SELECT s.tbl, s.seq, array_agg(p ORDER BY p) FROM unnest(%s::text[], %s::text[]) "
        "s(tbl, seq) CROSS JOIN unnest(%s::text[]) p "
        "WHERE NOT has_sequence_privilege(s.seq, p) GROUP BY s.tbl, s.seq",
        ([t for t, _ in sequences], [q for _, q in sequences], list(_SEQUENCE_PRIVILEGES)),
    )
    for table, sequence, lacking in cur.fetchall():
        # pg_get_serial_sequence's text is already quoted and schema-qualified.
        missing.setdefault(table, []).append(
            MissingRight(
                f"{', '.join(lacking)} on sequence {sequence} (setval)",
                _grant(lacking, "SEQUENCE", sql.SQL(sequence), role),
            )
        )
    return {table: tuple(rights) for table, rights in missing.items()}


def firing_triggers(conn: psycopg.Connection, schema: str) -> dict[str, list[str]]:
    """User triggers that fire in an ordinary session (`foreign_keys: enforced`), by table;
    `replica` mode's session_replication_role skips them."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A') ORDER BY 1, 2",
            (schema,),
        )
        found: dict[str, list[str]] = {}
        for table, trigger in cur.fetchall():
            found.setdefault(table, []).append(trigger)
    conn.rollback()
    return found


# --- load -----------------------------------------------------------------------------------


def disable_triggers_locally() -> sql.Composable:
    # Foreign-key triggers off for this transaction only: tables load in any order.
    return sql.SQL("SET LOCAL session_replication_role = replica")


def defer_constraints() -> sql.Composable:
    # foreign_keys: enforced: DEFERRABLE constraints are checked once every table is loaded.
    return sql.SQL("SET CONSTRAINTS ALL DEFERRED")


def check_deferred_constraints() -> sql.Composable:
    # Checks what was deferred now, before commit: a violation names its table and constraint.
    return sql.SQL("SET CONSTRAINTS ALL IMMEDIATE")


def lock_table(target: TargetTable) -> sql.Composable:
    """Two loads of one table, from two runs or two tools, wait for each other instead of
    interleaving their DELETE and COPY; readers are not blocked."""
    return sql.SQL("LOCK TABLE ONLY {} IN EXCLUSIVE MODE").format(
        table_ident(target.schema, target.name)
    )


def empty_table(target: TargetTable) -> sql.Composable:
    ident = table_ident(target.schema, target.name)
    # Never TRUNCATE ... CASCADE: it would empty child tables loaded earlier. TRUNCATE is refused
    # for a table other tables reference, so those are emptied with DELETE (no triggers fire).
    if target.referenced_by_foreign_keys:
        return delete_all(target.schema, target.name)
    return sql.SQL("TRUNCATE ONLY {}").format(ident)


def delete_all(schema: str, table: str) -> sql.Composable:
    return sql.SQL("DELETE FROM ONLY {}").format(table_ident(schema, table))


def copy_from_csv(target: TargetTable, columns: list[str]) -> sql.Composable:
    return sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, HEADER MATCH)").format(
        table_ident(target.schema, target.name),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )


def count_rows(schema: str, table: str) -> sql.Composable:
    return sql.SQL("SELECT count(*) FROM {}").format(table_ident(schema, table))


def set_sequence(sequence: str, schema: str, table: str, column: str, floor: int) -> sql.Composable:
    """Set a serial/identity sequence past the largest loaded value (and past MySQL's
    AUTO_INCREMENT counter, so ids of deleted rows are never handed out again)."""
    return sql.SQL(
        "SELECT setval({seq}::regclass, GREATEST(COALESCE(max({col}), 0), {floor}, 1), "
        "GREATEST(COALESCE(max({col}), 0), {floor}) > 0) FROM {tbl}"
    ).format(
        seq=sql.Literal(sequence),
        col=sql.Identifier(column),
        floor=sql.Literal(floor),
        tbl=table_ident(schema, table),
    )


def sequence_state(sequence: str, schema: str, table: str, column: str) -> sql.Composable:
    """The value the next nextval() would return, and the column's maximum."""
    return sql.SQL(
        "SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END, "
        "(SELECT max({col}) FROM {tbl}) FROM {seq} s"
    ).format(
        seq=sql.SQL(sequence),
        col=sql.Identifier(column),
        tbl=table_ident(schema, table),
    )


def orphan_rows(fk: ForeignKey, schema: str, sample: int) -> sql.Composable:
    """Child rows whose (non-NULL) foreign key has no parent row: count and a sample of keys."""
    child = table_ident(schema, fk.table)
    parent = table_ident(schema, fk.referenced_table)
    join = sql.SQL(" AND ").join(
        sql.SQL("p.{} = c.{}").format(sql.Identifier(r), sql.Identifier(col))
        for col, r in zip(fk.columns, fk.referenced_columns, strict=True)
    )
    not_null = sql.SQL(" AND ").join(
        sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(col)) for col in fk.columns
    )
    key = sql.SQL(" || ',' || ").join(
        sql.SQL("c.{}::text").format(sql.Identifier(col)) for col in fk.columns
    )
    return sql.SQL(
        "SELECT count(*), (array_agg({key}))[1:{n}] FROM {child} c "
        "WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {join})"
    ).format(
        key=key, n=sql.Literal(sample), child=child, not_null=not_null, parent=parent, join=join
    )


def _parity_bucket(key_sql: str, buckets: int, uuid_key: bool = False) -> str:
    """A row's bucket from its key text, the same on both servers. Any function of the key
    text would do for the proof (the sums compare every row's hash whatever the bucket); it
    only has to spread rows, so that opening a differing bucket reads few of them. An MD5 of
    the key does, for any key, at one more MD5 per row on each server.

    A uuid key (a single column, lower-case 8-4-4-4-12 text on both sides) is spread already:
    its 4th byte (time_low's lowest, fast-changing in version 1) plus its last (random in
    versions 4 and 7, the node in version 1), modulo 256."""
    if uuid_key:
        return (
            f"((('x' || substr({key_sql}, 7, 2))::bit(8)::int "
            f"+ ('x' || right({key_sql}, 2))::bit(8)::int) % {buckets})"
        )
    return f"(('x' || left(md5({key_sql}), 8))::bit(32)::bigint % {buckets})"


def _concat(parts: list[str]) -> str:
    return f"concat_ws('|', {', '.join(parts)})"


def hash_aggregation() -> str:
    """For the parity sums' transaction. The planner takes a bucket expression of the key for
    as many groups as keys, so it sorts every row (to disk: 210 MB for the benchmark's largest
    table) where 256 hash groups do; measured there, 4.6 s against 5.6 s of CPU."""
    return "SET LOCAL enable_sort = off"


def parity_buckets(
    schema: str,
    table: str,
    key: list[str],
    row: list[str],
    buckets: int,
    json_columns: list[str] = (),
    uuid_key: bool = False,
) -> sql.Composable:
    """The same buckets as MySQL's parity_buckets_sql, from PostgreSQL's digests; with
    `json_columns`, in the same scan, the sum of the jsonb hashes (`json_stage_parity`)."""
    key_sql = _concat(key)
    sums = f"sum(('x' || left(md5({_concat(row)}), 15))::bit(60)::bigint)::text"
    if json_columns:
        digest = _json_hash(key_sql, [quote_postgres(c) for c in json_columns])
        sums += f", sum({digest})::text"
    # Digest expressions may hold braces: compose, never .format() them.
    return sql.Composed(
        [
            sql.SQL(f"SELECT {_parity_bucket(key_sql, buckets, uuid_key)}, count(*), {sums} FROM "),
            table_ident(schema, table),
            sql.SQL(" GROUP BY 1"),
        ]
    )


def parity_rows(
    schema: str,
    table: str,
    key: list[str],
    row: list[str],
    buckets: int,
    only: list[int],
    uuid_key: bool = False,
) -> sql.Composable:
    bucket = _parity_bucket(_concat(key), buckets, uuid_key)
    return sql.Composed(
        [
            sql.SQL(f"SELECT {bucket}, {_concat(key)}, md5({_concat(row)}) FROM "),
            table_ident(schema, table),
            sql.SQL(f" WHERE {bucket} IN ({', '.join(map(str, only))})"),
        ]
    )


# MySQL's JSON texts, parsed by PostgreSQL: jsonb orders keys and normalises numbers and
# escapes, which no MariaDB function does the same way. The stage lives in this transaction.
JSON_STAGE = "converge_parity_json"


def create_json_stage(columns: int) -> sql.Composable:
    """k: the key's digest text; h: MySQL's row hash (hex); j0...: the JSON values."""
    cols = ", ".join(f"j{i} jsonb" for i in range(columns))
    return sql.SQL(
        f"CREATE TEMP TABLE {JSON_STAGE} (k text NOT NULL, h text NOT NULL, {cols}) ON COMMIT DROP"
    )


def copy_into_json_stage() -> sql.Composable:
    # The JSON fields come quoted with 0x01 (ColumnPlan.stage_field_sql).
    return sql.SQL(f"COPY {JSON_STAGE} FROM STDIN (FORMAT csv, QUOTE E'\\x01')")


def _json_hash(key_sql: str, json_sqls: list[str]) -> str:
    """A row's key and jsonb values, hashed. Both sides of the jsonb sums are PostgreSQL's (the
    stage and the loaded table), so the hash is its own 64-bit one, about half of md5's cost,
    whose every call sets up a cryptographic context (measured: 2.5 against 3.8 to 4.9 s for
    700,000 rows)."""
    texts = ", ".join(f"coalesce({j}::text, 'NULL')" for j in json_sqls)
    return f"hashtextextended(concat_ws('|', {key_sql}, {texts}), 0)"


def json_stage_parity(columns: int, buckets: int, uuid_key: bool = False) -> sql.Composable:
    """Per bucket of the staged MySQL rows: rows, the sum of MySQL's row hashes (what
    MySQL's parity_buckets_sql sums) and the sum of the hashes of their JSON values."""
    digest = _json_hash("k", [f"j{i}" for i in range(columns)])
    return sql.SQL(
        f"SELECT {_parity_bucket('k', buckets, uuid_key)}, count(*), "
        f"sum(('x' || h)::bit(60)::bigint)::text, "
        f"sum({digest})::text FROM {JSON_STAGE} GROUP BY 1"
    )


def json_stage_rows(
    columns: int, buckets: int, only: list[int], uuid_key: bool = False
) -> sql.Composable:
    digest = _json_hash("k", [f"j{i}" for i in range(columns)])
    bucket = _parity_bucket("k", buckets, uuid_key)
    return sql.SQL(
        f"SELECT {bucket}, k, {digest}::text FROM {JSON_STAGE} "
        f"WHERE {bucket} IN ({', '.join(map(str, only))})"
    )


def json_target_rows(
    schema: str,
    table: str,
    key: list[str],
    json_columns: list[str],
    buckets: int,
    only: list[int],
    uuid_key: bool = False,
) -> sql.Composable:
    key_sql = _concat(key)
    digest = _json_hash(key_sql, [quote_postgres(c) for c in json_columns])
    bucket = _parity_bucket(key_sql, buckets, uuid_key)
    return sql.Composed(
        [
            sql.SQL(f"SELECT {bucket}, {key_sql}, {digest}::text FROM "),
            table_ident(schema, table),
            sql.SQL(f" WHERE {bucket} IN ({', '.join(map(str, only))})"),
        ]
    )


def error_text(e: BaseException) -> str:
    """A psycopg error as one line with its context (COPY's line and column), no secrets."""
    diag = getattr(e, "diag", None)
    parts = [str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__]
    if diag is not None and diag.context:
        parts.append(f"({diag.context.strip().splitlines()[0]})")
    return redact(" ".join(parts))


# --- the rollback store ---------------------------------------------------------------------
# Each load keeps the rows it replaces in a schema of ours, in its own transaction, so that
# `converge rollback` can put them back. Names of backup tables are hashes: never built from
# user names, always within PostgreSQL's 63 bytes.

ROLLBACK_SCHEMA = "converge_rollback"
ROLLBACK_MARKER = (
    "converge_assets rollback store: the rows each load replaced, kept for `converge rollback`. "
    "Safe to drop (DROP SCHEMA converge_rollback CASCADE) when no rollback is needed."
)
_REGISTRY = "loads"


class RollbackStoreError(Exception):
    """A schema named like our store that we did not create: we never write into it."""


@dataclass(frozen=True)
class LoadRecord:
    """One load of a table by a run, as the registry keeps it."""

    source: str
    run: str
    table: str
    backup: str | None  # None once dropped (a later run loaded the table) or restored
    rows_saved: int
    loaded_rows: int | None
    loaded_at: datetime | None
    rolled_back_at: datetime | None
    sequences: dict[str, int]  # column -> the largest value its sequence had handed out


def backup_name(source: str, run: str, schema: str, table: str) -> str:
    key = "\0".join((source, run, schema, table)).encode()
    return "b_" + hashlib.sha256(key).hexdigest()[:40]


def _store(name: str) -> sql.Composed:
    return sql.Identifier(ROLLBACK_SCHEMA, name)


def rollback_store_state(cur: psycopg.Cursor) -> str:
    """'absent', 'ours' (our marker comment) or 'foreign' (a user's schema of that name)."""
    cur.execute(
        "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
        (ROLLBACK_SCHEMA,),
    )
    row = cur.fetchone()
    if row is None:
        return "absent"
    return "ours" if row[0] == ROLLBACK_MARKER else "foreign"


def foreign_store_message(database: str) -> str:
    return (
        f'schema "{ROLLBACK_SCHEMA}" in database {database} was not created by converge_assets '
        "(it lacks our marker comment): refusing to keep rollback copies in it; rename that "
        "schema so converge can create its own"
    )


def ensure_rollback_store(conn: psycopg.Connection, database: str) -> None:
    """Create the store on first use, in a short transaction of its own; an advisory lock makes
    loads starting at once wait for the first one's CREATE instead of colliding with it."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (ROLLBACK_SCHEMA,))
        state = rollback_store_state(cur)
        if state == "foreign":
            raise RollbackStoreError(foreign_store_message(database))
        if state == "ours":
            return
        cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(ROLLBACK_SCHEMA)))
        cur.execute(
            sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
                sql.Identifier(ROLLBACK_SCHEMA), sql.Literal(ROLLBACK_MARKER)
            )
        )
        cur.execute(
            sql.SQL(
                "CREATE TABLE {} (source text NOT NULL, run text NOT NULL, "
                "target_schema text NOT NULL, target_table text NOT NULL, "
                "backup_table text, rows_saved bigint NOT NULL, saved_at timestamptz NOT NULL, "
                "sequences jsonb NOT NULL DEFAULT '{{}}', "
                "loaded_rows bigint, loaded_at timestamptz, rolled_back_at timestamptz, "
                "PRIMARY KEY (source, run, target_schema, target_table))"
            ).format(_store(_REGISTRY))
        )


_RECORD_COLUMNS = sql.SQL(
    "source, run, target_table, backup_table, rows_saved, loaded_rows, loaded_at, "
    "rolled_back_at, sequences"
)


def _records(cur: psycopg.Cursor) -> list[LoadRecord]:
    return [
        LoadRecord(s, r, t, b, saved, loaded, at, back, dict(seqs))
        for s, r, t, b, saved, loaded, at, back, seqs in cur.fetchall()
    ]


def keep_preload_rows(
    cur: psycopg.Cursor, target: TargetTable, source: str, run: str
) -> int | None:
    """Inside the load's transaction, after its LOCK and before the table is emptied: copy the
    rows about to be replaced into a backup of this (source, run, table). Returns the rows
    saved, or None when this run already holds a backup of the table (a re-run of the same
    run: its first pre-load state is the one to restore). Backups of other runs' loads of the
    table are dropped: once this load replaces their rows, restoring them would destroy it."""
    key = (source, run, target.schema, target.name)
    cur.execute(
        sql.SQL(
            "SELECT 1 FROM {} WHERE source = %s AND run = %s AND target_schema = %s "
            "AND target_table = %s AND backup_table IS NOT NULL AND rolled_back_at IS NULL "
            "FOR UPDATE"
        ).format(_store(_REGISTRY)),
        key,
    )
    if cur.fetchone():
        return None
    cur.execute(
        sql.SQL(
            "SELECT backup_table FROM {} WHERE target_schema = %s AND target_table = %s "
            "AND backup_table IS NOT NULL FOR UPDATE"
        ).format(_store(_REGISTRY)),
        (target.schema, target.name),
    )
    for (older,) in cur.fetchall():
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(_store(older)))
    cur.execute(
        sql.SQL(
            "UPDATE {} SET backup_table = NULL WHERE target_schema = %s AND target_table = %s"
        ).format(_store(_REGISTRY)),
        (target.schema, target.name),
    )
    # This run's earlier record of the table (rolled back, or its backup dropped) is replaced.
    cur.execute(
        sql.SQL(
            "DELETE FROM {} WHERE source = %s AND run = %s AND target_schema = %s "
            "AND target_table = %s"
        ).format(_store(_REGISTRY)),
        key,
    )
    backup = backup_name(*key)
    cur.execute(
        sql.SQL("CREATE TABLE {} (LIKE {})").format(
            _store(backup), table_ident(target.schema, target.name)
        )
    )
    cur.execute(
        sql.SQL("INSERT INTO {} SELECT * FROM ONLY {}").format(
            _store(backup), table_ident(target.schema, target.name)
        )
    )
    saved = cur.rowcount
    sequences = {c.name: _sequence_used(cur, c.sequence) for c in target.columns if c.sequence}
    cur.execute(
        sql.SQL(
            "INSERT INTO {} (source, run, target_schema, target_table, backup_table, rows_saved, "
            "saved_at, sequences) VALUES (%s, %s, %s, %s, %s, %s, clock_timestamp(), %s)"
        ).format(_store(_REGISTRY)),
        (*key, backup, saved, Jsonb(sequences)),
    )
    return saved


def _sequence_used(cur: psycopg.Cursor, sequence: str) -> int:
    """The largest value the sequence has handed out (0 if none)."""
    cur.execute(
        sql.SQL(
            "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {}"
        ).format(sql.SQL(sequence))  # pg_get_serial_sequence's text: already quoted
    )
    return cur.fetchone()[0]


def record_load(
    cur: psycopg.Cursor, target: TargetTable, source: str, run: str, loaded_rows: int
) -> None:
    """The load's row count and time; clock_timestamp() is taken after the table's lock, so
    loads of one table are ordered as they committed."""
    cur.execute(
        sql.SQL(
            "UPDATE {} SET loaded_rows = %s, loaded_at = clock_timestamp() WHERE source = %s "
            "AND run = %s AND target_schema = %s AND target_table = %s"
        ).format(_store(_REGISTRY)),
        (loaded_rows, source, run, target.schema, target.name),
    )


def loads_of_run(cur: psycopg.Cursor, source: str, run: str, schema: str) -> list[LoadRecord]:
    """Every table the run loaded into the schema (rolled back or not), by table name."""
    cur.execute(
        sql.SQL(
            "SELECT {} FROM {} WHERE source = %s AND run = %s AND target_schema = %s "
            "AND loaded_at IS NOT NULL ORDER BY target_table"
        ).format(_RECORD_COLUMNS, _store(_REGISTRY)),
        (source, run, schema),
    )
    return _records(cur)


def latest_loads(cur: psycopg.Cursor, schema: str, tables: list[str]) -> dict[str, LoadRecord]:
    """For each table, its latest load not rolled back, whichever source or run made it."""
    cur.execute(
        sql.SQL(
            "SELECT DISTINCT ON (target_table) {} FROM {} WHERE target_schema = %s "
            "AND target_table = ANY(%s) AND loaded_at IS NOT NULL AND rolled_back_at IS NULL "
            "ORDER BY target_table, loaded_at DESC"
        ).format(_RECORD_COLUMNS, _store(_REGISTRY)),
        (schema, tables),
    )
    return {r.table: r for r in _records(cur)}


def table_columns(cur: psycopg.Cursor, schema: str, table: str) -> list[tuple[str, bool]]:
    """A table's columns in order, each with whether it is generated (computed, never
    inserted; a backup made `LIKE` the table holds it as a plain column)."""
    cur.execute(
        "SELECT a.attname, a.attgenerated <> '' FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        (schema, table),
    )
    return [(name, generated) for name, generated in cur.fetchall()]


def backup_columns(cur: psycopg.Cursor, backup: str) -> list[str]:
    return [name for name, _ in table_columns(cur, ROLLBACK_SCHEMA, backup)]


def insert_from_backup(
    cur: psycopg.Cursor, target: TargetTable, backup: str, columns: list[str]
) -> int:
    """Insert the saved rows into the (emptied) table; identity columns keep their saved
    values. Returns the rows restored."""
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    cur.execute(
        sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {}").format(
            table_ident(target.schema, target.name), names, names, _store(backup)
        )
    )
    return cur.rowcount


def mark_rolled_back(cur: psycopg.Cursor, source: str, run: str, record: LoadRecord) -> None:
    """The backup is dropped once its rows are back; the record stays, marked, for the audit."""
    cur.execute(sql.SQL("DROP TABLE {}").format(_store(record.backup)))
    cur.execute(
        sql.SQL(
            "UPDATE {} SET backup_table = NULL, rolled_back_at = clock_timestamp() "
            "WHERE source = %s AND run = %s AND target_table = %s AND backup_table = %s"
        ).format(_store(_REGISTRY)),
        (source, run, record.table, record.backup),
    )


def display_settings() -> list[str]:
    """A value's text as this transaction writes it, whatever the server's or role's
    defaults: instants in UTC, dates year first, bytes as hex, floats exact."""
    return [
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL DateStyle = 'ISO, YMD'",
        "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL bytea_output = 'hex'",
        "SET LOCAL extra_float_digits = 1",
    ]


def differing_rows(
    schema: str,
    table: str,
    key: list[str],
    columns: list[tuple[str | None, str]],
    keys: list[str],
    cap: int,
) -> sql.Composable:
    """The rows whose key text (`parity_rows`') is one of `keys`: the key text, then per
    column (digest, name): the md5 of its digest (of its text for a column without one, jsonb),
    its text (the first `cap` characters) and that text's length in characters."""
    key_sql = _concat(key)
    parts = [key_sql]
    for digest, name in columns:
        text = f"{quote_postgres(name)}::text"
        parts += [f"md5({digest or text})", f"left({text}, {cap})", f"length({text})"]
    # Digest expressions may hold braces: compose, never .format() them.
    return sql.Composed(
        [
            sql.SQL(f"SELECT {', '.join(parts)} FROM "),
            table_ident(schema, table),
            sql.SQL(f" WHERE {key_sql} = ANY("),
            sql.Literal(list(keys)),
            sql.SQL("::text[])"),
        ]
    )


def jsonb_text(cap: int) -> str:
    """One JSON text (%s) as PostgreSQL parses it into jsonb: the md5 of its jsonb text (what
    `differing_rows` gives of a jsonb column), that text's first `cap` characters, its length."""
    return f"SELECT md5(j), left(j, {int(cap)}), length(j) FROM (SELECT %s::jsonb::text j) s"
