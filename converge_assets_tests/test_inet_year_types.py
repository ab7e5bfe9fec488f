"""MariaDB's inet4 (10.10+) into PostgreSQL inet, exactly, with content parity able to fail;
YEAR(2) refused (its stored number is not the year)."""

from __future__ import annotations

import ipaddress

import pytest

from converge_assets.engine.conversion import UnsupportedTypePair, plan_table
from converge_assets_tests.pair_harness import pair  # noqa: F401 (fixture)

ADDRESSES = ["0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.1", "127.0.0.1", None]


@pytest.fixture(scope="module")
def inets(pair):  # noqa: F811
    rows = ", ".join(
        f"({i}, {'NULL' if a is None else repr(a)})" for i, a in enumerate(ADDRESSES, start=1)
    )
    pair.mysql(
        f"CREATE TABLE hosts (id int PRIMARY KEY, ip inet4 NULL); INSERT INTO hosts VALUES {rows}"
    )
    pair.postgres("CREATE TABLE hosts (id int PRIMARY KEY, ip inet)")
    return pair


def test_inet4_arrives_exactly_and_parity_can_fail(inets, tmp_path):
    assert inets.migrate("hosts", tmp_path) == len(ADDRESSES)
    theirs = dict(inets.postgres("SELECT id, ip FROM hosts"))
    assert theirs == {
        i: None if a is None else ipaddress.ip_address(a) for i, a in enumerate(ADDRESSES, start=1)
    }
    assert inets.postgres("SELECT count(*) FROM hosts WHERE masklen(ip) <> 32") == [(0,)]
    fingerprint = inets.fingerprint("hosts")
    assert inets.parity("hosts", fingerprint).passed
    inets.postgres("UPDATE hosts SET ip = '1.2.3.5' WHERE id = 3")
    result = inets.parity("hosts", fingerprint)
    assert not result.passed and result.differing_keys == ["3"], result
    inets.migrate("hosts", tmp_path)
    inets.postgres("UPDATE hosts SET ip = '10.0.0.1/8' WHERE id = 4")  # same address, a network
    result = inets.parity("hosts", fingerprint)
    assert not result.passed and result.differing_keys == ["4"], result


def test_year2_and_inet6_are_unsupported(pair):  # noqa: F811
    pair.mysql("CREATE TABLE years2 (id int PRIMARY KEY, y year(2), i inet6)")
    pair.postgres("CREATE TABLE years2 (id int PRIMARY KEY, y smallint, i inet)")
    with pytest.raises(UnsupportedTypePair) as e:
        plan_table(pair.table("years2"), pair.target("years2"))
    assert {(c.column, c.mysql_type) for c in e.value.columns} == {("y", "year(2)"), ("i", "inet6")}
    assert "two-digit year" in str(e.value)
