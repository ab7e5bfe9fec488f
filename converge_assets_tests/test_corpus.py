"""A schema a MySQL user could bring, not one shaped like our fixtures: a small shop with a
legacy corner (tables without a primary key, composite keys, a tag table that is only its key,
an empty archive, attachments of a MiB), every type pair docs/type-mapping.md supports at its
boundary values, and a PostgreSQL schema its app's migrations made (identity columns, a
serial, a column with a DEFAULT MySQL does not feed, a PostgreSQL-only audit table with a
foreign key to a migrated table). Moved end to end through the Dagster assets; every value
compared with MySQL's, every check green."""

from __future__ import annotations

import pytest

from converge_assets_tests.conftest import mysql_connect
from converge_assets_tests.exact import (
    assert_every_check_passed,
    assert_manifest_and_header,
    assert_same_rows,
)

MYSQL_DDL = r"""
CREATE TABLE `customer` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `uuid` char(36) CHARACTER SET ascii NOT NULL,
  `email` varchar(190) NOT NULL,
  `display_name` varchar(100) DEFAULT NULL,
  `legacy_name` varchar(100) CHARACTER SET latin1 DEFAULT NULL,
  `is_active` tinyint(1) NOT NULL DEFAULT 1,
  `status` enum('active','blocked','deleted') NOT NULL DEFAULT 'active',
  `prefs` set('newsletter','sms','beta') NOT NULL DEFAULT '',
  `country` char(2) DEFAULT NULL,
  `birth_date` date DEFAULT NULL,
  `created_at` datetime(6) NOT NULL,
  `updated_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `signup_year` year DEFAULT NULL,
  `credit_limit` decimal(12,2) DEFAULT NULL,
  `bio` mediumtext,
  `settings` json DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_customer_email` (`email`)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `orders` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `customer_id` int unsigned NOT NULL,
  `placed_at` timestamp(3) NOT NULL,
  `shipped_on` datetime DEFAULT NULL,
  `total` decimal(65,30) NOT NULL,
  `currency` varchar(3) NOT NULL DEFAULT 'EUR',
  `note` text,
  `payload` json DEFAULT NULL,
  `token` binary(16) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_orders_customer` (`customer_id`),
  CONSTRAINT `fk_orders_customer` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=5000 DEFAULT CHARSET=utf8mb4;

CREATE TABLE `order_line` (
  `order_id` bigint NOT NULL,
  `line_no` smallint unsigned NOT NULL,
  `sku` varchar(40) NOT NULL,
  `qty` mediumint NOT NULL,
  `unit_price` decimal(10,4) NOT NULL,
  `weight_kg` float DEFAULT NULL,
  PRIMARY KEY (`order_id`,`line_no`),
  CONSTRAINT `fk_line_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `web_session` (
  `session_key` varchar(40) NOT NULL,
  `started_at` datetime(6) NOT NULL,
  `customer_id` int unsigned DEFAULT NULL,
  `duration` time(3) DEFAULT NULL,
  `user_agent` tinytext,
  PRIMARY KEY (`session_key`,`started_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- the old PHP app's log: no primary key, and it does hold identical rows
CREATE TABLE `access_log` (
  `logged_at` datetime NOT NULL,
  `ip` varchar(45) NOT NULL,
  `path` varchar(255) NOT NULL,
  `status` smallint NOT NULL,
  `bytes` int DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `tag` (
  `name` varchar(50) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `orders_archive_2019` (
  `id` bigint NOT NULL,
  `customer_id` int unsigned NOT NULL,
  `total` decimal(12,2) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `attachment` (
  `id` int NOT NULL AUTO_INCREMENT,
  `order_id` bigint DEFAULT NULL,
  `filename` varchar(255) NOT NULL,
  `body_text` longtext,
  `body` longblob,
  `thumbnail` blob,
  `scan` longblob,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- the metrics corner: every numeric, temporal and text type at its edges
CREATE TABLE `measurement` (
  `id` int NOT NULL,
  `i8` tinyint DEFAULT NULL,
  `u8` tinyint unsigned DEFAULT NULL,
  `i16` smallint DEFAULT NULL,
  `u16` smallint unsigned DEFAULT NULL,
  `i24` mediumint DEFAULT NULL,
  `u24` mediumint unsigned DEFAULT NULL,
  `i32` int DEFAULT NULL,
  `u32` int unsigned DEFAULT NULL,
  `i64` bigint DEFAULT NULL,
  `u64` bigint unsigned DEFAULT NULL,
  `d65` decimal(65,30) DEFAULT NULL,
  `d_int` decimal(18,0) DEFAULT NULL,
  `f32` float DEFAULT NULL,
  `f32_wide` float DEFAULT NULL,
  `f64` double DEFAULT NULL,
  `day` date DEFAULT NULL,
  `at6` datetime(6) DEFAULT NULL,
  `at_tz` datetime(6) DEFAULT NULL,
  `ts6` timestamp(6) NULL DEFAULT NULL,
  `clock` time DEFAULT NULL,
  `span` time(6) DEFAULT NULL,
  `yr` year DEFAULT NULL,
  `native_uuid` uuid DEFAULT NULL,
  `doc` json DEFAULT NULL,
  `doc_text` longtext DEFAULT NULL,
  `note` text DEFAULT NULL,
  `code` char(4) DEFAULT NULL,
  `raw` varbinary(64) DEFAULT NULL,
  `ci_text` varchar(40) DEFAULT NULL,
  `tags` set('red','green','blue') DEFAULT NULL,
  `mood` enum('happy','sad','it''s complicated') DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""

POSTGRES_DDL = """
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE customer_status AS ENUM ('active', 'blocked', 'deleted');
CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s complicated');
CREATE TYPE colour AS ENUM ('red', 'green', 'blue');

