"""The MySQL side: the resource and every SQL statement run against the source server."""

from __future__ import annotations

import contextlib
import functools
import ssl
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pymysql
import pymysql.cursors
from pymysql.constants import COMMAND, CR

from .catalog import Catalog, Column, Table
from .config import ServerURL, redact
from .conversion import quote_mysql


class SourceError(Exception):
    """An error from the MySQL side, with the password scrubbed from its text."""


@functools.cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False  # as pymysql's own default without a CA
    context.verify_mode = ssl.CERT_NONE
    return context


def _tls_options(mode: str) -> dict:
    if mode == "disabled":
        return {"ssl_disabled": True}
    if mode == "required":
        return {"ssl": _tls_context()}  # one context per process, reused
    return {}  # preferred: pymysql's default (TLS when the server offers it)


@dataclass(frozen=True)
class MySQLServer:
    """A MySQL/MariaDB server. `url` comes from an environment variable (`EnvVar`), so the UI
    shows the variable's name, never its value."""

    url: str

    @contextlib.contextmanager
    def connect(self, database: str, *, streaming: bool = False) -> Iterator[pymysql.Connection]:
        server = ServerURL.parse(self.url, 3306)
        try:
            conn = pymysql.connect(
                host=server.host,
                port=server.port,
                user=server.user,
                password=server.password,
                database=database,
                charset="utf8mb4",
                # Rows arrive as bytes: the exporter writes them to the CSV untouched.
                use_unicode=not streaming,
                cursorclass=pymysql.cursors.SSCursor if streaming else pymysql.cursors.Cursor,
                connect_timeout=10,
                autocommit=True,
                # pymysql builds a TLS context per connection by default (~50 ms of CPU under
                # the GIL, measured); we ask for TLS only where the URL's ssl mode says so.
                **_tls_options(server.ssl),
            )
        except pymysql.MySQLError as e:
            raise SourceError(
                f"cannot connect to MySQL at {server} ({database}): {redact(str(e))}"
            ) from None
        try:
            with conn.cursor() as cur:
                # Values are printed as UTC and as utf8mb4 whatever the server's defaults.
                cur.execute("SET time_zone = '+00:00'")
                cur.execute("SET SESSION net_write_timeout = 3600, net_read_timeout = 3600")
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.close()


# --- streaming a one-column result -----------------------------------------------------------

_MAX_PACKET = 0xFFFFFF  # a payload this long continues in the next packet
# A length-encoded string starts with its length: one byte below 0xFB, else a marker byte
# and a 2-, 3- or 8-byte length.
_LENGTH_PREFIX = {0xFC: 3, 0xFD: 4, 0xFE: 9}
_READ_BYTES = 1 << 20


def stream_lines(conn: pymysql.Connection, query: str) -> Iterator[list[bytes | None]]:
    """The value of every row of a one-column `query`, a network read's worth of rows at a time.

    pymysql parses every row packet in Python objects, about 5 µs a row (measured: most of an
    export's client CPU). Export rows have a single column, a finished CSV line, so the row
    packets are cut here straight out of the socket's buffer (about 2 µs a row): the header
    and column definitions are read with pymysql, the rows as
    `<3-byte length><sequence id><length-encoded string>`, until the closing EOF packet.
    Those reads are pymysql's private ones: pyproject pins pymysql exactly (test_rows.py
    fails on another version, and moves a row over 16 MiB through the multi-packet path)."""
    conn._execute_command(COMMAND.COM_QUERY, query)
    columns = conn._read_packet().read_length_encoded_integer()
    if columns != 1:
        raise ValueError(f"stream_lines needs a one-column query, got {columns} columns")
    for _ in range(columns + 1):  # the column definition and the EOF packet after it
        conn._read_packet()
    buf = b""
    continued: list[bytes] = []  # the parts of a row longer than one packet
    while True:
        buf += _read_some(conn)
        pos, end_of_buf, rows = 0, len(buf), []
        while end_of_buf - pos >= 4:
            size = buf[pos] | buf[pos + 1] << 8 | buf[pos + 2] << 16
            start, end = pos + 4, pos + 4 + size
            if end > end_of_buf:
                break
            pos = end
            if size == _MAX_PACKET or continued:
                continued.append(buf[start:end])
                if size == _MAX_PACKET:
                    continue
                # Only a row is that long (never EOF or an error): its value is joined
                # straight from the parts, one copy of it held, not two.
                rows.append(_long_value(continued))
                continued = []
                continue
            kind = buf[start]
            if kind == 0xFE and end - start < 9:  # EOF: the result is complete
                yield rows
                return
            if kind == 0xFF:
                pymysql.err.raise_mysql_exception(buf[start:end])
            if kind < 0xFB:  # most rows: a one-byte length
                rows.append(buf[start + 1 : end])
            elif kind == 0xFB:
                rows.append(None)
            else:
                rows.append(buf[start + _LENGTH_PREFIX[kind] : end])
        buf = buf[pos:]
        if rows:
            yield rows


