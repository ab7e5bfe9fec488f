"""Create the demo databases: two MySQL sources full of data and their empty PostgreSQL targets.

`create_demo()` drops and re-creates, on the MySQL server, an Alkemio-like database (TypeORM
schema subset, `alkemio_mysql.sql`) and an Ory Kratos v1.3.1 database (`kratos_mysql.sql`), fills
them with deterministic generated rows, and drops and re-creates the PostgreSQL databases of the
same names with the schema the applications' own PostgreSQL migrations would create
(`*_postgres.sql`, Kratos' seeded rows included).

Each source's tables and rows are built in its own module (`alkemio.py`, `kratos.py`) from
what `values.py` gives both: the generator, the awkward text and the people.

The data is valid for the target schema (foreign keys hold, every NOT NULL target column is fed)
but carries what real users type and what real applications store: line feeds, CRLF and lone CR,
quotes, backslashes, commas, a field that is exactly `\\.`, the string 'NULL', tabs, leading and
trailing spaces, 4-byte UTF-8, NULL next to '' in nullable text, JSON with nested objects and
unicode escapes, blobs with all 256 byte values, microsecond timestamps, 0/1 booleans, and
zlib data stored as text (with U+0000 characters) in the two columns listed in `TRANSFORMS`.

Run `python -m demo.seed [--rows N]` from the repository root; server URLs come from the
options or the CONVERGE_MYSQL_URL / CONVERGE_POSTGRES_URL environment variables. Passwords are
never printed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import pymysql
from psycopg import sql

from .alkemio import Alkemio
from .kratos import Kratos
from .values import Gen, Rows, make_people

HERE = Path(__file__).resolve().parent
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_DATABASES = {"alkemio": "alkemio", "kratos": "kratos"}
SEED = 20240917

# Tables present in the sources that a migration must leave alone (the target's own migrations
# fill their counterparts).
EXCLUDED_TABLES: dict[str, tuple[str, ...]] = {
    "alkemio": ("migrations_typeorm", "query-result-cache"),
    "kratos": ("schema_migration",),
}
# Columns that hold zlib data as text (bytes read as latin-1, so U+0000 occurs): PostgreSQL text
# cannot hold 0x00, so they travel base64-encoded.
TRANSFORMS: dict[str, dict[str, dict[str, str]]] = {
    "alkemio": {
        "whiteboard": {"content": "base64"},
        "callout_contribution_defaults": {"whiteboardContent": "base64"},
    },
    "kratos": {},
}


# --------------------------------------------------------------------------------------------
# Servers and SQL files


@dataclass(frozen=True)
class _Server:
    host: str
    port: int
    user: str
    password: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


def _redact(url: str) -> str:
    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", url)


def _parse_url(url: str, default_port: int) -> _Server:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"database URL {_redact(url)!r} has no host")
    return _Server(
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def split_statements(text: str) -> list[str]:
    """Split a plain SQL file into statements: `--` comment lines are dropped and a statement
    ends at a line whose last character is `;`."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements


def run_mysql_file(conn: pymysql.connections.Connection, path: Path) -> int:
    """Run a SQL file statement by statement on a pymysql connection; returns the count."""
    statements = split_statements(path.read_text(encoding="utf-8"))
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    return len(statements)


def _mysql_connect(server: _Server, database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=database,
        charset="utf8mb4",
        binary_prefix=True,
        autocommit=False,
        # TIMESTAMP columns store UTC; a session in UTC writes the values given unchanged.
        init_command="SET time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,"
        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    )


def _pg_connect(server: _Server, database: str, autocommit: bool = False) -> psycopg.Connection:
    kwargs: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "dbname": database,
        "autocommit": autocommit,
    }
    if server.password:
        kwargs["password"] = server.password
    return psycopg.connect(**kwargs)


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


# --------------------------------------------------------------------------------------------
# Data generation


def generate(rows: int = 1, seed: int = SEED) -> dict[str, Rows]:
    """The rows of both sources, table by table in foreign-key order (parents first)."""
    if not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a positive integer, not {rows!r}")
    g = Gen(seed)
    people = make_people(g, 72 * rows)
    kratos = Kratos(Gen(seed + 1), people, rows).build()
    alkemio = Alkemio(Gen(seed + 2), people, rows).build()
    return {"alkemio": alkemio, "kratos": kratos}


# --------------------------------------------------------------------------------------------
# Loading


def _insert_all(conn: pymysql.connections.Connection, tables: Rows) -> dict[str, int]:
    counts = {}
    with conn.cursor() as cur:
        for table, rows in tables.items():
            counts[table] = len(rows)
            if not rows:
                continue
            columns = list(rows[0])
            for row in rows:
                if list(row) != columns:
                    raise AssertionError(f"{table}: rows with different columns: {list(row)}")
            query = "INSERT INTO {} ({}) VALUES ({})".format(
                _mysql_ident(table),
                ", ".join(_mysql_ident(c) for c in columns),
                ", ".join(["%s"] * len(columns)),
            )
            for chunk in _chunks([tuple(r[c] for c in columns) for r in rows], 2000):
                cur.executemany(query, chunk)
    return counts


