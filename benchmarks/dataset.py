"""The benchmark's dataset: one table spec drives the MySQL DDL, the PostgreSQL DDL, the MySQL
data (generated in SQL from MariaDB's SEQUENCE engine, no Python row loops) and the checks.

Shapes that matter for a MySQL -> PostgreSQL migration: char(36) uuid keys, json, datetime(6),
text with quotes, commas, tabs, backslashes and CR/LF, blobs with arbitrary bytes, empty strings
next to NULLs, a 45-column table, one table much larger than the rest (like Alkemio's
authorization_policy) and a Kratos-like `sessions` table. Every value is a deterministic function
of the row number, so two generations at the same scale are identical.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import pymysql

from . import Server

MYSQL_DATABASE = "bench_scale"
POSTGRES_DATABASE = "bench_scale"

# Rows per table at scale 1 (about 1.25M rows, ~400 MiB of InnoDB data_length in all).
BASE_ROWS = {
    "authorization_policy": 700_000,
    "identities": 110_000,
    "sessions": 200_000,
    "users": 60_000,
    "messages": 120_000,
    "attachments": 10_000,
    "wide_profile": 50_000,
}
EPOCH = "TIMESTAMP'2020-01-01 00:00:00.000000'"


@dataclass(frozen=True)
class Column:
    name: str
    mysql: str  # MySQL column type, e.g. "char(36)"
    pg: str  # PostgreSQL column type, e.g. "uuid"
    expr: str  # MySQL expression over the generator row `s` (s.seq, s.h = 32 hex digits)
    nullable: bool = False
    check: str | None = None  # "len" | "bytes" | "sum" | "bool" | "time": compared after a load


@dataclass(frozen=True)
class Table:
    name: str
    rows: int
    columns: tuple[Column, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, referenced table); -> its id
    unique: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---- deterministic SQL expressions --------------------------------------------------------------


def uuid_sql(hex32: str) -> str:
    """8-4-4-4-12 from 32 hex digits (dashes inserted right to left so positions hold)."""
    return f"INSERT(INSERT(INSERT(INSERT({hex32}, 21, 0, '-'), 17, 0, '-'), 13, 0, '-'), 9, 0, '-')"


def uuid_of(table: str, n: str) -> str:
    """The id of row `n` of `table` (every table's id is uuid(md5('<table>:<n>')))."""
    return uuid_sql(f"MD5(CONCAT('{table}:', {n}))")


def ts(n: str) -> str:
    """A datetime(6) in 2020..2024 with microseconds, spread by a multiplicative hash of `n`."""
    return (
        f"TIMESTAMPADD(MICROSECOND, (({n}) * 2654435761 % 157680000) * 1000000 "
        f"+ ({n}) * 7919 % 1000000, {EPOCH})"
    )


def pick(n: str, *words: str) -> str:
    return f"ELT(1 + ({n}) % {len(words)}, {', '.join(repr(w) for w in words)})"


ID = Column("id", "char(36)", "uuid", uuid_sql("s.h"))


def serial_id(big: bool = False) -> Column:
    mysql = "bigint NOT NULL AUTO_INCREMENT" if big else "int NOT NULL AUTO_INCREMENT"
    return Column("id", mysql, "bigserial" if big else "serial", "s.seq", check="sum")


def stamp(name: str, n: str, nullable: bool = False) -> Column:
    expr = ts(n)
    if nullable:
        expr = f"IF(({n}) % 9 = 0, NULL, {expr})"
    return Column(name, "datetime(6)", "timestamp(6)", expr, nullable, "time")


def boolean(name: str, expr: str) -> Column:
    return Column(name, "tinyint(1)", "boolean", expr, check="bool")


def tables(scale: float = 1.0) -> list[Table]:
    """The tables in a valid load order (parents first), with row counts for `scale`."""
    n = {name: max(1, round(rows * scale)) for name, rows in BASE_ROWS.items()}
    rule = (
        "JSON_OBJECT('name', CONCAT('rule-', {k}), 'cascade', s.seq % 3 > 0, "
        "'grantedPrivileges', JSON_ARRAY('read'), "
        "'criterias', JSON_ARRAY(JSON_OBJECT('type', {type}, 'resourceID', {res})))"
    )
    first = rule.format(
        k="s.seq % 97",
        type=pick("s.seq", "global-admin", "space-member", "space-admin", "user-self"),
        res=uuid_sql("s.h"),
    )
    credential_rules = f"JSON_ARRAY({first})"
    authorization_policy = Table(
        "authorization_policy",
        n["authorization_policy"],
        (
            ID,
            stamp("created_date", "s.seq"),
            stamp("updated_date", "s.seq + 17"),
            Column("version", "int NOT NULL", "integer", "1 + s.seq % 5", check="sum"),
            Column("credential_rules", "json", "jsonb", credential_rules),
            Column(
                "privilege_rules",
                "json",
                "jsonb",
                "IF(s.seq % 4 > 0, JSON_ARRAY(), JSON_ARRAY(JSON_OBJECT('sourcePrivilege', "
                "'create', 'grantedPrivileges', JSON_ARRAY('create-callout', 'create-post'), "
                "'name', CONCAT('priv-', s.seq % 13))))",
            ),
            boolean("anonymous_read_access", "s.seq % 7 = 0"),
            Column(
                "type",
                "varchar(128)",
                "varchar(128)",
                f"IF(s.seq % 11 = 0, NULL, {pick('s.seq', 'space', 'user', 'callout', 'profile')})",
                nullable=True,
                check="len",
            ),
            Column(
                "parent_authorization_policy_id",
                "char(36)",
                "uuid",
                f"IF(s.seq % 4 = 0, NULL, {uuid_of('authorization_policy', '1 + s.seq DIV 4')})",
                nullable=True,
            ),
        ),
        foreign_keys=(("parent_authorization_policy_id", "authorization_policy"),),
    )
    nid = "'5c9b3f49-8a7e-4d2b-9b1e-0d1a2b3c4d5e'"
    identities = Table(
        "identities",
        n["identities"],
        (
            ID,
            Column("schema_id", "varchar(2048)", "varchar(2048)", "'default'", check="len"),
            Column(
                "traits",
                "json",
                "jsonb",
                "JSON_OBJECT('email', CONCAT('user', s.seq, '@example.org'), "
                "'name', JSON_OBJECT('first', CONCAT('Fïrst', s.seq % 1000), "
                "'last', CONCAT('O''Brien \"', s.seq, '\"')), 'newsletter', s.seq % 2 = 0)",
            ),
            Column("nid", "char(36)", "uuid", nid),
            Column("state", "varchar(255)", "varchar(255)", pick("s.seq", "active", "inactive")),
            stamp("state_changed_at", "s.seq + 3", nullable=True),
            Column(
                "metadata_public",
                "json",
                "jsonb",
                "IF(s.seq % 3 = 0, NULL, JSON_OBJECT('plan', 'free', 'seq', s.seq))",
                nullable=True,
            ),
            Column("available_aal", "varchar(4)", "varchar(4)", "'aal1'", check="len"),
            stamp("created_at", "s.seq + 5"),
            stamp("updated_at", "s.seq + 6"),
        ),
    )
    sessions = Table(
        "sessions",
        n["sessions"],
        (
            ID,
            stamp("issued_at", "s.seq + 1"),
            stamp("expires_at", "s.seq + 2"),
            stamp("authenticated_at", "s.seq + 3"),
            Column(
                "identity_id",
                "char(36) NOT NULL",
                "uuid NOT NULL",
                uuid_of("identities", f"1 + s.seq * 7919 % {n['identities']}"),
            ),
            stamp("created_at", "s.seq + 4"),
            stamp("updated_at", "s.seq + 5"),
            Column("token", "varchar(32)", "varchar(32)", "MD5(CONCAT('token:', s.seq))", True),
            boolean("active", "s.seq % 5 > 0"),
            Column("nid", "char(36)", "uuid", nid),
            Column(
                "logout_token", "varchar(32)", "varchar(32)", "MD5(CONCAT('logout:', s.seq))", True
            ),
            Column("aal", "varchar(4)", "varchar(4)", pick("s.seq", "aal1", "aal2"), check="len"),
            Column(
                "authentication_methods",
                "json",
                "jsonb",
                "JSON_ARRAY(JSON_OBJECT('method', 'password', 'aal', 'aal1', "
                f"'completed_at', DATE_FORMAT({ts('s.seq + 3')}, '%Y-%m-%dT%H:%i:%s.%fZ')))",
            ),
        ),
        foreign_keys=(("identity_id", "identities"),),
        unique=("token",),
    )
    users = Table(
        "users",
        n["users"],
        (
            ID,
            stamp("created_date", "s.seq + 7"),
            stamp("updated_date", "s.seq + 8"),
            Column("version", "int NOT NULL", "integer", "1 + s.seq % 3", check="sum"),
            Column(
                "name_id", "varchar(255)", "varchar(255)", "CONCAT('user-', s.seq)", check="len"
            ),
            Column(
                "first_name", "varchar(255)", "varchar(255)", "CONCAT('Zoë ', s.seq)", check="len"
            ),
            Column(
                "last_name",
                "varchar(255)",
                "varchar(255)",
                "CONCAT('D''Arcy, \"Jr\" ', s.seq % 500)",
                check="len",
            ),
            Column(
                "email", "varchar(512)", "varchar(512)", "CONCAT('u', s.seq, '@example.org')", True
            ),
            Column(  # NULL, '' and a value: the CSV must keep the first two apart
                "phone",
                "varchar(255)",
                "varchar(255)",
                "ELT(1 + s.seq % 3, NULL, '', CONCAT('+49 30 ', s.seq))",
                nullable=True,
                check="len",
            ),
            boolean("service_profile", "s.seq % 100 = 0"),
            Column(
                "authorization_id",
                "char(36)",
                "uuid",
                uuid_of("authorization_policy", "s.seq"),
                nullable=True,
            ),
            Column(
                "profile",
                "json",
                "jsonb",
                "JSON_OBJECT('displayName', CONCAT('Zoë \"Z\" ', s.seq), "
                "'tagline', CONCAT('line one', CHAR(10 USING utf8mb4), 'line two'), 'city', 'Den Haag')",
            ),
        ),
        foreign_keys=(("authorization_id", "authorization_policy"),),
        unique=("authorization_id",),
    )
    body = (
        "CONCAT('Message ', s.seq, ' said \"hello, world\"', CHAR(10 USING utf8mb4), "
        "'it''s got a tab', CHAR(9 USING utf8mb4), 'and a backslash \\\\ and \\\\N', CHAR(13 USING utf8mb4), CHAR(10 USING utf8mb4), "
        "REPEAT('lorem ipsum dolor sit amet, ', 1 + s.seq % 6), 'ünïcødé ✓ 日本語', "
        "IF(s.seq % 10 = 0, CONCAT(CHAR(13 USING utf8mb4), CHAR(10 USING utf8mb4), '\"\"'), ''))"
    )
    author = f"1 + s.seq * 31 % {n['users']}"
    messages = Table(
        "messages",
        n["messages"],
        (
            serial_id(),
            Column(
                "author_id",
                "char(36)",
                "uuid",
                f"IF(s.seq % 50 = 0, NULL, {uuid_of('users', author)})",
                nullable=True,
            ),
            Column("title", "varchar(255)", "varchar(255)", "CONCAT('Re: \"', s.seq, '\"')", True),
            Column("body", "text", "text", body, check="len"),
            stamp("created_date", "s.seq + 9"),
            boolean("is_edited", "s.seq % 6 = 0"),
            Column(
                "reactions",
                "json",
                "jsonb",
                "IF(s.seq % 4 = 0, NULL, JSON_OBJECT('👍', s.seq % 9, 'by', "
                "JSON_ARRAY(CONCAT('user-', s.seq % 77))))",
                nullable=True,
            ),
        ),
        foreign_keys=(("author_id", "users"),),
    )
    attachments = Table(
        "attachments",
        n["attachments"],
        (
            serial_id(big=True),
            Column(
                "message_id",
                "int NOT NULL",
                "integer NOT NULL",
                f"1 + s.seq * 13 % {n['messages']}",
                check="sum",
            ),
            Column(
                "file_name",
                "varchar(255)",
                "varchar(255)",
                "CONCAT('scan ', s.seq, ', \"final\".pdf')",
                check="len",
            ),
            Column("mime_type", "varchar(128)", "varchar(128)", "'application/pdf'", check="len"),
            Column("size", "int", "integer", "16 * (1 + s.seq % 190)", check="sum"),
            # Arbitrary bytes (0x00, CR, LF, '"', '\\' included), 16 B .. 3 KB, ~1.5 KB average.
            Column(
                "content",
                "mediumblob",
                "bytea",
                "UNHEX(REPEAT(s.h, 1 + s.seq % 190))",
                nullable=True,
                check="bytes",
            ),
            Column("checksum", "char(32)", "char(32)", "s.h", check="len"),
            stamp("created_date", "s.seq + 10"),
        ),
        foreign_keys=(("message_id", "messages"),),
    )
    return [
        authorization_policy,
        identities,
        sessions,
        users,
        messages,
        attachments,
        wide_table(n["wide_profile"]),
    ]


def wide_table(rows: int) -> Table:
    """45 columns: every common scalar type, some NULLs."""
    kinds = ["varchar", "int", "decimal", "bool", "datetime", "bigint", "double", "date", "text"]
    columns = [serial_id()]
    for i in range(1, 45):
        kind = kinds[i % len(kinds)]
        name = f"f{i:02d}_{kind}"
        k = f"s.seq * {i + 2}"
        if kind == "varchar":
            col = Column(name, "varchar(255)", "varchar(255)", f"CONCAT('v{i}-', {k} % 9973)", True)
            col = Column(col.name, col.mysql, col.pg, col.expr, True, "len")
        elif kind == "int":
            col = Column(
                name, "int", "integer", f"CAST({k} % 100000 AS SIGNED) - 50000", True, "sum"
            )
        elif kind == "decimal":
            col = Column(
                name, "decimal(12,2)", "numeric(12,2)", f"{k} % 1000000 / 100", True, "sum"
            )
        elif kind == "bool":
            col = boolean(name, f"({k}) % 2")
        elif kind == "datetime":
            col = stamp(name, k, nullable=True)
        elif kind == "bigint":
            col = Column(name, "bigint", "bigint", f"{k} * 1000003", True, "sum")
        elif kind == "double":
            col = Column(name, "double", "double precision", f"s.seq * 1e0 / {i + 3}", True)
        elif kind == "date":
            col = Column(name, "date", "date", f"DATE({ts(k)})", True)
        else:
            col = Column(
                name, "text", "text", f"REPEAT(CONCAT('t{i} \"q\" '), 1 + s.seq % 5)", True
            )
            col = Column(col.name, col.mysql, col.pg, col.expr, True, "len")
        if col.nullable and i % 4 == 0:
            col = Column(
                col.name,
                col.mysql,
                col.pg,
                f"IF(s.seq % 13 = 0, NULL, {col.expr})",
                True,
                col.check,
            )
        columns.append(col)
    return Table("wide_profile", rows, tuple(columns))


# ---- DDL ----------------------------------------------------------------------------------------


def mysql_ddl(table: Table) -> str:
    cols = []
    for c in table.columns:
        null = "" if "NOT NULL" in c.mysql else (" NULL" if c.nullable else " NOT NULL")
        cols.append(f"  `{c.name}` {c.mysql}{null}")
    cols.append("  PRIMARY KEY (`id`)")
    cols += [f"  UNIQUE KEY `uq_{table.name}_{u}` (`{u}`)" for u in table.unique]
    cols += [
        f"  CONSTRAINT `fk_{table.name}_{col}` FOREIGN KEY (`{col}`) REFERENCES `{ref}` (`id`)"
        for col, ref in table.foreign_keys
    ]
    body = ",\n".join(cols)
    return f"CREATE TABLE `{table.name}` (\n{body}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"


def postgres_ddl(table: Table) -> list[str]:
    cols = []
    for c in table.columns:
        null = "" if ("NOT NULL" in c.pg or "serial" in c.pg or c.nullable) else " NOT NULL"
        cols.append(f'  "{c.name}" {c.pg}{null}')
    cols.append("  PRIMARY KEY (id)")
    cols += [f'  UNIQUE ("{u}")' for u in table.unique]
    body = ",\n".join(cols)
    statements = [f'CREATE TABLE "{table.name}" (\n{body}\n)']
    statements += [
        f'ALTER TABLE "{table.name}" ADD CONSTRAINT "fk_{table.name}_{col}" '
        f'FOREIGN KEY ("{col}") REFERENCES "{ref}" (id)'
        for col, ref in table.foreign_keys
    ]
    return statements


def insert_sql(table: Table) -> str:
    names = ", ".join(f"`{c}`" for c in table.column_names)
    exprs = ",\n  ".join(c.expr for c in table.columns)
    # Rows arrive in primary-key order: uuid keys sorted first, so InnoDB appends, not splits.
    order = "ORDER BY 1" if table.columns[0].pg == "uuid" else ""
    return (
        f"INSERT INTO `{table.name}` ({names})\nSELECT\n  {exprs}\n"
        f"FROM (SELECT seq, MD5(CONCAT('{table.name}:', seq)) AS h "
        f"FROM seq_1_to_{table.rows}) s {order}"
    )


# ---- servers ------------------------------------------------------------------------------------


def mysql_connect(server: Server, database: str | None = None) -> pymysql.Connection:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=database,
        charset="utf8mb4",
        autocommit=True,
    )