def _long_value(parts: list[bytes]) -> bytes:
    """The value of a row sent in several packets, without its length prefix."""
    parts[0] = parts[0][_LENGTH_PREFIX.get(parts[0][0], 1) :]
    return b"".join(parts)


def _read_some(conn: pymysql.Connection) -> bytes:
    try:
        data = conn._rfile.read1(_READ_BYTES)
    except OSError as e:
        conn._force_close()
        raise pymysql.err.OperationalError(
            CR.CR_SERVER_LOST, f"Lost connection to MySQL server during query ({e})"
        ) from None
    if not data:
        conn._force_close()
        raise pymysql.err.OperationalError(
            CR.CR_SERVER_LOST, "Lost connection to MySQL server during query"
        )
    return data


# --- discovery ------------------------------------------------------------------------------

TABLE_NAMES = """
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME
"""
_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, EXTRA
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s{only} ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_PRIMARY_KEYS = """
SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = %s AND CONSTRAINT_NAME = 'PRIMARY'{only} ORDER BY TABLE_NAME, ORDINAL_POSITION
"""


def discover(
    conn: pymysql.Connection,
    source: str,
    database: str,
    exclude: tuple[str, ...] = (),
    only: Collection[str] | None = None,
) -> Catalog:
    """The database's tables as MySQL describes them now (`only`: just those tables)."""
    wanted = sorted(only) if only is not None else []
    only_sql = f" AND TABLE_NAME IN ({', '.join(['%s'] * len(wanted))})" if wanted else ""
    params = (database, *wanted)
    with conn.cursor() as cur:
        cur.execute(TABLE_NAMES, (database,))
        names = [
            _str(r[0])
            for r in cur.fetchall()
            if r[0] not in exclude and (only is None or _str(r[0]) in wanted)
        ]
        if not names:
            return Catalog(source=source, mysql_database=database)
        cur.execute(_COLUMNS.format(only=only_sql), params)
        columns: dict[str, list[Column]] = {}
        for table, name, data_type, column_type, nullable, charset, extra in cur.fetchall():
            columns.setdefault(table, []).append(
                Column(
                    name=name,
                    data_type=data_type.lower(),
                    column_type=column_type,  # enum and set labels are case-sensitive
                    nullable=nullable == "YES",
                    charset=charset,
                    extra=(extra or "").lower(),
                )
            )
        cur.execute(_PRIMARY_KEYS.format(only=only_sql), params)
        keys: dict[str, list[str]] = {}
        for table, name in cur.fetchall():
            keys.setdefault(table, []).append(name)
    tables = tuple(
        Table(name=n, columns=tuple(columns.get(n, ())), primary_key=tuple(keys.get(n, ())))
        for n in names
    )
    return Catalog(source=source, mysql_database=database, tables=tables)


# --- export ---------------------------------------------------------------------------------