CREATE TABLE customer (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  email citext NOT NULL UNIQUE,
  display_name varchar(100),
  legacy_name text,
  is_active boolean NOT NULL DEFAULT true,
  status customer_status NOT NULL DEFAULT 'active',
  prefs text[] NOT NULL DEFAULT '{}',
  country char(2),
  birth_date date,
  created_at timestamp(6) NOT NULL,
  updated_at timestamptz NOT NULL,
  signup_year smallint,
  credit_limit numeric(12,2),
  bio text,
  settings jsonb,
  -- the new app's own column: MySQL does not feed it, its DEFAULT does
  migrated_from text NOT NULL DEFAULT 'mysql-shop'
);

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customer(id),
  placed_at timestamptz(3) NOT NULL,
  shipped_on timestamp(0),
  total numeric(65,30) NOT NULL,
  currency varchar(3) NOT NULL DEFAULT 'EUR',
  note text,
  payload json,
  token uuid NOT NULL
);

CREATE TABLE order_line (
  order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  sku varchar(40) NOT NULL,
  qty integer NOT NULL,
  unit_price numeric(10,4) NOT NULL,
  weight_kg real,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE web_session (
  session_key varchar(40) NOT NULL,
  started_at timestamp(6) NOT NULL,
  customer_id bigint,
  duration interval(3),
  user_agent text,
  PRIMARY KEY (session_key, started_at)
);

CREATE TABLE access_log (
  logged_at timestamp NOT NULL,
  ip varchar(45) NOT NULL,
  path varchar(255) NOT NULL,
  status smallint NOT NULL,
  bytes integer
);

CREATE TABLE tag (name varchar(50) PRIMARY KEY);

CREATE TABLE orders_archive_2019 (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  total numeric(12,2) NOT NULL
);

CREATE TABLE attachment (
  id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  order_id bigint REFERENCES orders(id),
  filename varchar(255) NOT NULL,
  body_text text,
  body bytea,
  thumbnail bytea,
  scan text
);

CREATE TABLE measurement (
  id integer PRIMARY KEY,
  i8 smallint, u8 smallint, i16 smallint, u16 integer, i24 integer, u24 integer,
  i32 integer, u32 bigint, i64 bigint, u64 numeric(20,0),
  d65 numeric(65,30), d_int bigint,
  f32 real, f32_wide double precision, f64 double precision,
  day date, at6 timestamp(6), at_tz timestamptz(6), ts6 timestamptz(6),
  clock time(0), span interval(6), yr smallint,
  native_uuid uuid, doc jsonb, doc_text json, note text, code char(4), raw bytea,
  ci_text citext, tags colour[], mood mood
);

-- the new app's own table, referencing a migrated one
CREATE TABLE order_audit (
  id serial PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders(id),
  event text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
"""

# Text a real application stores: Windows and old-Mac line breaks, quotes, backslashes,
# a line that is only `\.` (psql's end-of-data marker), tabs, CSV's own characters.
AWKWARD_TEXT = [
    "first line\r\nsecond line\r\n",
    "old mac\rline",
    "unix\nline\n",
    "she said \"hi\", then 'bye'",
    "C:\\Users\\admin\\file.txt",
    "before\n\\.\nafter",
    "\\.",
    "\ttabbed\tcolumns\t",
    ",,,",
    "",
    "  padded  ",
    "NULL",
    "\\N",
    "emoji 🦊 𝄞 and ümlaut",
]

# 30 levels: MariaDB's JSON_VALID refuses nesting deeper than 31.
DEEP_JSON = "[" * 15 + '{"k": ' * 15 + '"bottom"' + "}" * 15 + "]" * 15
JSON_DOCS = [
    '{"name": "caf\\u00e9", "fox": "\\ud83e\\udd8a", "tab": "a\\tb", "quote": "\\"", "slash": "\\/"}',
    DEEP_JSON,
    '{"b": 1, "a": [1.5, -0, 1e3, 12345678901234567890, true, false, null], "a ": {}}',
    "[]",
    '"just a string with a backslash \\\\ and a newline \\n"',
    "null",
    '  {  "spaced"  :  1  }  ',
]

MIB = 1 << 20


def seed(source) -> None:
    with mysql_connect(source.mysql_database) as conn, conn.cursor() as cur:
        cur.execute("SET time_zone = '+00:00'")
        cur.executemany(
            "INSERT INTO customer (id, uuid, email, display_name, legacy_name, is_active, status,"
            " prefs, country, birth_date, created_at, updated_at, signup_year, credit_limit, bio,"
            " settings) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            [
                (
                    1000 + i,
                    f"{i:08X}-AAAA-4BBB-8CCC-{i:012X}",  # upper case, as some apps write them
                    f"user{i}@Example.com",
                    text,
                    "Ærøskøbing façade" if i % 2 else None,
                    i % 2,
                    ["active", "blocked", "deleted"][i % 3],
                    ["", "newsletter", "newsletter,beta", "newsletter,sms,beta"][i % 4],
                    ["DE", "FR", None][i % 3],
                    ["1000-01-01", "9999-12-31", "1969-07-20", None][i % 4],
                    f"2023-0{1 + i % 9}-1{i % 10} 0{i % 10}:30:00.{i:06d}",
                    f"2038-01-19 03:14:0{i % 8}",
                    [1901, 2155, 2000, None][i % 4],
                    ["9999999999.99", "-0.01", "0.00", None][i % 4],
                    text * 3,
                    JSON_DOCS[i % len(JSON_DOCS)],
                )
                for i, text in enumerate(AWKWARD_TEXT)
            ],
        )
        cur.executemany(
            "INSERT INTO orders (id, customer_id, placed_at, shipped_on, total, currency, note,"
            " payload, token) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            [
                (
                    5000 + i,
                    1000 + i % len(AWKWARD_TEXT),
                    f"1970-01-01 00:00:0{1 + i % 9}.{i:03d}"
                    if i % 2
                    else "2038-01-19 03:14:07.999",
                    None if i % 3 == 0 else f"2024-02-29 23:59:5{i % 10}",
                    ("-" if i % 2 else "")
                    + "12345678901234567890123456789012345.123456789012345678901234567890",
                    ["EUR", "USD", "JPY"][i % 3],
                    AWKWARD_TEXT[(i * 5) % len(AWKWARD_TEXT)],
                    JSON_DOCS[(i * 3) % len(JSON_DOCS)],
                    bytes([i, 0, 0, 0] * 4),  # 0x00 bytes in a binary uuid
                )
                for i in range(20)
            ],
        )
        # A deleted order: the sequence must stay past its id, as MySQL's AUTO_INCREMENT does.
        cur.execute(
            "INSERT INTO orders (id, customer_id, placed_at, total, token)"
            " VALUES (5999, 1000, NOW(), 0, REPEAT('x', 16))"
        )
        cur.execute("DELETE FROM orders WHERE id = 5999")
        cur.executemany(
            "INSERT INTO order_line VALUES (%s,%s,%s,%s,%s,%s)",
            [
                (
                    5000 + o,
                    line,
                    f"SKU-{o}-{line}",
                    [-8388608, 8388607, 1][line % 3],
                    ["999999.9999", "0.0001", "-1.5000"][line % 3],
                    [None, 0.1, 3.4028234663852886e38, 1.401298464324817e-45, -2.5][line % 5],
                )
                for o in range(20)
                for line in (1, 2, 65535)
            ],
        )
        cur.executemany(
            "INSERT INTO web_session VALUES (%s,%s,%s,%s,%s)",
            [
                # The same session key at two instants a microsecond apart.
                ("sess-a", "2024-03-31 01:59:59.999999", 1000, "838:59:59.000", "Mozilla/5.0"),
                ("sess-a", "2024-03-31 02:00:00.000000", 1000, "-838:59:59.000", None),
                ("sess-b", "1000-01-01 00:00:00.000000", None, "-00:00:00.001", "curl/8.0"),
                ("sess-c", "9999-12-31 23:59:59.999999", 1001, "25:00:00.500", ""),
            ],
        )
        cur.executemany(
            "INSERT INTO access_log VALUES (%s,%s,%s,%s,%s)",
            [
                ("2024-05-01 12:00:00", "10.0.0.1", "/", 200, 512),
                ("2024-05-01 12:00:00", "10.0.0.1", "/", 200, 512),  # the same hit, twice
                ("2024-05-01 12:00:00", "10.0.0.1", "/", 200, 512),
                ("2024-05-01 12:00:01", "::1", '/search?q=a,b&x="y"', 404, None),
                ("2024-05-01 12:00:01", "::1", '/search?q=a,b&x="y"', 404, None),
                ("2024-05-01 12:00:02", "2001:db8::ff00:42:8329", "/café", 500, 0),
            ],
        )
        cur.executemany(
            "INSERT INTO tag VALUES (%s)",
            [("sale",), ("summer sale ",), ("новинка",), ("a,b",), ("",)],
        )
        big_text = ("x" * 1023 + '"') * (MIB // 1024)  # quotes: the long-text quoting path
        big_blob = bytes(range(256)) * (MIB // 256)  # 0x00 included
        cur.execute(
            "INSERT INTO attachment (id, order_id, filename, body_text, body, thumbnail, scan)"
            " VALUES (1, 5000, 'invoice.pdf', %s, %s, %s, %s), (2, NULL, 'empty.bin', '', '', NULL,"
            " '')",
            (big_text, big_blob, b"\x00" * 10, b"\x89PNG\r\n\x1a\n\x00\x00"),
        )
        cur.executemany(
            f"INSERT INTO measurement VALUES ({', '.join(['%s'] * 32)})",
            MEASUREMENTS,
        )


MEASUREMENTS = [
    (
        1,
        -128,
        255,
        -32768,
        65535,
        -8388608,
        16777215,
        -2147483648,
        4294967295,
        -9223372036854775808,
        18446744073709551615,
        "-99999999999999999999999999999999999.999999999999999999999999999999",
        "-999999999999999999",
        3.4028234663852886e38,
        -3.4028234663852886e38,
        1.7976931348623157e308,
        "1000-01-01",
        "1000-01-01 00:00:00.000000",
        "1000-01-01 00:00:00.000000",
        "1970-01-01 00:00:01.000000",
        "00:00:00",
        "-838:59:59.000000",
        1901,
        "00000000-0000-0000-0000-000000000000",
        JSON_DOCS[0],
        JSON_DOCS[1],
        AWKWARD_TEXT[0],
        "ab",
        b"\x00",
        "Straße",
        "",
        "happy",
    ),
    (
        2,
        127,
        0,
        32767,
        0,
        8388607,
        0,
        2147483647,
        0,
        9223372036854775807,
        0,
        "99999999999999999999999999999999999.999999999999999999999999999999",
        "999999999999999999",
        1.401298464324817e-45,
        1.1754943508222875e-38,
        5e-324,
        "9999-12-31",
        "9999-12-31 23:59:59.999999",
        "9999-12-31 23:59:59.999999",
        "2038-01-19 03:14:07.999999",
        "23:59:59",
        "838:59:58.999999",
        2155,
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        JSON_DOCS[2],
        JSON_DOCS[4],
        AWKWARD_TEXT[5],
        "a\\b",
        b"",
        "STRASSE",
        "red,green,blue",
        "it's complicated",
    ),
    (
        3,
        0,
        1,
        -1,
        1,
        -1,
        1,
        -1,
        1,
        -1,
        9223372036854775808,
        "0.000000000000000000000000000001",
        "0",
        0.1,
        16777217.0,
        0.30000000000000004,
        "2024-02-29",
        "2024-02-29 12:34:56.000001",
        "2024-02-29 12:34:56.100000",
        "2000-01-01 00:00:00.000000",
        "12:00:00",
        "-00:00:00.000001",
        0,
        "123e4567-e89b-12d3-a456-426614174000",
        JSON_DOCS[3],
        JSON_DOCS[6],
        AWKWARD_TEXT[6],
        None,
        bytes(range(64)),
        "é",
        "blue",
        "sad",
    ),
    (4, *([None] * 31)),
    (
        5,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        18446744073709551614,
        "1.5",
        "-1",
        -2.5,
        1e-10,
        1e23,
        "1969-07-20",
        "1969-07-20 20:17:40.000000",
        "1969-07-20 20:17:40.000000",
        "2021-03-28 01:30:00.123456",
        "00:00:01",
        "25:00:00.5",
        2000,
        "123E4567-E89B-12D3-A456-426614174000",
        JSON_DOCS[5],
        JSON_DOCS[5],
        "",
        "    ",
        b"\xff" * 64,
        "",
        "",
        "happy",
    ),
]

TABLES = [
    "customer",
    "orders",
    "order_line",
    "web_session",
    "access_log",
    "tag",
    "orders_archive_2019",
    "attachment",
    "measurement",
]


# How each table's rows are read for the comparison, where the two drivers give one value
# different Python types: a uuid's case, FLOAT's 6-digit text over MySQL's protocol (both
# sides read as the exact double), an array against MySQL's set text, char(n)'s padding.
COMPARE: dict[str, dict] = {
    "customer": {
        "json_columns": ("settings",),
        "mysql_sql": {"uuid": "LOWER(`uuid`)"},
        "postgres_sql": {
            "prefs": "array_to_string(prefs, ',')",
            "email": "email::text",
            "status": "status::text",
            "country": "country::text",  # char(n)'s padding is not data
        },
    },
    "orders": {
        "json_columns": ("payload",),
        "postgres_sql": {"token": "uuid_send(token)"},
    },
    "order_line": {
        # FLOAT prints 6 digits over MySQL's protocol; both sides as the exact double.
        "mysql_sql": {"weight_kg": "CAST(`weight_kg` AS DOUBLE)"},
        "postgres_sql": {"weight_kg": "weight_kg::float8"},
    },
    "attachment": {"postgres_sql": {"scan": "decode(scan, 'base64')"}},
    "measurement": {
        "json_columns": ("doc", "doc_text"),
        "mysql_sql": {
            "f32": "CAST(`f32` AS DOUBLE)",
            "f32_wide": "CAST(`f32_wide` AS DOUBLE)",
            "native_uuid": "CAST(`native_uuid` AS CHAR)",
        },
        "postgres_sql": {
            "f32": "f32::float8",
            "tags": "array_to_string(tags, ',')",
            "ci_text": "ci_text::text",
            "mood": "mood::text",
            "code": "code::text",
        },
    },
}


@pytest.fixture
def shop(make_source):
    source = make_source(
        MYSQL_DDL,
        POSTGRES_DDL,
        name="shop",
        transforms={"attachment": {"scan": "base64"}},
    )
    seed(source)
    source.postgres(
        "INSERT INTO customer (id, uuid, email, created_at, updated_at) VALUES "
        "(1, gen_random_uuid(), 'stale@example.com', now(), now())"
    )
    return source


def test_a_real_looking_shop_moves_exactly_with_every_check_green(shop, instance):
    result = shop.migrate(instance)
    assert_every_check_passed(result, TABLES, source="shop")

    expected = {
        "customer": len(AWKWARD_TEXT),
        "orders": 20,
        "order_line": 60,
        "web_session": 4,
        "access_log": 6,
        "tag": 5,
        "orders_archive_2019": 0,
        "attachment": 2,
        "measurement": len(MEASUREMENTS),
    }
    for table in TABLES:
        rows = assert_same_rows(shop, table, **COMPARE.get(table, {}))
        assert rows == expected[table], table
        assert_manifest_and_header(shop, table, rows)

    # The stale row the target had is gone; the column MySQL does not feed has its DEFAULT.
    assert shop.postgres("SELECT count(*) FROM customer WHERE id = 1") == [(0,)]
    assert shop.postgres("SELECT DISTINCT migrated_from FROM customer") == [("mysql-shop",)]
    # 1 MiB values arrived whole.
    assert shop.postgres(
        "SELECT octet_length(body_text), octet_length(body) FROM attachment WHERE id = 1"
    ) == [(MIB, MIB)]
    # Identity, bigserial and serial sequences hand out ids past what MySQL used, the deleted
    # order's included.
    assert shop.postgres("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")[0][0] >= 6000
    assert shop.postgres("SELECT nextval(pg_get_serial_sequence('customer', 'id'))")[0][0] > 1013
    assert shop.postgres("SELECT nextval(pg_get_serial_sequence('attachment', 'id'))")[0][0] > 2


def test_the_postgres_only_table_keeps_its_rows_and_their_parents(shop, instance):
    assert shop.migrate(instance, run="first").success
    shop.postgres("INSERT INTO order_audit (order_id, event) VALUES (5003, 'migrated')")
    # The cutover run reloads orders (a DELETE, as order_audit references it): the audit row
    # stays, and the foreign-key check finds its parent again.
    result = shop.migrate(instance, run="cutover")
    assert_every_check_passed(result, TABLES, source="shop")
    assert shop.postgres("SELECT order_id, event FROM order_audit") == [(5003, "migrated")]
    assert_same_rows(
        shop,
        "order_line",
        mysql_sql={"weight_kg": "CAST(`weight_kg` AS DOUBLE)"},
        postgres_sql={"weight_kg": "weight_kg::float8"},
    )


# One change each, made in PostgreSQL after the load: the comparison above must see it.
TAMPERING = {
    "float one ulp off": (
        "measurement",
        "UPDATE measurement SET f64 = f64 * (1 + 2.220446049250313e-16) WHERE id = 3",
    ),
    "one duplicate row fewer": (
        "access_log",
        "DELETE FROM access_log WHERE ctid = (SELECT min(ctid) FROM access_log WHERE bytes = 512)",
    ),
    "a JSON number changed": (
        "customer",
        """UPDATE customer SET settings = '{"b": 1, "a": [1.5, 0, 1000.1]}' WHERE id = 1002""",
    ),
    "a key's datetime part a microsecond off": (
        "web_session",
        "UPDATE web_session SET started_at = started_at + interval '1 microsecond' "
        "WHERE session_key = 'sess-b'",
    ),
}


@pytest.mark.parametrize("change", sorted(TAMPERING))
def test_the_row_comparison_sees_a_single_changed_value(shop, instance, change):
    table, statement = TAMPERING[change]
    assert shop.migrate(instance).success
    assert_same_rows(shop, table, **COMPARE.get(table, {}))  # equal before the change
    shop.postgres(statement)
    with pytest.raises(AssertionError):
        assert_same_rows(shop, table, **COMPARE.get(table, {}))
