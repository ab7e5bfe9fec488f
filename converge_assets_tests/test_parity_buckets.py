"""Content parity's buckets of a table keyed by one uuid column come from the key's own text
(parity.UUID_KEY_BUCKETS), against the real servers: both sides agree on them whatever the
case MySQL stores the key in, the rows spread over the buckets, and a changed row is still
found and named."""

from __future__ import annotations

from converge_assets.engine import parity
from converge_assets_tests.pair_harness import pair  # noqa: F401 (fixture)

ROWS = 600


def _make(pair, name: str, uuid_sql: str) -> None:  # noqa: F811
    pair.mysql(
        f"CREATE TABLE {name} (id char(36) NOT NULL PRIMARY KEY, v varchar(20) NOT NULL); "
        f"INSERT INTO {name} SELECT {uuid_sql}, CONCAT('v', seq) FROM seq_1_to_{ROWS}"
    )
    pair.postgres(f"CREATE TABLE {name} (id uuid PRIMARY KEY, v varchar(20) NOT NULL)")


def test_uuid_keys_in_any_case_and_version_spread_and_compare(pair, tmp_path):  # noqa: F811
    # MariaDB's UUID() is version 1 (its last 12 digits the same node for every row), stored
    # here in upper case; MD5 of a counter stands in for random (version 4) keys.
    kinds = {
        "v1_upper": "UPPER(UUID())",
        "random": "INSERT(INSERT(INSERT(INSERT(MD5(seq), 21, 0, '-'), 17, 0, '-'), 13, 0, '-'), "
        "9, 0, '-')",
    }
    for name, uuid_sql in kinds.items():
        _make(pair, name, uuid_sql)
        pair.migrate(name, tmp_path)
        table, _, plan = pair.plan(name)
        assert parity._digests(table, plan, mysql_side=True).uuid_key
        fingerprint = pair.fingerprint(name)
        result = pair.parity(name, fingerprint)
        assert result.passed and result.postgres_rows == ROWS
        # 600 rows over 256 buckets: about 250 of them hold some when the rows spread
        # (one bucket only, were the node digits the bucket's only source).
        assert len(fingerprint.buckets) > 200, (name, len(fingerprint.buckets))

        (changed,) = pair.postgres(f"SELECT id::text FROM {name} ORDER BY id LIMIT 1")[0]
        pair.postgres(f"UPDATE {name} SET v = 'changed' WHERE id = '{changed}'")
        result = pair.parity(name, fingerprint)
        assert not result.passed
        assert result.differing_buckets == 1
        assert result.differing_keys == [changed]


def test_a_fingerprint_taken_with_md5_buckets_does_not_compare(pair, tmp_path, monkeypatch):  # noqa: F811
    """The bucket scheme is part of the plan digest: sums taken under the other never pass
    for equal (they would not be comparable), they are refused as another plan's."""
    _make(pair, "schemes", "UUID()")
    pair.migrate("schemes", tmp_path)
    monkeypatch.setattr(parity, "UUID_KEY_BUCKETS", False)
    old = pair.fingerprint("schemes")
    assert pair.parity("schemes", old).passed  # md5 buckets on both sides: still equal
    monkeypatch.setattr(parity, "UUID_KEY_BUCKETS", True)
    try:
        pair.parity("schemes", old)
    except parity.ParityError as e:
        assert "another conversion plan" in str(e)
    else:
        raise AssertionError("a fingerprint of the other bucket scheme was compared")