def begin_snapshot(cur) -> None:
    """A consistent, read-only snapshot: the count, the rows and the fingerprints of one table
    all see the same state of a live database."""
    cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")


def server_version(cur) -> str:
    cur.execute("SELECT VERSION()")
    value = cur.fetchone()[0]
    return value.decode() if isinstance(value, bytes) else value


def table_sizes(cur, database: str) -> dict[str, int]:
    """InnoDB's estimate of each table's bytes (data and indexes): an ordering hint only."""
    cur.execute(
        "SELECT TABLE_NAME, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) "
        "FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
        (database,),
    )
    return {_str(name): int(size) for name, size in cur.fetchall()}


def _str(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def qualified(database: str, table: str) -> str:
    return f"{quote_mysql(database)}.{quote_mysql(table)}"


def count_sql(database: str, table: str, conversions: dict[str, str]) -> str:
    """COUNT(*) and the number of values each counted conversion will touch, in one scan."""
    parts = ["COUNT(*)"] + [
        f"CAST(COALESCE(SUM({cond}), 0) AS UNSIGNED)" for cond in conversions.values()
    ]
    return f"SELECT {', '.join(parts)} FROM {qualified(database, table)}"


def table_state_sql() -> str:
    """AUTO_INCREMENT (the next id) and UPDATE_TIME (the last change, kept in memory by
    InnoDB): neither is transactional, so they are read right after the snapshot begins."""
    return (
        "SELECT AUTO_INCREMENT, CAST(UPDATE_TIME AS CHAR) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s"
    )


def update_times_sql() -> str:
    return (
        "SELECT TABLE_NAME, CAST(UPDATE_TIME AS CHAR) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = %s"
    )


def rows_sql(database: str, table: str, line_sql: str) -> str:
    return f"SELECT {line_sql} FROM {qualified(database, table)}"


def first_row_where_sql(database: str, table: Table, condition: str) -> str:
    """The key of the first row matching `condition`: how a refusal names its row."""
    key = table.primary_key or tuple(table.column_names)
    cols = ", ".join(quote_mysql(k) for k in key)
    order = ", ".join(quote_mysql(k) for k in key)
    return f"SELECT {cols} FROM {qualified(database, table.name)} WHERE {condition} ORDER BY {order} LIMIT 1"


def null_counts_sql(database: str, table: str, columns: list[str]) -> str:
    parts = ", ".join(f"COALESCE(SUM({quote_mysql(c)} IS NULL), 0)" for c in columns)
    return f"SELECT {parts} FROM {qualified(database, table)}"


def table_fingerprint(cur, database: str, table: str) -> tuple[int | None, int]:
    """`CHECKSUM TABLE` (changes with any row's content) and the exact row count."""
    cur.execute(f"CHECKSUM TABLE {qualified(database, table)}")
    checksum = cur.fetchone()[1]
    cur.execute(f"SELECT COUNT(*) FROM {qualified(database, table)}")
    return checksum, int(cur.fetchone()[0])


def _parity_bucket(key_sql: str, buckets: int, uuid_key: bool = False) -> str:
    if uuid_key:
        # A uuid key's text is already spread: two of its bytes instead of an MD5 per row
        # (postgres._parity_bucket has why these two).
        return (
            f"(CAST(CONV(SUBSTRING({key_sql}, 7, 2), 16, 10) AS UNSIGNED) "
            f"+ CAST(CONV(RIGHT({key_sql}, 2), 16, 10) AS UNSIGNED)) % {buckets}"
        )
    return f"CAST(CONV(LEFT(MD5({key_sql}), 8), 16, 10) AS UNSIGNED) % {buckets}"


def _concat(parts: list[str]) -> str:
    # Digests are never NULL (NULL has its own marker), so CONCAT_WS skips nothing.
    return f"CONCAT_WS('|', {', '.join(parts)})"


def parity_buckets_sql(
    database: str, table: str, key: list[str], row: list[str], buckets: int, uuid_key: bool = False
) -> str:
    """Per key bucket: rows and the exact sum of a 60-bit slice of each row's MD5."""
    # GROUP BY the position, never an alias: MySQL resolves a GROUP BY name against the
    # table's columns first, so a column named like the alias would be grouped by instead.
    return (
        f"SELECT {_parity_bucket(_concat(key), buckets, uuid_key)}, COUNT(*), "
        f"CAST(SUM(CAST(CONV(LEFT(MD5({_concat(row)}), 15), 16, 10) AS UNSIGNED)) AS CHAR) "
        f"FROM {qualified(database, table)} GROUP BY 1"
    )


def parity_rows_sql(
    database: str,
    table: str,
    key: list[str],
    row: list[str],
    buckets: int,
    only: list[int],
    uuid_key: bool = False,
) -> str:
    """Per row of the buckets `only`: bucket, key text and MD5 of the row's digests."""
    bucket = _parity_bucket(_concat(key), buckets, uuid_key)
    return (
        f"SELECT {bucket}, {_concat(key)}, MD5({_concat(row)}) "
        f"FROM {qualified(database, table)} WHERE {bucket} IN ({', '.join(map(str, only))})"
    )


def json_lines_sql(
    database: str,
    table: str,
    key: list[str],
    row: list[str],
    json_fields: list[str],
    buckets: int | None = None,
    only: list[int] | None = None,
    uuid_key: bool = False,
) -> str:
    """One CSV line per row (of the buckets `only`): the key's digest text, the 60-bit slice of
    the MD5 of the row's digests as hex (neither ever holds a comma or a quote), then the JSON
    columns' fields (`ColumnPlan.stage_field_sql`), for PostgreSQL to parse as jsonb and sum
    with the row hashes: one MySQL scan gives both sides of the sums (`parity_buckets_sql` is
    for tables without jsonb)."""
    # CONCAT, not CONCAT_WS: a NULL field must make the line NULL, never shift the columns.
    fields = ", ',', ".join([_concat(key), f"LEFT(MD5({_concat(row)}), 15)", *json_fields])
    where = ""
    if only:
        bucket = _parity_bucket(_concat(key), buckets, uuid_key)
        where = f" WHERE {bucket} IN ({', '.join(map(str, only))})"
    return f"SELECT CONCAT({fields}) FROM {qualified(database, table)}{where}"


def _hex_texts(texts: list[str]) -> str:
    """Texts as hex literals: any byte is safe in them, and a string compared with one is
    compared byte for byte."""
    return ", ".join(f"X'{t.encode().hex()}'" for t in texts) or "NULL"


def differing_rows_sql(
    database: str,
    table: str,
    key: list[str],
    columns: list[tuple[str | None, str, int | None]],
    keys: list[str],
) -> str:
    """The rows whose key text (`parity_rows_sql`'s) is one of `keys`: the key text, then per
    column (digest, CSV field, cap): the MD5 of its digest (NULL without one), its field as
    the export writes it (its first `cap` characters; all of it without a cap), the field's
    length in characters and the number of `"` in it (a quoted field doubles its value's)."""
    parts = [_concat(key)]
    for digest, field, cap in columns:
        f = f"CONVERT({field} USING utf8mb4)"  # a long text's field is a binary string
        raw = f"CAST({f} AS BINARY)"
        # REGEXP_REPLACE, not REPLACE: MariaDB's REPLACE is quadratic (see conversion.py).
        quotes = f"LENGTH({raw}) - LENGTH(REGEXP_REPLACE({raw}, '\"', ''))"
        parts += [
            f"MD5({digest})" if digest else "NULL",
            f"LEFT({f}, {cap})" if cap else f,
            f"CHAR_LENGTH({f})",
            quotes,
        ]
    return (
        f"SELECT {', '.join(parts)} FROM {qualified(database, table)} "
        f"WHERE {_concat(key)} IN ({_hex_texts(keys)})"
    )