def postgres_connect(server: Server, database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password or None,
        dbname=database,
        autocommit=True,
    )


def exact_counts(
    mysql: Server, scale_tables: list[Table], database: str = MYSQL_DATABASE
) -> dict[str, int]:
    with mysql_connect(mysql, database) as conn, conn.cursor() as cur:
        counts = {}
        for t in scale_tables:
            cur.execute(f"SELECT COUNT(*) FROM `{t.name}`")
            counts[t.name] = cur.fetchone()[0]
        return counts


def dataset_present(
    mysql: Server, scale_tables: list[Table], database: str = MYSQL_DATABASE
) -> bool:
    """True when every table exists with exactly the rows this scale generates."""
    try:
        counts = exact_counts(mysql, scale_tables, database)
    except pymysql.MySQLError:
        return False
    return all(counts[t.name] == t.rows for t in scale_tables)


def generate_mysql(
    mysql: Server, scale_tables: list[Table], log=print, database: str = MYSQL_DATABASE
) -> float:
    """(Re)create the MySQL database and fill it; returns seconds taken."""
    started = time.monotonic()
    with mysql_connect(mysql) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{database}`")
        cur.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        cur.execute("SET SESSION sort_buffer_size = 256 * 1024 * 1024")
        cur.execute("SET SESSION time_zone = '+00:00'")
        for t in scale_tables:
            cur.execute(mysql_ddl(t))
        for t in scale_tables:
            t0 = time.monotonic()
            cur.execute("BEGIN")
            cur.execute(insert_sql(t))
            cur.execute("COMMIT")
            log(f"  generated {t.name}: {t.rows:,} rows in {time.monotonic() - t0:.1f} s")
        for t in scale_tables:
            cur.execute(f"ANALYZE TABLE `{t.name}`")
            cur.fetchall()
    return time.monotonic() - started


def data_sizes(mysql: Server, database: str = MYSQL_DATABASE) -> dict[str, int]:
    """information_schema data_length per table (bytes; clustered index = the rows)."""
    with mysql_connect(mysql) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT TABLE_NAME, DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            (database,),
        )
        return {name: int(size) for name, size in cur.fetchall()}


def create_postgres_database(postgres: Server, database: str, scale_tables: list[Table]) -> None:
    """Drop and recreate `database` with the empty target schema."""
    with postgres_connect(postgres) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    with postgres_connect(postgres, database) as conn:
        for t in scale_tables:
            for statement in postgres_ddl(t):
                conn.execute(statement)


# ---- verification -------------------------------------------------------------------------------


def _check_exprs(table: Table, dialect: str) -> list[tuple[str, str]]:
    """(label, aggregate) pairs that fingerprint the content of the checked columns."""
    out = [("rows", "COUNT(*)")]
    for c in table.columns:
        q = f"`{c.name}`" if dialect == "mysql" else f'"{c.name}"'
        nulls = f"SUM({q} IS NULL)" if dialect == "mysql" else f"COUNT(*) - COUNT({q})"
        out.append((f"{c.name}:nulls", nulls))
        if c.check == "len":
            out.append((f"{c.name}:chars", f"SUM(CHAR_LENGTH({q}))"))
        elif c.check == "bytes":
            f = "LENGTH" if dialect == "mysql" else "OCTET_LENGTH"
            out.append((f"{c.name}:bytes", f"SUM({f}({q}))"))
        elif c.check == "sum":
            out.append((f"{c.name}:sum", f"SUM({q})"))
        elif c.check == "bool":
            out.append(
                (
                    f"{c.name}:true",
                    f"SUM({q})" if dialect == "mysql" else f"COUNT(*) FILTER (WHERE {q})",
                )
            )
        elif c.check == "time":
            if dialect == "mysql":
                secs = f"SUM(TIMESTAMPDIFF(SECOND, {EPOCH}, {q}))"
                micros = f"SUM(MICROSECOND({q}))"
            else:
                epoch = "TIMESTAMP '2020-01-01'"
                secs = f"SUM(FLOOR(EXTRACT(EPOCH FROM {q} - {epoch})))"
                micros = f"SUM(EXTRACT(MICROSECONDS FROM {q})::bigint % 1000000)"
            out += [(f"{c.name}:seconds", secs), (f"{c.name}:micros", micros)]
    return out


def _norm(value) -> str:
    if value is None:
        return "0"
    if isinstance(value, (int, Decimal, float)):
        return format(Decimal(value).normalize(), "f") if value else "0"
    return str(value)


def fingerprint_mysql(
    mysql: Server, scale_tables: list[Table], database: str = MYSQL_DATABASE
) -> dict[str, dict[str, str]]:
    out = {}
    with mysql_connect(mysql, database) as conn, conn.cursor() as cur:
        for t in scale_tables:
            checks = _check_exprs(t, "mysql")
            cur.execute(f"SELECT {', '.join(a for _, a in checks)} FROM `{t.name}`")
            out[t.name] = {
                label: _norm(v) for (label, _), v in zip(checks, cur.fetchone(), strict=True)
            }
    return out


def fingerprint_postgres(
    postgres: Server, database: str, scale_tables: list[Table]
) -> dict[str, dict[str, str]]:
    out = {}
    with postgres_connect(postgres, database) as conn:
        for t in scale_tables:
            checks = _check_exprs(t, "postgres")
            row = conn.execute(
                f'SELECT {", ".join(a for _, a in checks)} FROM "{t.name}"'
            ).fetchone()
            out[t.name] = {label: _norm(v) for (label, _), v in zip(checks, row, strict=True)}
    return out


def compare(expected: dict[str, dict[str, str]], actual: dict[str, dict[str, str]]) -> list[str]:
    """Human-readable differences: row counts first, then content fingerprints."""
    problems = []
    for table, want in expected.items():
        got = actual.get(table, {})
        if got.get("rows") != want["rows"]:
            problems.append(f"{table}: {got.get('rows', '?')} rows, MySQL has {want['rows']}")
            continue
        for label, value in want.items():
            if got.get(label) != value:
                problems.append(f"{table}.{label}: {got.get(label)} != MySQL {value}")
    return problems
