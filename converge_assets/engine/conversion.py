"""The per-column conversion plan: how MySQL writes each value as a finished CSV field.

Decided before any row moves, from the MySQL column (catalog), the PostgreSQL column (target
schema) and an optional explicit transform from the config. For every column the plan holds:

- `field_sql`: a MySQL expression giving the column's CSV field text, ready for PostgreSQL
  `COPY ... (FORMAT csv)`: an unquoted empty field for SQL NULL, the value otherwise (text always
  quoted, `"` doubled, so `''` is `""` and a lone `\\.` is harmless). It is SQL NULL exactly when
  one of the refusals it tests applies, so the row's whole `CONCAT` line is NULL and the exporter
  knows to diagnose. Lines may come back as binary strings: treat them as bytes (UTF-8).
- `refusals`: MySQL conditions on the raw column that are true for a value that cannot be carried
  over honestly (a NUL byte in text, a zero date, 2 into a boolean, a non-UUID into uuid, ...).
  Those PostgreSQL's input functions reject by themselves (`postgres_rejects`) are not tested per
  row: a load that fails on one names its row with them (refusals.py).
- `conversions`: deliberate, counted changes (`''` into uuid becomes NULL, a zero date becomes
  NULL with the `zero_date_to_null` transform).
- `mysql_digest_sql` / `postgres_digest_sql`: expressions giving identical text on both servers
  for equal values, each of which reads one way inside its row's digest (a text is prefixed with
  its byte length; SQL NULL is the marker `NULL`, which no non-NULL value's digest can be).
  `..._key_digest_sql`, where a key column's digest differs: never containing `,` or `|`. None
  for jsonb, whose key order, whitespace, numbers and escapes PostgreSQL normalises: content
  parity has PostgreSQL parse MySQL's text (parity.py).

SQL literals here never contain a backslash (they are built with CHAR() or hex literals), so the
expressions mean the same with or without NO_BACKSLASH_ESCAPES. See docs/type-mapping.md for the
full table of type pairs, rules and refusals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .catalog import Column, Table
from .target_schema import TargetColumn, TargetTable

TRANSFORMS = ("base64", "zero_date_to_null")

# The digest of SQL NULL on both sides. Every non-NULL digest is a hex MD5, a number, a date, a
# uuid or an IEEE-754 hex pattern, so none of them can be this text.
NULL_DIGEST = "NULL"


# --- identifiers ----------------------------------------------------------------------------


def quote_mysql(name: str) -> str:
    """A MySQL identifier: backticks, with any backtick doubled."""
    return "`" + name.replace("`", "``") + "`"


def quote_postgres(name: str) -> str:
    """A PostgreSQL identifier: double quotes, with any double quote doubled."""
    return '"' + name.replace('"', '""') + '"'


def _my_text(value: str) -> str:
    """A MySQL utf8mb4 string literal for any text, independent of NO_BACKSLASH_ESCAPES."""
    if re.fullmatch(r"[A-Za-z0-9 _.,:;{}()\[\]<>=+*#@!?%&|^~$-]*", value):
        return f"'{value}'"
    return f"CONVERT(X'{value.encode().hex().upper()}' USING utf8mb4)"


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsupportedColumn:
    column: str
    mysql_type: str
    postgres_type: str
    reason: str


class UnsupportedTypePair(Exception):
    """Columns whose MySQL -> PostgreSQL type pair (or transform) has no honest conversion.

    Raised once per table, listing every unsupported column."""

    def __init__(self, table: str, columns: list[UnsupportedColumn]):
        self.table = table
        self.columns = tuple(columns)
        details = "; ".join(
            f"column {c.column!r}: MySQL {c.mysql_type} -> PostgreSQL {c.postgres_type}: {c.reason}"
            for c in self.columns
        )
        super().__init__(f"table {table!r}: unsupported type pair(s): {details}")


@dataclass(frozen=True)
class Refusal:
    condition_sql: str  # MySQL boolean expression on the raw column, true for a refused value
    reason: str
    # PostgreSQL's own input function rejects such a value, so the export need not test every
    # row for it (the cost of an export is mostly these tests): the load fails, rolls back and
    # names the row with this refusal. Only refusals PostgreSQL would accept silently (rounding,
    # padding, a lossy charset) are tested in the export's SELECT.
    postgres_rejects: bool = False


@dataclass(frozen=True)
class Conversion:
    name: str  # e.g. "empty_uuid_to_null"
    condition_sql: str  # MySQL boolean expression, true for each value converted


@dataclass(frozen=True)
class ColumnPlan:
    column: str
    mysql_type: str
    postgres_type: str
    rule: str
    field_sql: str
    refusals: tuple[Refusal, ...] = ()
    conversions: tuple[Conversion, ...] = ()
    mysql_digest_sql: str | None = None
    postgres_digest_sql: str | None = None
    mysql_key_digest_sql: str | None = None  # None: the same as mysql_digest_sql
    postgres_key_digest_sql: str | None = None
    # jsonb only: the JSON text as a field of content parity's stage (parity.py), quoted with
    # 0x01, which JSON text never holds raw, so it needs no escaping.
    stage_field_sql: str | None = None


@dataclass(frozen=True)
class TablePlan:
    table: str
    columns: tuple[ColumnPlan, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.column for c in self.columns]

    def line_sql(self) -> str:
        """One CSV line per row (without its line feed); NULL when any field is refused."""
        return "CONCAT(" + ", ',', ".join(c.field_sql for c in self.columns) + ")"

    def refusals(self) -> list[tuple[str, Refusal]]:
        """(column, refusal) for every refusal of the table, in column order."""
        return [(c.column, r) for c in self.columns for r in c.refusals]


# --- type facts -----------------------------------------------------------------------------

_MYSQL_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}
_MYSQL_BINARY = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}
_MYSQL_INT = {  # signed min, signed max, unsigned max
    "tinyint": (-(2**7), 2**7 - 1, 2**8 - 1),
    "smallint": (-(2**15), 2**15 - 1, 2**16 - 1),
    "mediumint": (-(2**23), 2**23 - 1, 2**24 - 1),
    "int": (-(2**31), 2**31 - 1, 2**32 - 1),
    "integer": (-(2**31), 2**31 - 1, 2**32 - 1),
    "bigint": (-(2**63), 2**63 - 1, 2**64 - 1),
}
_PG_INT = {
    "int2": (-(2**15), 2**15 - 1),
    "int4": (-(2**31), 2**31 - 1),
    "int8": (-(2**63), 2**63 - 1),
}
_PG_TEXT = {"text", "varchar", "bpchar", "citext"}
# Charsets whose every value converts to utf8mb4 and back unchanged (checked for latin1, which
# MariaDB maps as cp1252, in the tests); any other charset gets a round-trip refusal.
_LOSSLESS_CHARSETS = {"utf8mb4", "utf8mb3", "utf8", "latin1", "ascii"}
_UUID_LAYOUT = "________-____-____-____-____________"  # LIKE: exactly 36 characters
_UUID_REGEX = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# JSON texts MariaDB's JSON_VALID accepts but PostgreSQL's json input rejects (measured on
# MariaDB 10.11 / PostgreSQL 15): an escape other than \" \\ \/ \b \f \n \r \t \uXXXX, and a
# number whose '.', '-' or exponent is not followed by a digit ("1.", "1.e5", "-", "1e+").
# Strings are skipped for the latter.
_JSON_BAD_ESCAPE = r'(?<!\\)(?:\\\\)*+\\[^"\\/bfnrtu]'
_JSON_BAD_NUMBER = (
    r'"(?:[^"\\]++|\\[\s\S])*+"(*SKIP)(*FAIL)|[0-9]\.(?![0-9])|-(?![0-9])|[0-9][eE](?![+-]?[0-9])'
)
_JSONB_NUL_ESCAPE = r"(?<!\\)(?:\\\\)*+\\u0000"

_CSV_QUOTE = "'\"'"
_BACKSLASH = "CHAR(92 USING utf8mb4)"
_BYTEA_PREFIX = "CHAR(92, 120 USING ascii)"  # \x


def _typmod(data_type: str) -> tuple[int, ...]:
    m = re.search(r"\((\d+)(?:\s*,\s*(\d+))?\)", data_type)
    if not m:
        return ()
    return tuple(int(g) for g in m.groups() if g is not None)


def _enum_labels(column_type: str) -> list[str]:
    """Labels of `enum('a','b''c')` / `set(...)` as information_schema shows them: a quote is
    doubled, a backslash doubled."""
    body = column_type[column_type.index("(") + 1 : column_type.rindex(")")]
    labels = []
    for m in re.finditer(r"'((?:[^'\\]|''|\\.)*)'", body):
        labels.append(
            re.sub(r"''|\\(.)", lambda g: "'" if g.group(0) == "''" else g.group(1), m.group(1))
        )
    return labels


def _pg_kind(tc: TargetColumn) -> str:
    if tc.is_array:
        if tc.enum_labels:
            return "enum[]"
        if tc.udt_name in ("_text", "_varchar"):
            return "text[]"
        return "array"
    if tc.enum_labels:
        return "enum"
    return tc.udt_name


# --- building blocks ------------------------------------------------------------------------


@dataclass
class _Parts:
    value: str  # SQL: the CSV field of a non-NULL, accepted, unconverted value
    rule: str
    mysql_digest: str | None  # SQL: digest text of such a value (None: no SQL digest)
    postgres_digest: str | None
    refusals: list[Refusal] = field(default_factory=list)
    to_null: list[Conversion] = field(default_factory=list)  # values written as NULL, counted
    stage_value: str | None = None  # SQL: the value's field in parity's jsonb stage
    key_digests: tuple[str, str] | None = None  # (MySQL, PostgreSQL) where a key's differs


class _Unsupported(Exception):
    pass


def _utf8(col: Column, q: str) -> str:
    cs = (col.charset or "utf8mb4").lower()
    return q if cs == "utf8mb4" else f"CONVERT({q} USING utf8mb4)"


def _csv_quoted(text_sql: str) -> str:
    # MariaDB's REPLACE moves the rest of the string at every match: quadratic, ~30 minutes for
    # a 10 MB text full of quotes. REGEXP_REPLACE on the UTF-8 bytes (a binary string, so no
    # UTF-8 check per match) is linear but costs a few microseconds more per value, so it only
    # takes values of 1 KiB and more. 0x22 never occurs inside a multi-byte UTF-8 character.
    quoted = (
        f"IF(LENGTH({text_sql}) < 1024, REPLACE({text_sql}, {_CSV_QUOTE}, '\"\"'), "
        f"REGEXP_REPLACE(CAST({text_sql} AS BINARY), {_CSV_QUOTE}, '\"\"'))"
    )
    return f"CONCAT({_CSV_QUOTE}, {quoted}, {_CSV_QUOTE})"


def _nul_refusal(u: str) -> Refusal:
    return Refusal(
        f"LOCATE(X'00', CAST({u} AS BINARY)) > 0",
        "contains a NUL byte (0x00), which PostgreSQL text cannot hold",
        postgres_rejects=True,
    )


def _charset_refusals(col: Column, q: str) -> list[Refusal]:
    cs = (col.charset or "utf8mb4").lower()
    if cs in _LOSSLESS_CHARSETS:
        return []
    return [
        Refusal(
            f"CAST(CONVERT(CONVERT({q} USING utf8mb4) USING {cs}) AS BINARY) <> CAST({q} AS BINARY)",
            f"a character of charset {cs} has no UTF-8 equivalent",
        )
    ]


# A text under 1 KiB enters its row's digest as it is, after its byte length (so the row's
# digest still reads one way); a longer one as its MD5. Every md5() call costs PostgreSQL
# about 1.3 µs to set up its cryptographic context (measured), most of a short text's digest.
# A key's digest names the row and goes into CSV fields: it stays the MD5.
_INLINE_BYTES = 1024


def _text_digest(u: str) -> str:
    return f"IF(LENGTH({u}) < {_INLINE_BYTES}, CONCAT(LENGTH({u}), ':', {u}), MD5({u}))"


def _pg_text_digest(t: str) -> str:
    return (
        f"CASE WHEN octet_length({t}) < {_INLINE_BYTES} "
        f"THEN octet_length({t}) || ':' || {t} ELSE md5({t}) END"
    )


def _text_digest_parts(u: str, t: str) -> dict:
    """The digests of a text (MySQL utf8mb4 expression `u`, PostgreSQL text expression `t`)."""
    return {
        "mysql_digest": _text_digest(u),
        "postgres_digest": _pg_text_digest(t),
        "key_digests": (f"MD5({u})", f"md5({t})"),
    }


def _zero_date_sql(q: str) -> str:
    return f"(MONTH({q}) = 0 OR DAYOFMONTH({q}) = 0)"


# The IEEE-754 bit pattern of a double as 16 lower-case hex digits, computed with exact
# arithmetic (scaling by powers of two): the float digest both servers agree on. PostgreSQL's
# own float text is not always the shortest form (1e23 prints as 9.999999999999999e+22), so
# comparing texts would report false differences.
def _mysql_double_bits(x: str) -> str:
    a = f"ABS({x})"
    e0 = f"LEAST(FLOOR(LOG2({a})), 1023)"
    e = (
        f"({e0} - IF(POW(2, {e0}) > {a}, 1, 0) "
        f"+ IF({e0} < 1023 AND POW(2, LEAST({e0} + 1, 1023)) <= {a}, 1, 0))"
    )
    # Only integer and bit operations on the pieces, and a string CASE: a numeric IF/CASE
    # would mix its branches' types through DOUBLE and lose the low bits.
    sign = f"(({x} < 0 OR ({x} = 0 AND ATAN2({x}, -1) < 0)) << 63)"
    normal = (
        f"(CAST({e} + 1023 AS UNSIGNED) << 52) "
        f"| CAST(({a} / POW(2, {e}) - 1) * 4503599627370496 AS UNSIGNED) | {sign}"
    )
    subnormal = f"CAST({a} * POW(2, 537) * POW(2, 537) AS UNSIGNED) | {sign}"
    return (
        f"LOWER(LPAD(CASE WHEN {x} = 0 THEN HEX({sign}) WHEN {e} >= -1022 THEN HEX({normal}) "
        f"ELSE HEX({subnormal}) END, 16, '0'))"
    )


def _mysql_decimal_canonical(s: str) -> str:
    """Decimal text without trailing fractional zeros ('1.500' -> '1.5', '2.000' -> '2')."""
    trimmed = f"IF(LOCATE('.', {s}) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM {s})), {s})"
    return f"IF({trimmed} = '-0', '0', {trimmed})"


# --- per family -----------------------------------------------------------------------------


def _text_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    u = _utf8(col, q)
    refusals = [_nul_refusal(u), *_charset_refusals(col, q)]
    notes = []
    if (col.charset or "utf8mb4").lower() != "utf8mb4":
        notes.append(f"converted from {col.charset} to UTF-8")
    if tc.max_length is not None and tc.udt_name in ("varchar", "bpchar"):
        refusals.append(
            Refusal(
                f"CHAR_LENGTH({u}) > {tc.max_length}",
                f"longer than the {tc.max_length} characters {tc.data_type} holds",
            )
        )
    if tc.udt_name == "bpchar" and col.data_type != "char":
        refusals.append(
            Refusal(
                f"{q} LIKE '% '",
                f"ends in a space, which PostgreSQL {tc.data_type} does not keep apart from padding",
            )
        )
    rule = "text, always quoted with '\"' doubled; line breaks, tabs and backslashes kept"
    if notes:
        rule += "; " + "; ".join(notes)
    return _Parts(_csv_quoted(u), rule, refusals=refusals, **_text_digest_parts(u, f"{qp}::text"))


def _json_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    u = _utf8(col, q)
    ub = f"{u} COLLATE utf8mb4_bin"
    refusals = [
        _nul_refusal(u),
        *_charset_refusals(col, q),
        Refusal(f"NOT JSON_VALID({u})", "not valid JSON", postgres_rejects=True),
        Refusal(
            f"{ub} REGEXP {_my_text(_JSON_BAD_ESCAPE)}",
            'a JSON string escape PostgreSQL rejects (only \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX exist)',
            postgres_rejects=True,
        ),
        Refusal(
            f"{ub} REGEXP {_my_text(_JSON_BAD_NUMBER)}",
            "a JSON number PostgreSQL rejects (1., 1.e5, 1e+ or a lone -)",
            postgres_rejects=True,
        ),
    ]
    if tc.udt_name == "jsonb":
        refusals.append(
            Refusal(
                f"{ub} REGEXP {_my_text(_JSONB_NUL_ESCAPE)}",
                "\\u0000 in a JSON string, which jsonb cannot hold",
                postgres_rejects=True,
            )
        )
        return _Parts(
            _csv_quoted(u),
            "JSON text, quoted; jsonb normalises key order, whitespace and numbers "
            "(content parity has PostgreSQL parse MySQL's text)",
            None,
            None,
            refusals,
            # RFC 8259 has every control character escaped inside strings and both servers
            # refuse a raw one, so 0x01 quotes the text as it is: no REPLACE of its quotes
            # (measured: 0.5 s of the 6 s stage stream of the benchmark's largest table).
            stage_value=f"CONCAT(CHAR(1), {u}, CHAR(1))",
        )
    return _Parts(
        _csv_quoted(u),
        "JSON text kept byte for byte, quoted",
        refusals=refusals,
        **_text_digest_parts(u, f"{qp}::text"),
    )


def _uuid_from_text_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    u = _utf8(col, q)
    empty = f"CHAR_LENGTH({u}) = 0"
    reason = "not a UUID (8-4-4-4-12 hexadecimal digits)"
    refusals = [
        # PostgreSQL checks the digits itself, but also accepts other layouts (no hyphens,
        # braces, a hyphen after any 4 digits): only the layout is tested per row here.
        Refusal(f"CHAR_LENGTH({u}) > 0 AND NOT ({u} LIKE '{_UUID_LAYOUT}')", reason),
        Refusal(f"CHAR_LENGTH({u}) > 0 AND NOT ({u} REGEXP '{_UUID_REGEX}')", reason, True),
    ]
    return _Parts(
        u,
        "UUID text (PostgreSQL stores it in lower case); '' becomes NULL (counted)",
        f"LOWER({u})",
        f"{qp}::text",
        refusals,
        [Conversion("empty_uuid_to_null", empty)],
    )


def _uuid_from_binary_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    h = f"LOWER(HEX({q}))"
    text = (
        f"CONCAT(SUBSTRING({h}, 1, 8), '-', SUBSTRING({h}, 9, 4), '-', SUBSTRING({h}, 13, 4), '-', "
        f"SUBSTRING({h}, 17, 4), '-', SUBSTRING({h}, 21, 12))"
    )
    refusals = []
    if col.column_type != "binary(16)":
        refusals.append(Refusal(f"LENGTH({q}) <> 16", "not 16 bytes long, so not a UUID"))
    return _Parts(
        text,
        "16 bytes as a UUID, in stored byte order (no swapping of time fields)",
        text,
        f"{qp}::text",
        refusals,
    )


def _bytea_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    raw = q if col.data_type in _MYSQL_BINARY else f"CAST({q} AS BINARY)"
    rule = "bytes as \\x + hex; an empty value stays empty, not NULL"
    if col.data_type not in _MYSQL_BINARY:
        rule = f"the stored {col.charset or ''} bytes of the text as \\x + hex".replace("  ", " ")
    return _Parts(
        f"CONCAT({_BYTEA_PREFIX}, HEX({raw}))",
        rule,
        f"MD5({raw})",
        f"md5({qp})",
    )


def _base64_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    raw = q if col.data_type in _MYSQL_BINARY else f"CAST({q} AS BINARY)"
    # TO_BASE64 breaks lines every 76 characters; linear REGEXP_REPLACE removes them (REPLACE
    # would be quadratic on a large value, see _csv_quoted).
    b64 = f"REGEXP_REPLACE(CAST(TO_BASE64({raw}) AS BINARY), CHAR(10), '')"
    refusals = []
    if tc.max_length is not None and tc.udt_name in ("varchar", "bpchar"):
        refusals.append(
            Refusal(
                f"4 * CEIL(LENGTH({raw}) / 3) > {tc.max_length}",
                f"its base64 text is longer than the {tc.max_length} characters {tc.data_type} holds",
                postgres_rejects=True,  # base64 has no trailing spaces PostgreSQL could trim
            )
        )
    return _Parts(
        f"CONCAT({_CSV_QUOTE}, {b64}, {_CSV_QUOTE})",
        "transform base64: the stored bytes as base64 text without line breaks, quoted",
        refusals=refusals,
        # base64 is ASCII: as utf8mb4, its digest is text like every other text's.
        **_text_digest_parts(f"CONVERT({b64} USING utf8mb4)", f"{qp}::text"),
    )


def _enum_text_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    p = _text_parts(col, tc, q, qp)
    p.rule = f"{col.data_type} label text, quoted" + ("" if col.data_type == "enum" else " ('x,z')")
    return p


def _enum_to_enum_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    labels = _enum_labels(col.column_type)
    target = set(tc.enum_labels)
    missing = [i for i, label in enumerate(labels, start=1) if label not in target]
    bad_index = ([] if "" in target else [0]) + missing
    u = _utf8(col, q)
    refusals = []
    if bad_index:
        names = [repr(labels[i - 1]) if i else "'' (invalid-value index 0)" for i in bad_index]
        refusals.append(
            Refusal(
                f"{q} + 0 IN ({', '.join(str(i) for i in bad_index)})",
                f"label not in PostgreSQL enum {tc.data_type}: {', '.join(names)}",
                postgres_rejects=True,
            )
        )
    return _Parts(
        _csv_quoted(u),
        f"enum label into PostgreSQL enum {tc.data_type}, quoted",
        refusals=refusals,
        **_text_digest_parts(u, f"{qp}::text"),
    )


def _set_to_array_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    labels = _enum_labels(col.column_type)
    u = _utf8(col, q)
    # Array literal {"x","z"} (each element quoted, \ and " escaped with \), then CSV-quoted
    # (every " doubled): "{""x"",""z""}". Set members never contain a comma.
    escaped = (
        f"REPLACE(REPLACE(REPLACE({u}, {_BACKSLASH}, CONCAT({_BACKSLASH}, {_BACKSLASH})), "
        f"{_CSV_QUOTE}, CONCAT({_BACKSLASH}, '\"\"')), ',', '\"\",\"\"')"
    )
    value = (
        f"IF({q} + 0 = 0, '{{}}', CONCAT('\"{{\"\"', {escaped}, '\"\"}}\"')) COLLATE utf8mb4_bin"
    )
    refusals = []
    if tc.enum_labels:
        target = set(tc.enum_labels)
        missing = [(i, label) for i, label in enumerate(labels) if label not in target]
        if missing:
            mask = sum(1 << i for i, _ in missing)
            refusals.append(
                Refusal(
                    f"({q} + 0) & {mask} <> 0",
                    f"member not in PostgreSQL enum {tc.data_type}: {', '.join(repr(m) for _, m in missing)}",
                    postgres_rejects=True,
                )
            )
    return _Parts(
        value,
        f"set members as a PostgreSQL array {{x,z}} of {tc.data_type}",
        refusals=refusals,
        **_text_digest_parts(u, f"array_to_string({qp}, ',')"),
    )


def _int_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    lo, hi, uhi = _MYSQL_INT[col.data_type]
    src_lo, src_hi = (0, uhi) if col.unsigned else (lo, hi)
    refusals, digest_pg = _int_range(tc, q, qp, kind, src_lo, src_hi)
    return _Parts(
        f"CAST({q} AS CHAR)",
        "integer as decimal digits",
        f"CAST({q} AS CHAR)",
        digest_pg,
        refusals,
    )


def _int_range(
    tc: TargetColumn, q: str, qp: str, kind: str, src_lo: int, src_hi: int
) -> tuple[list[Refusal], str]:
    """The refusal of integers (MySQL expression `q`, from src_lo .. src_hi) outside the
    target's range, and the target's digest."""
    refusals = []
    if kind in _PG_INT:
        t_lo, t_hi = _PG_INT[kind]
        digest_pg = f"{qp}::text"
    else:  # numeric
        mod = _typmod(tc.data_type)
        digest_pg = f"trim_scale({qp})::text"
        if mod:
            p, s = mod[0], (mod[1] if len(mod) > 1 else 0)
            t_hi = 10 ** (p - s) - 1
            t_lo = -t_hi
        else:
            t_lo, t_hi = src_lo, src_hi
    conds = []
    if src_lo < t_lo:
        conds.append(f"{q} < {t_lo}")
    if src_hi > t_hi:
        conds.append(f"{q} > {t_hi}")
    if conds:
        refusals.append(
            Refusal(
                " OR ".join(conds),
                f"outside the range of {tc.data_type} ({t_lo} .. {t_hi})",
                postgres_rejects=True,
            )
        )
    return refusals, digest_pg


def _decimal_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    src = _typmod(col.column_type)
    sp, ss = (src[0], src[1] if len(src) > 1 else 0) if src else (10, 0)
    s = f"CAST({q} AS CHAR)"
    refusals = []
    if kind in _PG_INT:
        if ss != 0:
            raise _Unsupported("a decimal with a fractional part into an integer type would round")
        t_lo, t_hi = _PG_INT[kind]
        if 10**sp - 1 > t_hi:
            refusals.append(
                Refusal(
                    f"{q} < {t_lo} OR {q} > {t_hi}",
                    f"outside the range of {tc.data_type} ({t_lo} .. {t_hi})",
                    postgres_rejects=True,
                )
            )
        pg_digest = f"{qp}::text"
    else:
        mod = _typmod(tc.data_type)
        if mod:
            p, ts = mod[0], (mod[1] if len(mod) > 1 else 0)
            if ss > ts:
                refusals.append(
                    Refusal(
                        f"TRUNCATE({q}, {ts}) <> {q}",
                        f"has more than {ts} decimals, {tc.data_type} would round it",
                    )
                )
            if sp - ss > p - ts:
                refusals.append(
                    Refusal(
                        f"ABS({q}) >= 1{'0' * (p - ts)}",
                        f"too large for {tc.data_type}",
                        postgres_rejects=True,
                    )
                )
        pg_digest = f"trim_scale({qp})::text"
    return _Parts(
        s,
        "decimal digits exactly as MySQL prints them",
        _mysql_decimal_canonical(s),
        pg_digest,
        refusals,
    )


def _float_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    # FLOAT prints with 6 significant digits (3.40282e38): widen it to DOUBLE first, whose
    # text is the shortest that reads back to the same bits. MariaDB stores -0 as 0; a server
    # that keeps -0 but prints "0" still gets the sign through ATAN2.
    x = f"CAST({q} AS DOUBLE)" if col.data_type == "float" else q
    value = f"IF({x} = 0 AND ATAN2({x}, -1) < 0, '-0', CAST({x} AS CHAR))"
    return _Parts(
        value,
        "shortest text that reads back to the same binary value"
        + (" (FLOAT widened to DOUBLE, exact)" if col.data_type == "float" else ""),
        _mysql_double_bits(x),
        f"encode(float8send({qp}::float8), 'hex')",
    )


def _bool_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    refusals = []
    if col.data_type == "tinyint":
        refusals.append(
            Refusal(f"{q} <> 0 AND {q} <> 1", "neither 0 nor 1, so not a boolean", True)
        )
    return _Parts(
        f"CAST({q} + 0 AS CHAR)",
        "0/1 as boolean",
        f"CAST({q} + 0 AS CHAR)",
        f"{qp}::int::text",
        refusals,
    )


def _bit_width(col: Column) -> int:
    mod = _typmod(col.column_type)
    return mod[0] if mod else 1


def _bit_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    """bit(n) into bit(n), bit varying(m >= n), bytea or an integer type. `q + 0` is the value
    as an unsigned integer (bit(64) included); BIN and HEX drop leading zeros, so LPAD puts
    them back: every value keeps its n bits."""
    n = _bit_width(col)
    number = f"({q} + 0)"
    if kind in ("bit", "varbit"):
        mod = _typmod(tc.data_type)
        if kind == "bit" and mod != (n,):
            raise _Unsupported(
                f"bit({n}) fits only bit({n}): PostgreSQL bit(m) holds exactly m bits"
            )
        if kind == "varbit" and mod and mod[0] < n:
            raise _Unsupported(f"bit({n}) needs bit varying of at least {n} bits")
        bits = f"LPAD(BIN({number}), {n}, '0')"
        return _Parts(bits, f"the {n} bits as 0/1 text, leading zeros kept", bits, f"{qp}::text")
    if kind == "bytea":
        width = 2 * ((n + 7) // 8)
        hex_sql = f"LOWER(LPAD(HEX({number}), {width}, '0'))"
        return _Parts(
            f"CONCAT({_BYTEA_PREFIX}, {hex_sql})",
            f"the {n} bits as {width // 2} big-endian byte(s), leading zero bits kept",
            hex_sql,
            f"encode({qp}, 'hex')",
        )
    refusals, digest_pg = _int_range(tc, number, qp, kind, 0, 2**n - 1)
    return _Parts(
        f"CAST({number} AS CHAR)",
        "the bits as an unsigned integer, decimal digits",
        f"CAST({number} AS CHAR)",
        digest_pg,
        refusals,
    )


# --- spatial --------------------------------------------------------------------------------

# MySQL spatial column types -> the value type they hold (None: any, a `geometry` column).
_MYSQL_SPATIAL = {
    "geometry": None,
    "point": "POINT",
    "linestring": "LINESTRING",
    "polygon": "POLYGON",
    "multipoint": "MULTIPOINT",
    "multilinestring": "MULTILINESTRING",
    "multipolygon": "MULTIPOLYGON",
    "geometrycollection": "GEOMETRYCOLLECTION",
    "geomcollection": "GEOMETRYCOLLECTION",  # MySQL 8's name
}
# PostgreSQL's native geometric types -> the one value type each holds exactly.
_PG_GEOMETRIC = {"point": "POINT", "path": "LINESTRING", "lseg": "LINESTRING", "polygon": "POLYGON"}
_POSTGIS_TYPMOD = re.compile(r"(geometry|geography)(?:\((\w+)(?:,(-?\d+))?\))?")
# JSON_TABLE's ordinality column, which walks a line's points: named so that no user column
# is shadowed by it inside the subquery (plan_table refuses a table with a column of its name).
_POINT_N = "converge_point_n"
# The longest text CAST(double AS CHAR) gives is 26 characters (-0.00000012345678901234567):
# one point, its parentheses and separator fit in 64, so GROUP_CONCAT never cuts a line whose
# points times 64 fit group_concat_max_len.
_POINT_TEXT_MAX = 64


def _double_text(x: str) -> str:
    """The shortest text that reads back to the same double; MariaDB prints -0 as 0."""
    return f"IF({x} = 0 AND ATAN2({x}, -1) < 0, '-0', CAST({x} AS CHAR))"


def _points_text(line: str) -> str:
    """`(x,y),(x,y),...` of every point of a linestring or ring, each coordinate exact."""
    p = f"ST_PointN({line}, `converge_points`.{quote_mysql(_POINT_N)})"
    point = f"CONCAT('(', {_double_text(f'ST_X({p})')}, ',', {_double_text(f'ST_Y({p})')}, ')')"
    walk = (
        f"JSON_TABLE(CONCAT('[', REPEAT('0,', ST_NumPoints({line}) - 1), '0]'), "
        f"'$[*]' COLUMNS ({quote_mysql(_POINT_N)} FOR ORDINALITY)) AS `converge_points`"
    )
    return (
        f"(SELECT GROUP_CONCAT({point} ORDER BY `converge_points`.{quote_mysql(_POINT_N)} "
        f"SEPARATOR ',') FROM {walk})"
    )


def _pg_coordinates_le(text: str) -> str:
    """PostgreSQL: the coordinates in a geometric value's text, each as the 8 little-endian
    bytes of its double (WKB's order), concatenated as hex. The text (extra_float_digits >= 1,
    the default) reads back to the same doubles."""
    le = r"regexp_replace(encode(float8send(x::float8), 'hex'), '(..)(..)(..)(..)(..)(..)(..)(..)', '\8\7\6\5\4\3\2\1')"
    return (
        f"(SELECT string_agg({le}, '' ORDER BY i) FROM "
        f"regexp_split_to_table(btrim({text}, '[]()'), '[(),]+') WITH ORDINALITY AS c(x, i))"
    )


def _value_type_refusal(col: Column, q: str, wanted: str, into: str) -> list[Refusal]:
    if _MYSQL_SPATIAL[col.data_type] is not None:
        return []  # the column's own type, checked by the plan
    return [
        Refusal(
            f"ST_GeometryType({q}) <> '{wanted}'",
            f"a {wanted.lower()} is the only value {into} holds exactly",
        )
    ]


def _native_geometric_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    wanted = _PG_GEOMETRIC[kind]
    if _MYSQL_SPATIAL[col.data_type] not in (None, wanted):
        raise _Unsupported(f"PostgreSQL {kind} holds only a {wanted.lower()} exactly")
    refusals = _value_type_refusal(col, q, wanted, f"PostgreSQL {kind}")
    refusals.append(
        Refusal(f"ST_SRID({q}) <> 0", f"has an SRID, which PostgreSQL {kind} cannot keep")
    )
    wkb = f"ST_AsBinary({q})"
    if kind == "point":
        x, y = _double_text(f"ST_X({q})"), _double_text(f"ST_Y({q})")
        le = r"regexp_replace(encode(float8send({}), 'hex'), '(..)(..)(..)(..)(..)(..)(..)(..)', '\8\7\6\5\4\3\2\1')"
        return _Parts(
            f"CONCAT('\"(', {x}, ',', {y}, ')\"')",
            "point as (x,y), each coordinate the shortest text of its exact double",
            f"LOWER(HEX(SUBSTRING({wkb}, 6)))",  # WKB after byte order and type: x, y
            le.format(f"{qp}[0]") + " || " + le.format(f"{qp}[1]"),
            refusals,
        )
    line = f"ST_ExteriorRing({q})" if kind == "polygon" else q
    refusals.append(
        Refusal(
            f"ST_NumPoints({line}) * {_POINT_TEXT_MAX} > @@group_concat_max_len",
            "has more points than group_concat_max_len lets one field hold (raise it)",
        )
    )
    pts = _points_text(line)
    coords_pg = f"md5(decode({_pg_coordinates_le(f'{qp}::text')}, 'hex'))"
    if kind == "polygon":
        refusals.append(
            Refusal(
                f"ST_NumInteriorRings({q}) > 0",
                "a polygon with holes, which PostgreSQL polygon cannot hold",
            )
        )
        return _Parts(
            f"CONCAT('\"(', {pts}, ')\"')",
            "the ring's points (x,y) as a polygon, closing point kept, coordinates exact",
            f"MD5(SUBSTRING({wkb}, 14))",  # after order, type, ring count, point count
            coords_pg,
            refusals,
        )
    coords_my = f"MD5(SUBSTRING({wkb}, 10))"  # after order, type, point count
    if kind == "lseg":
        refusals.append(
            Refusal(f"ST_NumPoints({q}) <> 2", "not 2 points, so not a PostgreSQL lseg")
        )
        return _Parts(
            f"CONCAT('\"[', {pts}, ']\"')",
            "the 2 points [(x,y),(x,y)] as an lseg, coordinates exact",
            coords_my,
            coords_pg,
            refusals,
        )
    return _Parts(
        f"CONCAT('\"[', {pts}, ']\"')",
        "the points [(x,y),...] as an open path, coordinates exact",
        f"CONCAT('[', {coords_my})",  # a path's digest says it is open
        f"CASE WHEN isopen({qp}) THEN '[' ELSE '(' END || {coords_pg}",
        refusals,
    )


def _srid_le_hex(srid: str) -> str:
    return (
        "CONCAT("
        + ", ".join(f"LPAD(HEX(({srid} >> {shift}) & 255), 2, '0')" for shift in (0, 8, 16, 24))
        + ")"
    )


def _postgis_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    m = _POSTGIS_TYPMOD.fullmatch(tc.data_type)
    if not m:
        raise _Unsupported(f"unknown PostGIS type modifier {tc.data_type!r}")
    wanted = (m.group(2) or "geometry").upper()
    if wanted not in {"GEOMETRY", *(v for v in _MYSQL_SPATIAL.values() if v)}:
        raise _Unsupported(
            "MySQL geometries are 2D: a Z or M column would need invented coordinates"
        )
    srid = int(m.group(3) or 0)
    have = _MYSQL_SPATIAL[col.data_type]
    refusals = []
    if wanted != "GEOMETRY":
        if have not in (None, wanted):
            raise _Unsupported(f"{tc.data_type} holds only {wanted.lower()} values")
        # PostGIS turns a MULTIPOINT EMPTY into a POINT column's POINT EMPTY without a word.
        refusals += _value_type_refusal(col, q, wanted, tc.data_type)
    if kind == "geography":
        srid = srid or 4326
    if srid:
        # PostGIS gives a value of SRID 0 the column's SRID without a word.
        refusals.append(
            Refusal(
                f"ST_SRID({q}) <> {srid}", f"its SRID is not {srid}, the SRID of {tc.data_type}"
            )
        )
    if kind == "geography":
        ring = f"ST_ExteriorRing(ST_Envelope({q}))"
        lo, hi = f"ST_PointN({ring}, 1)", f"ST_PointN({ring}, 3)"
        refusals.append(
            Refusal(
                f"NOT ST_IsEmpty({q}) AND (ST_X({lo}) < -180 OR ST_Y({lo}) < -90 "
                f"OR ST_X({hi}) > 180 OR ST_Y({hi}) > 90)",
                "a coordinate outside longitude -180 .. 180 or latitude -90 .. 90, which "
                "PostGIS geography would move into range",
            )
        )
    wkb = f"ST_AsBinary({q})"
    # EWKB: MySQL's WKB (always little-endian) with the SRID flag set in its type and the
    # SRID after it, so PostgreSQL reads the very bytes of every coordinate.
    ewkb = (
        f"CONCAT('01', HEX(SUBSTRING({wkb}, 2, 3)), '20', {_srid_le_hex(f'ST_SRID({q})')}, "
        f"HEX(SUBSTRING({wkb}, 6)))"
    )
    return _Parts(
        ewkb,
        f"EWKB (hex) with the SRID into PostGIS {kind}: every coordinate's bytes as stored",
        f"CONCAT(ST_SRID({q}), ':', MD5({wkb}))",
        f"ST_SRID({qp}) || ':' || md5(ST_AsBinary({qp}))",
        refusals,
    )


def _inet4_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    # The address as a number on both sides: PostgreSQL's text of an address need not be
    # MariaDB's, and the family and mask say it arrived as one IPv4 host.
    number = f"CAST(CONV(HEX(CAST({q} AS BINARY(4))), 16, 10) AS CHAR)"
    return _Parts(
        f"CAST({q} AS CHAR)",
        "dotted IPv4 address, read by PostgreSQL as a /32 host",
        f"CONCAT('4/32/', {number})",
        f"family({qp}) || '/' || masklen({qp}) || '/' || ({qp} - '0.0.0.0'::inet)",
    )


def _date_refusals(col: Column, q: str, transform: str | None, parts: _Parts) -> None:
    zero = _zero_date_sql(q)
    if transform == "zero_date_to_null":
        parts.to_null.append(Conversion("zero_date_to_null", zero))
        parts.rule += "; zero dates become NULL (transform zero_date_to_null, counted)"
    else:
        parts.refusals.append(
            Refusal(
                zero,
                "a zero date or a zero month/day, which PostgreSQL has no value for "
                "(transform zero_date_to_null makes them NULL)",
                # A TIMESTAMP is written from its epoch value, where a zero date would be 1970.
                postgres_rejects=col.data_type != "timestamp",
            )
        )
    parts.refusals.append(
        Refusal(
            f"NOT {zero} AND (YEAR({q}) = 0 OR DAYOFMONTH({q}) > DAYOFMONTH(LAST_DAY({q})))",
            "year 0 or a day past the month's end, which PostgreSQL has no value for",
            postgres_rejects=True,
        )
    )


def _date_parts(col: Column, tc: TargetColumn, q: str, qp: str, transform: str | None) -> _Parts:
    parts = _Parts(
        f"CAST({q} AS CHAR)",
        "date as YYYY-MM-DD",
        f"DATE_FORMAT({q}, '%Y-%m-%d')",
        f"to_char({qp}, 'YYYY-MM-DD')",
    )
    _date_refusals(col, q, transform, parts)
    return parts


def _datetime_parts(
    col: Column, tc: TargetColumn, q: str, qp: str, transform: str | None
) -> _Parts:
    if col.data_type == "timestamp":
        # The instant in UTC from its epoch value: independent of the session time zone.
        utc = f"TIMESTAMPADD(MICROSECOND, CAST(UNIX_TIMESTAMP({q}) * 1000000 AS SIGNED), '1970-01-01 00:00:00')"
        what = "the instant in UTC"
    else:
        utc = q
        what = "wall time"
    text = f"CAST({utc} AS CHAR)"
    tz = tc.udt_name == "timestamptz"
    value = f"CONCAT({text}, '+00')" if tz else text
    pg_ts = f"{qp} AT TIME ZONE 'UTC'" if tz else qp
    parts = _Parts(
        value,
        f"{what} as YYYY-MM-DD HH:MM:SS[.ffffff]" + (", marked +00 (UTC)" if tz else ""),
        f"DATE_FORMAT({utc}, '%Y-%m-%d %H:%i:%s.%f')",
        f"to_char({pg_ts}, 'YYYY-MM-DD HH24:MI:SS.US')",
    )
    _date_refusals(col, q, transform, parts)
    _precision_refusal(col, tc, q, parts)
    return parts


def _precision_refusal(col: Column, tc: TargetColumn, q: str, parts: _Parts) -> None:
    src = _typmod(col.column_type)
    src_fsp = src[0] if src else 0
    mod = _typmod(tc.data_type)
    tgt_fsp = mod[0] if mod else 6
    if src_fsp > tgt_fsp:
        parts.refusals.append(
            Refusal(
                f"MICROSECOND({q}) % {10 ** (6 - tgt_fsp)} <> 0",
                f"has more fractional digits than {tc.data_type} keeps (it would round)",
            )
        )


def _time_parts(col: Column, tc: TargetColumn, q: str, qp: str) -> _Parts:
    parts = _Parts(
        f"CAST({q} AS CHAR)",
        f"time as [-]HH:MM:SS[.fff] into {tc.udt_name}",
        f"CAST(TIME_TO_SEC({q}) * 1000000 AS SIGNED)",
        f"(EXTRACT(EPOCH FROM {qp}) * 1000000)::bigint::text",
    )
    if tc.udt_name == "time":
        parts.refusals.append(
            Refusal(
                f"{q} < TIME'00:00:00' OR {q} > TIME'24:00:00'",
                "outside 00:00:00 .. 24:00:00, the range of PostgreSQL time (use interval)",
            )
        )
    _precision_refusal(col, tc, q, parts)
    return parts


def _year_parts(col: Column, tc: TargetColumn, q: str, qp: str, kind: str) -> _Parts:
    pg = f"{qp}::text" if kind in _PG_INT else f"trim_scale({qp})::text"
    return _Parts(
        f"CAST({q} + 0 AS CHAR)", "year as a number (0000 is 0)", f"CAST({q} + 0 AS CHAR)", pg
    )


# --- dispatch -------------------------------------------------------------------------------


def _parts_for(col: Column, tc: TargetColumn, transform: str | None) -> _Parts:
    dt = col.data_type
    kind = _pg_kind(tc)
    q = quote_mysql(col.name)
    qp = quote_postgres(tc.name)

    if transform is not None and transform not in TRANSFORMS:
        raise _Unsupported(f"unknown transform {transform!r} (known: {', '.join(TRANSFORMS)})")
    if transform == "base64":
        if (dt in _MYSQL_BINARY or dt in _MYSQL_TEXT) and kind in _PG_TEXT:
            return _base64_parts(col, tc, q, qp)
        raise _Unsupported("transform base64 applies to binary or text columns into text")
    if transform == "zero_date_to_null" and dt not in ("date", "datetime", "timestamp"):
        raise _Unsupported("transform zero_date_to_null applies to date, datetime and timestamp")

    if dt in _MYSQL_TEXT or dt == "json":
        if kind in _PG_TEXT:
            return _text_parts(col, tc, q, qp)
        if kind in ("json", "jsonb"):
            return _json_parts(col, tc, q, qp)
        if kind == "uuid" and dt != "json":
            return _uuid_from_text_parts(col, tc, q, qp)
        if kind == "bytea" and dt != "json":
            return _bytea_parts(col, tc, q, qp)
    elif dt == "enum":
        if kind in _PG_TEXT:
            return _enum_text_parts(col, tc, q, qp)
        if kind == "enum":
            return _enum_to_enum_parts(col, tc, q, qp)
    elif dt == "set":
        if kind in _PG_TEXT:
            return _enum_text_parts(col, tc, q, qp)
        if kind in ("text[]", "enum[]"):
            return _set_to_array_parts(col, tc, q, qp)
    elif dt in _MYSQL_BINARY:
        if kind == "bytea":
            return _bytea_parts(col, tc, q, qp)
        if kind == "uuid" and dt in ("binary", "varbinary"):
            if col.column_type in ("binary(16)", "varbinary(16)"):
                return _uuid_from_binary_parts(col, tc, q, qp)
            raise _Unsupported("only binary(16)/varbinary(16) can hold a UUID")
        if kind in _PG_TEXT:
            raise _Unsupported("binary into text needs the explicit transform base64")
    elif dt == "uuid":  # MariaDB 10.7+ native UUID
        if kind == "uuid":
            return _Parts(f"CAST({q} AS CHAR)", "UUID", f"CAST({q} AS CHAR)", f"{qp}::text")
    elif dt in _MYSQL_INT:
        if kind == "bool" and dt == "tinyint":
            return _bool_parts(col, tc, q, qp)
        if kind in _PG_INT or kind == "numeric":
            return _int_parts(col, tc, q, qp, kind)
    elif dt == "decimal":
        if kind == "numeric" or kind in _PG_INT:
            return _decimal_parts(col, tc, q, qp, kind)
    elif dt in ("float", "double"):
        if kind == "float8" or (kind == "float4" and dt == "float"):
            return _float_parts(col, tc, q, qp)
        if kind == "float4":
            raise _Unsupported("double into real would round")
    elif dt == "bit":
        if kind == "bool" and _bit_width(col) == 1:
            return _bool_parts(col, tc, q, qp)
        if kind in ("bit", "varbit", "bytea", "numeric") or kind in _PG_INT:
            return _bit_parts(col, tc, q, qp, kind)
    elif dt in _MYSQL_SPATIAL:
        if kind in _PG_GEOMETRIC:
            return _native_geometric_parts(col, tc, q, qp, kind)
        if kind in ("geometry", "geography"):
            return _postgis_parts(col, tc, q, qp, kind)
    elif dt == "inet4":  # MariaDB 10.10+
        if kind == "inet":
            return _inet4_parts(col, tc, q, qp)
    elif dt == "year":
        if col.column_type == "year(2)":
            # MariaDB keeps YEAR(2): 69 means 2069 and 70 means 1970, so no number is the year.
            raise _Unsupported("a two-digit year is not the year: ALTER the column to YEAR first")
        if kind in _PG_INT or kind == "numeric":
            return _year_parts(col, tc, q, qp, kind)
    elif dt == "date":
        if kind == "date":
            return _date_parts(col, tc, q, qp, transform)
    elif dt in ("datetime", "timestamp"):
        if kind in ("timestamp", "timestamptz"):
            return _datetime_parts(col, tc, q, qp, transform)
    elif dt == "time" and (
        kind == "time" or (kind == "interval" and re.fullmatch(r"interval(\(\d\))?", tc.data_type))
    ):
        return _time_parts(col, tc, q, qp)
    raise _Unsupported("no conversion keeps every value exactly")


def _plan_column(col: Column, tc: TargetColumn, transform: str | None = None) -> ColumnPlan:
    """The plan of one column; raises _Unsupported (wrapped by plan_table)."""
    parts = _parts_for(col, tc, transform)
    q = quote_mysql(col.name)
    refusals = list(parts.refusals)
    conversions: list[Conversion] = []
    null_conds = [f"{q} IS NULL"]
    if not tc.nullable:
        if col.nullable:
            refusals.append(
                Refusal(f"{q} IS NULL", f"NULL into a NOT NULL column ({tc.data_type})", True)
            )
        for conv in parts.to_null:
            # Unconverted, the value is written as it is, which PostgreSQL rejects.
            refusals.append(
                Refusal(
                    conv.condition_sql,
                    f"{conv.name} would make it NULL, but the target column is NOT NULL",
                    postgres_rejects=True,
                )
            )
    else:
        conversions = list(parts.to_null)
        null_conds += [c.condition_sql for c in conversions]
    when_null = " OR ".join([null_conds[0], *(f"({c})" for c in null_conds[1:])])
    # A refused value makes the field (and so the row's whole line) NULL. A NULL that no case
    # expects (an expression's own NULL) does too, so it never passes for SQL NULL.
    cases = []
    tested = [r for r in refusals if not r.postgres_rejects]
    if tested:
        cases.append("WHEN " + " OR ".join(f"({r.condition_sql})" for r in tested) + " THEN NULL")
    if col.nullable or len(null_conds) > 1:
        cases.append(f"WHEN {when_null} THEN ''")

    def field(value: str) -> str:
        return f"CASE {' '.join(cases)} ELSE {value} END" if cases else value

    def digests(mysql: str | None, postgres: str | None) -> tuple[str | None, str | None]:
        if mysql is None or postgres is None:
            return None, None
        return (
            f"CASE WHEN {when_null} THEN '{NULL_DIGEST}' ELSE {mysql} END",
            f"COALESCE({postgres}, '{NULL_DIGEST}')",
        )

    my_digest, pg_digest = digests(parts.mysql_digest, parts.postgres_digest)
    my_key_digest, pg_key_digest = digests(*(parts.key_digests or (None, None)))
    rule = parts.rule
    reasons = [r.reason.split(" (")[0] for r in refusals]
    if reasons:
        rule += "; refused: " + "; ".join(reasons)
    return ColumnPlan(
        column=col.name,
        mysql_type=col.column_type,
        postgres_type=tc.data_type,
        rule=rule,
        field_sql=field(parts.value),
        refusals=tuple(refusals),
        conversions=tuple(conversions),
        mysql_digest_sql=my_digest,
        postgres_digest_sql=pg_digest,
        mysql_key_digest_sql=my_key_digest,
        postgres_key_digest_sql=pg_key_digest,
        stage_field_sql=field(parts.stage_value) if parts.stage_value else None,
    )


def plan_table(
    table: Table, target: TargetTable, transforms: Mapping[str, str] | None = None
) -> TablePlan:
    """The conversion plan of every column of `table` (in catalog order, the CSV's order).

    Raises UnsupportedTypePair listing every column whose pair (or transform) is unsupported."""
    transforms = dict(transforms or {})
    problems: list[UnsupportedColumn] = []
    plans: list[ColumnPlan] = []
    for name in sorted(set(transforms) - set(table.column_names)):
        problems.append(
            UnsupportedColumn(
                name, "(no such column)", "-", f"transform {transforms[name]!r} names no column"
            )
        )
    for col in table.columns:
        tc = target.column(col.name)
        if tc is None:
            problems.append(
                UnsupportedColumn(
                    col.name, col.column_type, "(no such column)", "not in the target table"
                )
            )
            continue
        try:
            plans.append(_plan_column(col, tc, transforms.get(col.name)))
        except _Unsupported as e:
            problems.append(UnsupportedColumn(col.name, col.column_type, tc.data_type, str(e)))
    if _POINT_N in table.column_names and any(
        _POINT_N in p.field_sql for p in plans if p.column != _POINT_N
    ):
        problems.append(
            UnsupportedColumn(
                _POINT_N, "-", "-", "the name the plan's JSON_TABLE walks points with: rename it"
            )
        )
    if problems:
        raise UnsupportedTypePair(table.name, problems)
    return TablePlan(table.name, tuple(plans))