def _chunks(items: list[tuple], size: int) -> Iterator[list[tuple]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _create_mysql(server: _Server, source: str, database: str, tables: Rows) -> dict[str, int]:
    conn = _mysql_connect(server)
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {_mysql_ident(database)}")
            cur.execute(
                f"CREATE DATABASE {_mysql_ident(database)} "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            cur.execute(f"USE {_mysql_ident(database)}")
        with conn.cursor() as cur:
            # Foreign keys added to empty tables need no check (mysqldump does the same); it
            # lets InnoDB add them in place instead of copying each table. The rows are then
            # inserted with checks on, so every foreign key is enforced on the data.
            cur.execute("SET foreign_key_checks = 0")
            run_mysql_file(conn, HERE / f"{source}_mysql.sql")
            cur.execute("SET foreign_key_checks = 1")
        counts = _insert_all(conn, tables)
        conn.commit()
        with conn.cursor() as cur:
            for table, expected in counts.items():
                cur.execute(f"SELECT COUNT(*) FROM {_mysql_ident(table)}")
                (found,) = cur.fetchone()
                if found != expected:
                    raise AssertionError(f"{database}.{table}: {found} rows, expected {expected}")
        return counts
    finally:
        conn.close()


def _create_postgres(server: _Server, source: str, database: str) -> None:
    with _pg_connect(server, "postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(database)
            )
        )
    with _pg_connect(server, database) as conn:
        conn.execute((HERE / f"{source}_postgres.sql").read_text(encoding="utf-8"))
        conn.commit()


def create_demo_tables(
    mysql_url: str = DEFAULT_MYSQL_URL,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    *,
    databases: dict[str, str] | None = None,
    rows: int = 1,
) -> dict[str, dict[str, int]]:
    """Like `create_demo`, but returns the rows of every MySQL table (excluded ones too)."""
    databases = dict(DEFAULT_DATABASES if databases is None else databases)
    unknown = set(databases) - set(DEFAULT_DATABASES)
    if unknown:
        raise ValueError(
            f"unknown demo sources {sorted(unknown)}; known: {sorted(DEFAULT_DATABASES)}"
        )
    mysql_server = _parse_url(mysql_url, 3306)
    postgres_server = _parse_url(postgres_url, 5432)
    data = generate(rows)
    result = {}
    for source, database in databases.items():
        result[source] = _create_mysql(mysql_server, source, database, data[source])
        _create_postgres(postgres_server, source, database)
    return result


def create_postgres_target(postgres_url: str, source: str, database: str) -> None:
    """Drop and re-create one empty PostgreSQL target of a demo source (the benchmarks load
    other tools into a copy of the schema)."""
    _create_postgres(_parse_url(postgres_url, 5432), source, database)


def create_demo(
    mysql_url: str = DEFAULT_MYSQL_URL,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    *,
    databases: dict[str, str] | None = None,
    rows: int = 1,
) -> dict[str, int]:
    """Drop and re-create the demo databases; returns, per source, the rows written to the tables
    a migration moves (the tables in `EXCLUDED_TABLES` are filled too but not counted).

    `databases` maps source name ("alkemio", "kratos") to database name, used on both servers;
    `rows` scales the data (1: a few thousand rows per source).
    """
    tables = create_demo_tables(mysql_url, postgres_url, databases=databases, rows=rows)
    return {
        source: sum(n for t, n in counts.items() if t not in EXCLUDED_TABLES[source])
        for source, counts in tables.items()
    }


def fingerprint(rows: int = 1) -> str:
    """A digest of the generated data, to check that generation stays deterministic."""
    digest = hashlib.sha256()
    for source, tables in generate(rows).items():
        for table, table_rows in tables.items():
            digest.update(f"{source}.{table}:{len(table_rows)}".encode())
            for row in table_rows:
                digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.seed",
        description="Drop and re-create the demo MySQL sources (with data) and PostgreSQL targets.",
    )
    parser.add_argument("--rows", type=int, default=1, help="scale factor (default 1)")
    parser.add_argument(
        "--mysql-url", default=os.environ.get("CONVERGE_MYSQL_URL", DEFAULT_MYSQL_URL)
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("CONVERGE_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="SOURCE=NAME",
        help="database name for a source (default alkemio=alkemio, kratos=kratos)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    databases = dict(DEFAULT_DATABASES)
    for item in args.database:
        source, sep, name = item.partition("=")
        if not sep or source not in DEFAULT_DATABASES or not name:
            parser.error(
                f"--database expects SOURCE=NAME with SOURCE in {sorted(DEFAULT_DATABASES)}"
            )
        databases[source] = name
    mysql_server = _parse_url(args.mysql_url, 3306)
    postgres_server = _parse_url(args.postgres_url, 5432)
    started = time.monotonic()
    try:
        tables = create_demo_tables(
            args.mysql_url, args.postgres_url, databases=databases, rows=args.rows
        )
    except (pymysql.Error, psycopg.Error, OSError) as e:
        print(f"demo: failed: {_redact(str(e))}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(f"demo databases at scale {args.rows} ({elapsed:.1f} s)")
    print(f"  MySQL {mysql_server}, PostgreSQL {postgres_server}")
    for source, counts in tables.items():
        moved = {t: n for t, n in counts.items() if t not in EXCLUDED_TABLES[source]}
        print(
            f"  {source}: database {databases[source]}, {len(moved)} tables, "
            f"{sum(moved.values())} rows (+{len(counts) - len(moved)} excluded tables: "
            f"{', '.join(EXCLUDED_TABLES[source])})"
        )
        for table, n in counts.items():
            mark = " (excluded)" if table in EXCLUDED_TABLES[source] else ""
            print(f"    {table:<34} {n:>7}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
